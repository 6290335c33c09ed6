"""check_data_paths: a missing data set is named with the key that sets it."""
import pytest
from mmengine.config import Config

from spikedet.engine.data_paths import check_data_paths
from spikedet.errors import DataPathError, UserInputError


def _cfg(tmp_path, **loaders) -> Config:
    (tmp_path / 'voc' / 'sets').mkdir(parents=True)
    (tmp_path / 'voc' / 'sets' / 'train.txt').write_text('')
    return Config(dict(**loaders))


def test_every_dataset_of_a_concatenation_is_checked(tmp_path):
    root = f'{tmp_path}/voc/'
    good = dict(type='VOCDataset', data_root=root, ann_file='sets/train.txt')
    bad = dict(good, ann_file='sets/trainval.txt')
    cfg = _cfg(tmp_path, train_dataloader=dict(dataset=dict(
        type='RepeatDataset', times=2, dataset=dict(
            type='ConcatDataset', datasets=[good, bad]))))
    check_data_paths(cfg, ['test_dataloader'], [])  # absent: not read
    with pytest.raises(DataPathError) as info:
        check_data_paths(cfg, ['train_dataloader'], [])
    assert isinstance(info.value, UserInputError)  # one line at the CLI
    assert str(info.value) == (
        f'annotation file {root}sets/trainval.txt does not exist: set '
        'train_dataloader.dataset.dataset.datasets.1.ann_file (relative to '
        'train_dataloader.dataset.dataset.datasets.1.data_root)')


def test_the_root_is_named_before_its_files(tmp_path):
    cfg = _cfg(tmp_path, test_dataloader=dict(dataset=dict(
        data_root=f'{tmp_path}/coco/', ann_file='annotations/val.json')))
    with pytest.raises(DataPathError, match=f'data root {tmp_path}/coco/ '
                       'does not exist: set test_dataloader.dataset.'
                       'data_root'):
        check_data_paths(cfg, evaluators=[])


def test_evaluator_files_absolute_and_remote_paths(tmp_path):
    ann = tmp_path / 'voc' / 'sets' / 'train.txt'
    metric = dict(type='CocoMetric', ann_file=str(ann))
    cfg = _cfg(tmp_path, test_dataloader=dict(dataset=dict(
        data_root=f'{tmp_path}/voc/', ann_file=str(ann))),
        test_evaluator=[metric, dict(type='TimestepMetric', metric=dict(
            metric, ann_file=f'{tmp_path}/gt.json'))])
    with pytest.raises(DataPathError, match=r'set test_evaluator\.1\.metric'
                       r'\.ann_file \(--cfg-options'):
        check_data_paths(cfg)
    # Wrapped after the config was read (--snn): named as the file spells it.
    with pytest.raises(DataPathError, match=r'set test_evaluator\.1\.'
                       r'ann_file \(--cfg-options'):
        check_data_paths(cfg, wrapped=True)
    cfg.test_evaluator[1].metric.ann_file = 's3://bucket/gt.json'
    check_data_paths(cfg)  # remote: left to its backend
