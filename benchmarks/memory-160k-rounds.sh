#!/bin/bash
# Peak RSS at COBA 160k, alternated: Meta "after" (AFTER, a Meta.Cli.dll), Meta "before" (BEFORE, another build's
# Meta.Cli.dll, optional) and Brian2 standalone, each at 1 s and 100 ms, ROUNDS rounds (default 2). NET is the network
# file (coba-160k.json: examples/vogels-abbott-coba.json scaled x40). One line per run: wall s, peak RSS KiB (%M),
# user s, sys s, the load average and the time. Output folders go to OUT (default /tmp/memory-160k).
# usage: AFTER=Cli/bin/Release/net10.0/Meta.Cli.dll [BEFORE=...] NET=coba-160k.json benchmarks/memory-160k-rounds.sh
set -u
: "${AFTER:?set AFTER to a Meta.Cli.dll}" "${NET:?set NET to coba-160k.json}"
OUT=${OUT:-/tmp/memory-160k}; ROUNDS=${ROUNDS:-2}; BRIAN2=${BRIAN2:-/work/shared/peers/va_brian2.py}
mkdir -p "$OUT"
# Brian2 standalone writes its project folder into the working directory: run from OUT, with absolute paths.
AFTER=$(realpath "$AFTER"); NET=$(realpath "$NET"); [ -n "${BEFORE:-}" ] && BEFORE=$(realpath "$BEFORE")
cd "$OUT" || exit 1
for r in $(seq 1 "$ROUNDS"); do
  for d in 1000 100; do
    for who in after ${BEFORE:+before}; do
      dll=$AFTER; [ "$who" = before ] && dll=$BEFORE
      t=$( { /usr/bin/time -f "%e %M %U %S" dotnet "$dll" run "$NET" -b cpu -o "$OUT/$who-$d-$r" --duration $d --no-plots -q; } 2>&1 | tail -1)
      echo "round $r meta-$who ${d}ms: $t load $(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
    done
    t=$( { OMP_NUM_THREADS=1 /usr/bin/time -f "%e %M %U %S" /usr/bin/python3 "$BRIAN2" standalone COBA 160000 $d; } 2>&1 | tail -2 | tr '\n' ' ')
    echo "round $r brian2 ${d}ms: $t load $(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
  done
done
