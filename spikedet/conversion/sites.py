"""Find every nonlinear call site of a network by running it once.

No graph tracing: mmdet's heads iterate over lists, branch on shapes and
call functional ops, which symbolic tracing cannot follow. Instead the
network runs on real inputs while

* global module hooks keep a stack of the modules currently executing, and
  report each activation *module* (``nn.ReLU``, ``ReLU6``, ``LeakyReLU``,
  ``Hardtanh(0, m)``, :class:`ClipFloor`) and ``nn.MaxPool2d`` call as a site;
* a ``TorchFunctionMode`` sees every torch call, reports functional
  activations (``F.relu`` in mmdet's RPNHead) and max-pools as sites of the
  innermost module executing, and raises on known unconvertible operations.

A site is identified by its *owner* module and the index of the call among
the owner's calls in one forward pass. A module called at several places
(mmdet's and torchvision's residual blocks call one ``self.relu`` two or three
times) thus yields several sites, each of which gets its own neuron.
"""
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import torch
from torch import Tensor, nn
from torch.overrides import TorchFunctionMode

from ..neurons.stateful import StatefulModule
from .errors import UnsupportedLayerError
from .ops import (MAX_POOL_FUNCS, UNSUPPORTED_FUNCS, ActivationSpec,
                  functional_activation_spec, is_identity_max_pool,
                  module_activation_spec)

# Called with (site, input, output) for every site call during a trace.
SiteObserver = Callable[['Site', Tensor, Tensor], None]


@dataclass
class Site:
    """One nonlinear call site.

    Attributes:
        owner: Dotted path of the module that owns the call ('' = root).
        index: Position of the call among the owner's calls per forward.
        functional: True for a functional call inside the owner's forward,
            False when the owner is itself an activation / max-pool module.
        spec: What an activation site computes; None for a max-pool site.
        pool_args: ``(kernel_size, stride, padding, dilation, ceil_mode)`` of
            a max-pool site.
    """
    owner: str
    index: int
    functional: bool
    spec: Optional[ActivationSpec] = None
    pool_args: Optional[Tuple] = None

    @property
    def name(self) -> str:
        """``owner#index``, a readable unique key."""
        return f'{self.owner or "<root>"}#{self.index}'

    @property
    def is_pool(self) -> bool:
        return self.spec is None


@dataclass
class SiteTable:
    """All sites of a network, in call order, with per-owner call counts."""
    sites: List[Site] = field(default_factory=list)
    calls: Dict[str, int] = field(default_factory=dict)

    def by_owner(self) -> Dict[str, List[Site]]:
        """Sites grouped by owner path, each list in call order."""
        grouped: Dict[str, List[Site]] = defaultdict(list)
        for site in self.sites:
            grouped[site.owner].append(site)
        return dict(grouped)


def _pool_args_from_call(args, kwargs) -> Tuple:
    names = ('kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode')
    defaults = (None, None, 0, 1, False)
    values = []
    for i, (name, default) in enumerate(zip(names, defaults)):
        values.append(args[i + 1] if len(args) > i + 1 else
                      kwargs.get(name, default))
    if values[1] is None or values[1] == []:
        values[1] = values[0]
    return tuple(values)


class _Tracer(TorchFunctionMode):
    """Module stack + function interception for one traced forward."""

    def __init__(self, model: nn.Module, table: SiteTable,
                 observer: Optional[SiteObserver]) -> None:
        super().__init__()
        self.names = {m: n for n, m in model.named_modules()}
        self.table = table
        self.observer = observer
        self.stack: List[nn.Module] = []
        self.counts: Dict[str, int] = defaultdict(int)
        self.known = {s.name: s for s in table.sites}
        self.busy = False  # set while our own bookkeeping runs

    # -- module hooks -------------------------------------------------------
    def pre_hook(self, module: nn.Module, args) -> None:
        self.stack.append(module)

    def post_hook(self, module: nn.Module, args, output) -> None:
        self.stack.pop()
        if module not in self.names:
            return
        spec = module_activation_spec(module)
        if spec is not None:
            self._record(self.names[module], False, spec, None, args[0],
                         output)
        elif isinstance(module, nn.MaxPool2d):
            pool = (module.kernel_size, module.stride, module.padding,
                    module.dilation, module.ceil_mode)
            self._record(self.names[module], False, None, pool, args[0],
                         output)

    def _inside_opaque_module(self) -> bool:
        """Calls inside activation, max-pool and spiking modules are theirs."""
        top = self.stack[-1] if self.stack else None
        return top is not None and (module_activation_spec(top) is not None
                                    or isinstance(top, (nn.MaxPool2d,
                                                        StatefulModule)))

    # -- function interception ----------------------------------------------
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if self.busy or not self.stack or self._inside_opaque_module():
            return out
        owner = self.names.get(self.stack[-1])
        if owner is None:
            return out
        spec = functional_activation_spec(func, args, kwargs)
        if spec is not None:
            self._record(owner, True, spec, None, args[0], out)
        elif func in MAX_POOL_FUNCS and not is_identity_max_pool(args, kwargs):
            self._record(owner, True, None, _pool_args_from_call(args, kwargs),
                         args[0], out)
        elif func in UNSUPPORTED_FUNCS:
            raise UnsupportedLayerError(
                f'{owner or "<root>"} ({type(self.stack[-1]).__name__}) '
                f'calls {UNSUPPORTED_FUNCS[func]}, which has no spiking '
                'counterpart; replace it by ReLU / LeakyReLU (or move it out '
                "of the network's forward) and fine-tune the ANN")
        return out

    def _record(self, owner: str, functional: bool,
                spec: Optional[ActivationSpec], pool_args: Optional[Tuple],
                x: Tensor, y: Tensor) -> None:
        index = self.counts[owner]
        self.counts[owner] += 1
        site = Site(owner, index, functional, spec, pool_args)
        if site.name not in self.known:
            self.table.sites.append(site)
            self.known[site.name] = site
        if self.observer is not None:
            self.busy = True
            try:
                self.observer(self.known[site.name], x, y)
            finally:
                self.busy = False


@contextmanager
def _module_hooks(tracer: _Tracer) -> Iterator[None]:
    from torch.nn.modules.module import (register_module_forward_hook,
                                         register_module_forward_pre_hook)
    pre = register_module_forward_pre_hook(tracer.pre_hook)
    post = register_module_forward_hook(tracer.post_hook)
    try:
        yield
    finally:
        pre.remove()
        post.remove()


def trace_sites(model: nn.Module,
                forward: Callable[[], object],
                table: Optional[SiteTable] = None,
                observer: Optional[SiteObserver] = None) -> SiteTable:
    """Run ``forward()`` once and record the sites of ``model``.

    Args:
        model: The network whose submodules own the sites.
        forward: Runs the network on one batch (closes over the input).
        table: A table from earlier batches to check against and extend.
        observer: Called with every site's input and output.

    Returns:
        The site table.

    Raises:
        UnsupportedLayerError: An unconvertible operation was called.
        RuntimeError: The per-owner call counts differ from an earlier batch
            (data-dependent control flow: sites would not line up).
    """
    table = table if table is not None else SiteTable()
    tracer = _Tracer(model, table, observer)
    with torch.no_grad(), _module_hooks(tracer), tracer:
        forward()
    counts = dict(tracer.counts)
    if table.calls and counts != table.calls:
        changed = sorted(k for k in set(counts) | set(table.calls)
                         if counts.get(k) != table.calls.get(k))
        raise RuntimeError(
            'the number of nonlinear calls changed between batches at '
            f'{", ".join(changed[:5])}: data-dependent control flow cannot be '
            'converted call site by call site')
    table.calls = counts
    return table
