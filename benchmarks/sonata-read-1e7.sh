#!/usr/bin/env bash
# Reading a SONATA network with 10^7 edges into a runnable Meta simulation, against h5py reading the same columns.
# Usage: benchmarks/sonata-read-1e7.sh [DIR] [EDGES]   (build first: dotnet build Cli -c Release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp/meta-sonata-1e7}"
edges="${2:-10000000}"
[ -f "$dir/edges.h5" ] || /usr/bin/python3 "$root/benchmarks/sonata/make_network.py" "$dir" 10000 "$edges"
ls -l "$dir/edges.h5"
for i in 1 2; do
  /usr/bin/python3 "$root/benchmarks/sonata/read_h5py.py" "$dir"
  /usr/bin/time -f "meta: wall %e s, peak RSS %M KiB" dotnet "$root/Cli/bin/Release/net10.0/Meta.Cli.dll" run "$dir/simulation_config.json" \
    -b cpu --plugins "$root/Cli/bin/Release/net10.0/plugins" --duration 0.1 -o "$dir/out" 2>&1 | grep -E "edges in|meta:|error"
done
