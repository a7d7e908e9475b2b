#!/usr/bin/env bash
# make third-party: x86 test programs that other emulators' authors wrote to hold their
# CPUs against real ones, built here from Debian's source packages and run three ways:
# natively on this host, and as the init of a Guest on each back end (translated, and
# --interpret). Each program's output and exit status must be the host's.
#
#   QEMU 7.2, tests/tcg/i386: test-i386 (every integer form, flags, BCD, 16-bit
#     addressing, segments through modify_ldt, 16-bit code, string instructions,
#     exceptions caught as signals, self-modifying code) and the x87 tests.
#   valgrind 3.19, none/tests/x86: insn_basic, insn_cmov and insn_fpu (generated from
#     their .def tables), and the programs that reproduce bugs its CPU once had.
#   Linux 6.1, tools/testing/selftests/x86: test_FCMOV and test_FCOMI (x87), the
#     registers a program starts with, single-step traps in a loop, and NT set across a
#     system call. The others test a 64-bit kernel (this host's, so they print other
#     lines here: its TLS entries are 12-14, an i386 kernel's 6-8; it has a vDSO,
#     SYSCALL and larger FPU frames), ptrace or vm86, which the Guest kernel has not.
#
# The sources come with `apt-get source --download-only`, which needs deb-src lines in
# /etc/apt/sources.list; they are kept in target/third-party and fetched once.
# Left out, and why: programs made of instructions an i686 does not have (MMX, SSE,
# SSE3's FISTTP, BMI, AVX, 3DNow!), which raise #UD here as they must (QEMU's
# test-i386-fisttp and test-i386-fp-exceptions among them, X:640; valgrind's movbe,
# lzcnt32, whose F3 0F BD an i686 runs as BSR, and cse_fail); valgrind's cpuid, which
# prints the vendor and feature bits (ours: SiliconQuest, an i686's, X:640); and valgrind's
# smc1, whose code runs from a data page, which this host's NX bit refuses and an i686
# has no NX bit to refuse, so its output is held against valgrind's own record of what
# it prints (smc1.stdout.exp). QEMU's test-i386-fprem prints 66 MB and takes minutes:
# THIRD_PARTY_QUICK=1 leaves it out.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
work="$root/target/third-party"
kernel="$root/target/guest/kernel"
[ -f "$kernel" ] || { echo "third-party: $kernel is missing (make guest)" >&2; exit 1; }
mkdir -p "$work/bin" "$work/out"
cd "$work"

fetch() {   # package: the .orig tarball in $work, downloaded once
    ls "$1"_*.orig.tar.* >/dev/null 2>&1 && return
    apt-get source --download-only "$1" > "apt-$1.log" 2>&1 || {
        echo "third-party: cannot fetch the source of $1: add a deb-src line to /etc/apt/sources.list, then apt-get update" >&2
        exit 1
    }
}
fetch qemu
fetch valgrind
fetch linux
[ -d src/qemu ] || { mkdir -p src/qemu && tar -xJf qemu_*.orig.tar.xz -C src/qemu --strip-components=1 --wildcards '*/tests/tcg/i386/*'; }
[ -d src/linux ] || { mkdir -p src/linux && tar -xJf linux_*.orig.tar.xz -C src/linux --strip-components=1 --wildcards '*/tools/testing/selftests/x86/*' '*/tools/testing/selftests/kselftest*.h'; }
[ -d src/valgrind ] || { mkdir -p src/valgrind && tar -xjf valgrind_*.orig.tar.bz2 -C src/valgrind --strip-components=1 --wildcards '*/none/tests/x86/*' '*/tests/*.h'; }

CC="gcc -m32 -static -O0 -fno-pie -no-pie -fno-strict-aliasing -w"
q=src/qemu/tests/tcg/i386
v=src/valgrind/none/tests/x86
build() {   # name, then gcc's arguments: built once
    local name=$1; shift
    [ -x "bin/$name" ] || $CC -o "bin/$name" "$@" -lm
}
build test-i386 $q/test-i386.c $q/test-i386-code16.S $q/test-i386-vm86.S
qemu_x87="f2xm1 fbstp fldcst fpatan fscale fxam fxtract fyl2x fyl2xp1 pseudo-denormal snan-convert"
[ -n "${THIRD_PARTY_QUICK:-}" ] || qemu_x87="$qemu_x87 fprem"
for t in $qemu_x87; do build "test-i386-$t" "$q/test-i386-$t.c"; done
for d in insn_basic insn_cmov insn_fpu; do
    [ -f "bin/$d.c" ] || perl "$v/gen_insn_test.pl" < "$v/$d.def" > "bin/$d.c"
    build "$d" -mmmx "bin/$d.c"   # -mmmx for insn_fpu's clobber lists only: it runs no MMX instruction
done
printf '#define HAVE_BUILTIN_ATOMIC 1\n' > bin/config.h
vg="aad_aam badseg bswapw bt_everything bt_literal cet_nops bug125959-x86 bug126147-x86 bug132813-x86
    bug135421-x86 bug152818-x86 cmpxchg8b faultstatus fcmovnu fpu_lazy_eflags fxtract getseg
    incdec_alt int jcxz lahf looper movx pushpopseg sbbmisc shift_ndep smc1 x86locked
    x87trigOOR xadd"
for t in $vg; do build "$t" -Isrc/valgrind -Ibin "$v/$t.c"; done
k=src/linux/tools/testing/selftests/x86
kst="test_FCMOV test_FCOMI check_initial_reg_state sigtrap_loop syscall_nt"
for t in $kst; do
    extra=""; [ "$t" = check_initial_reg_state ] && extra=-Wl,-ereal_start
    build "$t" -O2 -std=gnu99 -pthread -I$k/.. $extra "$k/$t.c" -lrt
done

# One program three ways; its expected output is the host's, or a file given as $2.
failed=0
check() {
    local name=$1 expect=${2:-} way o
    if [ -n "$expect" ]; then cp "$expect" "out/$name.host"
    else { (timeout 600 "bin/$name" 2>&1) 2>/dev/null || echo "status $?"; } > "out/$name.host"; fi   # the subshell keeps bash's "Segmentation fault" out
    local line="$name"
    for way in translated interpreted; do
        o=""; [ "$way" = interpreted ] && o=--interpret
        { timeout 900 "$root/bin/lguest" 64m "$kernel" --initrd="bin/$name" $o quiet 2>&1 || echo "status $?"; } > "out/$name.$way"
        if cmp -s "out/$name.host" "out/$name.$way"; then line="$line  $way: same"
        else line="$line  $way: DIFFERS (diff $work/out/$name.host $work/out/$name.$way)"; failed=1; fi
    done
    echo "$line"
}
check test-i386
for t in $qemu_x87; do check "test-i386-$t"; done
for t in insn_basic insn_cmov insn_fpu $vg $kst; do
    if [ "$t" = smc1 ]; then check smc1 "$v/smc1.stdout.exp"; else check "$t"; fi
done
[ "$failed" = 0 ] && echo "third-party: every program printed what the host prints, on both back ends" && exit 0
echo "third-party: some programs differ (above)" >&2
exit 1
