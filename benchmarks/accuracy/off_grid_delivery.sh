#!/usr/bin/env bash
# Measures exact delivery of off-grid spikes (spike_precision="off_grid", docs/semantics.md, "Exact delivery") by simulation:
# the conformance scenarios dynamics/off-grid-delivery/* run a LIF cell (IF_curr_exp, IF_cond_exp) receiving spikes between
# grid points at dt 0.1 from a SpikeSourceArray, and from a LIF cell firing off the grid (cell-to-cell), and print the
# largest error of v against the exact solution (closed-form PSPs for current synapses; Meta off_grid at dt 0.001, checked
# against dt 0.0005, for conductance synapses) with off_grid and, for contrast, on the grid.
# benchmarks/accuracy/delivery_error.py gives the same comparison without simulation (closed forms only).
# Usage: benchmarks/accuracy/off_grid_delivery.sh [BACKENDS="cpu ilgpu torch"] [PRECISIONS="float64 float32"]
set -euo pipefail
cd "$(dirname "$0")/../.."
backends=${1:-cpu ilgpu torch}
precisions=${2:-float64 float32}
out=${TMPDIR:-/tmp}/meta-off-grid-delivery
mkdir -p "$out"
cli=Cli/bin/Release/net10.0/Meta.Cli.dll
dotnet build Cli -c Release -v quiet -nologo >&2   # cheap when nothing changed; never measures a stale build
failed=0
for b in $backends; do
  for p in $precisions; do
    echo "== $b $p"
    # The report's table (scenario, status, measured figures); the JSON report is kept in $out.
    dotnet "$cli" conformance --plugin "Cli/bin/Release/net10.0/plugins/$b" --filter off-grid-delivery --precision "$p" \
      --out "$out/$b-$p.json" > "$out/$b-$p.log" && status=0 || status=$?
    grep -i "off-grid-delivery" "$out/$b-$p.log" || true
    if [ "$status" -ne 0 ]; then echo "FAILED: $b $p (exit $status; $out/$b-$p.log)"; failed=1; fi
  done
done
exit "$failed"
