#!/bin/bash
# run.sh: hostile captures at reduced size.  Each flood of gen.py is run at
# two sizes (N and 4N) under GNU time; for each: exit status 0 (or the
# expected one-line error), no sanitizer report, peak RSS that does not grow
# with N beyond what the configured limits allow, wall time roughly
# proportional to the input, and the summary counter that records what was
# dropped.  Where the truth is computable (reverse-order stream, conflicting
# retransmissions) the flow file is compared with it.
#
# Environment: FLOWSCOPE (binary), FLOWSCOPE_SRCDIR (source tree),
# HOSTILE_SCALE (size multiplier, default 1; bench/hostile.sh runs the full
# sizes).  Needs bash, python3 and GNU time (/usr/bin/time).  Prints TAP.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
# shellcheck source=../lib/env.sh
. "$here/../lib/env.sh" || exit 99
gen="python3 $here/gen.py"
scale=${HOSTILE_SCALE:-1}

# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh" || exit 99

if [ ! -x "$bin" ]; then
	echo "run.sh: missing $bin" >&2
	exit 99
fi
if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
	echo "1..0 # SKIP GNU time (/usr/bin/time) not installed"
	exit 0
fi

# Under ASan, freed memory sits in a quarantine: RSS bounds mean nothing.
asan=0
if ldd "$bin" 2>/dev/null | grep -q 'libasan'; then
	asan=1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

# Under ASan a report must fail the test, not just print.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# run_fs _ ARGS...: run flowscope -o OUT ARGS in a new directory OUT; sets
# out, rc, rss (KiB), secs, err.
run_fs()
{
	# A fresh directory each time: deleting the last one's files right
	# before a run can stall file creation (ext4 discard) and skew times.
	runs=$((runs + 1))
	out=$work/o$runs
	shift
	/usr/bin/time -f '%M %e' -o "$work/time" "$bin" -o "$out" "$@" \
	    >"$work/stdout" 2>"$work/stderr"
	rc=$?
	read -r rss secs <"$work/time" || { rss=0; secs=0; }
	err=$(cat "$work/stderr")
}

# sane NAME: exit status 0, no sanitizer output, report well-formed.
sane()
{
	local ok=0
	[ "$rc" -eq 0 ] || ok=1
	case $err in
	*Sanitizer* | *"runtime error"*) ok=1 ;;
	esac
	[ -z "$err" ] || tap_diag "stderr: $err"
	tap_ok $ok "$1: exit 0, no sanitizer report (rc=$rc)"
	python3 - "$out/report.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
ET.parse(sys.argv[1])
EOF
	tap_ok $? "$1: report.xml well-formed"
}

# counter REPORT NAME: the summary counter's value (0 if absent).
counter()
{
	python3 - "$1" "$2" <<'EOF'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
v = 0
for c in r.iter('counter'):
	if c.get('name') == sys.argv[2]:
		v = int(c.text)
print(v)
EOF
}

# elem REPORT TAG: the text of the first <TAG> (summary figures).
elem()
{
	python3 - "$1" "$2" <<'EOF'
import sys, xml.etree.ElementTree as ET
e = ET.parse(sys.argv[1]).getroot().find('.//' + sys.argv[2])
print(e.text if e is not None else '')
EOF
}

# flat NAME RSS1 RSS2 SLACK_KB: memory at 4N within SLACK of memory at N.
flat()
{
	local d=$(($3 - $2))
	if [ $asan -eq 1 ]; then
		tap_skip "$1: peak RSS does not grow with N" \
		    "sanitizer build: RSS includes ASan's quarantine"
		return
	fi
	tap_ok $((d > $4)) "$1: peak RSS does not grow with N ($2 KiB -> $3 KiB, limit +$4)"
}

# linear NAME T1 T2 RATIO: time at RATIO*N within 4*RATIO of time at N
# (times below 0.1 s count as 0.1 s: too short to measure).
linear()
{
	python3 - "$2" "$3" "$4" <<'EOF'
import sys
t1, t2, r = (float(x) for x in sys.argv[1:])
sys.exit(0 if t2 <= 4 * r * max(t1, 0.1) + 0.5 else 1)
EOF
	tap_ok $? "$1: time roughly proportional ($2 s -> $3 s for ${4}x input)"
}

is()
{
	[ "$2" = "$3" ]
	local s=$?
	[ $s -eq 0 ] || tap_diag "got '$2', expected '$3'"
	tap_ok $s "$1"
}

runs=0
lim="-S max_connections=1000"

# --- 1. SYN flood: evicted connections counted, memory flat -----------------
n1=$((20000 * scale)); n2=$((4 * n1))
$gen syns $n1 "$work/a.pcap" && run_fs - -r "$work/a.pcap" $lim
sane "syns $n1"; r1=$rss; t1=$secs
is "syns $n1: connections_evicted" "$(counter "$out/report.xml" \
    connections_evicted)" $((n1 - 1000))
$gen syns $n2 "$work/a.pcap" && run_fs - -r "$work/a.pcap" $lim
sane "syns $n2"
is "syns $n2: connections_evicted" "$(counter "$out/report.xml" \
    connections_evicted)" $((n2 - 1000))
flat "syns" "$r1" "$rss" 16384
linear "syns" "$t1" "$secs" 4

# --- 2. connections that never close ---------------------------------------
n1=$((5000 * scale)); n2=$((4 * n1))
$gen open $n1 "$work/a.pcap" && run_fs - -r "$work/a.pcap" $lim
sane "open $n1"; r1=$rss; t1=$secs
is "open $n1: connections_evicted" "$(counter "$out/report.xml" \
    connections_evicted)" $((n1 - 1000))
is "open $n1: every client file written" \
    "$(find "$out" -name '*.00080' -size 16c | wc -l)" $n1
$gen open $n2 "$work/a.pcap" && run_fs - -r "$work/a.pcap" $lim
sane "open $n2"
is "open $n2: connections_evicted" "$(counter "$out/report.xml" \
    connections_evicted)" $((n2 - 1000))
is "open $n2: total_flows" "$(elem "$out/report.xml" total_flows)" $n2
flat "open" "$r1" "$rss" 16384
linear "open" "$t1" "$secs" 4

# --- 3. fragments that never complete --------------------------------------
n1=$((20000 * scale)); n2=$((4 * n1))
$gen frags $n1 "$work/a.pcap" && run_fs - -r "$work/a.pcap"
sane "frags $n1"; r1=$rss; t1=$secs
is "frags $n1: IP fragment held" "$(counter "$out/report.xml" \
    'IP fragment held')" $n1
e1=$(counter "$out/report.xml" fragment_datagrams_expired)
$gen frags $n2 "$work/a.pcap" && run_fs - -r "$work/a.pcap"
sane "frags $n2"
e2=$(counter "$out/report.xml" fragment_datagrams_expired)
# The budget keeps the same number pending whatever N: the rest expire.
is "frags: fragment_datagrams_expired grows by exactly the extra fragments" \
    $((e2 - e1)) $((n2 - n1))
flat "frags" "$r1" "$rss" 16384
linear "frags" "$t1" "$secs" 4

# --- 4. out-of-order stream, hole at the front -----------------------------
client=010.000.000.001.33333-010.000.000.002.00080
for mode in syn nosyn; do
	flag=
	[ $mode = nosyn ] && flag=--nosyn
	b1=$((4000000 * scale)); b2=$((4 * b1))
	$gen ooo $b1 "$work/a.pcap" $flag --truth "$work/truth" &&
	    run_fs - -r "$work/a.pcap"
	sane "ooo $mode $b1"; r1=$rss; t1=$secs
	cmp -s "$out/$client" "$work/truth"
	tap_ok $? "ooo $mode $b1: file equals the bytes sent$(
	    [ $mode = syn ] && echo ', NUL hole in front')"
	if [ $mode = syn ]; then
		grep -q "holes='1' hole_bytes='1448'" "$out/report.xml"
		tap_ok $? "ooo syn: report says holes='1' hole_bytes='1448'"
	fi
	$gen ooo $b2 "$work/a.pcap" $flag --truth "$work/truth" &&
	    run_fs - -r "$work/a.pcap"
	sane "ooo $mode $b2"
	cmp -s "$out/$client" "$work/truth"
	tap_ok $? "ooo $mode $b2: file equals the bytes sent"
	# Early data (no SYN) may hold up to the 64 MiB total budget.
	if [ $mode = syn ]; then
		flat "ooo $mode" "$r1" "$rss" 16384
	else
		if [ $asan -eq 1 ]; then
			tap_skip "ooo nosyn: peak RSS within the early-data budget" \
			    "sanitizer build: RSS includes ASan's quarantine"
		else
			tap_ok $((rss - r1 > 65536 + 16384)) \
			    "ooo nosyn: peak RSS within the early-data budget ($r1 KiB -> $rss KiB)"
		fi
	fi
	linear "ooo $mode" "$t1" "$secs" 4
done

# --- 5. conflicting retransmissions ----------------------------------------
n1=$((2000 * scale)); n2=$((4 * n1))
client=010.000.000.001.44444-010.000.000.002.00080
$gen overlap $n1 "$work/a.pcap" --truth "$work/truth" &&
    run_fs - -r "$work/a.pcap"
sane "overlap $n1"; r1=$rss; t1=$secs
is "overlap $n1: conflicting_overlaps" "$(counter "$out/report.xml" \
    conflicting_overlaps)" $n1
cmp -s "$out/$client" "$work/truth"
tap_ok $? "overlap $n1: first copy kept"
$gen overlap $n2 "$work/a.pcap" --truth "$work/truth" &&
    run_fs - -r "$work/a.pcap" --overlap=last
sane "overlap $n2 --overlap=last"
is "overlap $n2: conflicting_overlaps" "$(counter "$out/report.xml" \
    conflicting_overlaps)" $n2
is "overlap $n2 --overlap=last: the last copy (0xee) everywhere" \
    "$(tr -d '\356' <"$out/$client" | wc -c)" 0
flat "overlap" "$r1" "$rss" 16384
linear "overlap" "$t1" "$secs" 4

# --- 6. VLAN and MPLS stacks hundreds deep ---------------------------------
for kind in vlan mpls; do
	for depth in 300 900; do
		$gen $kind $depth "$work/a.pcap" --count 50 &&
		    run_fs - -r "$work/a.pcap"
		sane "$kind depth $depth"
		is "$kind depth $depth: too many nested encapsulations" \
		    "$(counter "$out/report.xml" \
		    'too many nested encapsulations')" 50
	done
	$gen $kind 30 "$work/a.pcap" --count 50 &&
	    run_fs - -r "$work/a.pcap"
	sane "$kind depth 30"
	is "$kind depth 30: decoded as TCP" \
	    "$(elem "$out/report.xml" total_packets)" 50
done

# --- 7. caplen and len at every edge ---------------------------------------
$gen edges "$work/a.pcap" && run_fs - -r "$work/a.pcap"
sane "edges"
is "edges: both good connections written" \
    "$(cat "$out"/010.000.000.001.2000[01]-010.000.000.002.00080)" \
    "hello
hello"
is "edges: link header truncated" "$(counter "$out/report.xml" \
    'link header truncated')" 4
is "edges: IP header truncated" "$(counter "$out/report.xml" \
    'IP header truncated')" 1
is "edges: TCP header truncated" "$(counter "$out/report.xml" \
    'TCP header truncated')" 1

# caplen larger than the rest of the file; a file cut inside a record
for kind in bigcap cut; do
	$gen $kind "$work/a.pcap" && run_fs - -r "$work/a.pcap"
	[ "$rc" -eq 1 ]
	tap_ok $? "$kind: exit 1 (rc=$rc)"
	case $err in
	*$'\n'* | *Sanitizer* | *"runtime error"*) s=1 ;;
	*"a.pcap: truncated capture (record "*" cut short)") s=0 ;;
	*) s=1 ;;
	esac
	[ $s -eq 0 ] || tap_diag "stderr: $err"
	tap_ok $s "$kind: one line naming the file and the record"
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
	    "$out/report.xml"
	tap_ok $? "$kind: report.xml well-formed"
	want=1
	[ $kind = cut ] && want=3
	is "$kind: connections before the damage written" \
	    "$(find "$out" -name '*.00080' -size 6c | wc -l)" $want
done

tap_done
exit 0
