"""What every spiking wrapper shares: its set-up, when it is converted, and
how its simulations run (neuron step backend, heap trimming)."""
import contextlib
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence

from mmengine.logging import MMLogger
from torch import nn

from ..errors import ConfigError, UserInputError
from ..neurons.kernels import check_backend, effective_backend, neuron_steps
from ..simulation import TimestepStatistics
from ..utils.host_heap import heap_trimming
from .spiking_setup import SpikingSetup

#: The wrappers' converted networks: dense or first stage, box and mask
#: stages.
CONVERTED = ('net', 'box_net', 'mask_net')


class SpikingModel:
    """A mixin of :class:`SpikingDetector` and :class:`SpikingClassifier`.

    Building a wrapper converts nothing: :meth:`calibrate` converts its ANN
    on real batches (``tools/convert.py``, ``tools/test.py --snn``), and
    loading converted weights (:func:`spikedet.utils.checkpoint.
    load_weights`) first builds the structure they fill on a random input
    (:meth:`build_structure`). Simulating an unconverted wrapper is an
    error.

    The process is left as it is unless the wrapper is told otherwise:
    ``backend`` chooses the neuron steps' code for its simulations only
    (:func:`spikedet.neurons.kernels.neuron_steps`; ``'torch'``, the
    default, runs anywhere; the tools choose ``'native'``, the fused C
    steps built at set-up) and ``heap_trim`` (None by default; the tools
    set 0.05) lets a CPU simulation tune and trim glibc's heap
    (:func:`spikedet.utils.host_heap.heap_trimming`): the peak memory then
    stays level in T, but the allocator settings last for the process.
    """

    def _set_up(self, ann: nn.Module, conversion: Dict,
                timesteps: Sequence[int], schedule: Optional[Dict],
                chunk: int, backend: str,
                heap_trim: Optional[float]) -> None:
        """Validate and keep the wrapper's options (call after
        ``nn.Module.__init__``).

        Raises:
            ConfigError: Unknown ``backend``, or ``heap_trim`` < 0.
        """
        try:
            check_backend(backend)
        except ValueError as error:
            raise ConfigError(str(error)) from None
        if heap_trim is not None and not heap_trim >= 0:
            raise ConfigError(f'heap_trim must be >= 0 or None, got '
                              f'{heap_trim}')
        setup = SpikingSetup.from_config(conversion, timesteps, schedule,
                                         chunk)
        self.ann = ann
        self.method, self.conversion_options = setup.method, setup.options
        self.timesteps, self.schedule = setup.timesteps, setup.schedule
        self.chunk = setup.chunk
        self.backend, self.heap_trim = backend, heap_trim
        self.stats: Optional[TimestepStatistics] = None
        self._logged_backend = False

    @property
    def converted(self) -> bool:
        """Whether the ANN has been converted (:meth:`calibrate` or
        :meth:`build_structure`)."""
        return 'net' in self._modules

    def structure_batches(self) -> List[Any]:
        """One random batch of the wrapper's input size on the ANN's
        device, in what :meth:`calibrate` takes."""
        raise NotImplementedError

    def build_structure(self) -> None:
        """Convert on :meth:`structure_batches`: every module and buffer
        of the converted network, with placeholder thresholds that
        converted weights then replace."""
        self.calibrate(self.structure_batches())

    def prepare_for_weights(self, keys: Iterable[str]) -> None:
        """Build the structure before weights with ``keys`` load, if they
        hold a converted network (:data:`CONVERTED`) this wrapper lacks."""
        if not self.converted and any(k.split('.', 1)[0] in CONVERTED
                                      for k in keys):
            self.build_structure()

    def spiking_networks(self) -> List[nn.Module]:
        """The converted networks, whose forwards are simulation steps."""
        return [self._modules[name] for name in CONVERTED
                if name in self._modules]

    @contextlib.contextmanager
    def simulating(self) -> Iterator[None]:
        """The context of this wrapper's simulations.

        Raises:
            UserInputError: Not converted yet.
        """
        if not self.converted:
            raise UserInputError(
                f'{type(self).__name__} is not converted: call calibrate('
                'batches), or load converted weights (tools/convert.py '
                'writes them)')
        if not self._logged_backend:
            self._logged_backend = True
            self._log_backend()
        with neuron_steps(self.backend), \
                heap_trimming(self.spiking_networks(), self.heap_trim):
            yield

    def _log_backend(self) -> None:
        runs = effective_backend(self.backend)
        text = f'neuron steps: {runs}'
        if runs != self.backend:
            text += (f' ({self.backend!r} asked for, but the fused steps '
                     'are not built: run tools/build_native.py)')
        MMLogger.get_current_instance().info(text)
