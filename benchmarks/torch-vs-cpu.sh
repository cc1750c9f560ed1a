#!/usr/bin/env bash
# Torch against cpu, interleaved, on the VA COBA benchmark: optionally a "before" build of Meta.Benchmarks too.
# Usage: benchmarks/torch-vs-cpu.sh [ROUNDS] [OUTFILE] [BEFORE_DLL]
#   ROUNDS     rounds of (4k for 1 s, 40k for 300 ms), default 1
#   OUTFILE    JSON lines, default /tmp/torch-vs-cpu.jsonl (each block preceded by a comment with the time and load)
#   BEFORE_DLL an older build's Meta.Benchmarks.dll to run with the torch backend first (before/after comparisons)
# Each run: --repeat 2 --threads 1; compare sim_cpu_s (CPU time during the run) when the machine is loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1}; out=${2:-/tmp/torch-vs-cpu.jsonl}; before=${3:-}
after=benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll
[ -f "$after" ] || { echo "build first: dotnet build Meta.sln -c Release" >&2; exit 1; }
for r in $(seq 1 "$rounds"); do
  for cfg in "4000 1000" "40000 300"; do
    set -- $cfg
    for which in before after cpu; do
      case $which in
        before) [ -n "$before" ] || continue; dll=$before; be=torch;;
        after) dll=$after; be=torch;;
        cpu) dll=$after; be=cpu;;
      esac
      echo "# round $r $which n=$1 tstop=$2 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
      dotnet "$dll" --backend "$be" --bench COBA --n "$1" --tstop "$2" --repeat 2 --threads 1 2>&1 | grep -v '^\s*$' | sed "s/^/$which /" >> "$out"
    done
  done
done
echo "wrote $out"
