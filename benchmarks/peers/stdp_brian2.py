"""Plastic-synapse benchmarks in Brian2, the same networks as benchmarks/Meta.Benchmarks/StdpBenchmark.cs.
Usage: stdp_brian2.py runtime|standalone stdp|coba-stdp N [tstop_ms]. Prints one JSON line.
stdp: Song, Miller & Abbott (2000) as in Brian2's own STDP example (examples/synapses/STDP.py): N Poisson inputs at
15 Hz onto one integrate-and-fire cell, additive STDP, w_max = 0.01 g_leak.
coba-stdp: the Vogels-Abbott COBA network of N cells (va_brian2.py's model) with additive STDP on E->E."""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
mode, bench, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
tstop = float(sys.argv[4]) if len(sys.argv) > 4 else (100000.0 if bench == "stdp" else 1000.0)
t0 = time.perf_counter()
from brian2 import *
BrianLogger.log_level_error()
if mode == "standalone":
    set_device("cpp_standalone", build_on_run=False)
    outdir = f"b2stdp-{bench}-{n}"
defaultclock.dt = 0.1 * ms
stdp_model = """w : 1
dApre/dt = -Apre / (20*ms) : 1 (event-driven)
dApost/dt = -Apost / (20*ms) : 1 (event-driven)"""
if bench == "stdp":
    taum, Ee, vt, vr, El, taue = 10 * ms, 0 * mV, -54 * mV, -60 * mV, -74 * mV, 5 * ms
    gmax = 0.01
    dApre, dApost = 0.01 * gmax, -0.01 * 1.05 * gmax
    inputs = PoissonGroup(n, rates=15 * Hz)
    out = NeuronGroup(1, """dv/dt = (ge * (Ee-v) + El - v) / taum : volt
                            dge/dt = -ge / taue : 1""", threshold="v>vt", reset="v = vr", method="euler")
    out.v = El
    S = Synapses(inputs, out, stdp_model,
                 on_pre="ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)",
                 on_post="Apost += dApost\nw = clip(w + Apre, 0, gmax)", delay=0.1 * ms)
    S.connect()
    S.w = "rand() * gmax"
    objs = [inputs, out, S]
    plastic = S
else:
    n_exc = int(n * 4 / 5)
    Cm, taum = 0.2 * nF, 20 * ms
    gl = Cm / taum
    P = NeuronGroup(n, """dv/dt = (gl*(-60*mV - v) + ge*(0*mV - v) + gi*(-80*mV - v))/Cm : volt (unless refractory)
                          dge/dt = -ge/(5*ms) : siemens
                          dgi/dt = -gi/(10*ms) : siemens""",
                    threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * ms, method="euler")
    P.v = "-60*mV + rand()*10*mV"
    p = 0.02 * 4000 / n
    wmax = 0.008
    See = Synapses(P[:n_exc], P[:n_exc], stdp_model,
                   on_pre=f"ge += w*usiemens\nApre += 0.01*{wmax}\nw = clip(w + Apost, 0, {wmax})",
                   on_post=f"Apost += -0.0105*{wmax}\nw = clip(w + Apre, 0, {wmax})", delay=0.2 * ms)
    See.connect(p=p)
    See.w = 0.004
    Cei = Synapses(P[:n_exc], P[n_exc:], on_pre="ge += 0.004*usiemens", delay=0.2 * ms); Cei.connect(p=p)
    Ci = Synapses(P[n_exc:], P, on_pre="gi += 0.051*usiemens", delay=0.2 * ms); Ci.connect(p=p)
    ext = PoissonGroup(20, rates="100*Hz * (t < 50*ms)")
    Cx = Synapses(ext, P, on_pre="ge += 0.1*usiemens", delay=0.2 * ms); Cx.connect(p=0.01)
    out = P[:n_exc]
    plastic = See
M = SpikeMonitor(out)
t1 = time.perf_counter()
run(tstop * ms)
if mode == "standalone":
    device.build(directory=outdir, run=True, compile=True)
t2 = time.perf_counter()
sim_s = getattr(device, "_last_run_time", None) if mode == "standalone" else None
w = np.asarray(plastic.w[:])
print(json.dumps(dict(peer=f"brian2-{mode}", bench=bench, n=n, tstop_ms=tstop,
                      rate_hz=float(M.num_spikes / len(out) * 1000 / tstop), mean_weight=float(w.mean()), plastic_synapses=int(len(w)),
                      build_s=t1 - t0, run_s=t2 - t1, sim_only_s=sim_s)))
