#!/usr/bin/env bash
# make bench-net: TCP throughput between two guests on one --sharenet file, each a bin/lguest
# process of its own (so every frame crosses the file, L:510), beside the same transfer between
# two busybox nc processes on this machine over its loopback, in the same run, and from a guest to
# a busybox nc on this machine over the user-mode network (--net=user, L:700).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bb="$root/target/busybox/busybox"
kernel="$root/target/guest/kernel"
for f in "$bb" "$kernel"; do
    [ -f "$f" ] || { echo "bench-net: $f is missing (make guest busybox)" >&2; exit 1; }
done
mib=${BENCH_NET_MIB:-4}
bytes=$((mib * 1048576))
work="$(mktemp -d /tmp/bench-net.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# Each line the client prints, with the host's time when it came.
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.2f", b / s / 1048576; else print "?" }'; }

# Guest to guest.  The server counts what it got and says so to the client (nc -e wc -c);
# the time is from the client's GO to that count, as this machine's clock sees them.
net="$work/net"
mkfifo "$work/server-in"
"$root/bin/lguest" 64m "$kernel" --initrd="$bb" --sharenet="$net" quiet -- sh <"$work/server-in" >"$work/server" 2>&1 &
server=$!
exec 3>"$work/server-in"
printf 'ifconfig eth0 10.0.0.1 netmask 255.255.255.0 up\nnc -l -p 5000 -e wc -c\n' >&3
sleep 3
printf 'ifconfig eth0 10.0.0.2 netmask 255.255.255.0 up\nsleep 1\necho GO\nhead -c %d /dev/zero | nc 10.0.0.1 5000\n' "$bytes" \
    | "$root/bin/lguest" 64m "$kernel" --initrd="$bb" --sharenet="$net" quiet -- sh 2>&1 | stamp >"$work/client"
exec 3>&-                      # the server's shell reads its end of input, and powers off
wait "$server" || true
got=$(awk '$2 ~ /^[0-9]+$/ { print $2; exit }' "$work/client")
if [ "$got" != "$bytes" ]; then
    echo "bench-net: the guest server counted '$got' bytes, not $bytes:" >&2; cat "$work/client" >&2; exit 1
fi
gsecs=$(awk '$2 == "GO" { t0 = $1 } $2 ~ /^[0-9]+$/ && t0 { printf "%.3f", $1 - t0; exit }' "$work/client")

# Host to host, over loopback, the same busybox nc on both ends, timed the same way.
port=$((20000 + RANDOM % 20000))
"$bb" nc -l -p "$port" -e "$bb" wc -c >/dev/null 2>&1 &
sleep 0.3
{ echo GO; head -c "$bytes" /dev/zero | "$bb" nc 127.0.0.1 "$port"; } 2>&1 | stamp >"$work/host"
hsecs=$(awk '$2 == "GO" { t0 = $1 } $2 ~ /^[0-9]+$/ && t0 { printf "%.3f", $1 - t0; exit }' "$work/host")

# Guest to host over the user-mode network: the same nc pair, the server on this machine.
uport=$((20000 + RANDOM % 20000))
"$bb" nc -l -p "$uport" -e "$bb" wc -c >/dev/null 2>&1 &
sleep 0.3
printf 'ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up\necho GO\nhead -c %d /dev/zero | nc 10.0.2.2 %d\n' "$bytes" "$uport" \
    | "$root/bin/lguest" 64m "$kernel" --initrd="$bb" --net=user quiet -- sh 2>&1 | stamp >"$work/user"
ugot=$(awk '$2 ~ /^[0-9]+$/ { print $2; exit }' "$work/user")
if [ "$ugot" != "$bytes" ]; then
    echo "bench-net: the host server counted '$ugot' bytes from the guest, not $bytes:" >&2; cat "$work/user" >&2; exit 1
fi
usecs=$(awk '$2 == "GO" { t0 = $1 } $2 ~ /^[0-9]+$/ && t0 { printf "%.3f", $1 - t0; exit }' "$work/user")

printf '%-40s %10s %12s\n' "TCP, $mib MiB" "seconds" "MiB/s"
printf '%-40s %10s %12s\n' "guest -> guest over --sharenet" "$gsecs" "$(rate "$bytes" "$gsecs")"
printf '%-40s %10s %12s\n' "guest -> host over --net=user" "$usecs" "$(rate "$bytes" "$usecs")"
printf '%-40s %10s %12s\n' "host -> host over loopback" "$hsecs" "$(rate "$bytes" "$hsecs")"
