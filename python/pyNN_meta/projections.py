"""Projection of pyNN.meta: PyNN's connectors draw the connections (with the script's random numbers); Meta holds them."""

import copy
import numpy as np
from lazyarray import larray as LazyArray
from pyNN import common, errors
from pyNN.random import RandomDistribution
from pyNN.space import Space
from pyNN.standardmodels import StandardSynapseType
from . import simulator
from .simulator import state
from .standardmodels import StaticSynapse, synapse_description

_MULTIPLE = {"sum": np.add, "min": np.fmin, "max": np.fmax}



# NEST's names for synaptic state that PyNN's standard types leave unnamed, as PyNN's own examples use them (PyNN's
# examples/multiquantal_synapses.py initializes quantal_stp_synapse's ``a``, the available release sites, which Meta's
# MultiQuantalSynapse calls ``available``).
_STATE_ALIASES = {"MultiQuantalSynapse": {"a": "available"}}

class Connection(common.Connection):
    """One connection, read from the projection's values when it was asked for."""

    def __init__(self, projection, k, values):
        self.presynaptic_index = int(projection._pre_idx[k])
        self.postsynaptic_index = int(projection._post_idx[k])
        for name, column in values.items():
            object.__setattr__(self, name, column[k])
        object.__setattr__(self, "_projection", projection)
        object.__setattr__(self, "_k", k)

    def __setattr__(self, name, value):
        """Setting an attribute (``c.weight = 0.1``) changes that connection in Meta."""
        projection = getattr(self, "_projection", None)
        if projection is not None and name in projection._attributes:
            column = np.array(projection._values([name])[name], dtype=float)
            column[self._k] = value
            state.call("projection_set", projection=projection._meta_index, values={name: column})
        object.__setattr__(self, name, value)

    def as_tuple(self, *attribute_names):
        return tuple(getattr(self, name) for name in attribute_names)


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None, source=None,
                 receptor_type=None, space=Space(), label=None):
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type,
                                   source, receptor_type, space, label)
        if not isinstance(self.synapse_type, StandardSynapseType) or type(self.synapse_type).__module__ != "pyNN.meta.standardmodels":
            raise errors.NoModelAvailableError("pyNN.meta runs its own synapse types (pyNN.meta.%s); got %r"
                                               % (type(self.synapse_type).__name__, self.synapse_type))
        self._chunks = []
        connector.connect(self)
        self._send()

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, **connection_parameters):
        pre = np.asarray(presynaptic_indices, dtype=np.int64).reshape(-1)
        values = {name: np.broadcast_to(np.asarray(v, dtype=float), pre.shape).copy()
                  for name, v in connection_parameters.items()}
        self._chunks.append((pre, np.full(pre.shape, postsynaptic_index, dtype=np.int64), values))

    def _send(self):
        names = sorted({n for _, _, v in self._chunks for n in v})
        self._pre_idx = np.concatenate([c[0] for c in self._chunks]) if self._chunks else np.zeros(0, np.int64)
        self._post_idx = np.concatenate([c[1] for c in self._chunks]) if self._chunks else np.zeros(0, np.int64)
        values = {n: np.concatenate([c[2][n] for c in self._chunks]) if self._chunks else np.zeros(0) for n in names}
        self._chunks = None
        pre_parts, pre_positions = simulator.parts(self.pre)
        post_parts, post_positions = simulator.parts(self.post)
        synapse = synapse_description(self.synapse_type)
        weight = values.pop("weight", np.zeros(self._pre_idx.size))
        delay = values.pop("delay", np.full(self._pre_idx.size, state.min_delay))
        fraction = values.pop("dendritic_delay_fraction", None)
        if fraction is not None and fraction.size:
            if np.any(fraction != fraction[0]):
                raise errors.InvalidParameterValueError("dendritic_delay_fraction must be the same for every connection")
            synapse["dendritic_delay_fraction"] = float(fraction[0])
        synapse["parameters"] = values
        result = state.call("connect", pre=pre_parts, post=post_parts, pre_indices=pre_positions[self._pre_idx],
                            post_indices=post_positions[self._post_idx], weight=weight, delay=delay, synapse=synapse,
                            receptor_type=self.receptor_type, label=self.label)
        self._meta_index = result["projection"]
        if state.min_delay_auto and delay.size:
            state.min_delay = min(state.min_delay if state.delays_seen else np.inf, float(delay.min()))
            state.delays_seen = True
        self._attributes = result["attributes"]

    def __len__(self):
        return int(self._pre_idx.size)

    def _values(self, names):
        names = [n for n in names if n not in ("presynaptic_index", "postsynaptic_index")]
        if not names:
            return {}
        return state.call("projection_get", projection=self._meta_index, names=list(names))["values"]

    @property
    def connections(self):
        values = self._values(self._attributes)
        return [Connection(self, k, values) for k in range(len(self))]

    def __getitem__(self, i):
        if isinstance(i, (int, np.integer)):
            if i >= len(self):
                raise IndexError("connection %d of a projection of %d" % (i, len(self)))
            return Connection(self, i, self._values(self._attributes))
        return [self[j] for j in np.arange(len(self))[i]]

    def _get_attributes_as_list(self, names):
        values = self._values(names)
        columns = [self._pre_idx if n == "presynaptic_index" else self._post_idx if n == "postsynaptic_index"
                   else values[n] for n in names]
        return [tuple(c[k].item() for c in columns) for k in range(len(self))]

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        names = [n[:-1] if n.endswith("s") and n[:-1] in ("weight", "delay") else n for n in names]
        values = self._values(names)
        result = []
        for name in names:
            v = values[name]
            array = np.full((self.pre.size, self.post.size), np.nan)
            if multiple_synapses in _MULTIPLE:
                operation = _MULTIPLE[multiple_synapses]
                array[self._pre_idx, self._post_idx] = 0.0 if multiple_synapses == "sum" else np.nan
                operation.at(array, (self._pre_idx, self._post_idx), v)
            elif multiple_synapses == "first":
                array[self._pre_idx[::-1], self._post_idx[::-1]] = v[::-1]
            else:
                array[self._pre_idx, self._post_idx] = v
            result.append(array)
        return result

    def _set_attributes(self, parameter_space):
        parameter_space.evaluate(simplify=True)
        values = {}
        for name, value in parameter_space.items():
            if np.ndim(value) == 0:
                values[name] = float(value)
            else:
                values[name] = np.asarray(value, dtype=float)[self._pre_idx, self._post_idx]
        state.call("projection_set", projection=self._meta_index, values=values)

    def initialize(self, **initial_values):
        """
        Sets initial values of the synapse type's state variables (e.g. ``u`` of TsodyksMarkramSynapse): a number, a
        RandomDistribution, a pre × post array, one value per connection, or a function of the distance. The values
        apply now and again after every ``reset()``.
        """
        aliases = _STATE_ALIASES.get(type(self.synapse_type).__name__, {})
        for variable, value in initial_values.items():
            variable = aliases.get(variable, variable)
            if variable not in self._attributes or variable in ("weight", "delay") or \
                    variable in self.synapse_type.get_parameter_names():
                states = [a for a in self._attributes if a not in ("weight", "delay", "dendritic_delay_fraction")
                          and a not in self.synapse_type.get_parameter_names()]
                raise errors.NonExistentParameterError(variable, type(self.synapse_type).__name__, states)
            values = self._per_connection(variable, value)
            self.initial_values[variable] = values
            state.call("projection_set", projection=self._meta_index, values={variable: values})
        if initial_values and self not in state.initialized_projections:
            state.initialized_projections.append(self)

    def _per_connection(self, name, value):
        """One value per connection, in connection order, for any value PyNN's ``set`` takes."""
        if isinstance(value, LazyArray):
            # e.g. a synapse type's own parameter_space['n'] (PyNN's examples/multiquantal_synapses.py): a number or a
            # pre × post array once given the projection's shape.
            value = copy.copy(value)
            value.shape = (self.pre.size, self.post.size)
            value = value.evaluate(simplify=True)
        if isinstance(value, (int, float, np.integer, np.floating)):
            return np.full(len(self), float(value))
        if isinstance(value, RandomDistribution):
            return np.asarray(value.next(len(self)), dtype=float).reshape(-1)
        if callable(value):
            distances = self._distances()
            return np.asarray(value(distances), dtype=float).reshape(-1)
        array = np.asarray(value, dtype=float)
        if array.shape == (self.pre.size, self.post.size):
            return array[self._pre_idx, self._post_idx]
        if array.shape == (len(self),):
            return array
        raise errors.InvalidDimensionsError("initial value of '%s': %s values for a projection of %d connections "
                                            "(%d × %d cells)" % (name, array.shape, len(self), self.pre.size, self.post.size))

    def _distances(self):
        pre = self.pre.positions.T[self._pre_idx]
        post = self.post.positions.T[self._post_idx]
        return self.space.distances(pre.T, post.T, expand=False)

    def _reapply_initial_values(self):
        """After Meta's reset, which restores the synapse type's own initial values."""
        for variable, values in self.initial_values.items():
            state.call("projection_set", projection=self._meta_index, values={variable: values})
