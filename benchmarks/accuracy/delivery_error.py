"""Why exact delivery of an off-grid spike needs more than a scaled weight (docs/semantics.md, "Precise spike times"):
closed-form PSPs of a LIF cell (tau_m 20 ms, cm 1 nF) with an exponential current synapse (tau_syn 5 ms, weight 1 nA)
for a spike arriving DELTA ms before the grid point where it is added, against the exact PSP. No simulation: the three
deliveries are the exact PSP shifted (on the grid), shifted and scaled by exp(-DELTA/tau_syn) (scaled weight), and the
latter plus the charge that flowed before the grid point put on v (scaled weight + charge).
Usage: /usr/bin/python3 delivery_error.py [DELTA=0.05]"""
import sys

import numpy as np

TAU_M, TAU_S, CM, W = 20.0, 5.0, 1.0, 1.0


def psp(u):
    """The PSP (mV) u ms after the arrival."""
    u = np.asarray(u, float)
    k = (TAU_M * TAU_S / (CM * (TAU_M - TAU_S))) * (np.exp(-u / TAU_M) - np.exp(-u / TAU_S))
    return np.where(u > 0, k, 0.0)


def main():
    delta = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
    u = np.linspace(0, 100, 100001)
    after = u >= delta  # samples from the grid point on (before it no delivery can act)
    exact = W * psp(u)
    grid = W * psp(u - delta)
    scaled = np.exp(-delta / TAU_S) * grid
    charge = W * TAU_S * (1 - np.exp(-delta / TAU_S))
    both = scaled + np.where(after, (charge / CM) * np.exp(-(u - delta) / TAU_M), 0.0)
    print(f"arrival {delta} ms before the grid point; error in v (mV) against the exact PSP")
    print("| delivery | at 30 ms | at 60 ms | largest after the grid point |")
    print("|---|---|---|---|")
    for name, v in (("on the grid", grid), ("scaled weight", scaled), ("scaled weight + charge", both)):
        e = v - exact
        print(f"| {name} | {e[30000]:.2e} | {e[60000]:.2e} | {np.abs(e[after]).max():.2e} |")


if __name__ == "__main__":
    main()
