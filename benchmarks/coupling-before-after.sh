#!/bin/bash
# Continuous coupling on the backends (issue 12) against the host evaluator it replaced: the inferior-olive sheet and the
# pyloric circuit, each backend, three interleaved rounds of before/after. Prints one line per run: backend, example,
# duration (ms), round, build, simulate seconds (summary.json) and the 1-minute load average.
# usage: benchmarks/coupling-before-after.sh BEFORE_CLI_DIR AFTER_CLI_DIR
#   e.g. BEFORE = a build of main before the change (git archive ddbc22c | tar -x; dotnet build Cli -c Release),
#        AFTER  = Cli/bin/Release/net10.0 of this tree.
set -euo pipefail
before=$1; after=$2
examples=$(cd "$(dirname "$0")/../examples" && pwd)
out=$(mktemp -d)
for spec in "cpu io-sheet 1000" "cpu pyloric 1000" "ilgpu io-sheet 100" "ilgpu pyloric 100" "torch io-sheet 100" "torch pyloric 100"; do
  set -- $spec; backend=$1; name=$2; duration=$3
  file=$([ "$name" = io-sheet ] && echo inferior-olive/io-sheet || echo pyloric-prinz2004/pyloric)
  for round in 1 2 3; do
    for build in before after; do
      cli=$([ "$build" = after ] && echo "$after" || echo "$before")
      dotnet "$cli/Meta.Cli.dll" run "$examples/$file.json" -b "$backend" -o "$out/$backend-$name-$build" --duration "$duration" --no-plots -q
      sim=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['timings_s']['simulate'])" "$out/$backend-$name-$build/summary.json")
      echo "$backend $name $duration $round $build $sim $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
