#!/usr/bin/env bash
# Interleaved: Meta cpu vs Brian2 standalone, Song-Abbott (1000 inputs, 10 s) and COBA-STDP 4000 (1 s).
cd "$(dirname "$0")/.."
root=$(pwd)
dotnet build benchmarks/Meta.Benchmarks -c Release -v quiet -nologo >&2
mkdir -p ${TMPDIR:-/tmp}/b2bench
for rep in 1 2 3; do
  dotnet benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll --bench stdp --n 1000 --tstop 10000 --repeat 2 --threads 1 | grep '"repetition":2'
  (cd ${TMPDIR:-/tmp}/b2bench && /usr/bin/python3 $root/benchmarks/peers/stdp_brian2.py standalone stdp 1000 10000 2>/dev/null | tail -1)
  dotnet benchmarks/Meta.Benchmarks/bin/Release/net10.0/Meta.Benchmarks.dll --bench coba-stdp --n 4000 --tstop 1000 --repeat 2 --threads 1 | grep '"repetition":2'
  (cd ${TMPDIR:-/tmp}/b2bench && /usr/bin/python3 $root/benchmarks/peers/stdp_brian2.py standalone coba-stdp 4000 1000 2>/dev/null | tail -1)
done
