#!/usr/bin/env bash
# make bench: both tables (bench/cpu.sh, bench/guest.sh), then the one figure issue 11
# asks for: the geometric mean of ours/qemu-i386 over the six workloads, and the lowest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BENCH_RATIOS="$(mktemp /tmp/bench-ratios.XXXXXX)"
trap 'rm -f "$BENCH_RATIOS"' EXIT
bash "$root/bench/cpu.sh"
echo
bash "$root/bench/guest.sh"
echo
awk '$2 != "-" { n++; s += log($2); if (min == "" || $2 < min) { min = $2; at = $1 } }
     END { if (n == 0) { print "no qemu-i386: no ratios"; exit }
           printf "ours/qemu-i386 over %d workloads: geometric mean %.3f, lowest %.3f (%s)\n", n, exp(s / n), min, at }' "$BENCH_RATIOS"
