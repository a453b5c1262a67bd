#!/usr/bin/env bash
# Interleaved A/B of the people bench: landmark threads 2 (default) and 1, three runs each.
cd "$(dirname "$0")/../../../../.."  # the repository root
mkdir -p "${OUT:-runs/bench-lt}"
for i in 1 2 3; do
  for cfg in t2 t1; do
    pose="pose:lite"; [[ $cfg == t1 ]] && pose="pose:lite,threads=1"
    echo "$(date -u +%H:%M:%S) start $cfg run $i (load $(cut -d' ' -f1 /proc/loadavg))" >> ${OUT:-runs/bench-lt}/progress.txt
    ./vibstream bench people --pose "$pose" --out ${OUT:-runs/bench-lt}/$cfg-run$i > ${OUT:-runs/bench-lt}/$cfg-run$i.log 2>&1
    echo "$(date -u +%H:%M:%S) done $cfg run $i: $(tail -1 ${OUT:-runs/bench-lt}/$cfg-run$i.log)" >> ${OUT:-runs/bench-lt}/progress.txt
  done
done
