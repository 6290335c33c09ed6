# CASC quantization-aware resnet18: every activation becomes an 8-level clip-floor
# (straight-through gradient), fine-tuned from the plain checkpoint.
#   python tools/train.py configs/classification/resnet18_shapes_casc-l8.py
_base_ = ['./resnet18_shapes.py']
model = dict(act_quant=dict(levels=8))
# The paper's fixed clip top 1; the plain checkpoint has no `top` buffers.
custom_hooks = [
    dict(type='SafeLoadHook', checkpoint='data/checkpoints/resnet18_shapes.pth',
         allow_missing=['.top'])
]

max_epochs = 15
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
         T_max=max_epochs, eta_min=1e-4, convert_to_iter_based=True)
]
