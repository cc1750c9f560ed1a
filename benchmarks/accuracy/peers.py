"""Single-cell traces of PyNN's standard cell types from NEURON or Brian2 (through PyNN) at any time step, in the
layout of shared/reference (README there): the reference scenarios plus the non-default ones of issue 18.
Usage: /usr/bin/python3 peers.py neuron|brian2 OUTDIR DT [SCENARIO ...]   (after shared/peers/setup.sh)"""
import json, os, sys, warnings

warnings.filterwarnings("ignore")
from scenarios import SCENARIOS, T_STOP, SPIKES_EXC, SPIKES_INH

simname, outdir, dt = sys.argv[1], sys.argv[2], float(sys.argv[3])
only = set(sys.argv[4:])
sim = __import__(f"pyNN.{simname}", fromlist=["x"])
os.makedirs(outdir, exist_ok=True)

for name, ctype, params, kind, args, extra in SCENARIOS:
    if only and name not in only:
        continue
    sim.setup(timestep=dt, min_delay=max(dt, 0.1))
    cell = sim.Population(1, getattr(sim, ctype)(**params))
    if kind == "step":
        times, amps = [50.0, 150.0, 250.0], [args[0], args[1], 0.0]
        cell.inject(sim.StepCurrentSource(times=times, amplitudes=amps))
        stim = {"kind": "StepCurrentSource", "times": times, "amplitudes": amps}
    else:
        we, wi = args
        se = sim.Population(1, sim.SpikeSourceArray(spike_times=SPIKES_EXC))
        si = sim.Population(1, sim.SpikeSourceArray(spike_times=SPIKES_INH))
        sim.Projection(se, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=we, delay=1.0), receptor_type="excitatory")
        sim.Projection(si, cell, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=wi if ctype.startswith("IF_curr") else abs(wi), delay=1.0), receptor_type="inhibitory")
        stim = {"kind": "SpikeSourceArray", "excitatory": SPIKES_EXC, "inhibitory": SPIKES_INH,
                "weight_exc": we, "weight_inh": wi, "delay": 1.0}
    cell.record(["spikes", "v"] + [x for x in extra if x in cell.celltype.recordable])
    sim.run(T_STOP)
    seg = cell.get_data().segments[0]
    out = {"simulator": simname, "scenario": name, "cell_type": ctype, "parameters": params, "dt": dt, "t_stop": T_STOP,
           "stimulus": stim, "spikes": [round(float(t), 6) for t in seg.spiketrains[0]]}
    for sig in seg.analogsignals:
        out[sig.name] = [round(float(x), 9) for x in sig.magnitude.ravel()]
    sim.end()
    with open(os.path.join(outdir, f"{name}.{simname}.json"), "w") as f:
        json.dump(out, f)
    print(name, simname, dt, "spikes", len(out["spikes"]), flush=True)
