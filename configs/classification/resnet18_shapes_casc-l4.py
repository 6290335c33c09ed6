# CASC quantization-aware ResNet-18, L = 4: resnet18_shapes_casc-l8.py with
# 4 clip-floor levels, for the cif_wsc_l4 method (a sleep phase after every
# 4 wake steps). Fine-tuned from the L = 8 checkpoint, whose tops are learnt
# already: only the rounding grid is halved.
#   python tools/train.py configs/classification/resnet18_shapes_casc-l4.py \
#       --export data/checkpoints/resnet18_shapes_casc-l4.pth
_base_ = ['./resnet18_shapes_casc-l8.py']
model = dict(act_quant=dict(levels=4))
custom_hooks = [
    dict(type='SafeLoadHook',
         checkpoint='data/checkpoints/resnet18_shapes_casc-l8.pth')
]
max_epochs = 10
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=0.005))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs,
         T_max=max_epochs, eta_min=1e-4, convert_to_iter_based=True)
]
