"""Population, PopulationView and Assembly of pyNN.meta: PyNN's classes with parameters and state held by Meta."""

import numpy as np
from pyNN import common, errors
from pyNN.parameters import ParameterSpace, ArrayParameter, Sequence, simplify
from pyNN.standardmodels import StandardCellType
from . import simulator
from .simulator import state
from .recording import Recorder
from .nativemodels import meta_model, meta_state, ensure_known


def _wire_values(name, value):
    """A value of one parameter as the protocol sends it: number, array, or ragged sequences."""
    if isinstance(value, ArrayParameter):
        value = np.array([value], dtype=object)
    if isinstance(value, np.ndarray) and value.dtype == object:
        seqs = [np.asarray(v.value if isinstance(v, ArrayParameter) else v, dtype=float) for v in value]
        return "sequences", {"values": np.concatenate(seqs) if seqs else np.zeros(0),
                             "lengths": np.array([s.size for s in seqs], dtype=np.int64)}
    if np.ndim(value) == 0:
        return "parameters", float(value)
    return "parameters", np.asarray(value, dtype=float)


def _split(values, size, cell_type):
    """
    Splits native values into the ``parameters`` and ``sequences`` fields; a shared sequence is repeated per cell, and
    an array parameter (GIF's tau_eta, ...) becomes Meta's per-element parameters NAME__0, NAME__1, ...
    """
    parameters, sequences = {}, {}
    shapes = {n: p["shape"] for n, p in state.catalogue[cell_type]["parameters"].items()}
    for name, value in values.items():
        if shapes.get(name) == "array":
            cells = value if isinstance(value, np.ndarray) and value.dtype == object else [value] * size
            elements = np.array([np.asarray(v.value if isinstance(v, ArrayParameter) else v, dtype=float) for v in cells])
            for k in range(elements.shape[1]):
                column = elements[:, k]
                parameters["%s__%d" % (name, k)] = float(column[0]) if np.all(column == column[0]) else column
            continue
        kind, wire = _wire_values(name, value)
        if kind == "sequences" and wire["lengths"].size == 1 and size != 1:
            wire = {"values": np.tile(wire["values"], size), "lengths": np.repeat(wire["lengths"], size)}
        (sequences if kind == "sequences" else parameters)[name] = wire
    return parameters, sequences


def _ragged_to_sequences(ragged):
    values, lengths = ragged["values"], ragged["lengths"].astype(int)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    result = np.empty(lengths.size, dtype=object)
    for k, (s, n) in enumerate(zip(starts, lengths)):
        result[k] = Sequence(values[s:s + n])
    return result


class _MetaCells(object):
    """What Population and PopulationView share: reading and writing Meta's per-cell values."""

    def _meta_cells(self):
        """(population index, indices in it or None for all)."""
        raise NotImplementedError

    def _sequence_names(self):
        catalogue = state.catalogue[meta_model(self.celltype)]["parameters"]
        return {n for n, p in catalogue.items() if p["shape"] == "sequence"}

    def _get_parameters(self, *names):
        population, indices = self._meta_cells()
        sequence_names = self._sequence_names()
        catalogue = state.catalogue[meta_model(self.celltype)]["parameters"]
        # An array parameter (GIF's tau_eta) is read as Meta's per-element parameters NAME__0, NAME__1, ... and given back
        # as one ArrayParameter per cell, as PyNN's backends give it.
        array_lengths = {n: len(catalogue[n]["elements"]) for n in names
                         if n in catalogue and catalogue[n]["shape"] == "array"}
        scalar_names = []
        for n in names:
            if n in sequence_names:
                continue
            if n in array_lengths:
                scalar_names.extend("%s__%d" % (n, k) for k in range(array_lengths[n]))
            else:
                scalar_names.append(n)
        result = state.call("get", population=population, indices=indices, names=scalar_names,
                            sequences=[n for n in names if n in sequence_names])
        raw = result["values"]
        values = {name: simplify(v) for name, v in raw.items() if not any(name.startswith(a + "__") for a in array_lengths)}
        for name, length in array_lengths.items():
            elements = np.column_stack([np.asarray(raw["%s__%d" % (name, k)], dtype=float) for k in range(length)])
            per_cell = np.empty(elements.shape[0], dtype=object)
            for i, row in enumerate(elements):
                per_cell[i] = ArrayParameter(row)
            values[name] = simplify(per_cell)
        for name, ragged in result["sequences"].items():
            values[name] = simplify(_ragged_to_sequences(ragged))
        return ParameterSpace(values, shape=(self.size,))

    def _set_parameters(self, parameter_space):
        parameter_space.evaluate(simplify=True)
        population, indices = self._meta_cells()
        parameters, sequences = _split(dict(parameter_space.items()), self.size, meta_model(self.celltype))
        state.call("set", population=population, indices=indices, parameters=parameters, sequences=sequences)

    def _set_initial_value_array(self, variable, initial_values):
        population, indices = self._meta_cells()
        states = state.catalogue[meta_model(self.celltype)]["states"]
        value = initial_values.evaluate(simplify=True)
        variable, factor = meta_state(self.celltype, variable)
        if factor != 1.0:
            value = np.asarray(value, dtype=float) * factor
        if variable not in states:
            default = getattr(self.celltype, "default_initial_values", {}).get(variable)
            if default is not None and np.all(np.asarray(value) == default):
                return  # a default of PyNN's that Meta's model has no state for
            raise errors.NonExistentParameterError(variable, self.celltype.__class__.__name__, sorted(states))
        value = float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float)
        state.call("initialize", population=population, indices=indices, values={variable: value})


class Assembly(common.Assembly):
    __doc__ = common.Assembly.__doc__
    _simulator = simulator


class PopulationView(_MetaCells, common.PopulationView):
    __doc__ = common.PopulationView.__doc__
    _assembly_class = Assembly
    _simulator = simulator

    def _meta_cells(self):
        indices = np.asarray(self.grandparent.id_to_index(self.all_cells), dtype=np.int64)
        return self.grandparent._meta_index, indices

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


class Population(_MetaCells, common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def _meta_cells(self):
        return self._meta_index, None

    def _create_cells(self):
        if not isinstance(self.celltype, StandardCellType) or type(self.celltype).__module__ not in (
                "pyNN.meta.standardmodels", "pyNN.meta.nativemodels"):
            raise errors.InvalidModelError("pyNN.meta runs its own cell types (pyNN.meta.%s, or sim.native_cell_type(...), "
                                           "sim.nestml_cell_type(...)); got %r"
                                           % (type(self.celltype).__name__, self.celltype))
        id_range = np.arange(state.id_counter, state.id_counter + self.size)
        self.all_cells = np.array([simulator.ID(i) for i in id_range], dtype=simulator.ID)
        self._mask_local = np.ones((self.size,), bool)
        for id in self.all_cells:
            id.parent = self
        state.id_counter += self.size
        ensure_known(self.celltype)
        native = self.celltype.native_parameters
        native.shape = (self.size,)
        native.evaluate(simplify=True)
        parameters, sequences = _split(dict(native.items()), self.size, meta_model(self.celltype))
        result = state.call("create", cell_type=meta_model(self.celltype), size=self.size, label=self.label,
                            parameters=parameters, sequences=sequences)
        self._meta_index = result["population"]
        state.populations.append(self)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


def as_collection(cells):
    """A Population, PopulationView or Assembly for ``cells`` (which may also be a list of IDs or one ID)."""
    if isinstance(cells, (common.BasePopulation, common.Assembly)):
        return cells
    if isinstance(cells, simulator.ID):
        cells = [cells]
    by_parent = {}
    for id in cells:
        by_parent.setdefault(id.parent, []).append(id.parent.id_to_index(id))
    views = [p[sorted(ix)] for p, ix in by_parent.items()]
    return views[0] if len(views) == 1 else Assembly(*views)
