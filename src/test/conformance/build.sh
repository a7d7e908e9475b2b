#!/bin/sh
# Build the conformance programs by hand and compare the host with bin/x86run:
#   src/test/conformance/build.sh [OUTDIR]        (default target/conformance-manual)
# The JUnit tests in src/test/java/lguest/machine/conformance do the same with the same
# flags (ConformanceBuild.CFLAGS); this script is for poking at one program from a shell.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$root/target/conformance-manual}
mkdir -p "$out"
CFLAGS="-m32 -march=i686 -mno-sse -mno-mmx -ffreestanding -fno-pic -no-pie -fno-stack-protector
 -fcf-protection=none -fno-builtin -fno-tree-loop-distribute-patterns
 -fno-asynchronous-unwind-tables -O2 -Wall -nostdlib -static"
rt="$here/runtime/start.S $here/runtime/syscall.S $here/runtime/rt.c"
java "$here/random/FormGenerator.java" "$out"
gcc $CFLAGS -I"$here/random" -o "$out/conf_random" $rt "$here/random/driver.c" "$out/forms.c" "$out/forms.S"
for p in control strings brk syscalls args; do
	gcc $CFLAGS -o "$out/$p" $rt "$here/programs/$p.c"
done
gcc $CFLAGS -Wl,-N -o "$out/smc" $rt "$here/programs/smc.c" 2>/dev/null
gcc $CFLAGS -Wl,-N -o "$out/pagecross" $rt "$here/programs/pagecross.S" "$here/programs/pagecross.c" 2>/dev/null
gcc $CFLAGS -o "$out/initial" "$here/programs/initial_start.S" "$here/runtime/syscall.S" "$here/runtime/rt.c" "$here/programs/initial.c"
gcc $CFLAGS -o "$out/faults" $rt "$here/programs/faults.c"
gcc $CFLAGS -o "$out/cpuid" $rt "$here/probes/cpuid.c"
gcc $CFLAGS -o "$out/tzcnt" $rt "$here/probes/tzcnt.S" "$here/probes/tzcnt_report.c"
set +e
status=0
for p in conf_random control strings smc pagecross brk syscalls "args one two 3" "initial a b" \
	"faults div0" "faults ud0" "faults lock-nop" "faults lock-cmp" "faults hlt" "faults int3"; do
	label=$(echo "$p" | tr ' ' '_')
	set -- $p
	prog=$1; shift
	("$out/$prog" "$@" > "$out/$label.host") 2>/dev/null; hs=$?
	"$root/bin/x86run" "$out/$prog" "$@" > "$out/$label.emul" 2> "$out/$label.err"; es=$?
	if cmp -s "$out/$label.host" "$out/$label.emul" && [ $hs = $es ]; then
		echo "same      $p"
	else
		echo "DIFFERENT $p (status host $hs, emulated $es): diff $out/$label.host $out/$label.emul"
		status=1
	fi
done
exit $status
