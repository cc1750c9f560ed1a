"""Error of Meta's precise spike times (spike_precision="off_grid") against the converged solution, beside Meta on the
grid, at dt 0.1 and 0.01 ms: the markdown table of docs/accuracy.md, "Precise spike times".

Usage: /usr/bin/python3 off_grid.py META_DIR
  META_DIR  AccuracyBenchmark's output with the on-grid runs (dtX/SCENARIO.meta-cpu.json) at 0.1, 0.01 and 0.001 ms and the
            off-grid runs (dtX/SCENARIO.meta-cpu-off_grid.json) at 0.1 and 0.01 ms.
The converged solution and the measures are accuracy.py's: analytic for the LIF cells under current steps, otherwise Meta
on the grid at dt 0.001 ms (whose own spike-time error is up to about 0.01 ms: accuracy.md's last table)."""
import sys

from accuracy import CONVERGED_DT, SCENARIOS, analytic_lif, errors, find


def cell(e):
    spike, counts, rms = e
    text = f"{spike:.4f}" if spike < 0.001 else f"{spike:.3f}"
    if counts:
        text += f" ({counts[0]}/{counts[1]} spikes)"
    return text, f"{rms:.3f}"


def main():
    meta_dir = sys.argv[1]
    print("| scenario | dt | spike-time error (ms): on_grid | off_grid | v RMS error (mV): on_grid | off_grid | converged solution |")
    print("|---|---|---|---|---|---|---|")
    for name, ctype, params, kind, stim, _ in SCENARIOS:
        conv = find([meta_dir], CONVERGED_DT, name, "meta-cpu")
        if conv is None:
            continue
        ref, source = conv, "Meta on grid, dt 0.001"
        if kind == "step" and ctype in ("IF_curr_exp", "IF_curr_alpha", "IF_cond_exp", "IF_cond_alpha"):
            ref, source = analytic_lif(params, stim, conv["sample_dt"], conv["t_stop"]), "analytic"
        for dt in (0.1, 0.01):
            grid = find([meta_dir], dt, name, "meta-cpu")
            precise = find([meta_dir], dt, name, "meta-cpu-off_grid")
            if grid is None or precise is None:
                continue
            (gs, gv), (ps, pv) = cell(errors(grid, ref)), cell(errors(precise, ref))
            print(f"| {name} | {dt:g} | {gs} | {ps} | {gv} | {pv} | {source} |")


if __name__ == "__main__":
    main()
