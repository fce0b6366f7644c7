#!/bin/bash
# ui-million.sh: the interactive UI with a million connections.  A
# benchmark, not a test: it prints numbers and asserts nothing.
#
#   memory   peak RSS (VmHWM from /proc/PID/status) of flowscope --tui -r
#            on a capture of N (1 000 000) tiny connections, after it says
#            "loaded", against the same UI on a capture of 10 connections:
#            (HWM(N) - HWM(10)) / (N - 10) bytes per connection
#            (target < 300)
#   keys     at N rows, one key at a time (the next one once the frame
#            after it was drawn): sort (F6 x8, r x6), the filter typed
#            incrementally (/ 1 0 . 0 . 1, each char refilters), Enter, \
#            (clear), scroll (PgDn x20, G x3, g x3); p50/p95/max of
#            send->frame (tmux send-keys to the frame drawn after it) and
#            key->frame (the UI read the key to the frame), from the
#            FLOWSCOPE_UI_TRACE trace.
#
# The captures are written by bench/ui-mkconns.py (7 packets a connection,
# SYN .. FIN, ~560 MB for a million).
#
# usage: bench/ui-million.sh
# Environment (defaults in brackets):
#   FLOWSCOPE   binary [./flowscope, else /tmp/bld/flowscope]
#   BENCH_DIR   captures and scratch [/tmp/flowscope-ui-bench]; never inside
#               the repository
#   NCONNS      connections [1000000]
#   SPOOL_DIR   the UI's TMPDIR [/dev/shm/flowscope-ui-bench when more than
#               8 GB of memory is available, else a folder in BENCH_DIR]
# Needs bash, tmux, python3.

set -u

prog=ui-million
# shellcheck source=ui-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/ui-lib.sh"
n=${NCONNS:-1000000}

big=$BENCH_DIR/conns-$n.pcap
base=$BENCH_DIR/conns-10.pcap
for c in "$n:$big" "10:$base"; do
	if [ ! -s "${c#*:}" ]; then
		echo "making ${c#*:} (${c%%:*} connections)" >&2
		python3 "$here/ui-mkconns.py" "${c%%:*}" "${c#*:}.tmp" &&
		    mv "${c#*:}.tmp" "${c#*:}" || die "ui-mkconns.py failed"
	fi
done

work=$(mktemp -d "$BENCH_DIR/ui-million.XXXXXX") || die "mktemp"
trap 'rm -rf "$work"' EXIT
echo "# flowscope: $bin"
echo "# capture:   $big ($(( $(stat -c %s "$big") / 1000000 )) MB, $n connections); baseline $base"
echo "# machine:   $(nproc) cores"
cat "$big" "$base" >/dev/null

# The UI spools every direction to a file under TMPDIR: 2N files.  tmpfs
# when memory allows (file creation on this machine's disk costs 0.2-1 ms).
if [ -z "${SPOOL_DIR-}" ]; then
	if [ "$(awk '/MemAvailable/{print $2}' /proc/meminfo)" -gt 8000000 ]
	then
		SPOOL_DIR=/dev/shm/flowscope-ui-bench
	else
		SPOOL_DIR=$work
	fi
fi
mkdir -p "$SPOOL_DIR" || die "cannot make $SPOOL_DIR"
echo "# spool:     $SPOOL_DIR ($(df -T "$SPOOL_DIR" | awk 'NR==2{print $2}'))"
python3 "$here/ui-drive.py" million --bin "$bin" --cap "$big" --base "$base" \
    --work "$work" --tmpdir "$SPOOL_DIR" >"$work/out" 2>&1
cat "$work/out"
cp "$work/big.trace" "$BENCH_DIR/ui-million.trace" 2>/dev/null

val() { awk -v k="$1" '$1==k{print $2}' "$work/out"; }
echo
echo "Summary ($n connections; times in ms)"
printf '| %-28s | %s |\n' measure value
printf '|%s|%s|\n' ------------------------------ -------
printf '| %-28s | %s |\n' "rows loaded" "$(val big_rows) (baseline $(val base_rows))"
printf '| %-28s | %s |\n' "load time (to \"loaded\")" "$(val big_loaded_ms) (baseline $(val base_loaded_ms))"
printf '| %-28s | %s |\n' "peak RSS" "$(awk -v a="$(val big_hwm_bytes)" -v b="$(val base_hwm_bytes)" 'BEGIN{printf "%.1f MB (baseline %.1f MB)", a/1e6, b/1e6}')"
printf '| %-28s | %s |\n' "peak RSS after the keys" "$(awk -v a="$(val big_hwm_after_keys_bytes)" 'BEGIN{printf "%.1f MB", a/1e6}')"
printf '| %-28s | %s |\n' "bytes per connection" "$(val bytes_per_conn) (target < 300)"
grep '^lat ' "$work/out" | while IFS='|' read -r name sf kf _; do
	printf '| %-28s | send->frame %s; key->frame %s |\n' \
	    "$(echo "${name#lat }" | sed 's/ *$//')" \
	    "$(echo "$sf" | sed 's/send->frame //;s/ *$//')" \
	    "$(echo "$kf" | sed 's/^ *key->frame //;s/ *$//')"
done
echo "Trace: $BENCH_DIR/ui-million.trace"
