"""
NEST's cell models by NEST's name (``sim.native_cell_type('iaf_psc_alpha')``), as pyNN.nest offers them: the parameter
and state names and units are NEST's (V_m in mV, C_m in pF, I_e in pA, ...). Meta's NEST catalogue
(Meta.Sonata.Nest.NestCatalogue, the one the SONATA reader uses) names the Meta model each runs as and scales each
NEST value onto it; the server sends that mapping, and the cell type translates with it.
"""

from pyNN.standardmodels import build_translations
from .simulator import state
from . import standardmodels

_NEST_UNITS = {"nA": "pA", "nF": "pF", "uS": "nS", "µS": "nS"}


def _unit(meta_unit, factor):
    return meta_unit if factor == 1.0 else _NEST_UNITS.get(meta_unit, meta_unit)


def native_cell_type(model_name):
    """
    A cell type class for NEST's model ``model_name`` (call after ``setup``). An unknown name raises
    ``NoModelAvailableError`` listing the models offered.
    """
    description = state.call("native_cell_type", name=str(model_name))
    meta_model = description["model"]
    base = getattr(standardmodels, meta_model)
    meta = state.catalogue[meta_model]
    parameters, states = description["parameters"], description["states"]
    translations = build_translations(*[
        (nest, m["meta"], "float(%r)*%s" % (m["factor"], nest), "%s/float(%r)" % (m["meta"], m["factor"]))
        for nest, m in parameters.items()])
    units = {nest: _unit(meta["parameters"][m["meta"]]["unit"], m["factor"]) for nest, m in parameters.items()}
    units.update({nest: _unit(meta["states"][m["meta"]]["unit"], m["factor"]) for nest, m in states.items()})
    units["spikes"] = "ms"
    return type(str(model_name), (base,), {
        "__doc__": "NEST's %s, run as Meta's %s." % (model_name, meta_model),
        "__module__": __name__,
        "nest_model": description["name"],
        "meta_model": meta_model,
        "default_parameters": {nest: m["default"] for nest, m in parameters.items()},
        "default_initial_values": {nest: m["default"] for nest, m in states.items()},
        "state_map": {nest: (m["meta"], m["factor"]) for nest, m in states.items()},
        "translations": translations,
        "recordable": ["spikes"] + list(states),
        "units": units,
        "weight_scale": description["weight_scale"],
    })


def meta_model(celltype):
    """The name of the Meta model a cell type runs as (its own name for a standard type)."""
    return getattr(type(celltype), "meta_model", type(celltype).__name__)


def meta_state(celltype, variable):
    """(Meta's name, factor Meta = given × factor) of a state variable or recordable."""
    return getattr(type(celltype), "state_map", {}).get(variable, (variable, 1.0))
