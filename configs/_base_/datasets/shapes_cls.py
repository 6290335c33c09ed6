# Classification split of the embedded shapes data: 32x32 crops, one object
# each, 500 / 100 per class (data/shapes/cls).
dataset_type = 'ShapesClassification'
data_root = 'data/shapes/'
classes = ('circle', 'rectangle', 'triangle', 'star', 'hexagon', 'cross')
metainfo = dict(classes=classes)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomFlipRotate90'),
    dict(type='PackClassificationInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackClassificationInputs')
]
train_dataloader = dict(
    batch_size=64,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 metainfo=metainfo, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=100,
    num_workers=1,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='val',
                 metainfo=metainfo, test_mode=True,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='TimestepAccuracy')
test_evaluator = val_evaluator
