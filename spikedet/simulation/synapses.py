"""What a synaptic layer (conv, transposed conv, linear) computes: MACs and
the synapses its inputs reach."""
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.modules.conv import _ConvTransposeNd


def layer_macs(module: nn.Module, x: Tensor, out: Tensor) -> int:
    """Multiply-accumulates of one call: output elements x weights each
    (a transposed conv: input elements x weights each)."""
    if isinstance(module, _ConvTransposeNd):
        return x.numel() * module.weight[0].numel()
    return out.numel() * module.weight[0].numel()


def count_synapses(module: nn.Module, x: Tensor) -> Tensor:
    """Sum over outputs of the inputs each one reads through a non-zero
    weight: its gradient w.r.t. ``x`` is every input element's fan-out,
    border effects, strides, dilation and groups included."""
    ones = (module.weight != 0).to(x.dtype)
    if isinstance(module, nn.Linear):
        return F.linear(x, ones).sum()
    if isinstance(module, _ConvTransposeNd):
        transpose = (F.conv_transpose1d, F.conv_transpose2d,
                     F.conv_transpose3d)[ones.dim() - 3]
        return transpose(x, ones, None, module.stride, module.padding,
                         module.output_padding, module.groups,
                         module.dilation).sum()
    return module._conv_forward(x, ones, None).sum()  # padding modes too
