"""
pyNN.meta: PyNN's API on Meta, a C# simulator with cpu, ilgpu and torch backends.

    import pyNN.meta as sim
    sim.setup(timestep=0.1, backend="cpu")    # or "ilgpu", "torch"

The network is built in a long-lived ``meta serve`` process (see docs/pynn.md). Connections are drawn by PyNN's own
connectors in Python (with the script's random number generators) and sent to Meta as explicit lists.
"""

import logging
import os
from pyNN import common
from pyNN.common.control import DEFAULT_MAX_DELAY, DEFAULT_TIMESTEP, DEFAULT_MIN_DELAY
from pyNN.connectors import *  # noqa: F401,F403
from pyNN.recording import *  # noqa: F401,F403
from pyNN.standardmodels import StandardCellType
from pyNN.recording import get_io
from . import simulator
from .standardmodels import *  # noqa: F401,F403
from .standardmodels import CELL_TYPES
from .nativemodels import native_cell_type, nestml_cell_type
from .populations import Population, PopulationView, Assembly
from .projections import Projection
from .random import NativeRNG
from .bridge import MetaError, NotSupportedByBackendError, SimulationDivergedError

logger = logging.getLogger("PyNN")


def list_standard_models():
    """The StandardCellType classes available on Meta."""
    return [obj.__name__ for obj in globals().values() if isinstance(obj, type) and issubclass(obj, StandardCellType)
            and obj.__module__ == "pyNN.meta.standardmodels"]


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, max_delay=DEFAULT_MAX_DELAY, backend=None,
          **extra_params):
    """
    Starts a new simulation. ``backend`` is Meta's backend ("cpu", "ilgpu", "torch"; default: the environment variable
    META_BACKEND, else "cpu"), so that an unchanged script can be run on any backend; further options: ``seed``
    (Meta's seed, for its own random numbers: Poisson sources, noise), ``precision`` ("float64", "float32"),
    ``spike_precision`` ("on_grid", the default, or "off_grid": spike times found within the step, as pyNN.nest's
    precise models; docs/semantics.md, "Precise spike times"), ``threads``, ``device``.
    """
    processes = _mpi_processes()
    if processes > 1:
        raise NotImplementedError(
            "pyNN.meta does not distribute a network over MPI processes: this script runs under mpirun as %d processes, "
            "and each would start its own 'meta serve' and simulate the whole network. Run it without mpirun (one process); "
            "Meta's distributed runs are 'meta run NETWORK.json --ranks N' (docs/architecture.md, Distributed runs)."
            % processes)
    backend = backend or os.environ.get("META_BACKEND", "cpu")
    common.setup(timestep, min_delay, **extra_params)
    state = simulator.state
    state.dt = timestep
    # min_delay "auto": the smallest delay of the projections made so far (the timestep until there is one), as in pyNN.nest
    state.min_delay = timestep if min_delay == "auto" else min_delay
    state.min_delay_auto = min_delay == "auto"
    state.delays_seen = False
    state.max_delay = max_delay if max_delay != "auto" else 1e9
    state.setup(backend, timestep=timestep, min_delay=state.min_delay,
                max_delay=None if max_delay == "auto" else max_delay,
                seed=extra_params.get("seed"), precision=extra_params.get("precision"),
                spike_precision=extra_params.get("spike_precision"),
                threads=extra_params.get("threads"), device=extra_params.get("device"))
    return rank()


def _mpi_processes():
    """The number of processes mpirun started this script as (Open MPI, MPICH/Hydra, Slurm), 1 without mpirun."""
    for variable in ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"):
        value = os.environ.get(variable)
        if value and value.isdigit():
            return int(value)
    return 1


def end(compatible_output=True):
    """Writes the data asked for with record(..., to_file) and ends the simulation."""
    for (population, variables, filename) in simulator.state.write_on_end:
        io = get_io(filename)
        population.write_data(io, variables)
    simulator.state.write_on_end = []


run, run_until = common.build_run(simulator)
run_for = run

reset = common.build_reset(simulator)

initialize = common.initialize

get_current_time, get_time_step, get_min_delay, get_max_delay, \
    num_processes, rank = common.build_state_queries(simulator)

create = common.build_create(Population)

connect = common.build_connect(Projection, FixedProbabilityConnector, StaticSynapse)  # noqa: F405

record = common.build_record(simulator)


def record_v(source, filename):
    return record(['v'], source, filename)


def record_gsyn(source, filename):
    return record(['gsyn_exc', 'gsyn_inh'], source, filename)
