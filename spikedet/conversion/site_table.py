"""Call sites and the table of a network's sites (what tracing finds)."""
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from .ops import ActivationSpec


@dataclass
class Site:
    """One nonlinear call site.

    Attributes:
        owner: Dotted path of the module that owns the call ('' = root).
        index: Position of the call among the owner's calls per forward.
        functional: True for a functional call inside the owner's forward,
            False when the owner is itself an activation / max-pool module
            or, for an identity site, the synaptic module it feeds.
        spec: What an activation site computes (``identity`` for an
            identity site); None for a max-pool site.
        pool_args: ``(kernel_size, stride, padding, dilation, ceil_mode)`` of
            a max-pool site.
        func: The torch callable of a functional site (what its router
            claims).
    """
    owner: str
    index: int
    functional: bool
    spec: Optional[ActivationSpec] = None
    pool_args: Optional[Tuple] = None
    func: Optional[Callable] = None

    @property
    def name(self) -> str:
        """``owner#index``, a readable unique key."""
        return f'{self.owner or "<root>"}#{self.index}'

    @property
    def is_pool(self) -> bool:
        return self.spec is None

    @property
    def is_identity(self) -> bool:
        """An identity site, at the input of its owner synaptic module."""
        return self.spec is not None and self.spec.kind == 'identity'


@dataclass
class SiteTable:
    """All sites of a network, in call order, with per-owner call counts
    (``calls``: nonlinear calls; ``input_calls``: calls of the synaptic
    modules that own identity sites, analog input or not;
    ``product_calls``: product calls, of signals or not)."""
    sites: List[Site] = field(default_factory=list)
    calls: Dict[str, int] = field(default_factory=dict)
    input_calls: Dict[str, int] = field(default_factory=dict)
    product_calls: Dict[str, int] = field(default_factory=dict)

    def by_owner(self) -> Dict[str, List[Site]]:
        """Sites grouped by owner path, each list in call order."""
        grouped: Dict[str, List[Site]] = defaultdict(list)
        for site in self.sites:
            grouped[site.owner].append(site)
        return dict(grouped)
