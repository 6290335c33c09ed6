"""configure_spiking_test: --snn, --timesteps, --chunk and --strict into a
config."""
import pytest

from spikedet.engine.spiking_config import spiking_config
from spikedet.engine.test_setup import configure_spiking_test
from spikedet.simulation import SimulationError
from spikedet.utils.config import load_config
from spikedet.errors import UserInputError

ANN = 'configs/yolov3/yolov3_mbv2_shapes.py'


def test_chunk_reaches_the_spiking_model_converted_on_the_fly():
    cfg = load_config(ANN)
    configure_spiking_test(cfg, 'if', [1, 4], calib_batches=2, chunk=4)
    hook, = [h for h in cfg.custom_hooks if h['type'] == 'ConversionHook']
    assert hook['snn_model']['chunk'] == 4
    assert list(hook['snn_model']['timesteps']) == [1, 4]


def test_chunk_reaches_a_converted_config():
    cfg = load_config(ANN)
    cfg.model = spiking_config(cfg, 'if', [1, 2]).model
    configure_spiking_test(cfg, None, None, calib_batches=2, chunk=2)
    assert cfg.model.chunk == 2


def test_bad_chunks_are_user_errors():
    with pytest.raises(UserInputError, match='--chunk needs a spiking'):
        configure_spiking_test(load_config(ANN), None, None, 2, chunk=2)
    with pytest.raises(SimulationError, match='chunk must be a positive'):
        configure_spiking_test(load_config(ANN), 'if', None, 2, chunk=0)


def test_strict_reaches_the_conversion_and_only_a_conversion():
    cfg = load_config(ANN)
    configure_spiking_test(cfg, 'if_channel', [1], 2, strict=True)
    hook, = [h for h in cfg.custom_hooks if h['type'] == 'ConversionHook']
    assert hook['snn_model']['conversion']['spike_driven'] == 'strict'
    assert hook['snn_model']['conversion']['method'] == 'if_channel'
    converted = load_config(ANN)
    converted.model = spiking_config(converted, 'if', [1, 2]).model
    with pytest.raises(UserInputError, match='--strict applies to a '
                       'conversion'):
        configure_spiking_test(converted, None, None, 2, strict=True)


def test_a_plain_anns_coco_metric_scores_the_tested_images_only():
    cfg = load_config(ANN)
    configure_spiking_test(cfg, None, None, calib_batches=2)
    assert cfg.test_evaluator['type'] == 'ProcessedImagesMetric'
    assert cfg.test_evaluator['metric']['type'] == 'CocoMetric'
    converted = load_config(ANN)  # a spiking run scores per read-out
    configure_spiking_test(converted, 'if', [1], calib_batches=2)
    assert converted.test_evaluator['type'] == 'TimestepMetric'
