"""pyNN.meta's NativeRNG: random numbers drawn by Meta's own counter-based generator, in the Meta process."""

import numpy as np
from pyNN.random import NativeRNG as _NativeRNG, WrappedRNG
from .simulator import state


class NativeRNG(_NativeRNG, WrappedRNG):
    """
    Signals that random numbers are drawn by Meta's generator (a Philox stream with this seed; seed 0 when none is
    given), as pyNN.neuron's NativeRNG draws from NEURON's Random. It takes PyNN's distribution names and parameters
    (``normal`` with ``mu`` and ``sigma``, ``uniform`` with ``low`` and ``high``, ...); an unknown name or a wrong
    parameter is Meta's error, naming the valid ones. Where a connector or a RandomDistribution takes ``rng=``, it draws
    its numbers here, in the order PyNN asks for them.
    """

    def __init__(self, seed=None, parallel_safe=True):
        WrappedRNG.__init__(self, seed, parallel_safe)
        self._stream = None  # (the Meta server, the stream's index there)

    def _next(self, distribution, n, parameters):
        # A new server (after a restart) holds none of the old streams: make this one again there.
        if self._stream is None or self._stream[0] is not state.server:
            fields = {} if self.seed is None else {"seed": int(self.seed)}
            self._stream = (state.server, state.call("rng_create", **fields)["rng"])
        values = state.call("rng_next", rng=self._stream[1], distribution=distribution,
                            parameters={k: float(v) for k, v in (parameters or {}).items()}, n=int(n))["values"]
        return np.asarray(values, dtype=float)
