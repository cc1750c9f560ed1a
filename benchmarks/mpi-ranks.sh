#!/usr/bin/env bash
# COBA (Vogels–Abbott benchmark 1) at 4k and 40k cells on 1 process and on N MPI ranks (docs/benchmarks.md, "Distributed
# runs over MPI (issue 15)"): the table of simulate time, exchange time and count, process CPU and peak RSS per rank, and
# whether the N-rank run wrote exactly the single-process spikes and traces.
#
# Usage: benchmarks/mpi-ranks.sh [SIZES="4000 40000"] [RANKS="2"] [DURATION_MS=400] [ROUNDS=1] [DELAY_MS=]
#   SIZES: 4000 is examples/vogels-abbott-coba.json; other sizes scale exc/inh by SIZE/4000 and divide the two recurrent
#          p_connect by it (about 80 recurrent synapses per cell, as at 4k); ext_to_all keeps p = 0.01 (as the 40k of
#          "Build memory, COBA scaled with a constant in-degree").
#   RANKS: the rank counts to run besides the single process (one thread per rank, --threads 1).
#   DELAY_MS: when set, every projection's delay (and min_delay) becomes this; by default 0.2 ms (2 steps), so ranks
#          exchange every 2 steps (the smallest delay), 5 000 times per simulated second.
#   META_GATHER: "true" (default: rank 0 gathers the recordings and writes them), "false" (--gather false: every rank
#          writes its own cells' files, then 'meta join' makes the single-process files, timed apart as the row's join), or
#          "true false" (both, for each rank count).
#   META_NETWORK: another network file to run instead of COBA (e.g. examples/potjans-diesmann/microcircuit-N0.1-K0.1.json):
#          SIZES and DELAY_MS are then ignored, rows are named by the file's "name" and every .npz it writes is compared.
#   META_BACKEND=cpu|ilgpu|torch (default cpu); MPIRUN (default mpirun, else mpirun.openmpi); OUT (default a new folder);
#   META_CLI: another build's Meta.Cli.dll (e.g. a copy of main's Cli/bin/Release/net10.0, for a before/after).
#   META_EXCHANGE_OVERLAP: when set, given to every rank (mpirun -x) and named in the header; a row whose run overlapped
#          its exchanges (summary.json's "exchange_overlapped") says "overlapped" after its rank count.
# Rank 0's engine runs: its time inside the backend's runs (its own steps, with the backend's per-run overhead;
# summary.json's timings_s.rank_engine), and in brackets its thread's CPU time in them (rank_engine_cpu, Linux): the
# difference is time the rank was descheduled while stepping. A failed run is kept as a row marked failed and the script exits with 1.
# Each process is timed by /usr/bin/time (wall, user + system CPU, peak RSS: the whole process, start-up, kernel compile,
# build and run included). Simulate and exchange are rank 0's summary.json timings_s (exchange: wall time inside the
# collectives, waiting for the other ranks included); exchanges is the count of exchanges. On a loaded machine compare the
# process CPU and the exchange count, not the wall times; an idle machine with a core per rank is needed for speed-ups.
# Writes runs.jsonl (one line per run) and summary.md into $OUT, and prints summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
sizes=${1:-4000 40000}
rank_counts=${2:-2}
duration=${3:-400}
rounds=${4:-1}
delay=${5:-}
custom=${META_NETWORK:-}
if [ -n "$custom" ]; then custom=$(realpath "$custom"); sizes=0; delay=; fi
backend=${META_BACKEND:-cpu}
gathers=${META_GATHER:-true}
mpirun=${MPIRUN:-$(command -v mpirun || command -v mpirun.openmpi || true)}
[ -n "$mpirun" ] || { echo "mpirun not found (Debian packages openmpi-bin and libopenmpi-dev; or set MPIRUN)" >&2; exit 1; }
mpi_flags=(--oversubscribe)
[ -n "${META_EXCHANGE_OVERLAP:-}" ] && mpi_flags+=(-x META_EXCHANGE_OVERLAP)
[ "$(id -u)" = 0 ] && mpi_flags+=(--allow-run-as-root)
out=${OUT:-${TMPDIR:-/tmp}/meta-mpi-ranks-$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$out"
runs=$out/runs.jsonl
: > "$runs"
cli=${META_CLI:-$repo/Cli/bin/Release/net10.0/Meta.Cli.dll}
[ -f "$cli" ] || dotnet build Cli -c Release -v quiet -nologo >&2

{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
  if [ -n "${META_CLI:-}" ]; then build="META_CLI $cli"; else build="this checkout, commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)')"; fi
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $build"
  echo "# network: ${custom:-COBA, sizes $sizes}; ranks: 1 (no MPI) and $rank_counts (--gather $gathers); $duration ms; backend $backend; rounds: $rounds; delays: ${delay:-as in the network file}"
  echo "# exchanges: META_EXCHANGE_OVERLAP=${META_EXCHANGE_OVERLAP:-unset, so blocking (the default)}"
} | tee "$out/machine.txt" >&2

# network SIZE: writes the scaled network's file and prints its path (META_NETWORK's file when set).
network() {
  if [ -n "$custom" ]; then echo "$custom"; return; fi
  /usr/bin/python3 - "$repo/examples/vogels-abbott-coba.json" "$1" "$delay" "$out/coba-$1.json" <<'EOF'
import json, sys
source, size, delay, target = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
net = json.load(open(source))
scale = size / 4000
for p in net["populations"]:
    if p["label"] in ("exc", "inh"): p["size"] = round(p["size"] * scale)
for j in net["projections"]:
    if j["label"] in ("exc_to_all", "inh_to_all"): j["connector"]["p_connect"] = j["connector"]["p_connect"] / scale
    if delay: j["synapse"]["delay"] = float(delay)
if delay: net["simulation"]["min_delay"] = float(delay)
net["name"] = f"coba-{size}"
json.dump(net, open(target, "w"), indent=1)
print(target)
EOF
}

# record ROUND SIZE RANKS FOLDER LOAD: appends one line to runs.jsonl from the run's summary.json and time files.
record() {
  /usr/bin/python3 - "$@" >> "$runs" <<'EOF'
import glob, json, sys, zipfile
round_, size, ranks, folder, load, gather = sys.argv[1:]
summary = json.load(open(folder + "/out/summary.json"))
join = None
try:
    wall, rss_kb, user, system = open(folder + "/join.time").read().split()[-4:]
    join = dict(wall_s=float(wall), peak_rss_mb=round(int(rss_kb) / 1024))
except FileNotFoundError:
    pass
times = []
for f in sorted(glob.glob(folder + "/time.*")):
    wall, rss_kb, user, system = open(f).read().split()[-4:]
    times.append(dict(wall_s=float(wall), cpu_s=round(float(user) + float(system), 2), peak_rss_mb=round(int(rss_kb) / 1024)))
spikes = 0
for npz in glob.glob(folder + "/out/*.npz"):
    with zipfile.ZipFile(npz) as z:
        spikes += sum(i.file_size for i in z.infolist() if i.filename == "spike_times.npy")
t = summary["timings_s"]
print(json.dumps(dict(round=int(round_), size=int(size), name=summary.get("name"), ranks=int(ranks), load_avg=float(load), duration_ms=summary["duration_ms"],
                      connections=summary["connections"], simulate_s=t["simulate"], exchange_s=t.get("exchange"),
                      engine_s=t.get("rank_engine"), engine_cpu_s=t.get("rank_engine_cpu"), record_s=t.get("rank_record"), gather_s=t.get("gather"),
                      exchanges=summary.get("exchanges"), exchange_overflows=summary.get("exchange_overflows"),
                      recording_gathers=summary.get("recording_gathers"), gather=summary.get("gather", True), join=join,
                      exchange_overlapped=summary.get("exchange_overlapped"), mpi_yield_when_idle=summary.get("mpi_yield_when_idle"),
                      processes=times, spike_bytes=spikes, folder=folder)))
EOF
}

# failed ROUND SIZE RANKS FOLDER LOAD GATHER: a run that exited with an error is kept in runs.jsonl (and shown in the table as
# failed, with its log's last line), never dropped; the script then exits with status 1.
failed() {
  echo "failed: network $2 on $3 rank(s), --gather $6, round $1: see $4/log" >&2
  /usr/bin/python3 - "$@" >> "$runs" <<'EOF'
import json, sys
round_, size, ranks, folder, load, gather = sys.argv[1:]
lines = [l.strip() for l in open(folder + "/log", errors="replace") if any(c.isalpha() for c in l)]
print(json.dumps(dict(round=int(round_), size=int(size), ranks=int(ranks), load_avg=float(load), failed=True, gather=gather == "true",
                      error=(lines[-1][:200] if lines else "(empty log)").replace("|", "/"), folder=folder)))
EOF
}

for round in $(seq 1 "$rounds"); do
  for size in $sizes; do
    net=$(network "$size")
    for ranks_gather in 1:true $(for r in $rank_counts; do for g in $gathers; do echo "$r:$g"; done; done); do
      ranks=${ranks_gather%%:*} gather=${ranks_gather#*:}
      folder=$out/r$round-$size-$ranks
      [ "$gather" = false ] && folder=$folder-perrank
      mkdir -p "$folder"
      load=$(cut -d' ' -f1 /proc/loadavg)
      echo "round $round: network ${custom:-COBA $size} on $ranks rank(s), --gather $gather, load $load" >&2
      args=(run "$net" -b "$backend" --threads 1 --duration "$duration" --no-plots -q -o "$folder/out")
      [ "$gather" = false ] && args+=(--gather false)
      if [ "$ranks" = 1 ]; then
        /usr/bin/time -f '%e %M %U %S' -o "$folder/time.0" dotnet "$cli" "${args[@]}" > "$folder/log" 2>&1 \
          || { failed "$round" "$size" "$ranks" "$folder" "$load" "$gather"; continue; }
      else
        "$mpirun" "${mpi_flags[@]}" -np "$ranks" bash -c \
          '/usr/bin/time -f "%e %M %U %S" -o "$0/time.$OMPI_COMM_WORLD_RANK" "$@"' "$folder" dotnet "$cli" "${args[@]}" > "$folder/log" 2>&1 \
          || { failed "$round" "$size" "$ranks" "$folder" "$load" "$gather"; continue; }
      fi
      if [ "$gather" = false ]; then
        /usr/bin/time -f '%e %M %U %S' -o "$folder/join.time" dotnet "$cli" join "$folder/out" >> "$folder/log" 2>&1 \
          || { failed "$round" "$size" "$ranks" "$folder" "$load" "$gather"; continue; }
      fi
      record "$round" "$size" "$ranks" "$folder" "$load" "$gather"
    done
  done
done

/usr/bin/python3 - "$runs" "$duration" > "$out/summary.md" <<'EOF'
import glob, json, os, sys, zipfile
runs = [json.loads(l) for l in open(sys.argv[1])]
per_s = 1000.0 / float(sys.argv[2])

def entries(folder):
    result = {}
    for path in sorted(glob.glob(f"{folder}/out/*.npz")):
        name = os.path.basename(path)
        with zipfile.ZipFile(path) as z:
            result.update({f"{name}/{e}": z.read(e) for e in z.namelist()})
    return result

print("| network | ranks | load avg | simulate, s per simulated s | exchange, s per simulated s | rank 0's engine runs, s per simulated s (CPU) | exchanges per simulated s | process CPU per rank, s | peak RSS per rank, MB | same files as 1 process |")
print("|---|---|---|---|---|---|---|---|---|---|")
failures = 0
for r in runs:
    if r.get("failed"):
        failures += 1
        print(f"| {'COBA ' + str(r['size']) if r['size'] else 'META_NETWORK'} | {r['ranks']}{'' if r.get('gather', True) else ' (--gather false)'} | {r['load_avg']:.0f} | **failed** (round {r['round']}: {r['error']}; {r['folder']}/log) | | | | | | |")
        continue
    single = next((s for s in runs if s["size"] == r["size"] and s["ranks"] == 1 and s["round"] == r["round"] and not s.get("failed")), None)
    same = "–" if r["ranks"] == 1 or single is None else ("yes" if entries(r["folder"]) == entries(single["folder"]) else "**no**")
    exchange = "–" if r["exchange_s"] is None else f"{r['exchange_s'] * per_s:.2f}"
    exchanges = "–" if r["exchanges"] is None else f"{r['exchanges'] * per_s:.0f}"
    if r.get("exchange_overflows") is not None: exchanges += f" ({r['exchange_overflows']} overflowed)"
    engine = "–" if r.get("engine_s") is None else f"{r['engine_s'] * per_s:.2f}"
    if r.get("engine_cpu_s") is not None: engine += f" ({r['engine_cpu_s'] * per_s:.2f})"
    cpu = ", ".join(f"{p['cpu_s']:.1f}" for p in r["processes"])
    rss = ", ".join(str(p["peak_rss_mb"]) for p in r["processes"])
    ranks = str(r["ranks"]) + (" overlapped" if r.get("exchange_overlapped") else "")
    if not r.get("gather", True):
        ranks += f" (--gather false; join {r['join']['wall_s']:.1f} s, {r['join']['peak_rss_mb']} MB)" if r.get("join") else " (--gather false)"
    label = f"COBA {r['size']}" if r["size"] else r["name"]
    print(f"| {label} ({r['connections']:,} synapses) | {ranks} | {r['load_avg']:.0f} | {r['simulate_s'] * per_s:.2f} | {exchange} | {engine} | {exchanges} | {cpu} | {rss} | {same} |")
if failures:
    print(f"\n**{failures} of {len(runs)} runs failed** (rows marked failed; their logs are named there).")
EOF
cat "$out/summary.md"
echo "written: $out/summary.md, $runs" >&2
if grep -q '"failed": true' "$runs"; then exit 1; fi
