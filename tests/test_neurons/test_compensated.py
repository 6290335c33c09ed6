"""CompensatedOp: everything emitted up to T sums to T * f(average input)."""
import functools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from spikedet.neurons import CompensatedOp
from spikedet.neurons.stateful import set_chunk

# Every kind conversion wraps: element-wise functions (modules and
# functions), normalisations and softmax (one input, not element-wise).
ONE_INPUT = [F.silu, F.gelu, torch.sigmoid, torch.tanh, torch.exp,
             F.hardswish, F.mish, nn.SiLU(), nn.Hardsigmoid(),
             functools.partial(torch.clamp, min=-0.5, max=0.5), torch.abs,
             nn.GroupNorm(1, 3), nn.LayerNorm([4, 4]),
             functools.partial(F.normalize, dim=1),
             functools.partial(torch.softmax, dim=1)]


def _run(op, steps, sleep=()):
    """Feed ``steps`` (a list of input tuples); True in ``sleep`` marks a
    sleep step. Returns the running output sums after every step."""
    sums, total = [], 0
    for i, inputs in enumerate(steps):
        op.sleep = i in sleep
        total = total + op(*inputs)
        sums.append(total)
    return sums


@pytest.mark.parametrize('fn', ONE_INPUT)
def test_every_readout_is_f_of_the_average(fn):
    torch.manual_seed(0)
    xs = [(torch.randn(2, 3, 4, 4),) for _ in range(12)]
    sums = _run(CompensatedOp(fn), xs)
    for t in range(1, 13):
        mean = torch.stack([x for (x,) in xs[:t]]).mean(0)
        torch.testing.assert_close(sums[t - 1], t * fn(mean),
                                   rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('fn,shape_b', [(torch.matmul, (5, 4)),
                                        (torch.mul, (3, 5)),
                                        (torch.div, (3, 5))])
def test_several_inputs(fn, shape_b):
    """f of two signals: an attention-like matrix product, a gate's
    product, a quotient (its divisor kept away from zero)."""
    torch.manual_seed(1)
    a = [torch.randn(3, 5) for _ in range(6)]
    b = [torch.rand(*shape_b) + 1 for _ in range(6)]
    sums = _run(CompensatedOp(fn), list(zip(a, b)))
    for t in range(1, 7):
        expected = t * fn(torch.stack(a[:t]).mean(0),
                          torch.stack(b[:t]).mean(0))
        torch.testing.assert_close(sums[t - 1], expected, rtol=1e-5,
                                   atol=1e-5)


@pytest.mark.parametrize('fn', [torch.sigmoid, torch.mul])
def test_wake_sleep_schedule_reads_out_f_of_the_wake_average(fn):
    """Under CASC's schedule (2 wake steps, then 3 sleep steps with zero
    input, repeated), the sum at every read-out is T_wake * f(sum / T_wake)."""
    torch.manual_seed(4)
    op, arity = CompensatedOp(fn), 2 if fn is torch.mul else 1
    total, sums, wake = 0, [torch.zeros(4)] * arity, 0
    for step in range(15):
        asleep = step % 5 >= 2
        xs = [torch.zeros(4) if asleep else torch.randn(4)
              for _ in range(arity)]
        op.sleep = asleep
        total = total + op(*xs)
        sums = [s + x for s, x in zip(sums, xs)]
        wake += not asleep
        torch.testing.assert_close(total, wake * fn(*(s / wake for s in sums)),
                                   rtol=1e-5, atol=1e-5)


def test_sleep_steps_do_not_count_but_their_input_does():
    """Under a wake-sleep schedule the read-out divides by wake steps: input
    arriving in a sleep step joins the average of the wake steps so far,
    and a silent sleep step emits nothing."""
    torch.manual_seed(2)
    xs = [(torch.randn(4),) for _ in range(5)]
    xs[3] = (torch.zeros(4),)  # a silent sleep step
    sums = _run(CompensatedOp(torch.sigmoid), xs, sleep={2, 3})
    wake = 3  # steps 0, 1, 4
    average = sum(x for (x,) in xs) / wake
    torch.testing.assert_close(sums[-1], wake * torch.sigmoid(average))
    torch.testing.assert_close(sums[3], sums[2])  # silent: nothing emitted
    after_sleep = (xs[0][0] + xs[1][0] + xs[2][0]) / 2
    torch.testing.assert_close(sums[2], 2 * torch.sigmoid(after_sleep))


def test_chunked_steps_equal_single_steps():
    torch.manual_seed(3)
    xs = [torch.randn(2, 6) for _ in range(4)]
    single = _run(CompensatedOp(F.gelu), [(x,) for x in xs])
    chunked = CompensatedOp(F.gelu)
    set_chunk(chunked, 4)
    out = chunked(torch.cat(xs)).unflatten(0, (4, 2)).cumsum(0)
    torch.testing.assert_close(out[-1], single[-1])
    torch.testing.assert_close(out[1], single[1])


def test_reset_forgets_the_input_and_its_copy_is_private():
    op = CompensatedOp(torch.exp)
    x = torch.ones(3)
    first = op(x)
    x.zero_()  # the producer reuses its output buffer
    torch.testing.assert_close(op(torch.ones(3)) + first,
                               2 * torch.exp(torch.ones(3)))
    op.reset()
    torch.testing.assert_close(op(torch.zeros(3)), torch.ones(3))


def test_a_module_fn_is_a_child_with_its_parameters():
    prelu = nn.PReLU(3)
    op = CompensatedOp(prelu)
    assert 'fn.weight' in op.state_dict()
    assert 'PReLU' in repr(op)
    assert 'fn=gelu' in repr(CompensatedOp(F.gelu))


def _mmcv_attention():
    from mmcv.cnn.bricks.transformer import MultiheadAttention
    return MultiheadAttention(8, 2, batch_first=True).eval()


def _deformable_attention():
    from mmcv.ops import MultiScaleDeformableAttention
    return MultiScaleDeformableAttention(8, num_heads=2, num_levels=2,
                                         num_points=2, batch_first=True).eval()


def _attention_calls(kind, steps):
    """Per step: the keyword inputs of an attention call, the signals
    drawn afresh, the constants (positions, masks, shapes) fixed."""
    torch.manual_seed(5)
    mask = torch.zeros(2, 6, dtype=torch.bool)
    mask[1, 4:] = True  # the second image's padding
    pos, points = torch.randn(2, 6, 8), torch.rand(2, 3, 2, 2)
    calls = []
    for _ in range(steps):
        if kind == 'deformable':
            calls.append(dict(
                query=torch.randn(2, 3, 8), value=torch.randn(2, 5, 8),
                reference_points=points,
                spatial_shapes=torch.tensor([[2, 2], [1, 1]]),
                level_start_index=torch.tensor([0, 4])))
        else:
            calls.append(dict(query=torch.randn(2, 6, 8), query_pos=pos,
                              key_padding_mask=mask))
    return calls


@pytest.mark.needs_mm
@pytest.mark.parametrize('kind', ['softmax', 'deformable'])
@pytest.mark.parametrize('asleep', [(), (2, 3)])
def test_attention_reads_out_attention_of_the_averages(kind, asleep):
    """mmcv's multi-head and multi-scale deformable attention, called with
    keywords as mmdet's DETRs call them: at every read-out (under a
    wake-sleep schedule too, sleep steps bringing no input, constants
    included), the sum is T times the attention of the averaged
    floating-point inputs, the masks, shapes and indices passed
    unchanged."""
    from spikedet.conversion.attention import AttentionFunction
    attention = _mmcv_attention() if kind == 'softmax' else \
        _deformable_attention()
    op = CompensatedOp(AttentionFunction(attention), analog_work=1)
    calls = _attention_calls(kind, 6)
    total, wake, sums = 0, 0, {}
    with torch.no_grad():
        for step, call in enumerate(calls):
            op.sleep = step in asleep
            if op.sleep:  # a silent sleep step
                call = {k: torch.zeros_like(v) if v.is_floating_point()
                        else v for k, v in call.items()}
            total = total + op(**call)
            wake += not op.sleep
            for k, v in call.items():
                if v.is_floating_point():
                    sums[k] = sums.get(k, 0) + v
            expected = wake * attention(**dict(
                call, **{k: s / wake for k, s in sums.items()}))
            torch.testing.assert_close(total, expected, rtol=1e-4,
                                       atol=1e-4)
    assert op.analog_work > 1  # its own figure, from the call's shapes


def test_tuple_outputs_torch_attention():
    """torch's MultiheadAttention returns (output, weights): each is
    compensated, so both read out as the attention of the averages."""
    torch.manual_seed(6)
    attention = nn.MultiheadAttention(8, 2, batch_first=True).eval()
    op = CompensatedOp(attention)
    xs = [torch.randn(1, 4, 8) for _ in range(5)]
    outs = [op(x, x, x) for x in xs]
    with torch.no_grad():
        expected = attention(*[torch.stack(xs).mean(0)] * 3)
    for got, want in zip(map(sum, zip(*outs)), expected):
        torch.testing.assert_close(got, 5 * want, rtol=1e-4, atol=1e-4)
