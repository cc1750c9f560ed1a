"""The simulator state of pyNN.meta: the clock, ids and the link to the ``meta serve`` process."""

import numpy as np
from pyNN import common
from . import bridge

name = "Meta"


class ID(int, common.IDMixin):
    """A cell's id."""

    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)

    def __getattr__(self, name):
        # PyNN's IDMixin looks every unknown attribute up as a cell parameter, which asks Meta. NumPy probes objects for
        # __array__, __array_interface__, __len__, ... when it builds an array of ids (np.array(ids)): answer those at once
        # instead of making several requests per id (that made recording 400 cells take 20 s).
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return common.IDMixin.__getattr__(self, name)


class State(common.control.BaseState):
    """The global state: one Meta simulation in the server process."""

    def __init__(self):
        common.control.BaseState.__init__(self)
        self.mpi_rank = 0
        self.num_processes = 1
        self.dt = 0.1
        self.min_delay = 0.1
        self.max_delay = 10.0
        self.backend = "cpu"
        self.min_delay_auto = False
        self.delays_seen = False
        self.catalogue = None
        self.write_on_end = []
        self.initialized_projections = []
        self.clear()

    @property
    def server(self):
        return bridge.server()

    def call(self, cmd, **fields):
        return self.server.call(cmd, **fields)

    def setup(self, backend, **options):
        """Starts a new Meta simulation on ``backend``."""
        result = self.call("setup", backend=backend, **{k: v for k, v in options.items() if v is not None})
        self.backend = result["backend"]
        if self.catalogue is None:
            self.catalogue = self.call("catalogue")["cell_types"]
        self.clear()

    def run(self, simtime):
        self.t = self.call("run", ms=float(simtime))["time"]
        self.running = True

    def run_until(self, tstop):
        self.t = self.call("run_until", t=float(tstop))["time"]
        self.running = True

    def clear(self):
        self.recorders = set([])
        self.id_counter = 0
        self.segment_counter = -1
        self.populations = []
        self.initialized_projections = []
        self.reset_local()

    def reset_local(self):
        self.running = False
        self.t = 0.0
        self.t_start = 0
        self.segment_counter += 1

    def reset(self):
        """Back to t = 0 in Meta (state to initial values, recorded data of the segment cleared)."""
        self.call("reset")
        self.reset_local()
        for projection in self.initialized_projections:
            projection._reapply_initial_values()


state = State()


def parts(cells):
    """
    The Meta parts of a Population, PopulationView or Assembly: ``[{"population", "indices"}]`` with sorted indices
    (one part per population) and, per cell in PyNN's order, its position in the concatenation of the parts.
    """
    pops, idxs = [], []
    members = cells.populations if hasattr(cells, "populations") else [cells]
    for m in members:
        if hasattr(m, "grandparent"):
            pops.append(m.grandparent)
            idxs.append(np.asarray(m.index_in_grandparent(np.arange(m.size)), dtype=np.int64))
        else:
            pops.append(m)
            idxs.append(np.arange(m.size, dtype=np.int64))
    order = []
    for p in pops:
        if all(p is not q for q in order):
            order.append(p)
    result, offsets, sorted_indices = [], {}, {}
    offset = 0
    for p in order:
        mine = np.unique(np.concatenate([i for q, i in zip(pops, idxs) if q is p]))
        whole = mine.size == p.size
        result.append({"population": p._meta_index, "indices": None if whole else mine})
        offsets[id(p)] = offset
        sorted_indices[id(p)] = mine
        offset += mine.size
    positions = np.concatenate([offsets[id(p)] + np.searchsorted(sorted_indices[id(p)], i) for p, i in zip(pops, idxs)])
    return result, positions
