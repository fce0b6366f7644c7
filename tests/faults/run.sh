#!/bin/bash
# run.sh: faults during batch runs.  A full disk (a 2 MB tmpfs, as root), stop
# signals at random moments, SIGKILL, 64 file descriptors, an unwritable
# output directory, a file in the way, a capture cut mid-record, and -U
# nobody seen from /proc.  Outputs are compared with an uninterrupted run of
# the same input: whatever a faulty run wrote must be a prefix of it.
#
# Environment: FLOWSCOPE (binary), FLOWSCOPE_SRCDIR (source tree).  Needs
# bash and python3.  Prints TAP; root-only parts are skipped otherwise.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
# shellcheck source=../lib/env.sh
. "$here/../lib/env.sh" || exit 99
gen="python3 $srcdir/tests/hostile/gen.py"
check="python3 $here/check.py"

# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh" || exit 99
[ -x "$bin" ] || { echo "run.sh: missing $bin" >&2; exit 99; }

work=$(mktemp -d "${TMPDIR:-/tmp}/faults.XXXXXX") || exit 99
mounted=
cleanup()
{
	[ -n "$mounted" ] && umount "$mounted" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
root=0
[ "$(id -u)" -eq 0 ] && root=1

is()
{
	[ "$2" = "$3" ]
	local s=$?
	[ $s -eq 0 ] || tap_diag "got '$2', expected '$3'"
	tap_ok $s "$1"
}

# one_line NAME PATTERN: $err is exactly one line matching the glob.
one_line()
{
	local s=1
	case $err in
	*$'\n'*) ;;
	$2) s=0 ;;
	esac
	[ $s -eq 0 ] || tap_diag "stderr: $err"
	tap_ok $s "$1: one line: $2"
}

# Inputs: 30 connections of 100 kB + 50 kB (4.5 MB of output), and a larger
# one (30 x 1.5 MB) read three times for the signal runs.
$gen conns 30 --bytes 100000 "$work/c.pcap" || exit 99
$gen conns 30 --bytes 1000000 "$work/big.pcap" || exit 99
"$bin" -r "$work/c.pcap" -o "$work/ref" 2>/dev/null || exit 99
bigargs=(-r "$work/big.pcap" -r "$work/big.pcap" -r "$work/big.pcap")
"$bin" "${bigargs[@]}" -o "$work/bigref" 2>/dev/null || exit 99

# --- (a) disk full ----------------------------------------------------------
mkdir -p "$work/full"
if [ $root -eq 1 ] && mount -t tmpfs -o size=2m tmpfs "$work/full" \
    2>/dev/null; then
	mounted=$work/full
	err=$("$bin" -r "$work/c.pcap" -o "$work/full/out" \
	    -X "$work/full.xml" 2>&1)
	rc=$?
	is "disk full: exit 1" $rc 1
	one_line "disk full" "flowscope: $work/full/out/*: No space left on device"
	msg=$($check files "$work/full.xml" "$work/ref" 2>&1)
	tap_ok $? "disk full: every file that fit is a prefix of the full run's"
	[ $? -eq 0 ] || tap_diag "$msg"
	grep -q "<counter name='write_errors'>" "$work/full.xml"
	tap_ok $? "disk full: report.xml counts write_errors"
	# Every file shorter than the full run's must be marked as cut.
	python3 - "$work/full.xml" <<'EOF'
import os, sys, xml.etree.ElementTree as ET
bad = 0
for fo in ET.parse(sys.argv[1]).getroot().iter('fileobject'):
    name = fo.findtext('filename')
    size = int(fo.findtext('filesize'))
    tb = int(fo.find('flowscope').get('truncated_bytes', '0'))
    real = os.path.getsize(name) if os.path.exists(name) else 0
    if real < size and tb < size - real:
        bad += 1
print('%d short files not marked with their truncated_bytes' % bad)
sys.exit(1 if bad else 0)
EOF
	tap_ok $? "disk full: report.xml marks every cut flow (truncated_bytes)"
	# The report itself on the full disk: flowscope must say so.
	rm -rf "$work/full/out"
	err=$("$bin" -r "$work/c.pcap" -o "$work/full/out" 2>&1)
	rc=$?
	is "disk full, report there too: exit 1" $rc 1
	case $err in
	*"$work/full/out/report.xml"*) s=0 ;;
	*) s=1; tap_diag "stderr: $err" ;;
	esac
	tap_ok $s "disk full, report there too: says report.xml was not written"
	umount "$work/full" && mounted=
else
	for t in "exit 1" "one line" "files intact" "write_errors" \
	    "cut flows marked" "report there: exit 1" "report there: said"; do
		tap_skip "disk full: $t" "needs root and a tmpfs mount"
	done
fi

# --- (b) stop signals at random moments ------------------------------------
sigs=(INT TERM HUP)
runs=0 early=0 bad_rc=0 bad_xml=0 bad_files=0 interrupted=0
for i in $(seq 20); do
	out=$work/sig$i
	"$bin" "${bigargs[@]}" -o "$out" 2>"$work/sig.err" &
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % 300)))"
	kill -"${sigs[i % 3]}" $pid 2>/dev/null
	wait $pid
	rc=$?
	runs=$((runs + 1))
	if [ $rc -gt 128 ] && [ ! -e "$out" ]; then
		# Killed before main() set its handlers: nothing was read.
		early=$((early + 1))
		continue
	fi
	[ $rc -eq 0 ] || { bad_rc=$((bad_rc + 1)); tap_diag "run $i: rc $rc"; }
	$check interrupted "$out/report.xml" >/dev/null
	case $? in
	0) interrupted=$((interrupted + 1)) ;;
	2) ;;
	*) bad_xml=$((bad_xml + 1)) ;;
	esac
	if ! msg=$($check files "$out/report.xml" "$work/bigref" --exact); then
		bad_files=$((bad_files + 1))
		tap_diag "run $i (SIG${sigs[i % 3]}):" "$msg"
	fi
	# Every flow file in the directory is listed.
	n1=$(find "$out" -type f ! -name report.xml | wc -l)
	n2=$(grep -c '<fileobject>' "$out/report.xml")
	[ "$n1" = "$n2" ] || { bad_files=$((bad_files + 1));
	    tap_diag "run $i: $n1 files, $n2 listed"; }
	rm -rf "$out"
done
is "signals: $runs runs exit 0 ($early stopped before the handlers were set, no output)" $bad_rc 0
is "signals: report.xml well-formed, <interrupted /> when stopped ($interrupted of $runs stopped)" $bad_xml 0
tap_ok $((interrupted == 0)) "signals: at least one run was stopped mid-way"
is "signals: every listed file exists, holds its filesize, is a prefix of the full run's" $bad_files 0

# --- (c) SIGKILL -------------------------------------------------------------
bad=0
for i in $(seq 5); do
	out=$work/kill$i
	"$bin" "${bigargs[@]}" -o "$out" 2>/dev/null &
	pid=$!
	sleep "0.$(printf '%03d' $((100 + RANDOM % 300)))"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	if ! msg=$($check prefix "$out/report.xml" "$work/kill.xml") ||
	    ! msg=$($check files "$work/kill.xml" "$work/bigref"); then
		bad=$((bad + 1))
		tap_diag "kill run $i: $msg"
	fi
	rm -rf "$out"
done
is "SIGKILL: report.xml is a readable prefix; its files are prefixes" $bad 0

# --- (d) 64 file descriptors --------------------------------------------------
err=$(ulimit -n 64 && "$bin" -r "$work/c.pcap" -o "$work/fd64" 2>&1)
is "ulimit -n 64: exit 0" $? 0
[ -z "$err" ] || tap_diag "stderr: $err"
diff -r -x report.xml "$work/ref" "$work/fd64" >/dev/null
tap_ok $? "ulimit -n 64: same files as the normal run"

# --- (e) unwritable output, a file in the way, a cut capture ---------------
mkdir -p "$work/ro"
ro_ok=1
if [ $root -eq 1 ]; then
	mount -t tmpfs -o ro,size=1m tmpfs "$work/ro" 2>/dev/null &&
	    mounted=$work/ro && ro_ok=0
else
	chmod 555 "$work/ro" && ro_ok=0
fi
if [ $ro_ok -eq 0 ]; then
	err=$("$bin" -r "$work/c.pcap" -o "$work/ro/out" 2>&1)
	is "unwritable output directory: exit 1" $? 1
	one_line "unwritable output directory" "flowscope: *$work/ro/out*"
	[ -n "$mounted" ] && umount "$work/ro" && mounted=
else
	tap_skip "unwritable output directory: exit 1" "cannot make one"
	tap_skip "unwritable output directory: one line" "cannot make one"
fi

name=010.001.000.000.01024-010.000.000.002.00080
mkdir -p "$work/way"
echo precious >"$work/way/$name"
"$bin" -r "$work/c.pcap" -o "$work/way" 2>/dev/null
is "file in the way: exit 0" $? 0
is "file in the way: left alone" "$(cat "$work/way/$name")" precious
cmp -s "$work/way/${name}c1" "$work/ref/$name"
tap_ok $? "file in the way: the flow went to ${name}c1"
grep -q "<filename>$work/way/${name}c1</filename>" "$work/way/report.xml"
tap_ok $? "file in the way: report.xml names ${name}c1"

$gen cut "$work/cut.pcap"
err=$("$bin" -r "$work/cut.pcap" -o "$work/cut" 2>&1)
is "cut capture: exit 1" $? 1
one_line "cut capture" "flowscope: $work/cut.pcap: truncated capture (record 16 cut short)"
is "cut capture: the three earlier flows written" \
    "$(find "$work/cut" -name '*.00080' -size 6c | wc -l)" 3

# --- (f) -U nobody ------------------------------------------------------------
if [ $root -eq 1 ] && uid=$(id -u nobody 2>/dev/null); then
	chmod 755 "$work"
	mkfifo "$work/fifo"
	"$bin" -r "$work/fifo" -o "$work/uout" -U nobody 2>"$work/u.err" &
	pid=$!
	exec 3>"$work/fifo"
	head -c 4096 "$work/c.pcap" >&3
	got=
	for _ in $(seq 50); do
		got=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' \
		    /proc/$pid/status 2>/dev/null)
		[ "$got" = "$uid $uid $uid $uid" ] && break
		sleep 0.1
	done
	is "-U nobody: /proc/PID/status Uid: is nobody's (real, effective, saved, fs)" \
	    "$got" "$uid $uid $uid $uid"
	tail -c +4097 "$work/c.pcap" >&3
	exec 3>&-
	wait $pid
	is "-U nobody: exit 0" $? 0
	diff -r -x report.xml "$work/ref" "$work/uout" >/dev/null
	tap_ok $? "-U nobody: same files as the normal run"
else
	for t in "Uid is nobody's" "exit 0" "same files"; do
		tap_skip "-U nobody: $t" "needs root and a user nobody"
	done
fi

tap_done
exit 0
