"""
PyNN's standard cell, synapse and current-source types for Meta. Meta uses PyNN's names and units, so every translation
is the identity; the classes exist to name the types Meta provides.
"""

import numpy as np
from pyNN.standardmodels import cells, synapses, electrodes, build_translations, StandardCurrentSource
from pyNN.parameters import ParameterSpace, ArrayParameter, Sequence
from . import simulator
from .simulator import state

# PyNN's standard cell types that Meta's catalogue provides (Meta.Models.Standard.StandardModels).
CELL_TYPES = ["IF_curr_exp", "IF_curr_alpha", "IF_cond_exp", "IF_cond_alpha", "IF_curr_delta", "IF_cond_exp_gsfa_grr",
              "IF_facets_hardware1", "HH_cond_exp", "EIF_cond_alpha_isfa_ista", "EIF_cond_exp_isfa_ista", "Izhikevich",
              "GIF_cond_exp", "SpikeSourcePoisson", "SpikeSourceArray", "SpikeSourceGamma", "SpikeSourcePoissonRefractory",
              "SpikeSourceInhGamma"]


def _identity(base, names):
    return build_translations(*[(n, n) for n in names])


def _cell_class(name):
    base = getattr(cells, name)
    return type(name, (base,), {"__doc__": base.__doc__, "__module__": __name__,
                                "translations": _identity(base, base.default_parameters)})


for _name in CELL_TYPES:
    if hasattr(cells, _name):
        globals()[_name] = _cell_class(_name)


def _minimum_delay(self):
    d = state.min_delay
    return state.dt if d == "auto" else d


def _native_names(self, *names):
    # Meta uses PyNN's names, so the translation is the identity; it also covers the synapse type's state variables
    # (prj.get("u"), learned traces), which PyNN's translation tables do not list. Meta refuses unknown names itself.
    return list(names)


def _synapse_class(base):
    return type(base.__name__, (base,), {"__doc__": base.__doc__, "__module__": __name__,
                                         "translations": _identity(base, base.default_parameters),
                                         "_get_minimum_delay": _minimum_delay,
                                         "get_native_names": _native_names})


StaticSynapse = _synapse_class(synapses.StaticSynapse)
TsodyksMarkramSynapse = _synapse_class(synapses.TsodyksMarkramSynapse)
SimpleStochasticSynapse = _synapse_class(synapses.SimpleStochasticSynapse)
StochasticTsodyksMarkramSynapse = _synapse_class(synapses.StochasticTsodyksMarkramSynapse)
MultiQuantalSynapse = _synapse_class(synapses.MultiQuantalSynapse)
ElectricalSynapse = _synapse_class(synapses.ElectricalSynapse)  # a gap junction: Meta's continuous coupling, no delay


class STDPMechanism(synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = build_translations(("weight", "weight"), ("delay", "delay"),
                                           ("dendritic_delay_fraction", "dendritic_delay_fraction"))
    _get_minimum_delay = _minimum_delay
    get_native_names = _native_names


def _component_class(base):
    return type(base.__name__, (base,), {"__doc__": base.__doc__, "__module__": __name__,
                                         "translations": _identity(base, base.default_parameters)})


AdditiveWeightDependence = _component_class(synapses.AdditiveWeightDependence)
MultiplicativeWeightDependence = _component_class(synapses.MultiplicativeWeightDependence)
AdditivePotentiationMultiplicativeDepression = _component_class(synapses.AdditivePotentiationMultiplicativeDepression)
GutigWeightDependence = _component_class(synapses.GutigWeightDependence)
SpikePairRule = _component_class(synapses.SpikePairRule)
Vogels2011Rule = _component_class(synapses.Vogels2011Rule)


def synapse_description(synapse_type):
    """The ``synapse`` field of a ``connect`` request (per-connection values are added by the projection)."""
    if isinstance(synapse_type, STDPMechanism):
        return {"type": "STDPMechanism",
                "timing_dependence": {"type": type(synapse_type.timing_dependence).__name__},
                "weight_dependence": {"type": type(synapse_type.weight_dependence).__name__}}
    return {"type": type(synapse_type).__name__}


class MetaCurrentSource(StandardCurrentSource):
    """A current source held by Meta: created at ``inject_into``; parameters set later apply from the next run."""

    def __init__(self, **parameters):
        object.__setattr__(self, "_indices", [])
        object.__setattr__(self, "_native", {})
        object.__setattr__(self, "_recording", False)
        StandardCurrentSource.__init__(self, **parameters)
        defaults = dict(self.default_parameters)
        defaults.update(parameters)
        self.set_parameters(**defaults)

    def set_native_parameters(self, parameters):
        parameters.evaluate(simplify=True)
        values = {}
        for name, value in parameters.items():
            if isinstance(value, ArrayParameter):
                value = value.value
            if isinstance(value, np.ndarray) and value.dtype == object:
                value = value[0].value if isinstance(value[0], ArrayParameter) else value[0]
            values[name] = np.asarray(value, dtype=float) if np.ndim(value) > 0 else float(value)
        self._native.update(values)
        if not self._indices:
            # Meta holds the source from its creation, so that bad values are refused here (PyNN's ValueError).
            index = state.call("current_source", type=type(self).__name__, parameters=dict(self._native),
                               label=type(self).__name__)["source"]
            self._indices.append(index)
            object.__setattr__(self, "_injected", False)
        else:
            for index in self._indices:
                state.call("source_set", source=index, parameters=values)

    def get_native_parameters(self):
        values = {k: (Sequence(v) if isinstance(v, np.ndarray) else v) for k, v in self._native.items()}
        return ParameterSpace(values, self.get_schema(), shape=(1,))

    def __getattr__(self, name):
        # PyNN's generic read-back (source.times) gives an unevaluated ParameterSpace entry; like pyNN.neuron, give the
        # values the simulation uses: numbers, and for a step source the times on the time-step grid.
        native = self.__dict__.get("_native")
        if native is None or name not in native:
            return StandardCurrentSource.__getattr__(self, name)
        if isinstance(self, electrodes.StepCurrentSource) and name in ("times", "amplitudes"):
            return self.effective_steps()[0 if name == "times" else 1]
        value = native[name]
        return value.copy() if isinstance(value, np.ndarray) else value

    def effective_steps(self):
        """
        A step source's (times, amplitudes) as Meta applies them (docs/semantics.md): each time rounded to the nearest
        step (half to even), and of times that round to the same step the later one wins, as in pyNN.neuron.
        """
        steps = np.rint(np.atleast_1d(self._native["times"]) / state.dt).astype(np.int64)
        amplitudes = np.atleast_1d(self._native["amplitudes"]).astype(float)
        last = np.append(steps[1:] != steps[:-1], True) if steps.size else np.zeros(0, bool)
        return steps[last] * state.dt, amplitudes[last]

    def inject_into(self, cells):
        from .populations import as_collection
        targets, _ = simulator.parts(as_collection(cells))
        state.call("source_inject", source=self._indices[0], targets=targets)
        object.__setattr__(self, "_injected", True)

    def record(self):
        object.__setattr__(self, "_recording", True)
        for index in self._indices:
            state.call("source_record", source=index, record=True)

    def _get_data(self):
        if not self._indices:
            return np.array([]), np.array([])
        result = state.call("source_data", source=self._indices[0])
        i = np.asarray(result["data"], dtype=float)
        t = result["t_start"] + np.arange(i.size) * result["sampling_period"]
        return t, i


def _source_class(base):
    return type(base.__name__, (MetaCurrentSource, base), {"__doc__": base.__doc__, "__module__": __name__,
                                                            "translations": _identity(base, base.default_parameters)})


DCSource = _source_class(electrodes.DCSource)
ACSource = _source_class(electrodes.ACSource)
StepCurrentSource = _source_class(electrodes.StepCurrentSource)
NoisyCurrentSource = _source_class(electrodes.NoisyCurrentSource)
