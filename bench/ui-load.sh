#!/bin/bash
# ui-load.sh: how fast the interactive UI loads a big capture, and how it
# answers keys meanwhile, against batch mode on the same file.  A benchmark,
# not a test: it prints numbers and ratios and asserts nothing.
#
# For RUNS rounds, alternately:
#   batch  flowscope --batch -r CAP -o DIR, wall time (GNU time for RSS)
#   ui     flowscope --tui -r CAP in tmux (80x24) with FLOWSCOPE_UI_TRACE,
#          driven by bench/ui-drive.py: time from process start to the
#          first screen with rows, j/k sent every 200 ms while it loads
#          (send->frame and key->frame latency), time until the header
#          says "loaded" (screen polled every 50 ms, matched to the trace's
#          frame), peak RSS.
# The UI writes its streams to its spool under TMPDIR, which is set to the
# same folder as the batch output, so both write to the same file system.
#
# usage: bench/ui-load.sh [CAPTURE]
# Environment (defaults in brackets):
#   FLOWSCOPE      binary [./flowscope, else /tmp/bld/flowscope]
#   BENCH_DIR      captures and scratch [/tmp/flowscope-ui-bench]; never
#                  inside the repository
#   CAP            capture [$BENCH_DIR/huge.pcap, made with
#                  ../shared/tools/mkcaptures.sh --huge, HUGE_GB=1, from
#                  web-keepalive + many-flows (taken from
#                  /tmp/flowscope-bench-caps when there)]
#   OUT_DIR        where output and the UI's spool go [tmpfs,
#                  /dev/shm/flowscope-ui-bench, when memory allows three
#                  times the capture + 4 GB, else $BENCH_DIR/out]
#   RUNS [1]       rounds;  EVERY [0.2] seconds between keys while loading
# Needs bash, tmux, python3; making the capture needs root and what
# mkcaptures.sh needs (see ../shared/tools/README.md).

set -u

prog=ui-load
# shellcheck source=ui-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/ui-lib.sh"
shared=${FLOWSCOPE_SHARED:-$repo/../shared}
RUNS=${RUNS:-1}
EVERY=${EVERY:-0.2}
cap=${1:-${CAP:-$BENCH_DIR/huge.pcap}}

if [ ! -s "$cap" ]; then
	[ "$cap" = "$BENCH_DIR/huge.pcap" ] || die "no capture $cap"
	mk=$shared/tools/mkcaptures.sh
	[ -x "$mk" ] || die "missing $mk (set FLOWSCOPE_SHARED)"
	for f in web-keepalive many-flows; do
		if [ ! -s "$BENCH_DIR/$f.pcap" ] &&
		    [ -s "/tmp/flowscope-bench-caps/$f.pcap" ]; then
			ln -sf "/tmp/flowscope-bench-caps/$f.pcap" "$BENCH_DIR/"
		fi
	done
	echo "making $cap (~${HUGE_GB:-1} GB) with $mk" >&2
	HUGE_GB=${HUGE_GB:-1} "$mk" -o "$BENCH_DIR" --huge >&2 ||
	    die "mkcaptures.sh failed"
fi

if [ -z "${OUT_DIR-}" ]; then
	# tmpfs when it holds three times the capture with room to spare:
	# file creation on this machine's disk costs ~0.4 ms a file.
	avail_kb=$(awk '/MemAvailable/{print $2}' /proc/meminfo)
	if [ "$avail_kb" -gt $(( $(stat -L -c %s "$cap") * 3 / 1024 + 4000000 )) ]
	then
		OUT_DIR=/dev/shm/flowscope-ui-bench
	else
		OUT_DIR=$BENCH_DIR/out
	fi
fi
mkdir -p "$OUT_DIR" || die "cannot make $OUT_DIR"
work=$(mktemp -d "$OUT_DIR/ui-load.XXXXXX") || die "mktemp"
trap 'rm -rf "$work"' EXIT
capsize=$(stat -L -c %s "$cap")
echo "# flowscope: $bin"
echo "# capture:   $cap ($((capsize / 1000000)) MB)"
echo "# output:    $OUT_DIR ($(df -T "$OUT_DIR" | awk 'NR==2{print $2}'))"
echo "# machine:   $(nproc) cores, $(awk '/MemAvailable/{printf "%.1f", $2/1048576}' /proc/meminfo) GiB available"
cat "$cap" >/dev/null		# into the page cache

now() { date +%s.%N; }
sum=$work/summary
: >"$sum"
for r in $(seq "$RUNS"); do
	# batch
	sync
	t0=$(now)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$work/time" "$bin" --batch -r "$cap" \
		    -o "$work/batch" >/dev/null 2>"$work/batch.err"
	else
		"$bin" --batch -r "$cap" -o "$work/batch" >/dev/null \
		    2>"$work/batch.err"
	fi
	brc=$?
	t1=$(now)
	bms=$(echo "$t0 $t1" | awk '{printf "%.1f", ($2 - $1) * 1000}')
	brss=$(tail -1 "$work/time" 2>/dev/null || echo 0)
	nfiles=$(find "$work/batch" -type f | wc -l)
	echo "batch run $r: ${bms} ms, exit $brc, $nfiles files, peak RSS ${brss} kB"
	rm -rf "$work/batch"
	sync

	# ui
	mkdir -p "$work/ui"
	python3 "$here/ui-drive.py" load --bin "$bin" --cap "$cap" \
	    --work "$work/ui" --tmpdir "$work/ui" --every "$EVERY" \
	    >"$work/ui.out" 2>&1
	sed "s/^/ui run $r: /" "$work/ui.out"
	cp "$work/ui/load.trace" "$BENCH_DIR/ui-load.trace.$r" 2>/dev/null
	val() { awk -v k="$1" '$1==k{print $2}' "$work/ui.out"; }
	printf '%s %s %s %s %s %s\n' "$bms" "$(val loaded_ms)" \
	    "$(val first_rows_ms)" "$(val hwm_bytes)" "$brss" \
	    "$(grep '^lat_send' "$work/ui.out" | sed 's/^lat_send //')" >>"$sum"
	rm -rf "$work/ui"
	sync
done

echo
echo "Summary ($RUNS run(s); medians; times in ms from process start)"
python3 - "$sum" <<'EOF'
import statistics, sys
rows = [l.split(None, 5) for l in open(sys.argv[1]) if l.strip()]
def med(i):
    xs = []
    for r in rows:
        try:
            xs.append(float(r[i]))
        except (ValueError, IndexError):
            pass
    return statistics.median(xs) if xs else float('nan')
b, u, f = med(0), med(1), med(2)
print('| measure                          | value |')
print('|----------------------------------|-------|')
print('| batch: total                     | %.0f ms (peak RSS %.0f MB) |' % (b, med(4) / 1024))
print('| ui: first screen with rows       | %.0f ms |' % f)
print('| ui: header says "loaded"         | %.0f ms (peak RSS %.0f MB) |' % (u, med(3) / 1e6))
print('| ui speed / batch speed           | %.0f %% (target >= 70 %%) |' % (100 * b / u if u == u and u > 0 else float('nan')))
for r in rows:
    if len(r) > 5:
        print('| ui: j/k while loading, send->frame | %s |' % r[5].strip())
EOF
echo "Traces: $BENCH_DIR/ui-load.trace.N"
