"""Install one replacement module per call site.

* An activation / max-pool module called once is swapped for its
  replacement (the converted model prints ``IFNeuron`` where ``ReLU`` was).
* A module called at k sites becomes a :class:`SiteSequence` of k
  replacements, used in turn.
* Functional calls inside an owner's forward (``F.relu``) are routed to the
  owner's :class:`FunctionalSites`, whose ``TorchFunctionMode`` is active only
  while the owner's forward runs.
* Identity sites go in front of their synaptic module: its
  :class:`InputSites` (a child, so saved with it) maps the input of each
  call through that call's replacement, by a forward pre-hook.

Both dispatch by ``calls % k``: every forward pass makes the same calls in the
same order (checked while tracing), so call j always reaches replacement j.
"""
from typing import Callable, Dict, List, Sequence, Tuple

from torch import nn
from torch.overrides import TorchFunctionMode

from ..neurons.stateful import StatefulModule, in_opaque
from .ops import MAX_POOL_FUNCS, functional_activation_spec, is_identity_max_pool
from .products import IN_PLACE, PRODUCT_FUNCS
from .sites import Site, SiteTable

SITES_ATTR = 'spikedet_sites'
INPUT_SITES_ATTR = 'spikedet_input'


class SiteSequence(StatefulModule):
    """Stands in for a module called at several sites; call j uses module j.

    Args:
        modules: One replacement per site, in call order.
    """
    # Its call counter returns to the same residue every step; the sites
    # are modules of their own and answer for themselves.
    silent_is_fixed_point = True

    def __init__(self, modules: Sequence[nn.Module]) -> None:
        super().__init__()
        self.sites = nn.ModuleList(modules)
        self.reset()

    def forward(self, x):
        module = self.sites[self.calls % len(self.sites)]
        self.calls += 1
        return module(x)

    def reset(self) -> None:
        self.calls = 0


class _RouterMode(TorchFunctionMode):

    def __init__(self, owner: 'FunctionalSites') -> None:
        super().__init__()
        self.owner = owner

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if not in_opaque() and self.owner.claims(func, args, kwargs):
            operands = args[:2] if func in PRODUCT_FUNCS else args[:1]
            out = self.owner.next_site()(*operands)
            if _in_place(func, kwargs):
                args[0].copy_(out)
                return args[0]
            return out
        return func(*args, **kwargs)


def _in_place(func, kwargs) -> bool:
    """Whether a call writes its result into its first argument."""
    name = func.__name__
    return bool(kwargs.get('inplace')) or func in IN_PLACE or \
        (name.endswith('_') and not name.startswith('__'))


class FunctionalSites(StatefulModule):
    """Replacements for the functional sites of one owner module.

    Attach with :func:`attach_functional_sites`, which registers the hooks
    that activate the router while the owner's forward runs.

    It claims only the torch callables its sites were traced with
    (``funcs``), so torch calls of a forward hook running inside the
    owner's forward (a statistic, an ``abs``) are left alone unless they
    are one of those. Product calls (:mod:`.products`) are sites only where
    their operands were signals when traced: the router numbers the
    owner's own product calls per forward (those of its submodules are
    theirs) and claims the numbers ``products`` lists.

    Args:
        modules: One replacement per functional site, in call order.
        funcs: The torch callables of those sites.
        products: ``(product calls per forward, the numbers that are
            sites)``; ``(0, ())`` for an owner without product sites.
    """
    # Its call counter returns to the same residue every step; the sites
    # are modules of their own and answer for themselves.
    silent_is_fixed_point = True

    def __init__(self, modules: Sequence[nn.Module],
                 funcs: Sequence[Callable] = (),
                 products: Tuple[int, Sequence[int]] = (0, ())) -> None:
        super().__init__()
        self.sites = nn.ModuleList(modules)
        self.funcs = frozenset(funcs)
        self.product_period = products[0]
        self.product_sites = frozenset(products[1])
        self.nested = 0  # submodule forwards running inside the owner's
        self._modes: List[_RouterMode] = []
        self.reset()

    def claims(self, func, args, kwargs) -> bool:
        """Whether a call is one of the site kinds this router replaces."""
        if func in PRODUCT_FUNCS:
            if not self.product_period or self.nested:
                return False
            call = self.product_calls % self.product_period
            self.product_calls += 1
            return call in self.product_sites
        if func not in self.funcs:
            return False
        if functional_activation_spec(func, args, kwargs) is not None:
            return True
        return func in MAX_POOL_FUNCS and not is_identity_max_pool(args, kwargs)

    def next_site(self) -> nn.Module:
        module = self.sites[self.calls % len(self.sites)]
        self.calls += 1
        return module

    def enter(self, module: nn.Module, args) -> None:
        mode = _RouterMode(self)
        mode.__enter__()
        self._modes.append(mode)

    def exit(self, module: nn.Module, args, output) -> None:
        self._modes.pop().__exit__(None, None, None)

    def enter_child(self, module: nn.Module, args) -> None:
        self.nested += 1

    def exit_child(self, module: nn.Module, args, output) -> None:
        self.nested -= 1

    def reset(self) -> None:
        self.calls = 0
        self.product_calls = 0


class InputSites(SiteSequence):
    """Replacements at the input of one synaptic module, one per call
    (``nn.Identity`` for calls whose input needs none); call j uses module
    j, as :class:`SiteSequence`. Attach with :func:`attach_input_sites`.

    Args:
        modules: One module per call of the owner, in call order.
    """

    def before(self, owner: nn.Module, args):
        """Forward pre-hook of the owner: replace its input."""
        return (self(args[0]),) + tuple(args[1:])


def attach_input_sites(owner: nn.Module, sites: InputSites) -> None:
    """Run every input of ``owner`` through ``sites`` first."""
    if hasattr(owner, INPUT_SITES_ATTR):
        raise ValueError(f'{type(owner).__name__} already has input sites')
    owner.add_module(INPUT_SITES_ATTR, sites)
    owner.register_forward_pre_hook(sites.before)


def attach_functional_sites(owner: nn.Module, router: FunctionalSites) -> None:
    """Make ``router`` handle the functional sites of ``owner``."""
    if hasattr(owner, SITES_ATTR):
        raise ValueError(f'{type(owner).__name__} already has functional sites')
    owner.add_module(SITES_ATTR, router)
    owner.register_forward_pre_hook(router.enter)
    owner.register_forward_hook(router.exit, always_call=True)
    if router.product_period:  # the submodules' product calls are theirs
        for name, child in owner.named_modules():
            if name and name.split('.')[0] != SITES_ATTR:
                child.register_forward_pre_hook(router.enter_child)
                child.register_forward_hook(router.exit_child,
                                            always_call=True)


def set_submodule(model: nn.Module, path: str, module: nn.Module) -> None:
    """Replace the submodule at dotted ``path`` (not the root)."""
    parent_path, _, name = path.rpartition('.')
    parent = model.get_submodule(parent_path) if parent_path else model
    setattr(parent, name, module)


def install_sites(model: nn.Module, table: SiteTable,
                  make: Callable[[Site], nn.Module]) -> Dict[str, nn.Module]:
    """Give every site of ``table`` its own module built by ``make(site)``.

    Args:
        model: The model the table was traced on (modified in place).
        table: Its sites.
        make: Builds the replacement of one site.

    Returns:
        ``{site.name: replacement}``.
    """
    made: Dict[str, nn.Module] = {}
    for owner, sites in table.by_owner().items():
        modules = [make(site) for site in sites]
        made.update({s.name: m for s, m in zip(sites, modules)})
        if sites[0].is_identity:
            per_call: List[nn.Module] = [nn.Identity() for _ in
                                         range(table.input_calls[owner])]
            for site, module in zip(sites, modules):
                per_call[site.index] = module
            attach_input_sites(model.get_submodule(owner),
                               InputSites(per_call))
        elif sites[0].functional:
            target = model.get_submodule(owner) if owner else model
            calls = [s.spec.params['call'] for s in sites
                     if s.spec is not None and 'call' in s.spec.params]
            products = (table.product_calls.get(owner, 0), calls)
            attach_functional_sites(target, FunctionalSites(
                modules, [s.func for s in sites], products))
        elif not owner:
            raise ValueError('the root module itself is an activation')
        else:
            set_submodule(model, owner,
                          modules[0] if len(modules) == 1 else
                          SiteSequence(modules))
    return made
