"""Find every nonlinear call site of a network by running it once.

No graph tracing: mmdet's heads iterate over lists, branch on shapes and
call functional ops, which symbolic tracing cannot follow. Instead the
network runs on real inputs while

* global module hooks keep a stack of the modules currently executing, and
  report each activation *module* (``nn.ReLU``, ``ReLU6``, ``LeakyReLU``,
  ``Hardtanh(0, m)``, :class:`ClipFloor`, and the element-wise ones no
  neuron computes: ``nn.SiLU``, ``nn.GELU``, mmcv's ``Swish``, ...) and
  ``nn.MaxPool2d`` call as a site;
* a ``TorchFunctionMode`` sees every torch call, reports functional
  activations (``F.relu`` in mmdet's RPNHead, ``torch.sigmoid``), analog
  islands (normalisations, softmax, :mod:`.islands`), products of two
  signals (:mod:`.products`) and max-pools as sites of the innermost module
  executing, and raises on known unconvertible operations.

A site is identified by its *owner* module and the index of the call among
the owner's calls in one forward pass. A module called at several places
(mmdet's and torchvision's residual blocks call one ``self.relu`` two or three
times) thus yields several sites, each of which gets its own neuron.

With ``spike_driven`` the trace also follows where values come from
(:mod:`.provenance`) and reports an *identity site* at the input of every
call of a synaptic module (conv, linear, transposed conv) that reads an
analog value: another synaptic layer's output, possibly through linear
routing. Its owner is the synaptic module, its index the call's position
among that module's calls. The network's input layer reads the input, not
an analog value, and stays as it is.
"""
from collections import defaultdict
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode

from ..neurons.stateful import StatefulModule
from .errors import UnsupportedLayerError
from .elementwise import is_max_pooling
from .ops import (IDENTITY, MAX_POOL_FUNCS, SYNAPTIC_FUNCS,
                  SYNAPTIC_MODULES, UNSUPPORTED_FUNCS, UNSUPPORTED_MODULES,
                  ActivationSpec, functional_activation_spec,
                  is_identity_max_pool, module_activation_spec,
                  pool_args_from_call, unsupported_remedy)
from .products import PRODUCT_FUNCS, product_call
from .provenance import ANALOG, SPIKE, mark, source
from .site_table import Site, SiteTable

# Called with (site, input, output) for every site call during a trace.
SiteObserver = Callable[['Site', Tensor, Tensor], None]


def _emits(spec: ActivationSpec, elementwise_neurons: bool) -> str:
    """A neuron passes spikes on, a rate-exact operation analog values (a
    signed neuron encodes them, when spike-driven); an element-wise site
    that will be a neuron (``elementwise_neurons``; not a max-pooling, which
    stays a pooling of what it reads) spikes."""
    if spec.kind == 'elementwise' and elementwise_neurons and \
            not is_max_pooling(spec.params['op']):
        return SPIKE
    return ANALOG if spec.compensated else SPIKE


class _Tracer(TorchFunctionMode):
    """Module stack + function interception for one traced forward."""

    def __init__(self, model: nn.Module, table: SiteTable,
                 observer: Optional[SiteObserver], spike_driven: bool = False,
                 analog_inputs: bool = False,
                 elementwise_neurons: bool = False) -> None:
        super().__init__()
        self.model = model
        self.spike_driven = spike_driven
        self.analog_inputs = analog_inputs
        self.elementwise_neurons = elementwise_neurons
        self.synaptic_counts: Dict[str, int] = defaultdict(int)
        self.product_calls: Dict[str, int] = defaultdict(int)
        self.names = {m: n for n, m in model.named_modules()}
        self.table = table
        self.observer = observer
        self.stack: List[nn.Module] = []
        self.counts: Dict[str, int] = defaultdict(int)
        self.known = {s.name: s for s in table.sites}
        self.busy = False  # set while our own bookkeeping runs

    # -- module hooks -------------------------------------------------------
    def pre_hook(self, module: nn.Module, args) -> None:
        remedy = UNSUPPORTED_MODULES.get(type(module).__name__)
        if remedy is not None:
            raise UnsupportedLayerError(
                f'{self.names.get(module, "<root>")} '
                f'({type(module).__name__}) has no spiking counterpart: '
                f'{remedy}')
        if not self.stack and module is self.model and self.analog_inputs:
            mark(args, ANALOG)
        self.stack.append(module)

    def post_hook(self, module: nn.Module, args, kwargs, output) -> None:
        self.stack.pop()
        if module not in self.names or self._inside_activation():
            return
        spec = module_activation_spec(module)
        if spec is not None:
            # Attention is called with keywords only.
            x = args[0] if args else next(iter(kwargs.values()))
            self._record(self.names[module], False, spec, None, x, output)
            mark(output, _emits(spec, self.elementwise_neurons))
        elif isinstance(module, nn.MaxPool2d):
            pool = (module.kernel_size, module.stride, module.padding,
                    module.dilation, module.ceil_mode)
            self._record(self.names[module], False, None, pool, args[0],
                         output)
            mark(output, source(args[0]))

    def _inside_activation(self) -> bool:
        """Whether the innermost running module is an activation (whose
        own submodules, e.g. a signed clip-floor's halves, are not sites)."""
        return bool(self.stack) and \
            module_activation_spec(self.stack[-1]) is not None

    def _inside_opaque_module(self) -> bool:
        """Calls inside activation, max-pool and spiking modules are theirs."""
        top = self.stack[-1] if self.stack else None
        return top is not None and (module_activation_spec(top) is not None
                                    or isinstance(top, (nn.MaxPool2d,
                                                        StatefulModule)))

    # -- function interception ----------------------------------------------
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.busy or not self.stack or self._inside_opaque_module():
            return func(*args, **kwargs)
        owner = self.names.get(self.stack[-1])
        if func in SYNAPTIC_FUNCS and owner is not None:
            self._synaptic_call(owner, args[0])
        out = func(*args, **kwargs)
        if func in SYNAPTIC_FUNCS:
            mark(out, ANALOG)
        else:
            mark(out, source((args, kwargs)))
        if owner is None:
            return out
        spec = functional_activation_spec(func, args, kwargs) or \
            self._product_spec(owner, func, args)
        if spec is not None:
            self._record(owner, True, spec, None, args[0], out, func=func)
            mark(out, _emits(spec, self.elementwise_neurons))
        elif func in MAX_POOL_FUNCS and not is_identity_max_pool(args, kwargs):
            self._record(owner, True, None, pool_args_from_call(args, kwargs),
                         args[0], out, func=func)
        elif func in UNSUPPORTED_FUNCS:
            op, kind = UNSUPPORTED_FUNCS[func], type(self.stack[-1]).__name__
            raise UnsupportedLayerError(
                f'{owner or "<root>"} ({kind}) calls {op}, which has no '
                f'spiking counterpart: {unsupported_remedy(op)}')
        return out

    def _product_spec(self, owner: str, func, args
                      ) -> Optional[ActivationSpec]:
        """A product call (:mod:`.products`) numbered among the owner's
        product calls; a site's spec if its operands are signals."""
        if func not in PRODUCT_FUNCS:
            return None
        call = self.product_calls[owner]
        self.product_calls[owner] += 1
        found = product_call(func, args, lambda x: source(x) is not None)
        return None if found is None else ActivationSpec('island', dict(
            op=found[0], fn=found[1], work=found[2], call=call))

    def _synaptic_call(self, owner: str, x: Tensor) -> None:
        """A synaptic module computes on ``x``: an identity site if ``x``
        is analog (spike-driven traces only)."""
        if not self.spike_driven or \
                not isinstance(self.stack[-1], SYNAPTIC_MODULES):
            return
        index = self.synaptic_counts[owner]
        self.synaptic_counts[owner] += 1
        if source(x) == ANALOG:
            self._record(owner, False, IDENTITY, None, x, x, index)

    def _record(self, owner: str, functional: bool,
                spec: Optional[ActivationSpec], pool_args: Optional[Tuple],
                x: Tensor, y: Tensor, index: Optional[int] = None,
                func: Optional[Callable] = None) -> None:
        if index is None:
            index = self.counts[owner]
            self.counts[owner] += 1
        site = Site(owner, index, functional, spec, pool_args, func)
        if site.name not in self.known:
            self.table.sites.append(site)
            self.known[site.name] = site
        if self.observer is not None:
            self.busy = True
            try:
                self.observer(self.known[site.name], x, y)
            finally:
                self.busy = False


def _all_calls(calls, inputs, products) -> Dict[str, int]:
    return {**calls, **{f'{k} (input)': v for k, v in inputs.items()},
            **{f'{k} (products)': v for k, v in products.items()}}


@contextmanager
def _module_hooks(tracer: _Tracer) -> Iterator[None]:
    from torch.nn.modules.module import (register_module_forward_hook,
                                         register_module_forward_pre_hook)
    pre = register_module_forward_pre_hook(tracer.pre_hook)
    post = register_module_forward_hook(tracer.post_hook, with_kwargs=True)
    try:
        yield
    finally:
        pre.remove()
        post.remove()


def trace_sites(model: nn.Module,
                forward: Callable[[], object],
                table: Optional[SiteTable] = None,
                observer: Optional[SiteObserver] = None,
                spike_driven: bool = False,
                analog_inputs: bool = False,
                elementwise_neurons: bool = False) -> SiteTable:
    """Run ``forward()`` once and record the sites of ``model``.

    Args:
        model: The network whose submodules own the sites.
        forward: Runs the network on one batch (closes over the input).
        table: A table from earlier batches to check against and extend.
        observer: Called with every site's input and output.
        spike_driven: Also record identity sites (synaptic layers reading
            analog values). Defaults to False.
        analog_inputs: The inputs of ``model`` are analog currents of an
            upstream stage (a two-stage detector's RoI features), not the
            network's input: the synaptic layers reading them get identity
            sites too. Defaults to False.
        elementwise_neurons: The element-wise sites (SiLU, sigmoid, ...)
            will be neurons that spike (CASC's clip-floors), not rate-exact
            operations with analog output: their readers get no identity
            site. Defaults to False.

    Returns:
        The site table.

    Raises:
        UnsupportedLayerError: An unconvertible operation was called.
        RuntimeError: The per-owner call counts differ from an earlier batch
            (data-dependent control flow: sites would not line up).
    """
    table = table if table is not None else SiteTable()
    tracer = _Tracer(model, table, observer, spike_driven, analog_inputs,
                     elementwise_neurons)
    with torch.no_grad(), _module_hooks(tracer), tracer:
        forward()
    counts, products = dict(tracer.counts), dict(tracer.product_calls)
    inputs = {s.owner: tracer.synaptic_counts[s.owner] for s in table.sites
              if s.is_identity}
    before = _all_calls(table.calls, table.input_calls, table.product_calls)
    after = _all_calls(counts, inputs, products)
    if table.calls and after != before:
        changed = sorted(k for k in set(after) | set(before)
                         if after.get(k) != before.get(k))
        raise RuntimeError(
            'the number of nonlinear calls changed between batches at '
            f'{", ".join(changed[:5])}: data-dependent control flow cannot be '
            'converted call site by call site')
    table.calls = counts
    table.input_calls = inputs
    table.product_calls = products
    return table
