#!/usr/bin/env bash
# Measures Meta's precise spike times (spike_precision="off_grid") against the converged solution at dt 0.1 and 0.01 ms,
# beside Meta on the grid, on the single-cell scenarios of shared/reference, and prints the table of docs/accuracy.md,
# "Precise spike times". Meta only (the peers' figures are in run.sh's tables). Usage: benchmarks/accuracy/off_grid.sh [BACKEND=cpu]
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-cpu}
refs=${META_REFERENCE_DIR:-../shared/reference}
work=${TMPDIR:-/tmp}/meta-accuracy-off-grid
mkdir -p "$work"
dotnet build benchmarks/Meta.Benchmarks -c Release -v quiet -nologo >&2
bench="dotnet benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll --bench accuracy --backend $backend --refs $refs/dt0.1"
$bench --dts 0.1,0.01,0.001 --out "$work" >&2
$bench --dts 0.1,0.01 --spike-precision off_grid --out "$work" >&2
(cd benchmarks/accuracy && /usr/bin/python3 off_grid.py "$work")
