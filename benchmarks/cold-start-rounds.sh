#!/usr/bin/env bash
# Cold and warm `meta run` of small networks, two builds interleaved round by round (docs/benchmarks.md, "Kernels as IL").
# usage: benchmarks/cold-start-rounds.sh <rounds> <label>=<repo root> [<label>=<repo root> ...]
# Per round, per build, per network: one cold run (an empty META_KERNEL_CACHE folder) then one warm run (the same folder);
# each process timed by /usr/bin/time (wall, user, sys, peak RSS); the load phase from summary.json; the 1-minute load
# average at the start of the run. Rows go to stdout as TSV.
set -euo pipefail
rounds=$1; shift
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
networks=(small-network vogels-abbott-coba)
printf 'round\tbuild\tnetwork\trun\twall_s\tuser_s\tsys_s\tcpu_s\trss_kb\tload_s\tloadavg\n'
for ((r = 1; r <= rounds; r++)); do
  for spec in "$@"; do
    label=${spec%%=*}; root=${spec#*=}
    for net in "${networks[@]}"; do
      cache=$work/cache-$label-$net
      rm -rf "$cache"
      for run in cold warm; do
        out=$work/out-$label-$net-$run
        rm -rf "$out"
        avg=$(cut -d' ' -f1 /proc/loadavg)
        META_KERNEL_CACHE=$cache /usr/bin/time -o "$work/time" -f "%e %U %S %M" \
          dotnet "$root/Cli/bin/Release/net10.0/Meta.Cli.dll" run "$here/examples/$net.json" -b cpu -o "$out" --no-plots -q >/dev/null
        read -r wall user sys rss < "$work/time"
        load=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['timings_s']['load'])" "$out/summary.json")
        cpu=$(python3 -c "print(round($user + $sys, 2))")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$label" "$net" "$run" "$wall" "$user" "$sys" "$cpu" "$rss" "$load" "$avg"
      done
    done
  done
done
rm -rf "$work"
