#!/usr/bin/env bash
# Runs the Vogels–Abbott benchmark on Meta's backends and on the peer simulators (Brian2 2.5 and NEURON 8.2 through
# PyNN 0.10, from Debian's packages) one after another on this machine, and prints one JSON line per run.
# Usage: benchmarks/compare-with-peers.sh [N=4000] [BENCH=COBA] [BACKENDS="cpu"]
# Needs ../shared/peers (the peer scripts) beside the repository; installs the peers with its setup.sh (root, apt).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-4000}
bench=${2:-COBA}
backends=${3:-cpu}
peers=$(cd "${META_PEERS_DIR:-../shared/peers}" && pwd)
out=${TMPDIR:-/tmp}/meta-peers-bench
mkdir -p "$out"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB" >&2
bash "$peers/setup.sh" >&2

dotnet build benchmarks/Meta.Benchmarks -c Release -v quiet -nologo >&2
for b in $backends; do
  dotnet benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll --backend "$b" --bench "$bench" --n "$n" --repeat 4
done

# Brian2's C++ standalone mode: the first run compiles, later runs reuse the build folder (it reports sim_only_s).
(cd "$out" && for i in 1 2 3; do /usr/bin/python3 "$peers/va_brian2.py" standalone "$bench" "$n"; done)
/usr/bin/python3 "$peers/va_pynn.py" neuron "$bench" "$n"
