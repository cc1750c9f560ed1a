#!/usr/bin/env bash
# Meta's cpu backend against Brian2's C++ standalone mode (and NEURON through PyNN, once, at the smallest size) on the
# Vogels–Abbott benchmark (dt 0.1 ms, 1 s, ~80 inputs per cell), single thread, in interleaved rounds: every round runs
# Meta then Brian2 for each benchmark and size, so both see the same machine load. Round 0 is a warm-up that is not
# counted (Brian2 compiles its C++ there; Meta fills the disk caches).
#
# Usage: benchmarks/va-vs-brian2.sh [SIZES="4000 40000"] [ROUNDS=3] [BENCHES="COBA CUBA"] [NEURON=yes|no]
#   META_PRECISIONS="float64 float32" runs the cpu backend in each precision in every round (float32 as peer meta-cpu-float32).
#   e.g. benchmarks/va-vs-brian2.sh "4000 40000 160000" 3
# Every run is one process, timed by /usr/bin/time: whole-process wall time, its CPU time (user + system, less sensitive to
# other load) and peak RSS. Meta reports the wall and CPU time of its Run call (sim_s, sim_cpu_s), Brian2 its sim_only_s
# (the generated binary's run loop, measured with std::clock(), so CPU time: compare it with Meta's sim_cpu_s) and NEURON
# through PyNN the wall time of run(); META_CPU_PROFILE=1 makes
# Meta's cpu engine add its phase times and the bytes of its synapse table. Writes runs.jsonl (one line per run) and
# summary.md (min and median of the counted rounds) into $OUT (default: a new folder under ${TMPDIR:-/tmp}).
# Needs ../shared/peers (va_brian2.py, va_pynn.py) beside the repository (or META_PEERS_DIR) and /usr/bin/python3 with
# brian2 (and pyNN + NEURON for the NEURON row).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
sizes=${1:-4000 40000}
rounds=${2:-3}
benches=${3:-COBA CUBA}
with_neuron=${4:-yes}
precisions=${META_PRECISIONS:-float64}  # cpu precisions to run in each round, e.g. META_PRECISIONS="float64 float32"
peers=$(cd "${META_PEERS_DIR:-../shared/peers}" && pwd)
out=${OUT:-${TMPDIR:-/tmp}/meta-va-vs-brian2-$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$out/brian2"
runs=$out/runs.jsonl
: > "$runs"

{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# sizes: $sizes; benchmarks: $benches; counted rounds: $rounds (after one warm-up round)"
} | tee "$out/machine.txt" >&2

dotnet build benchmarks/Meta.Benchmarks -c Release -v quiet -nologo >&2
meta_dll=$repo/benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll

# run_timed ROUND PEER BENCH N COMMAND...: runs COMMAND under /usr/bin/time, takes the last JSON line it printed to stdout
# (and Meta's profile line from stderr) and appends one record to runs.jsonl.
run_timed() {
  local round=$1 peer=$2 bench=$3 n=$4; shift 4
  local log=$out/$peer-$bench-$n-$round
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %M %U %S' -o "$log.time" "$@" > "$log.out" 2> "$log.err" || { echo "failed: $peer $bench $n (see $log.err)" >&2; return 0; }
  /usr/bin/python3 - "$round" "$peer" "$bench" "$n" "$load" "$log" >> "$runs" <<'EOF'
import json, sys
round_, peer, bench, n, load, log = sys.argv[1:]
wall, rss_kb, user, system = open(log + ".time").read().split()[-4:]
line = [l for l in open(log + ".out") if l.startswith("{")][-1]
run = json.loads(line)
profile = [json.loads(l)["cpu_profile"] for l in open(log + ".err") if l.startswith('{"cpu_profile"')]
record = dict(round=int(round_), peer=peer, bench=bench, n=int(n), load_avg=float(load), process_s=float(wall), process_cpu_s=round(float(user) + float(system), 2),
              peak_rss_mb=round(int(rss_kb) / 1024, 1), exc_hz=run.get("exc_hz"), inh_hz=run.get("inh_hz"),
              # Brian2 standalone's sim_only_s is CPU time (std::clock() in its network.cpp), not wall time.
              sim_s=run.get("sim_s", run.get("run_s") if peer.startswith("neuron") else None), sim_cpu_s=run.get("sim_cpu_s", run.get("sim_only_s")),
              synapses=run.get("synapses"))
if profile:  # one line per engine run call; the phase times add up
    engine = dict(profile[-1])
    for key in ("steps", "neuron_s", "scan_s", "deliver_s", "plastic_s"):
        engine[key] = round(sum(p[key] for p in profile), 4)
    record["engine"] = engine
print(json.dumps(record))
EOF
  tail -n 1 "$runs" >&2
}

for round in $(seq 0 "$rounds"); do
  for n in $sizes; do
    for bench in $benches; do
      for precision in $precisions; do
        peer=meta-cpu; [ "$precision" = float64 ] || peer=meta-cpu-$precision
        META_CPU_PROFILE=1 run_timed "$round" "$peer" "$bench" "$n" \
          dotnet "$meta_dll" --backend cpu --bench "$bench" --n "$n" --repeat 1 --threads 1 --precision "$precision"
      done
      (cd "$out/brian2" && OMP_NUM_THREADS=1 run_timed "$round" brian2-standalone "$bench" "$n" \
        /usr/bin/python3 "$peers/va_brian2.py" standalone "$bench" "$n")
    done
  done
done

if [ "$with_neuron" = yes ]; then
  first=${sizes%% *}
  for bench in $benches; do run_timed 1 neuron-pynn "$bench" "$first" /usr/bin/python3 "$peers/va_pynn.py" neuron "$bench" "$first"; done
fi

/usr/bin/python3 - "$runs" "$out/machine.txt" > "$out/summary.md" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print("".join(l.replace("# ", "", 1) for l in open(sys.argv[2])))
counted = [r for r in runs if r["round"] > 0]
synapses = {(r["bench"], r["n"]): r["synapses"] for r in runs if r.get("synapses")}
print("| bench | n | peer | runs | sim wall min / median (s) | sim CPU min / median (s) | process min / median (s) | process CPU median (s) | peak RSS median (MB) | RSS B/synapse | engine table B/synapse | rates exc/inh (Hz) | load avg |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
keys = sorted({(r["bench"], r["n"], r["peer"]) for r in counted}, key=lambda k: (k[0], k[1], k[2]))
for bench, n, peer in keys:
    rs = [r for r in counted if (r["bench"], r["n"], r["peer"]) == (bench, n, peer)]
    sims = [r["sim_s"] for r in rs if r["sim_s"] is not None]
    procs = [r["process_s"] for r in rs]
    rss = statistics.median(r["peak_rss_mb"] for r in rs)
    syn = synapses.get((bench, n))
    per_syn = f"{rss * 2**20 / syn:.0f}" if syn else "-"
    table = [r["engine"]["table_bytes_per_synapse"] for r in rs if "engine" in r]
    rates = "; ".join(f"{r['exc_hz']:.2f}/{r['inh_hz']:.2f}" for r in rs)
    sim = f"{min(sims):.3f} / {statistics.median(sims):.3f}" if sims else "-"
    cpus = [r["sim_cpu_s"] for r in rs if r.get("sim_cpu_s") is not None]
    sim += f" | {min(cpus):.3f} / {statistics.median(cpus):.3f}" if cpus else " | -"
    loads = f"{min(r['load_avg'] for r in rs):.1f}-{max(r['load_avg'] for r in rs):.1f}"
    print(f"| {bench} | {n} | {peer} | {len(rs)} | {sim} | {min(procs):.2f} / {statistics.median(procs):.2f} | {statistics.median(r['process_cpu_s'] for r in rs):.2f} | {rss:.0f} | {per_syn} | "
          f"{(f'{table[-1]:.2f}' if table else '-')} | {rates} | {loads} |")
print()
print("Meta cpu engine phases, medians (s): neuron update / spike listing and sources / delivery and recording:")
for bench, n, peer in keys:
    es = [r["engine"] for r in counted if (r["bench"], r["n"], r["peer"]) == (bench, n, peer) and "engine" in r]
    if es:
        med = lambda key: statistics.median(e[key] for e in es)
        print(f"- {bench} {n}: {med('neuron_s'):.3f} / {med('scan_s'):.3f} / {med('deliver_s'):.3f}")
print()
print("Ratios of medians, Meta cpu / Brian2 standalone (simulation CPU time; whole process wall time; peak RSS):")
for bench, n in sorted({(k[0], k[1]) for k in keys}):
    def med(peer, field):
        v = [r[field] for r in counted if (r["bench"], r["n"], r["peer"]) == (bench, n, peer) and r.get(field) is not None]
        return statistics.median(v) if v else None
    for meta in sorted({k[2] for k in keys if k[2].startswith("meta-cpu")}):
        m, b = med(meta, "sim_cpu_s"), med("brian2-standalone", "sim_cpu_s")
        mp, bp = med(meta, "process_s"), med("brian2-standalone", "process_s")
        mr, br = med(meta, "peak_rss_mb"), med("brian2-standalone", "peak_rss_mb")
        if None not in (m, b, mp, bp, mr, br):
            print(f"- {bench} {n} ({meta}): {m / b:.2f}x; {mp / bp:.2f}x; {mr / br:.2f}x")
EOF
cat "$out/summary.md"
echo "runs: $runs" >&2
