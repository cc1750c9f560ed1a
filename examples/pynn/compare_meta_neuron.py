"""
One PyNN network run on Meta (pyNN.meta) and on NEURON (pyNN.neuron), in the spirit of PyNN's multisim: the same
function builds and runs the network with either simulator module, and the results are compared.

The network: 20 spike sources with identical random spike trains on both simulators (drawn here with NumPy) drive 10
IF_cond_exp cells through a FixedProbabilityConnector seeded with a NumpyRNG (so both get the same connections); one
cell more receives a DC step and no synapses. Printed: each cell's spike count on both, the largest difference in v of
the DC cell (a single-neuron check) and the first spike times.

    python3 python/pynn_meta_hook.py examples/pynn/compare_meta_neuron.py [--backend cpu|ilgpu|torch]
"""

import argparse
import importlib

import numpy as np
from pyNN.random import NumpyRNG

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--backend", default="cpu", help="Meta's backend (cpu, ilgpu, torch)")
parser.add_argument("--duration", type=float, default=500.0, help="ms")
args = parser.parse_args()

rng = np.random.default_rng(20240)
spike_trains = [np.sort(np.round(rng.uniform(1.0, args.duration, rng.poisson(args.duration / 1000.0 * 20)), 1))
                for _ in range(20)]


def build_and_run(sim, **setup_options):
    sim.setup(timestep=0.025, min_delay=0.5, **setup_options)
    inputs = sim.Population(20, sim.SpikeSourceArray(spike_times=[sim.Sequence(t) for t in spike_trains]), label="inputs")
    cells = sim.Population(10, sim.IF_cond_exp(tau_m=20.0, v_rest=-65.0, v_thresh=-55.0, tau_refrac=2.0), label="cells")
    probe = sim.Population(1, sim.IF_cond_exp(tau_m=20.0, v_rest=-65.0, v_thresh=-50.0), label="probe")
    sim.Projection(inputs, cells, sim.FixedProbabilityConnector(0.5, rng=NumpyRNG(seed=42)),
                   sim.StaticSynapse(weight=0.012, delay=1.0), receptor_type="excitatory")
    probe.inject(sim.DCSource(amplitude=0.1, start=50.0, stop=300.0))
    cells.record("spikes")
    probe.record("v")
    sim.run(args.duration)
    spikes = [np.asarray(st) for st in cells.get_data().segments[0].spiketrains]
    v = np.asarray(probe.get_data().segments[0].analogsignals[0]).ravel()
    sim.end()
    return spikes, v


results = {}
for name, options in (("meta", {"backend": args.backend}), ("neuron", {})):
    sim = importlib.import_module("pyNN." + name)
    sim.Sequence = importlib.import_module("pyNN.parameters").Sequence
    results[name] = build_and_run(sim, **options)

(meta_spikes, meta_v), (neuron_spikes, neuron_v) = results["meta"], results["neuron"]
n = min(meta_v.size, neuron_v.size)
print("cell  spikes(meta)  spikes(neuron)  first spike meta / neuron (ms)")
for k, (a, b) in enumerate(zip(meta_spikes, neuron_spikes)):
    print("%4d  %12d  %14d  %s / %s" % (k, a.size, b.size, a[0] if a.size else "-", b[0] if b.size else "-"))
total_meta, total_neuron = sum(s.size for s in meta_spikes), sum(s.size for s in neuron_spikes)
print("total spikes: meta %d, neuron %d" % (total_meta, total_neuron))
print("DC probe: max |v_meta - v_neuron| = %.4f mV over %d samples" % (np.max(np.abs(meta_v[:n] - neuron_v[:n])), n))
