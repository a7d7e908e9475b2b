#!/usr/bin/env bash
# make bench-cpu: guest MIPS of the emulated i686 (bin/x86run) side by side with qemu-i386
# on two freestanding programs: SHA-256 over 8 MiB (compute-bound) and a bytecode
# interpreter plus N-queens (branchy, call-heavy). The instruction count is ours
# (x86run --stats counts retired instructions exactly); qemu runs the same program, so
# its MIPS is that count over its own wall time.
# BENCH_OPTS (say --interpret) goes to x86run before the program: the back end to measure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/bench-cpu.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [ -z "${LGUEST_CLASSES:-}" ]; then
    if [ -f "$root/target/classes/lguest/tools/X86Run.class" ]; then
        export LGUEST_CLASSES="$root/target/classes"
    else
        echo "bench-cpu: compiling lguest.machine and lguest.tools into $work/classes" >&2
        javac -d "$work/classes" $(find "$root/src/main/java/lguest/machine" "$root/src/main/java/lguest/tools" -name '*.java')
        export LGUEST_CLASSES="$work/classes"
    fi
fi

CFLAGS="-m32 -ffreestanding -nostdlib -static -fno-pic -O2"
gcc $CFLAGS -o "$work/sha256" "$root/bench/sha256.c"
gcc $CFLAGS -o "$work/interp" "$root/bench/interp.c"

qemu=$(command -v qemu-i386 || true)
[ -n "$qemu" ] || echo "bench-cpu: qemu-i386 not found (apt-get install -y qemu-user); qemu columns left empty" >&2

now() { date +%s.%N; }

printf '%-8s %12s | %8s %9s %8s %9s | %8s %9s %8s %9s | %7s %7s\n' program insns \
    ours_s MIPS cpu_s cpuMIPS qemu_s MIPS cpu_s cpuMIPS ratio cpu_rat
for prog in sha256 interp; do
    want=$("$work/$prog")
    t0=$(now)
    got=$("$root/bin/x86run" --stats ${BENCH_OPTS:-} "$work/$prog" 2>"$work/$prog.stats")
    t1=$(now)
    if [ "$got" != "$want" ]; then
        echo "bench-cpu: $prog gave a different answer under x86run:" >&2
        echo " native: $want" >&2
        echo " x86run: $got" >&2
        exit 1
    fi
    insns=$(sed -n 's/^x86run: \([0-9]*\) instructions in.*/\1/p' "$work/$prog.stats")
    secs=$(sed -n 's/^x86run: [0-9]* instructions in \([0-9.]*\) s.*/\1/p' "$work/$prog.stats")
    cpus=$(sed -n 's/.*(cpu \([0-9.]*\) s.*/\1/p' "$work/$prog.stats")
    ours=$(awk -v n="$insns" -v s="$secs" 'BEGIN { printf "%.1f", n / s / 1e6 }')
    oursc=$(awk -v n="$insns" -v s="$cpus" 'BEGIN { printf "%.1f", n / s / 1e6 }')
    if [ -n "$qemu" ]; then
        # wall time by date, CPU time (user+sys) from bash's times for the child
        q0=$(now)
        cpu=$( { bash -c '"$1" "$2" > /dev/null; times' _ "$qemu" "$work/$prog" | tail -1; } )
        q1=$(now)
        qs=$(awk -v a="$q0" -v b="$q1" 'BEGIN { printf "%.3f", b - a }')
        qc=$(echo "$cpu" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
        qm=$(awk -v n="$insns" -v s="$qs" 'BEGIN { printf "%.1f", n / s / 1e6 }')
        qmc=$(awk -v n="$insns" -v s="$qc" 'BEGIN { if (s > 0) printf "%.1f", n / s / 1e6; else print "-" }')
        ratio=$(awk -v o="$ours" -v q="$qm" 'BEGIN { printf "%.3f", o / q }')
        ratioc=$(awk -v o="$oursc" -v q="$qmc" 'BEGIN { if (q > 0) printf "%.3f", o / q; else print "-" }')
    else
        qs=-; qm=-; qc=-; qmc=-; ratio=-; ratioc=-
    fi
    printf '%-8s %12s | %8s %9s %8s %9s | %8s %9s %8s %9s | %7s %7s\n' "$prog" "$insns" "$secs" "$ours" "$cpus" "$oursc" \
        "$qs" "$qm" "$qc" "$qmc" "$ratio" "$ratioc"
    [ -z "${BENCH_RATIOS:-}" ] || echo "$prog $ratio" >> "$BENCH_RATIOS"
done
grep '^x86run: translator' "$work/sha256.stats" "$work/interp.stats" | sed 's/.*stats://' || true
echo "ours: time inside run() (JIT warm-up included, JVM start-up excluded), wall and thread CPU time;"
echo "qemu: the whole qemu-i386 process, wall and user+sys CPU; MIPS = our exact instruction count / time;"
echo "ratio = ours/qemu (wall), cpu_rat = ours/qemu (CPU time: fairer when the machine is shared)."
