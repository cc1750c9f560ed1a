#!/bin/bash
# The cpu backend's simulation time before and after a change, and in float32 (issue 16): the Vogels–Abbott networks
# (dt 0.1 ms, 1 s, one thread), interleaved rounds of "before float64, after float64, after float32" so that all three see
# the same machine load. Prints one line per run: round, build, precision, bench, n, sim wall s, sim CPU s (the process's
# CPU time over Run, the figure to compare on a loaded machine), the engine's neuron-update and delivery s
# (META_CPU_PROFILE=1), the rates and the 1-minute load average.
# usage: [RUNS="..."] benchmarks/cpu-precision-before-after.sh BEFORE_DLL AFTER_DLL [ROUNDS=3] [SIZES="4000 40000"] [BENCHES="COBA CUBA"]
#   RUNS: the runs of each round, in order, as build:precision[:VAR=VALUE] (an environment variable for that run only;
#   the build column then shows build+VAR=VALUE); default "before:float64 after:float64 after:float32".
#   BEFORE_DLL, AFTER_DLL: benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll of two builds (e.g. a
#   detached worktree of the commit before the change, and this tree).
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT   # per invocation, so two sittings at once do not read each other's output
before=$1; after=$2; rounds=${3:-3}; sizes=${4:-4000 40000}; benches=${5:-COBA CUBA}
for round in $(seq 1 "$rounds"); do
  for n in $sizes; do
    for bench in $benches; do
      for run in ${RUNS:-before:float64 after:float64 after:float32}; do
        IFS=: read -r build precision setting <<< "$run"
        dll=$([ "$build" = after ] && echo "$after" || echo "$before")
        [ -n "$setting" ] && build="$build+$setting"
        load=$(cut -d' ' -f1 /proc/loadavg)
        env ${setting:+"$setting"} META_CPU_PROFILE=1 dotnet "$dll" --backend cpu --bench "$bench" --n "$n" --repeat 1 --threads 1 --precision "$precision" \
          > "$tmp/run.out" 2> "$tmp/run.err"
        python3 - "$round" "$build" "$precision" "$load" "$tmp" <<'PY'
import json, sys
round_, build, precision, load, tmp = sys.argv[1:]
run = [json.loads(l) for l in open(f"{tmp}/run.out") if l.startswith("{")][-1]
prof = [json.loads(l)["cpu_profile"] for l in open(f"{tmp}/run.err") if l.startswith('{"cpu_profile"')]
neuron = sum(p["neuron_s"] for p in prof); deliver = sum(p["deliver_s"] for p in prof)
print(f'{round_} {build} {precision} {run["bench"]} {run["n"]} {run["sim_s"]:.4f} {run["sim_cpu_s"]:.4f} {neuron:.4f} {deliver:.4f} {run["exc_hz"]}/{run["inh_hz"]} {load}', flush=True)
PY
      done
    done
  done
done
