#!/bin/bash
# faults.sh: live capture faults and privileges (issue 5), each in a network
# namespace of its own:
#  - the interface goes away while flowscope captures on it: a one-line
#    error naming it, a non-zero exit, and what was captured is written
#    with a complete report.xml;
#  - a normal user with only CAP_NET_RAW (setpriv ambient capabilities)
#    captures and writes the connection's bytes.
# Needs root, ip netns, python3 and setpriv; skipped otherwise.  TAP.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
. "$here/../lib/env.sh" || exit 99
. "$srcdir/tests/lib/tap.sh" || exit 99

skip_all()
{
	echo "1..0 # SKIP $1"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespaces)"
for t in ip python3 setpriv; do
	command -v $t >/dev/null 2>&1 || skip_all "needs $t"
done
ip netns list >/dev/null 2>&1 || skip_all "needs ip netns"

ns=fs-faults-$$
ns2=fs-faults2-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/live-faults.XXXXXX") || exit 99
chmod 755 "$work"
cleanup()
{
	local p
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	for p in $(ip netns pids "$ns2" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
	ip netns del "$ns2" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns" && ip netns add "$ns2" ||
    skip_all "cannot make a network namespace"
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link set lo up || exit 99

# A TCP exchange: a server in namespace SRVNS on ADDR:PORT, a client in
# CLINS: the client sends "request-" x 50 and closes its side, the server
# reads it all, answers "reply-" x 100 and closes.
talk()
{
	local srvns=$1 clins=$2 addr=$3 port=$4 spid
	ip netns exec "$srvns" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(10)
c, _ = s.accept()
while c.recv(4096): pass
c.sendall(b"reply-" * 100); c.close()' "$addr" "$port" &
	spid=$!
	sleep 0.3
	ip netns exec "$clins" python3 -c '
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
c.sendall(b"request-" * 50); c.shutdown(socket.SHUT_WR)
while c.recv(4096): pass
c.close()' "$addr" "$port"
	wait "$spid"
}

echo "1..6"

# --- the interface goes away --------------------------------------------------
# fsd0 here, its peer fsd1 in the second namespace: traffic crosses fsd0.
nsx ip link add fsd0 type veth peer name fsd1 netns "$ns2" &&
    nsx ip addr add 10.77.0.1/24 dev fsd0 &&
    ip -n "$ns2" addr add 10.77.0.2/24 dev fsd1 &&
    nsx ip link set fsd0 up && ip -n "$ns2" link set fsd1 up &&
    ip -n "$ns2" link set lo up || exit 99
out=$work/gone
# ip netns exec and setpriv exec the command: $! is flowscope itself.
ip netns exec "$ns" "$bin" --batch -i fsd0 -o "$out" 2>"$work/gone.err" &
pid=$!
sleep 1
talk "$ns2" "$ns" 10.77.0.2 9000
sleep 0.5
nsx ip link del fsd0
rc=
for i in $(seq 100); do
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		rc=$?
		break
	fi
	sleep 0.1
done
if [ -z "$rc" ]; then
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	tap_ok 1 "interface deleted: flowscope stops by itself"
	tap_diag "still running 10 s after the interface went away"
else
	tap_ok 0 "interface deleted: flowscope stops by itself"
fi
[ "${rc:-0}" -ne 0 ] && [ "$(wc -l <"$work/gone.err")" -eq 1 ] &&
    grep -q fsd0 "$work/gone.err"
tap_ok $? "interface deleted: a one-line error naming it, exit status non-zero"
tap_diag "exit ${rc:-?}: $(cat "$work/gone.err")"
[ "$(tail -n 1 "$out/report.xml" 2>/dev/null)" = "</dfxml>" ] &&
    [ "$(cat "$out/010.077.000.002.09000-010.077.000.001."* 2>/dev/null)" = \
    "$(printf 'reply-%.0s' $(seq 100))" ]
tap_ok $? "interface deleted: the server's bytes written, report.xml complete"

# --- only CAP_NET_RAW ----------------------------------------------------------
out=$work/capuser
mkdir -p "$out" && chown nobody "$out" || exit 99
ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw \
    --bounding-set=-all,+net_raw \
    "$bin" --batch -i lo -o "$out" 2>"$work/cap.err" &
pid=$!
sleep 1
talk "$ns" "$ns" 127.0.0.1 9001
sleep 1
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
tap_ok $rc "a normal user with only CAP_NET_RAW: capture runs, exit 0"
[ $rc -ne 0 ] && tap_diag "exit $rc: $(cat "$work/cap.err")"
f=$(ls "$out" 2>/dev/null | grep -- '-127.000.000.001.09001' | head -n 1)
[ -n "$f" ] && [ "$(cat "$out/$f")" = "$(printf 'request-%.0s' $(seq 50))" ]
tap_ok $? "CAP_NET_RAW only: the client's bytes written exactly"
[ "$(stat -c %U "$out/$f" 2>/dev/null)" = nobody ]
tap_ok $? "CAP_NET_RAW only: files owned by the user"
