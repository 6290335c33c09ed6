"""Products of two signals: element-wise and matrix products, quotients.

Multiplying two activations (a channel-attention gate times its features,
attention's queries times keys) is not linear: the product of two spike
trains' step values is not the product of their rates. Conversion makes
each such call a site of kind ``'island'`` with two inputs whose spiking
replacement is a :class:`~spikedet.neurons.CompensatedOp` of the ANN's
product: exact on rates at every read-out, computing on analog values at
every wake step. A product with a constant (a weight, a scalar, an
anchor) is linear and stays as it is; a quotient is a site where its
divisor is a signal.

Work per output element and wake step, in MAC equivalents [our choice]:
1 for an element-wise product or quotient, the inner dimension for a
matrix product.
"""
from typing import Callable, Dict, Optional, Tuple

import torch
from torch import Tensor

T = torch.Tensor


def _swapped_div(a: Tensor, b: Tensor) -> Tensor:
    return torch.div(b, a)


def _swapped_matmul(a: Tensor, b: Tensor) -> Tensor:
    return torch.matmul(b, a)


# The call -> (name, out-of-place function of the two operands in call
# order, which operand makes it nonlinear: 'both' or 'second').
PRODUCT_FUNCS: Dict[Callable, Tuple[str, Callable, str]] = {
    **{f: ('product', torch.mul, 'both') for f in (
        torch.mul, T.mul, T.__mul__, T.__rmul__, T.mul_, T.__imul__)},
    **{f: ('matmul', torch.matmul, 'both') for f in (
        torch.matmul, T.matmul, T.__matmul__, torch.bmm, T.bmm)},
    T.__rmatmul__: ('matmul', _swapped_matmul, 'both'),
    **{f: ('quotient', torch.div, 'second') for f in (
        torch.div, T.div, T.__truediv__, T.div_, T.__itruediv__)},
    T.__rtruediv__: ('quotient', _swapped_div, 'first'),
}

#: What a user targeting purely spiking hardware can do about a product.
PRODUCT_REMEDY = ('it multiplies two activations, which no synapse can; '
                  'fine-tune without it (a channel-attention gate: '
                  'channel_attention=False)')

#: Calls among them that write into their first operand.
IN_PLACE = (T.mul_, T.__imul__, T.div_, T.__itruediv__)


def product_call(func: Callable, args, is_signal: Callable[[object], bool]
                 ) -> Optional[Tuple[str, Callable, int]]:
    """``(name, f, work per output element)`` of a product call whose
    operands make it nonlinear (``is_signal`` tells an activation from a
    constant), None for any other call."""
    found = PRODUCT_FUNCS.get(func)
    if found is None or len(args) < 2:
        return None
    name, fn, needs = found
    first, second = is_signal(args[0]), is_signal(args[1])
    nonlinear = (first and second) if needs == 'both' else \
        (second if needs == 'second' else first)
    if not nonlinear:
        return None
    work = 1
    if name == 'matmul':
        inner = args[1] if fn is _swapped_matmul else args[0]
        work = int(inner.shape[-1])
    return name, fn, work
