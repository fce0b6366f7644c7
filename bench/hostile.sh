#!/usr/bin/env bash
# bench/hostile.sh - the hostile captures of tests/hostile/gen.py at full size
# (issue 5): 1 million SYNs, 1 million never-closing connections, a million
# fragments that never complete, 1 GB of out-of-order data with a hole in
# front (with and without a SYN), 100k conflicting retransmissions, VLAN and
# MPLS stacks hundreds deep.  Prints, per case, flowscope's peak RSS, wall
# time, exit status and the summary counter that says what was dropped.
# Not part of make check; tests/hostile/run.sh runs the same at small size.
#
# usage: bench/hostile.sh [--flowscope BIN] [--work DIR] [--out DIR] [CASE...]
#   CASE   syns open frags ooo-syn ooo-nosyn overlap vlan mpls (default all)
#   --work DIR   where captures go (default /tmp/flowscope-hostile; ~1.2 GB)
#   --out DIR    where flowscope writes (default /dev/shm/flowscope-hostile
#                if /dev/shm exists: on ext4, creating a million files while
#                thousands are open costs milliseconds each, which would
#                measure the file system, not flowscope; ~5 GB of tmpfs);
#                everything is removed case by case
# Environment: SCALE [1] divides every size (SCALE=10: a tenth).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BIN=${FLOWSCOPE:-$REPO/flowscope}
WORK=/tmp/flowscope-hostile
OUT=/tmp/flowscope-hostile
[ -d /dev/shm ] && OUT=/dev/shm/flowscope-hostile
SCALE=${SCALE:-1}
CASES=()
while [ $# -gt 0 ]; do
	case $1 in
	--flowscope) BIN=$2; shift 2 ;;
	--work) WORK=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) CASES+=("$1"); shift ;;
	esac
done
[ ${#CASES[@]} -gt 0 ] ||
    CASES=(syns open frags ooo-syn ooo-nosyn overlap vlan mpls)
GEN="python3 $REPO/tests/hostile/gen.py"
[ -x "$BIN" ] || { echo "hostile.sh: no binary $BIN" >&2; exit 1; }
/usr/bin/time -f %M true 2>/dev/null ||
    { echo "hostile.sh: needs GNU time (apt-get install time)" >&2; exit 1; }
mkdir -p "$WORK" "$OUT" || exit 1

counters()
{
	python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(' '.join("%s=%s" % (c.get('name').replace(' ', '_'), c.text)
               for c in r.iter('counter')) or '-')
EOF
}

printf '%-10s %10s %14s %9s %9s %4s  %s\n' case input 'size' 'rss_KiB' \
    'wall_s' rc counters
run()
{
	local name=$1 n=$2 pcap=$WORK/$1.pcap out=$OUT/$1.out
	shift 2
	local gargs=() fargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do gargs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	fargs=("$@")
	rm -rf "$out" "$pcap"
	$GEN "${gargs[@]}" "$pcap" || { echo "$name: gen failed"; return; }
	/usr/bin/time -f '%M %e' -o "$WORK/time" "$BIN" -r "$pcap" -o "$out" \
	    "${fargs[@]}" >/dev/null 2>"$WORK/stderr"
	local rc=$? rss secs
	read -r rss secs <"$WORK/time"
	printf '%-10s %10s %14s %9s %9s %4s  %s\n' "$name" "$n" \
	    "$(stat -c %s "$pcap")" "$rss" "$secs" "$rc" \
	    "$(counters "$out/report.xml" 2>/dev/null || echo 'no report')"
	[ -s "$WORK/stderr" ] && sed 's/^/    stderr: /' "$WORK/stderr" | head -3
	rm -rf "$out" "$pcap"
}

M=$((1000000 / SCALE))
G=$((1000000000 / SCALE))
for c in "${CASES[@]}"; do
	case $c in
	syns)	run syns $M syns $M -- -S max_connections=100000 ;;
	open)	run open $M open $M -- -S max_connections=100000 ;;
	frags)	run frags $M frags $M ;;
	ooo-syn) run ooo-syn $G ooo $G ;;
	ooo-nosyn) run ooo-nosyn $G ooo $G --nosyn ;;
	overlap) run overlap $((100000 / SCALE)) overlap $((100000 / SCALE)) ;;
	vlan)	run vlan 500 vlan 500 --count $((100000 / SCALE)) ;;
	mpls)	run mpls 500 mpls 500 --count $((100000 / SCALE)) ;;
	*)	echo "hostile.sh: unknown case $c" >&2 ;;
	esac
done
