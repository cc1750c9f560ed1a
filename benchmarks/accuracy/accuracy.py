"""Error of Meta, NEURON and Brian2 against the converged solution, per single-cell scenario and time step.

Usage: /usr/bin/python3 accuracy.py META_DIR PEER_DIR [PEER_DIR ...] --doc OUT.md --plots IMAGE_DIR
  META_DIR   AccuracyBenchmark's output (dtX/SCENARIO.meta-cpu.json), with runs at 0.002, 0.001 and 0.0005 ms;
  PEER_DIR   folders of dtX/SCENARIO.neuron|brian2.json (shared/reference and peers.py's output; the first wins).
The converged solution is analytic for the LIF cells under current steps (no synaptic input: v relaxes exponentially
to a fixed value between spikes), otherwise Meta's run at dt 0.001 ms, whose distance to the 0.0005 and 0.002 ms runs
is reported beside it. Spike-time error: the largest |t_i - t*_i| over spikes matched by rank, with the counts shown
where they differ. v RMS: over samples more than WINDOW ms from any spike of either trace, on the coarser grid.
Brian2's HH spikes are taken at the first step of each crossing (PyNN 0.10.1's Brian2 backend gives HH no
refractoriness, so it reports one spike per step above threshold); its IF_cond_exp_gsfa_grr fires every step (a
defect of PyNN 0.10.1) and is left out."""
import glob, json, math, os, sys
import numpy as np

from scenarios import SCENARIOS

WINDOW = 2.0          # ms excluded around spikes for the v error
CONVERGED_DT = 0.001  # Meta's converged run
TABLE_DTS = (0.1, 0.01)
PEERS = ("neuron", "brian2")


def load(path):
    with open(path) as f:
        d = json.load(f)
    d["sample_dt"] = d.get("sample_dt", d["dt"])
    d["spikes"] = np.asarray(d["spikes"], float)
    d["v"] = np.asarray(d["v"], float)
    return d


def analytic_lif(params, amplitudes, sample_dt, t_stop):
    """Exact spike times and v of a LIF cell (PyNN defaults) under a step current (times 50, 150, 250 ms), no synaptic
    input."""
    p = dict(cm=1.0, tau_m=20.0, tau_refrac=0.1, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, i_offset=0.0)
    p.update(params)
    times, amps = [50.0, 150.0, 250.0], [amplitudes[0], amplitudes[1], 0.0]
    edges = [0.0] + list(times) + [t_stop]
    levels = [0.0] + list(amps)
    tau, rm = p["tau_m"], p["tau_m"] / p["cm"]
    spikes, pieces = [], []  # pieces: (t0, t1, v0, v_inf) free relaxation, or (t0, t1, None, v_reset) clamp
    v, t = p["v_rest"], 0.0
    refractory_until = -1.0
    for k in range(len(levels)):
        t_end = edges[k + 1]
        vinf = p["v_rest"] + rm * (levels[k] + p["i_offset"])
        while t < t_end:
            if refractory_until > t:
                t1 = min(refractory_until, t_end)
                pieces.append((t, t1, None, p["v_reset"]))
                t, v = t1, p["v_reset"]
                continue
            if vinf > p["v_thresh"] and v < p["v_thresh"]:
                ts = t + tau * math.log((vinf - v) / (vinf - p["v_thresh"]))
                if ts < t_end:
                    pieces.append((t, ts, v, vinf))
                    spikes.append(ts)
                    t, v, refractory_until = ts, p["v_reset"], ts + p["tau_refrac"]
                    continue
            pieces.append((t, t_end, v, vinf))
            v = vinf + (v - vinf) * math.exp(-(t_end - t) / tau)
            t = t_end
    grid = np.arange(int(round(t_stop / sample_dt)) + 1) * sample_dt
    out = np.empty_like(grid)
    for (t0, t1, v0, vinf) in pieces:
        sel = (grid >= t0) & (grid <= t1)
        out[sel] = vinf if v0 is None else vinf + (v0 - vinf) * np.exp(-(grid[sel] - t0) / tau)
    return {"spikes": np.asarray(spikes), "v": out, "sample_dt": sample_dt}


def first_of_crossings(spikes, dt):
    """The first spike of each run of spikes in consecutive steps."""
    keep = [s for i, s in enumerate(spikes) if i == 0 or s - spikes[i - 1] > 1.5 * dt]
    return np.asarray(keep)


def errors(trace, ref):
    """(max spike-time error ms, counts or None, v RMS mV away from spikes)."""
    a, b = trace["spikes"], ref["spikes"]
    n = min(len(a), len(b))
    spike_err = float(np.max(np.abs(a[:n] - b[:n]))) if n else 0.0
    counts = None if len(a) == len(b) else (len(a), len(b))
    step = max(trace["sample_dt"], ref["sample_dt"])
    ka, kb = int(round(step / trace["sample_dt"])), int(round(step / ref["sample_dt"]))
    m = min((len(trace["v"]) - 1) // ka, (len(ref["v"]) - 1) // kb) + 1
    va, vb = trace["v"][::ka][:m], ref["v"][::kb][:m]
    t = np.arange(m) * step
    near = np.zeros(m, bool)
    for s in np.concatenate([a, b]):
        near |= np.abs(t - s) <= WINDOW
    d = (va - vb)[~near]
    rms = float(np.sqrt(np.mean(d ** 2))) if d.size else float("nan")
    return spike_err, counts, rms


def find(dirs, dt, scenario, sim):
    for d in dirs:
        for name in (f"dt{dt:g}", f"dt{dt}"):
            p = os.path.join(d, name, f"{scenario}.{sim}.json")
            if os.path.exists(p):
                return load(p)
    return None


def meta_dts(meta_dir):
    return sorted({float(os.path.basename(p)[2:]) for p in glob.glob(os.path.join(meta_dir, "dt*"))})


def main():
    args = sys.argv[1:]
    doc = args[args.index("--doc") + 1]
    plots = args[args.index("--plots") + 1]
    dirs = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or not args[i - 1].startswith("--"))]
    meta_dir, peer_dirs = dirs[0], dirs[1:]
    all_dts = meta_dts(meta_dir)
    peer_dts = sorted({float(os.path.basename(p)[2:]) for d in peer_dirs for p in glob.glob(os.path.join(d, "dt*"))})
    any_run = sorted(glob.glob(os.path.join(meta_dir, "dt*", "*.meta-*.json")))[0]
    meta_name = any_run.rsplit(".", 2)[1]
    results = {}  # scenario -> {(sim, dt): (spike_err, counts, rms)}
    checks = {}
    for name, ctype, params, kind, stim, _ in SCENARIOS:
        meta = {dt: find([meta_dir], dt, name, meta_name) for dt in all_dts}
        conv = meta.get(CONVERGED_DT)
        if conv is None:
            continue
        ref, source = conv, "Meta dt 0.001"
        if kind == "step" and ctype in ("IF_curr_exp", "IF_curr_alpha", "IF_cond_exp", "IF_cond_alpha"):
            ref, source = analytic_lif(params, stim, conv["sample_dt"], conv["t_stop"]), "analytic"
        checks[name] = (source, len(ref["spikes"]),
                        errors(meta[0.0005], ref) if meta.get(0.0005) else None,
                        errors(meta[0.002], ref) if meta.get(0.002) else None,
                        errors(conv, ref) if source == "analytic" else None)
        res = {}
        for dt, tr in meta.items():
            if tr is not None and dt >= 0.005:
                res[("meta", dt)] = errors(tr, ref)
        for sim in PEERS:
            if sim == "brian2" and ctype == "IF_cond_exp_gsfa_grr":
                continue
            for dt in peer_dts:
                tr = find(peer_dirs, dt, name, sim)
                if tr is None:
                    continue
                if sim == "brian2" and ctype == "HH_cond_exp":
                    tr["spikes"] = first_of_crossings(tr["spikes"], dt)
                res[(sim, dt)] = errors(tr, ref)
        results[name] = res
    write_doc(doc, results, checks)
    write_plots(plots, results)


def fmt_spike(e):
    if e is None:
        return "–"
    s = f"{e[0]:.3f}"
    return s + (f" ({e[1][0]}/{e[1][1]} spikes)" if e[1] else "")


def write_doc(path, results, checks):
    lines = []
    for dt in TABLE_DTS:
        lines += [f"### dt = {dt} ms", "",
                  "| scenario | spike-time error (ms): Meta | NEURON | Brian2 | v RMS error (mV): Meta | NEURON | Brian2 |",
                  "|---|---|---|---|---|---|---|"]
        for name, res in results.items():
            cells = [fmt_spike(res.get((s, dt))) for s in ("meta",) + PEERS]
            cells += [f"{res[(s, dt)][2]:.3f}" if (s, dt) in res else "–" for s in ("meta",) + PEERS]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["### The converged solutions", "",
              "| scenario | converged solution | spikes | Meta dt 0.0005 vs it: spike (ms) / v RMS (mV) | Meta dt 0.002 vs it | Meta dt 0.001 vs analytic |",
              "|---|---|---|---|---|---|"]
    for name, (source, n, fine, coarse, own) in checks.items():
        f = lambda e: "–" if e is None else f"{fmt_spike(e)} / {e[2]:.4f}"
        lines.append(f"| {name} | {source} | {n} | {f(fine)} | {f(coarse)} | {f(own)} |")
    tables = "\n".join(lines) + "\n"
    begin, end = "<!-- accuracy tables: begin (benchmarks/accuracy/run.sh writes this part) -->", "<!-- accuracy tables: end -->"
    text = open(path).read() if os.path.exists(path) else f"{begin}\n{end}\n"
    if begin not in text or end not in text:
        raise SystemExit(f"{path} has no '{begin}' ... '{end}' markers for the tables")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as fh:
        fh.write(head + begin + "\n" + tables + end + tail)


def write_plots(folder, results):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(folder, exist_ok=True)
    style = {"meta": ("Meta (cpu)", "o-"), "neuron": ("NEURON 8.2", "s--"), "brian2": ("Brian2 2.5", "^:")}
    floor = 1e-4
    for name, res in results.items():
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
        for sim, (label, fmt) in style.items():
            pts = sorted((dt, e) for (s, dt), e in res.items() if s == sim)
            if not pts:
                continue
            dts = [p[0] for p in pts]
            axes[0].loglog(dts, [max(p[1][0], floor) for p in pts], fmt, label=label)
            axes[1].loglog(dts, [max(p[1][2], floor) if not math.isnan(p[1][2]) else np.nan for p in pts], fmt, label=label)
            for dt, e in pts:
                if e[1]:
                    axes[0].annotate(f"{e[1][0]}/{e[1][1]}", (dt, max(e[0], floor)), fontsize=7)
        axes[0].set_title("largest spike-time error (ms)")
        axes[1].set_title(f"v RMS error, >{WINDOW:g} ms from spikes (mV)")
        for ax in axes:
            ax.set_xlabel("dt (ms)")
            ax.grid(True, which="both", alpha=0.3)
        axes[0].legend(fontsize=8)
        fig.suptitle(name)
        fig.tight_layout()
        fig.savefig(os.path.join(folder, f"{name}.png"), dpi=80)
        plt.close(fig)


if __name__ == "__main__":
    main()
