#!/usr/bin/env python3
"""Per-population firing rates (and a raster) of a microcircuit run, beside the full-scale rates of the model.

Usage: rates.py OUT_FOLDER [--begin 500] [--end DURATION] [--raster raster.png] [--every N]

Reads the L23E.npz ... L6I.npz that `meta run` wrote (spike_times, spike_cells, recorded_cells) and prints, per
population, the mean rate over [begin, end) ms (cells that never fire count as 0 Hz, as in NEST's example), the sd of
the per-cell rates, and NEST's full-scale mean rate. Needs numpy; the raster needs matplotlib.
"""

import argparse
import json
import os

import numpy as np

POPULATIONS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
# NEST's pynest/examples/Potjans_2014 network_params.py: full-scale mean rates (spikes/s).
FULL_MEAN_RATES = [0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--begin", type=float, default=500.0, help="start of the window in ms (default 500: NEST's presimulation)")
    parser.add_argument("--end", type=float, default=None, help="end of the window in ms (default: the run's duration)")
    parser.add_argument("--raster", default=None, help="write a raster of the window to this PNG")
    parser.add_argument("--every", type=int, default=1, help="plot every n-th cell in the raster (default 1: all)")
    a = parser.parse_args()
    with open(os.path.join(a.folder, "summary.json")) as f:
        duration = json.load(f)["duration_ms"]
    end = a.end if a.end is not None else duration
    if not 0 <= a.begin < end:
        raise SystemExit(f"--begin must be in [0, end = {end}) ms, got {a.begin}")
    print(f"window {a.begin:g}-{end:g} ms")
    print(f"{'population':<10} {'cells':>6} {'rate Hz':>8} {'sd Hz':>7} {'full-scale Hz':>14}")
    rasters, offset = [], 0
    for label, full in zip(POPULATIONS, FULL_MEAN_RATES):
        z = np.load(os.path.join(a.folder, f"{label}.npz"))
        times, cells, n = z["spike_times"], z["spike_cells"], len(z["recorded_cells"])
        inside = (times >= a.begin) & (times < end)
        per_cell = np.bincount(cells[inside], minlength=n)[:n] * 1000.0 / (end - a.begin)
        print(f"{label:<10} {n:>6} {per_cell.mean():>8.3f} {per_cell.std():>7.3f} {full:>14.3f}")
        rasters.append((label, times[inside], cells[inside] + offset))
        offset += n
    if a.raster:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        plt.figure(figsize=(8, 6))
        for i, (label, t, c) in enumerate(rasters):
            keep = c % a.every == 0
            plt.plot(t[keep], offset - c[keep], ".", ms=1, color="#595289" if i % 2 == 0 else "#af143c", label=label)
        plt.xlabel("time (ms)")
        plt.ylabel("cell (L2/3 at the top, L6 at the bottom)")
        plt.savefig(a.raster, dpi=150)
        print(f"wrote {a.raster}")


if __name__ == "__main__":
    main()
