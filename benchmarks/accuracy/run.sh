#!/usr/bin/env bash
# Measures the error of Meta, NEURON and Brian2 against the converged solution for every single-cell reference scenario
# and writes the tables of docs/accuracy.md and the plots docs/images/accuracy/SCENARIO.png.
# Usage: benchmarks/accuracy/run.sh [BACKEND=cpu]   (needs ../shared/peers, whose setup.sh installs NEURON and Brian2)
# Peer runs at dt 0.2, 0.05, 0.02, 0.005 (and the two scenarios beyond shared/reference at every dt) are cached in
# $TMPDIR/meta-accuracy/peers; delete it to rerun them.
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-cpu}
here=benchmarks/accuracy
refs=${META_REFERENCE_DIR:-../shared/reference}
peers=$(cd "${META_PEERS_DIR:-../shared/peers}" && pwd)
work=${TMPDIR:-/tmp}/meta-accuracy
mkdir -p "$work/peers" "$work/scenarios"
bash "$peers/setup.sh" >&2
extra=$(cd $here && /usr/bin/python3 -c "from scenarios import SCENARIOS as S; print(' '.join(s[0] for s in S[13:]))")
standard=$(cd $here && /usr/bin/python3 -c "from scenarios import SCENARIOS as S; print(' '.join(s[0] for s in S[:13]))")
for dt in 0.2 0.1 0.05 0.02 0.01 0.005; do
  for sim in neuron brian2; do
    case $dt in 0.1|0.01) names=$extra ;; *) names="$standard $extra" ;; esac
    missing=$(for n in $names; do [ -f "$work/peers/dt$dt/$n.$sim.json" ] || echo "$n"; done)
    [ -z "$missing" ] || (cd $here && /usr/bin/python3 peers.py $sim "$work/peers/dt$dt" $dt $missing >&2)
  done
done
cp "$refs"/dt0.1/*.neuron.json "$work/peers"/dt0.1/*.neuron.json "$work/scenarios/"
dotnet build benchmarks/Meta.Benchmarks -c Release -v quiet -nologo >&2
dotnet benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll --bench accuracy --backend "$backend" --refs "$work/scenarios" \
  --dts 0.2,0.1,0.05,0.02,0.01,0.005,0.002,0.001,0.0005 --out "$work/meta-$backend"
/usr/bin/python3 $here/accuracy.py "$work/meta-$backend" "$refs" "$work/peers" --doc docs/accuracy.md --plots docs/images/accuracy
