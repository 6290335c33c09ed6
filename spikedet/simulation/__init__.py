"""The timestep loop, schedules and read-outs (pure torch)."""
from .bias_control import constant_currents, zeroed_constant_currents
from .energy import E_AC_PJ, E_MAC_PJ, ENERGY_CONVENTIONS, energy
from .counts import AnnLayer, LayerCounts, Snapshot, merge
from .energy_model import energy_bill
from .hardware import Hardware
from .monitor import SpikeMonitor
from .schedules import (PlainSchedule, Schedule, WakeSleepSchedule,
                        build_schedule)
from .silence import SilenceWatch
from .evaluation_window import (MIN_WINDOW, readout_delay, window_start,
                                window_starts)
from .timestep_statistics import (TimestepStatistics, monitored,
                                  monitored_readouts)
from .simulate import (DEFAULT_TIMESTEPS, ReadOut, SimulationError,
                       check_chunk, check_timesteps, iterate_readouts,
                       latency, simulate, step_span)

__all__ = [
    'constant_currents', 'zeroed_constant_currents', 'PlainSchedule',
    'WakeSleepSchedule', 'Schedule', 'build_schedule', 'DEFAULT_TIMESTEPS',
    'ReadOut', 'SimulationError',
    'check_chunk', 'check_timesteps', 'iterate_readouts', 'latency', 'simulate', 'step_span',
    'AnnLayer', 'LayerCounts', 'energy_bill', 'Hardware',
    'Snapshot', 'SpikeMonitor', 'energy', 'E_AC_PJ', 'E_MAC_PJ',
    'ENERGY_CONVENTIONS', 'merge', 'TimestepStatistics',
    'monitored', 'monitored_readouts',
    'SilenceWatch', 'MIN_WINDOW', 'readout_delay', 'window_start',
    'window_starts'
]
