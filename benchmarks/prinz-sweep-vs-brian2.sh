#!/usr/bin/env bash
# Single-cell Prinz (2004) sweeps, Meta (cpu backend, one batch, measures on the backend) against Brian2 standalone (one
# NeuronGroup, spike counts only), interleaved in one sitting: for each "N:T" pair, Meta, then Brian2 with each method of
# METHODS (default: rk4, the scheme Meta's integration plan chooses for Prinz2004, and exponential_euler).
# Usage: benchmarks/prinz-sweep-vs-brian2.sh [OUT.jsonl] [N:T ...]   (defaults: 1000:1000 10000:100 100000:20, dt 0.05 ms)
# Needs: dotnet build benchmarks/Meta.Benchmarks -c Release; /usr/bin/python3 with brian2 (shared/peers/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-prinz-sweep-vs-brian2.jsonl}"; shift || true
pairs=("$@"); [ ${#pairs[@]} -gt 0 ] || pairs=(1000:1000 10000:100 100000:20)
dt="${DT:-0.05}"; threads="${THREADS:-1}"; methods="${METHODS:-rk4 exponential_euler}"
work="$(mktemp -d)"
for pair in "${pairs[@]}"; do
  n="${pair%%:*}"; t="${pair##*:}"
  echo "# N=$n T=$t ms dt=$dt ms, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  dotnet "$root/benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll" --bench sweep --n "$n" --tstop "$t" --dt "$dt" \
    --threads "$threads" | tee -a "$out"
  for method in $methods; do
    (cd "$work" && /usr/bin/python3 "$root/benchmarks/peers/prinz_sweep_brian2.py" "$n" "$t" "$dt" standalone "$method" "$work/b2-$n-$method") \
      | tail -1 | tee -a "$out"
  done
done
rm -rf "$work"
