#!/usr/bin/env python3
"""Writes the Potjans & Diesmann (2014) cortical microcircuit as a Meta network file, at a chosen scale.

Usage: microcircuit.py [--n-scaling 0.1] [--k-scaling 0.1] [--duration 1000] [--dc-input] [--seed 55] [--out FILE]

The model as NEST's example pynest/examples/Potjans_2014 defines it (parameter values taken from its network_params.py,
sim_params.py and helpers.py; no code copied): 8 populations of iaf_psc_exp cells (PyNN's IF_curr_exp), the 8 x 8
connection probabilities turned into total synapse numbers K = log(1 - p) / log(1 - 1 / (N_pre N_post)) at full scale,
then scaled by N_scaling * K_scaling and drawn with a fixed total number (multapses and autapses allowed); PSC
amplitude 87.81 pA (from a 0.15 mV PSP), g = -4, L4E -> L2/3E doubled, weights normal with relative sd 0.1 clipped
at 0 (redrawn), delays normal 1.5 ms (exc) / 0.75 ms (inh) with relative sd 0.5 redrawn below the time step;
background Poisson input of 8 Hz x K_ext per cell (or its mean as DC with --dc-input); initial v normal with the
model's "optimized" population-specific mean and sd.

Down-scaling (the model's own): the cell numbers scale by N_scaling; the in-degrees (recurrent and external) by
K_scaling, with every weight divided by sqrt(K_scaling) and a DC current added per population that restores the mean
input of the full-scale network at its published rates (NEST's adjust_weights_and_input_to_synapse_scaling). This
keeps the mean input, and the variance of the input only where the rates equal the full-scale ones.

Units are PyNN's: nA, nF, mV, ms, Hz. Only the standard library is used.
"""

import argparse
import json
import math

POPULATIONS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
N_FULL = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
# Connection probabilities, [target][source].
CONN_PROBS = [
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
]
K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]
# Full-scale rates (spikes/s) that the K-scaling compensation assumes: NEST's current network_params.py.
FULL_MEAN_RATES = [0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851]
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]
V0_SD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]

C_M, TAU_M, TAU_SYN, T_REF = 250.0, 10.0, 0.5, 2.0  # pF, ms, ms, ms
E_L, V_TH, V_RESET = -65.0, -50.0, -65.0  # mV
PSP_E, PSP_REL_SD, G = 0.15, 0.1, -4.0  # mV, relative, relative
BG_RATE = 8.0  # Hz per external synapse
DELAY_EXC, DELAY_INH, DELAY_REL_SD, DELAY_POISSON = 1.5, 0.75, 0.5, 1.5  # ms
TIMESTEP = 0.1  # ms
# Upper clip of the delay distributions (NEST draws without one): 10 sd above the mean, past which a draw has a
# probability below 1e-23; it bounds max_delay (the spike ring's length).
DELAY_SDS_ABOVE = 10.0


def psc_over_psp(c_m, tau_m, tau_syn):
    """pA per mV of PSP peak for an exponential current into a leaky membrane (NEST example's helpers.py)."""
    sub = 1.0 / (tau_syn - tau_m)
    pre = tau_m * tau_syn / c_m * sub
    frac = (tau_m / tau_syn) ** sub
    return 1.0 / (pre * (frac ** tau_m - frac ** tau_syn))


def full_num_synapses(target, source):
    """Total synapses source -> target at full scale for the connection probability (the model's formula)."""
    p = CONN_PROBS[target][source]
    prod = N_FULL[target] * N_FULL[source]
    return math.log(1.0 - p) / math.log((prod - 1.0) / prod)


def microcircuit(n_scaling, k_scaling, duration, dc_input, seed):
    if not 0 < n_scaling <= 1 or not 0 < k_scaling <= 1:
        raise SystemExit(f"--n-scaling and --k-scaling must be in (0, 1], got {n_scaling} and {k_scaling}")
    n = len(POPULATIONS)
    psc_e = PSP_E * psc_over_psp(C_M, TAU_M, TAU_SYN)  # pA
    psc_mean = [[psc_e * (G if s % 2 else 1.0) * (2.0 if (t, s) == (0, 2) else 1.0) for s in range(n)] for t in range(n)]
    psc_ext = psc_e
    sqrt_k = math.sqrt(k_scaling)

    # DC (pA): the Poisson input's mean when it is replaced by DC, plus the K-scaling compensation.
    dc = [BG_RATE * K_EXT[t] * psc_ext * TAU_SYN * 0.001 if dc_input else 0.0 for t in range(n)]
    if k_scaling != 1:
        for t in range(n):
            input_rec = sum(psc_mean[t][s] * full_num_synapses(t, s) / N_FULL[t] * FULL_MEAN_RATES[s] for s in range(n))
            dc[t] += 0.001 * TAU_SYN * (1.0 - sqrt_k) * input_rec
            if not dc_input:
                dc[t] += 0.001 * TAU_SYN * (1.0 - sqrt_k) * psc_ext * K_EXT[t] * BG_RATE

    sizes = [round(N_FULL[t] * n_scaling) for t in range(n)]
    k_ext = [round(K_EXT[t] * k_scaling) for t in range(n)]
    max_delay = round(max(DELAY_EXC, DELAY_INH) * (1 + DELAY_SDS_ABOVE * DELAY_REL_SD), 1)

    populations, projections = [], []
    for t, label in enumerate(POPULATIONS):
        populations.append({
            "label": label, "size": sizes[t], "cell_type": "IF_curr_exp",
            "parameters": {"cm": C_M / 1000.0, "tau_m": TAU_M, "tau_refrac": T_REF, "tau_syn_E": TAU_SYN, "tau_syn_I": TAU_SYN,
                           "v_rest": E_L, "v_reset": V_RESET, "v_thresh": V_TH, "i_offset": round(dc[t] / 1000.0, 9)},
            "initial_values": {"v": {"distribution": "normal", "mu": V0_MEAN[t], "sigma": V0_SD[t]}},
            "record": ["spikes"]})
    if not dc_input:
        for t, label in enumerate(POPULATIONS):
            populations.append({
                "label": f"bg_{label}", "size": sizes[t], "cell_type": "SpikeSourcePoissonMultiple",
                "parameters": {"rate": BG_RATE * k_ext[t], "start": 0.0, "duration": 1e9}})
            projections.append({
                "label": f"bg_{label}", "pre": f"bg_{label}", "post": label,
                "connector": {"type": "OneToOneConnector"},
                "synapse": {"type": "StaticSynapse", "weight": round(psc_ext / sqrt_k / 1000.0, 9), "delay": DELAY_POISSON},
                "receptor_type": "excitatory"})
    for t, target in enumerate(POPULATIONS):
        for s, source in enumerate(POPULATIONS):
            count = round(full_num_synapses(t, s) * n_scaling * k_scaling)
            if count == 0:
                continue
            w = psc_mean[t][s] / sqrt_k / 1000.0  # nA
            w_sd = abs(w) * PSP_REL_SD
            d = DELAY_INH if s % 2 else DELAY_EXC
            d_sd = d * DELAY_REL_SD
            weight = {"distribution": "normal_clipped", "mu": round(w, 9), "sigma": round(w_sd, 9),
                      "low": -1e6 if w < 0 else 0.0, "high": 0.0 if w < 0 else 1e6}
            delay = {"distribution": "normal_clipped", "mu": d, "sigma": d_sd, "low": TIMESTEP,
                     "high": round(d + DELAY_SDS_ABOVE * d_sd, 4)}
            projections.append({
                "label": f"{source}_to_{target}", "pre": source, "post": target,
                "connector": {"type": "FixedTotalNumberConnector", "n": count, "with_replacement": True,
                              "allow_self_connections": True},
                "synapse": {"type": "StaticSynapse", "weight": weight, "delay": delay},
                "receptor_type": "inhibitory" if s % 2 else "excitatory"})

    return {
        "name": f"potjans-diesmann-N{n_scaling:g}-K{k_scaling:g}{'-dc' if dc_input else ''}",
        "description": (f"Potjans & Diesmann (2014) cortical microcircuit (NEST example Potjans_2014's parameters) at "
                        f"N_scaling {n_scaling:g}, K_scaling {k_scaling:g}: {sum(sizes)} IF_curr_exp cells, "
                        f"{'DC' if dc_input else 'Poisson'} background input; weights / sqrt(K_scaling) with the model's DC "
                        f"compensation. Written by examples/potjans-diesmann/microcircuit.py."),
        "simulation": {"timestep": TIMESTEP, "min_delay": TIMESTEP, "max_delay": max_delay, "seed": seed, "duration": duration},
        "populations": populations,
        "projections": projections,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-scaling", type=float, default=0.1, help="factor on the cell numbers (default 0.1)")
    parser.add_argument("--k-scaling", type=float, default=0.1, help="factor on the in-degrees (default 0.1)")
    parser.add_argument("--duration", type=float, default=1000.0, help="simulated time in ms (default 1000)")
    parser.add_argument("--dc-input", action="store_true", help="DC instead of Poisson background input (the model's option)")
    parser.add_argument("--seed", type=int, default=55, help="the network's seed (default 55)")
    parser.add_argument("--out", default="-", help="file to write (default: standard output)")
    a = parser.parse_args()
    text = json.dumps(microcircuit(a.n_scaling, a.k_scaling, a.duration, a.dc_input, a.seed), indent=1) + "\n"
    if a.out == "-":
        print(text, end="")
    else:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
