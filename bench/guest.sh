#!/usr/bin/env bash
# make bench-guest: Debian's static i386 busybox doing real work inside an lguest guest
# (bin/lguest, the whole stack: Launcher, Host, Switcher, Guest kernel, emulated CPU)
# beside the same busybox under qemu-i386 (user-mode, no kernel at all) and natively.
# The instruction count is ours (--stats counts every retired guest instruction, the
# Guest kernel's included, about a million for boot); qemu's and native MIPS are that
# count over their own wall time, since they run the same program on the same input.
# The last workload forks and execs 600 processes: the Guest copies every private page at
# fork, announces each entry of a new program with SET_PTE at exec, and each program faults
# in its fresh pages, so it measures the Host's hypercall, page-fault and shadow-paging paths.
# BENCH_OPTS (say --interpret) goes to bin/lguest before the kernel's arguments.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bb="$root/target/busybox/busybox"
kernel="$root/target/guest/kernel"
for f in "$bb" "$kernel"; do
    [ -f "$f" ] || { echo "bench-guest: $f is missing (make guest busybox)" >&2; exit 1; }
done
work="$(mktemp -d /tmp/bench-guest.XXXXXX)"
trap 'rm -rf "$work"' EXIT
qemu=$(command -v qemu-i386 || true)
[ -n "$qemu" ] || echo "bench-guest: qemu-i386 not found (apt-get install -y qemu-user); qemu columns left empty" >&2

now() { date +%s.%N; }
mips() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / (b - a) / 1e6 }'; }

# name | busybox arguments (one per line after the name, so they keep their spaces)
run_case() {
    local name=$1; shift
    local want got t0 t1 insns secs ours q0 q1 qm n0 n1 nm
    n0=$(now); want=$("$bb" "$@" 2>&1); n1=$(now)
    got=$("$root/bin/lguest" 64m "$kernel" --initrd="$bb" --stats ${BENCH_OPTS:-} quiet -- "$@" 2>"$work/stats")
    if [ "$got" != "$want" ]; then
        echo "bench-guest: $name gave a different answer in the guest:" >&2
        echo " native: $want" >&2; echo " guest:  $got" >&2; cat "$work/stats" >&2
        exit 1
    fi
    insns=$(sed -n 's/^guest instructions: \([0-9]*\) in.*/\1/p' "$work/stats")
    secs=$(sed -n 's/^guest instructions: [0-9]* in \([0-9.]*\) s.*/\1/p' "$work/stats")
    ours=$(awk -v n="$insns" -v s="$secs" 'BEGIN { printf "%.1f", n / s / 1e6 }')
    nm=$(mips "$insns" "$n0" "$n1")
    if [ -n "$qemu" ]; then
        q0=$(now); "$qemu" "$bb" "$@" >/dev/null 2>&1; q1=$(now)
        qm=$(mips "$insns" "$q0" "$q1")
        ratio=$(awk -v o="$ours" -v q="$qm" 'BEGIN { printf "%.3f", o / q }')
    else
        qm=-; ratio=-
    fi
    printf '%-10s %12s | %8s %9s | %9s | %9s | %7s\n' "$name" "$insns" "$secs" "$ours" "$qm" "$nm" "$ratio"
    [ -z "${BENCH_RATIOS:-}" ] || echo "$name $ratio" >> "$BENCH_RATIOS"
}

printf '%-10s %12s | %8s %9s | %9s | %9s | %7s\n' workload insns guest_s MIPS qemuMIPS nativeMIPS ratio
run_case awk-loop awk 'BEGIN { for (i = 0; i < 300000; i++) s += i * 0.5; printf "%d\n", s }'
run_case sh-loop sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; echo $i'
run_case factor factor 10000000000000061
run_case pipeline sh -c 'i=0; while [ $i -lt 300 ]; do echo $i | cat >/dev/null; i=$((i + 1)); done; echo $i'
echo "guest: time inside the Host's run loop (JIT warm-up included, JVM start-up excluded);"
echo "qemu-i386 and native: the whole process, wall time; MIPS = our exact instruction count / time;"
echo "ratio = guest/qemu. Native figures are rough: these runs are too short for a good native clock."
