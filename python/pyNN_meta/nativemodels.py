"""
Cell types beyond PyNN's standard ones, as pyNN.nest offers them through ``native_cell_type``:

- NEST's models by NEST's name (``sim.native_cell_type('iaf_cond_exp')``): the parameter and state names and units are
  NEST's (V_m in mV, C_m in pF, I_e in pA, g_L in nS, ...). Meta's NEST catalogue (Meta.Sonata.Nest.NestCatalogue, the
  one the SONATA reader uses) names the Meta model each runs as and converts each NEST value onto it, by a factor
  (C_m pF -> cm nF) or a ratio (tau_m = C_m / g_L); the server sends that mapping and the cell type translates with it.
- Meta's own models: a NESTML file (``sim.nestml_cell_type('iaf_psc_exp_neuron.nestml')``, or ``native_cell_type`` of
  a path ending in .nestml) or a model of Meta's library (``sim.native_cell_type('Prinz2004')``), with Meta's names and
  units (those of the model definition: nF, nA, uS, mV, ms).
"""

import os
import numpy as np
import quantities as pq
from pyNN.parameters import ArrayParameter, Sequence
from pyNN.standardmodels import StandardCellType, build_translations
from .simulator import state
from . import standardmodels

_NEST_UNITS = {"nA": "pA", "nF": "pF", "uS": "nS", "µS": "nS"}

# The request that made each model known to the server, and the server it was sent to (a restarted server forgets it).
_LOADED = {}


def _unit(meta_unit, factor):
    return meta_unit if factor == 1.0 else _NEST_UNITS.get(meta_unit, meta_unit)


def _quantity_unit(unit):
    """A unit string that the quantities package (Neo's units) reads; 'dimensionless' for none or an unknown one."""
    if not unit or unit == "1":
        return "dimensionless"
    try:
        pq.Quantity(1.0, unit)
        return unit
    except (LookupError, ValueError, TypeError):
        return "dimensionless"


def _register(model, entry, request):
    state.catalogue[model] = entry
    _LOADED[model] = (request, state.server)


def ensure_known(celltype):
    """Sends again the request that made a cell type's model known, if the server has restarted since."""
    loaded = _LOADED.get(meta_model(celltype))
    if loaded is not None and loaded[1] is not state.server:
        cmd, fields = loaded[0]
        state.call(cmd, **fields)
        _LOADED[meta_model(celltype)] = (loaded[0], state.server)


def _meta_cell_class(name, entry, class_name=None):
    """
    A cell type class for a Meta model that is not one of PyNN's standard types, from its catalogue entry: Meta's
    parameter and state names, units, receptors and recordables, identity translations.
    """
    defaults = {}
    for pname, p in entry["parameters"].items():
        if p["shape"] == "array":
            defaults[pname] = ArrayParameter(p["elements"])
        elif p["shape"] == "sequence":
            defaults[pname] = Sequence([])
        else:
            defaults[pname] = float(p["default"])  # JSON writes 250.0 as 250: an int schema would truncate
    units = {n: _quantity_unit(p["unit"]) for n, p in entry["parameters"].items()}
    units.update({n: _quantity_unit(s["unit"]) for n, s in entry["states"].items()})
    units["spikes"] = "ms"
    return type(str(class_name or name), (StandardCellType,), {
        "__doc__": "Meta's model %s (names and units of its definition)." % name,
        "__module__": __name__,
        "meta_model": name,
        "default_parameters": defaults,
        "default_initial_values": {n: float(s["initial"]) for n, s in entry["states"].items() if s.get("initial") is not None},
        "translations": build_translations(*[(n, n) for n in defaults]),
        "recordable": ["spikes"] + [r for r in entry["recordables"] if r != "spikes"],
        "receptor_types": tuple(entry["receptors"]),
        "conductance_based": bool(entry["conductance_based"]),
        "injectable": bool(entry["injectable"]),
        "units": units,
    })


def nestml_cell_type(path):
    """
    A cell type class for the NESTML neuron model in the file at ``path`` (call after ``setup``), compiled by Meta's
    NESTML importer (docs/nestml.md). Its parameters and states keep their NESTML names in Meta's units (C_m in nF, I_e
    in nA, conductances in uS; mV and ms unchanged); its spike input ports are its receptors ('excitatory' and
    'inhibitory' for ports qualified so). A file Meta cannot read or compile raises ``InvalidModelError`` with the line.
    """
    full = os.path.abspath(os.fspath(path))
    result = state.call("load_nestml", path=full)
    _register(result["name"], result["cell_type"], ("load_nestml", {"path": full}))
    return _meta_cell_class(result["name"], result["cell_type"])


def _translation(nest, m, parameters):
    if "ratio" in m:
        numerator, denominator = m["ratio"]
        scale = parameters[numerator]
        # Meta = numerator / denominator; back: denominator = numerator (from its Meta value) / Meta
        return (nest, m["meta"], "%s/%s" % (numerator, denominator),
                "(%s/%r)/%s" % (scale["meta"], float(scale["factor"]), m["meta"]))
    if any("ratio" in other and other["ratio"][0] == nest for other in parameters.values()):
        # written without float() so that PyNN counts it as computed: setting it alone re-sends the ratio too
        return (nest, m["meta"], "%r*%s" % (float(m["factor"]), nest), "%s/%r" % (m["meta"], float(m["factor"])))
    return (nest, m["meta"], "float(%r)*%s" % (m["factor"], nest), "%s/float(%r)" % (m["meta"], m["factor"]))


def _nest_units(parameters, states, meta):
    units = {}
    for nest, m in parameters.items():
        if "ratio" not in m:
            units[nest] = _unit(meta["parameters"][m["meta"]]["unit"], m["factor"])
    for nest, m in parameters.items():
        if "ratio" in m:
            units[nest] = "%s/%s" % (units[m["ratio"][0]], meta["parameters"][m["meta"]]["unit"])  # pF/ms = nS
    units.update({nest: _unit(meta["states"][m["meta"]]["unit"], m["factor"]) for nest, m in states.items()})
    units["spikes"] = "ms"
    return units


def native_cell_type(model_name):
    """
    A cell type class (call after ``setup``) for NEST's model ``model_name`` with NEST's names and units; for a path
    ending in ``.nestml``, the NESTML model in that file (``nestml_cell_type``); for a model of Meta's library
    (``Prinz2004``), that model with Meta's names. An unknown name raises ``NoModelAvailableError`` listing the NEST
    models offered.
    """
    name = os.fspath(model_name) if isinstance(model_name, os.PathLike) else str(model_name)
    if name.endswith(".nestml"):
        return nestml_cell_type(name)
    if name in state.catalogue and name not in _LOADED and not hasattr(standardmodels, name):
        # a model of Meta's library (the catalogue's entries other than PyNN's standard types and models loaded here)
        return _meta_cell_class(name, state.catalogue[name])
    description = state.call("native_cell_type", name=name)
    model = description["model"]
    base = getattr(standardmodels, model, None)
    if base is None:
        _register(model, description["cell_type"], ("native_cell_type", {"name": name}))
        base = _meta_cell_class(model, description["cell_type"], class_name="Meta_" + model)
    meta = description["cell_type"]
    parameters, states = description["parameters"], description["states"]
    translations = build_translations(*[_translation(nest, m, parameters) for nest, m in parameters.items()])
    return type(str(name), (base,), {
        "__doc__": "NEST's %s, run as Meta's %s." % (name, model),
        "__module__": __name__,
        "nest_model": description["name"],
        "meta_model": model,
        "default_parameters": {nest: float(m["default"]) for nest, m in parameters.items()},
        "default_initial_values": {nest: float(m["default"]) for nest, m in states.items()},
        "state_map": {nest: (m["meta"], m["factor"]) for nest, m in states.items()},
        "translations": translations,
        "recordable": ["spikes"] + list(states),
        "units": _nest_units(parameters, states, meta),
        "weight_scale": description["weight_scale"],
    })


def meta_model(celltype):
    """The name of the Meta model a cell type runs as (its own name for a standard type)."""
    return getattr(type(celltype), "meta_model", type(celltype).__name__)


def meta_state(celltype, variable):
    """(Meta's name, factor Meta = given × factor) of a state variable or recordable."""
    return getattr(type(celltype), "state_map", {}).get(variable, (variable, 1.0))
