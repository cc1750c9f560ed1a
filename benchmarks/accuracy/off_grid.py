"""Error of Meta's precise spike times (spike_precision="off_grid") against the converged solution, beside Meta on the
grid, at dt 0.1 and 0.01 ms: the markdown tables of docs/accuracy.md, "Precise spike times".

Usage: /usr/bin/python3 off_grid.py META_DIR
  META_DIR  AccuracyBenchmark's output with the on-grid runs (dtX/SCENARIO.meta-cpu.json) at 0.1 and 0.01 ms and the
            off-grid runs (dtX/SCENARIO.meta-cpu-off_grid.json) at 0.1, 0.01, 0.001 and 0.0005 ms.
The converged solution is analytic for the LIF cells under current steps (accuracy.py's), otherwise Meta off_grid at dt
0.001 ms: Meta on the grid at dt 0.001 is itself up to about 0.01 ms off (accuracy.md's last table), more than some of
the off_grid errors measured here. The second table shows how far that reference is from converged: its distance to
off_grid at dt 0.0005 ms (and to the analytic solution where there is one). The third gives AdEx's adaptation current w
(RMS away from spikes, as v), which the reset moves (w += b)."""
import sys

import numpy as np

from accuracy import SCENARIOS, analytic_lif, errors, find

REFERENCE_DT = 0.001  # Meta off_grid: the converged solution where there is no analytic one
CHECK_DT = 0.0005     # Meta off_grid: the reference's own convergence
OFF = "meta-cpu-off_grid"


def cell(e, digits=3):
    spike, counts, rms = e
    text = f"{spike:.4f}" if spike < 0.001 else f"{spike:.3f}"
    if counts:
        text += f" ({counts[0]}/{counts[1]} spikes)"
    return text, f"{rms:.{digits}f}"


def as_w(trace):
    """The trace with w in place of v (errors() measures v)."""
    return {**trace, "v": np.asarray(trace["w"], float)} if "w" in trace else None


def references(meta_dir):
    """(scenario, reference trace, its name, off_grid dt 0.001 run, analytic solution or None) per scenario."""
    for name, ctype, params, kind, stim, _ in SCENARIOS:
        conv = find([meta_dir], REFERENCE_DT, name, OFF)
        if conv is None:
            continue
        exact = None
        if kind == "step" and ctype in ("IF_curr_exp", "IF_curr_alpha", "IF_cond_exp", "IF_cond_alpha"):
            exact = analytic_lif(params, stim, conv["sample_dt"], conv["t_stop"])
        ref, source = (exact, "analytic") if exact is not None else (conv, "Meta off_grid, dt 0.001")
        yield name, ref, source, conv, exact


def main():
    meta_dir = sys.argv[1]
    refs = list(references(meta_dir))
    print("| scenario | dt | spike-time error (ms): on_grid | off_grid | v RMS error (mV): on_grid | off_grid | converged solution |")
    print("|---|---|---|---|---|---|---|")
    for name, ref, source, _, _ in refs:
        for dt in (0.1, 0.01):
            grid = find([meta_dir], dt, name, "meta-cpu")
            precise = find([meta_dir], dt, name, OFF)
            if grid is None or precise is None:
                continue
            (gs, gv), (ps, pv) = cell(errors(grid, ref)), cell(errors(precise, ref))
            print(f"| {name} | {dt:g} | {gs} | {ps} | {gv} | {pv} | {source} |")
    print()
    print("| scenario | spikes | off_grid dt 0.0005 vs dt 0.001: spike (ms) / v RMS (mV) | off_grid dt 0.001 vs analytic |")
    print("|---|---|---|---|")
    for name, _, _, conv, exact in refs:
        check = find([meta_dir], CHECK_DT, name, OFF)
        if check is None:
            continue
        cs, cv = cell(errors(check, conv), 4)
        vs_exact = "–"
        if exact is not None:
            es, ev = cell(errors(conv, exact), 4)
            vs_exact = f"{es} / {ev}"
        print(f"| {name} | {len(conv['spikes'])} | {cs} / {cv} | {vs_exact} |")
    print()
    print("| scenario | dt | w RMS error (nA): on_grid | off_grid | off_grid dt 0.0005 vs the reference |")
    print("|---|---|---|---|---|")
    for name, ref, _, conv, _ in refs:
        if as_w(ref) is None:
            continue
        check = find([meta_dir], CHECK_DT, name, OFF)
        for dt in (0.1, 0.01):
            grid = find([meta_dir], dt, name, "meta-cpu")
            precise = find([meta_dir], dt, name, OFF)
            if grid is None or precise is None or "w" not in grid or "w" not in precise:
                continue
            own = f"{errors(as_w(check), as_w(conv))[2]:.2e}" if check is not None and "w" in check else "–"
            print(f"| {name} | {dt:g} | {errors(as_w(grid), as_w(ref))[2]:.2e} | {errors(as_w(precise), as_w(ref))[2]:.2e} | {own} |")


if __name__ == "__main__":
    main()
