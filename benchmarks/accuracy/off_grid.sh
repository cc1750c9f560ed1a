#!/usr/bin/env bash
# Measures Meta's precise spike times (spike_precision="off_grid") against the converged solution at dt 0.1 and 0.01 ms,
# beside Meta on the grid, on the single-cell scenarios of shared/reference, and prints the table of docs/accuracy.md,
# "Precise spike times". Meta only (the peers' figures are in run.sh's tables). Usage: benchmarks/accuracy/off_grid.sh [BACKEND=cpu]
# The two scenarios beyond shared/reference (scenarios.py's last two: HH_cond_exp_strong_step, Izhikevich_chattering_step)
# are described to the benchmark, as in run.sh, by a NEURON run at dt 0.1 (peers.py; NEURON through PyNN for /usr/bin/python3),
# cached in $work/scenarios. Meta's own off_grid run at dt 0.001 is the converged solution where there is no analytic one
# (checked against off_grid at dt 0.0005: off_grid.py's second table).
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-cpu}
here=benchmarks/accuracy
refs=${META_REFERENCE_DIR:-../shared/reference}
work=${TMPDIR:-/tmp}/meta-accuracy-off-grid
mkdir -p "$work/scenarios"
extra=$(cd $here && /usr/bin/python3 -c "from scenarios import SCENARIOS as S; print(' '.join(s[0] for s in S[13:]))")
missing=$(for n in $extra; do [ -f "$work/scenarios/$n.neuron.json" ] || echo "$n"; done)
[ -z "$missing" ] || (cd $here && /usr/bin/python3 peers.py neuron "$work/scenarios" 0.1 $missing >&2)
cp "$refs"/dt0.1/*.neuron.json "$work/scenarios/"
dotnet build benchmarks/Meta.Benchmarks -c Release -v quiet -nologo >&2
bench="dotnet benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll --bench accuracy --backend $backend --refs $work/scenarios"
$bench --dts 0.1,0.01 --out "$work" >&2
$bench --dts 0.1,0.01,0.001,0.0005 --spike-precision off_grid --out "$work" >&2
(cd benchmarks/accuracy && /usr/bin/python3 off_grid.py "$work")
