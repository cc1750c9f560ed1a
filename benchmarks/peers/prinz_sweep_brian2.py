"""N single-cell Prinz et al. (2004) model-neuron variants as one Brian2 NeuronGroup, the same variants, model,
initial state, spike rule (upward crossing of v_spike = -15 mV) and dt as Meta's `--bench sweep` (SweepBenchmark.cs):
variant k is model neuron k mod 16 of the database with its conductances scaled by 1 + 0.2*(k//16)/max(1, N//16).
Only spike counts are kept (SpikeMonitor(record=False)), as Meta's on-device measures keep only a few numbers per cell.
Usage: prinz_sweep_brian2.py N TSTOP_MS DT_MS [standalone|runtime] [euler|exponential_euler|rk4] [DIR]. Prints one JSON line:
build_s (Python set-up), compile_s (code generation and C++ compilation), sim_s (Brian2's own timing of the run loop),
cell-steps/s of sim_s."""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
n, tstop, dt = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else "standalone"
method = sys.argv[5] if len(sys.argv) > 5 else "euler"
outdir = sys.argv[6] if len(sys.argv) > 6 else f"b2prinz-{n}"
t0 = time.perf_counter()
from brian2 import *
import numpy as np
BrianLogger.log_level_error()
if mode == "standalone":
    set_device("cpp_standalone", directory=outdir, build_on_run=False)
defaultclock.dt = dt * ms

# Prinz, Bucher & Marder (2004), Table 2, mS/cm2: Na, CaT, CaS, A, KCa, Kd, H, leak (Meta's Prinz2004.NeuronTypes order).
types = [
    [400, 2.5, 6, 50, 10, 100, 0.01, 0.00], [100, 2.5, 6, 50, 5, 100, 0.01, 0.00], [200, 2.5, 4, 50, 5, 50, 0.01, 0.00],
    [200, 5.0, 4, 40, 5, 125, 0.01, 0.00], [300, 5.0, 2, 10, 5, 125, 0.01, 0.00],
    [100, 0.0, 8, 40, 5, 75, 0.05, 0.02], [100, 0.0, 6, 30, 5, 50, 0.05, 0.02], [100, 0.0, 10, 50, 5, 100, 0.00, 0.03],
    [100, 0.0, 4, 20, 0, 25, 0.05, 0.03], [100, 0.0, 6, 30, 0, 50, 0.03, 0.02],
    [100, 2.5, 2, 50, 0, 125, 0.05, 0.01], [200, 7.5, 0, 50, 0, 75, 0.05, 0.00], [200, 10, 0, 50, 0, 100, 0.03, 0.00],
    [400, 2.5, 2, 50, 0, 75, 0.05, 0.00], [500, 2.5, 2, 40, 0, 125, 0.01, 0.03], [500, 2.5, 2, 40, 0, 125, 0.00, 0.02],
]
names = ["g_Na", "g_CaT", "g_CaS", "g_A", "g_KCa", "g_Kd", "g_H", "g_leak"]
k = np.arange(n)
scale = 1 + 0.2 * (k // 16) / max(1, n // 16)
g = np.array(types)[k % 16] * scale[:, None]

def sigma(b, c):
    return f"1/(1 + exp((v + {b})/({c})))"

# Units as in Meta (mV, ms, nA, nF, uM, mS/cm2), written as plain numbers; derivatives divided by ms.
eqs = f"""
E_Ca = 12.2*log(3000/Ca) : 1
i_ion = g_Na*m_Na**3*h_Na*(v - 50) + g_CaT*m_CaT**3*h_CaT*(v - E_Ca) + g_CaS*m_CaS**3*h_CaS*(v - E_Ca) + g_A*m_A**3*h_A*(v + 80) + g_KCa*m_KCa**4*(v + 80) + g_Kd*m_Kd**4*(v + 80) + g_H*m_H*(v + 20) + g_leak*(v + 50) : 1
dv/dt = (-1000*0.628e-3*i_ion)/0.628/ms : 1
dCa/dt = (-14.96*(g_CaT*m_CaT**3*h_CaT*(v - E_Ca) + g_CaS*m_CaS**3*h_CaS*(v - E_Ca)) - Ca + 0.05)/200/ms : 1
dm_Na/dt = ({sigma(25.5, -5.29)} - m_Na)/(2.64 - 2.52/(1 + exp((v + 120)/(-25))))/ms : 1
dh_Na/dt = ({sigma(48.9, 5.18)} - h_Na)/((1.34/(1 + exp(-(v + 62.9)/10)))*(1.5 + 1/(1 + exp((v + 34.9)/3.6))))/ms : 1
dm_CaT/dt = ({sigma(27.1, -7.2)} - m_CaT)/(43.4 - 42.6/(1 + exp((v + 68.1)/(-20.5))))/ms : 1
dh_CaT/dt = ({sigma(32.1, 5.5)} - h_CaT)/(210 - 179.6/(1 + exp((v + 55)/(-16.9))))/ms : 1
dm_CaS/dt = ({sigma(33, -8.1)} - m_CaS)/(2.8 + 14/(exp((v + 27)/10) + exp((v + 70)/(-13))))/ms : 1
dh_CaS/dt = ({sigma(60, 6.2)} - h_CaS)/(120 + 300/(exp((v + 55)/9) + exp((v + 65)/(-16))))/ms : 1
dm_A/dt = ({sigma(27.2, -8.7)} - m_A)/(23.2 - 20.8/(1 + exp((v + 32.9)/(-15.2))))/ms : 1
dh_A/dt = ({sigma(56.9, 4.9)} - h_A)/(77.2 - 58.4/(1 + exp((v + 38.9)/(-26.5))))/ms : 1
dm_KCa/dt = (Ca/(Ca + 3)*{sigma(28.3, -12.6)} - m_KCa)/(180.6 - 150.2/(1 + exp((v + 46)/(-22.7))))/ms : 1
dm_Kd/dt = ({sigma(12.3, -11.8)} - m_Kd)/(14.4 - 12.8/(1 + exp((v + 28.3)/(-19.2))))/ms : 1
dm_H/dt = ({sigma(75, 5.5)} - m_H)/(2/(exp((v + 169.7)/(-11.6)) + exp((v - 26.7)/14.3)))/ms : 1
""" + "\n".join(f"{p} : 1 (constant)" for p in names)
cells = NeuronGroup(n, eqs, threshold="v >= -15", refractory="v >= -15", method=method)
for i, p in enumerate(names):
    setattr(cells, p, g[:, i])
def rest(b, c, v=-50.0):
    return 1 / (1 + np.exp((v + b) / c))
cells.v = -50.0
cells.Ca = 0.05
for var, (b, c) in dict(m_Na=(25.5, -5.29), h_Na=(48.9, 5.18), m_CaT=(27.1, -7.2), h_CaT=(32.1, 5.5), m_CaS=(33, -8.1),
                        h_CaS=(60, 6.2), m_A=(27.2, -8.7), h_A=(56.9, 4.9), m_Kd=(12.3, -11.8), m_H=(75, 5.5)).items():
    setattr(cells, var, rest(b, c))
cells.m_KCa = 0.05 / (0.05 + 3) * rest(28.3, -12.6)
counts = SpikeMonitor(cells, record=False)
t1 = time.perf_counter()
run(tstop * ms)
if mode == "standalone":
    device.build(directory=outdir, run=True, compile=True)
t2 = time.perf_counter()
sim_s = device._last_run_time if mode == "standalone" else t2 - t1
c = np.asarray(counts.count)
steps = int(round(tstop / dt))
print(json.dumps(dict(peer=f"brian2-{mode}", method=method, n=n, tstop_ms=tstop, dt_ms=dt, build_s=round(t1 - t0, 3),
                      compile_s=round(t2 - t1 - (sim_s if mode == "standalone" else 0), 3), sim_s=round(sim_s, 3),
                      cell_steps_per_s=round(n * steps / sim_s), silent=int((c == 0).sum()),
                      mean_rate_hz=round(float(c.mean() * 1000 / tstop), 3))))
