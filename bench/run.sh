#!/usr/bin/env bash
# bench/run.sh - time flowscope against tcpflow 1.6.1 and the machine's floors on
# large loopback captures, check that both tools write the same bytes, and check
# that flowscope never holds more files open than -f allows. See bench/README.md.
#
# usage: bench/run.sh [--quick] [--caps DIR] [--out DIR] [--flowscope BIN] [NAME...]
#   NAME          captures to use (default all): web-keepalive many-flows lossy
#                 lossy-reordered ipv6 (short forms web many lossy reordered ipv6)
#   --quick       small captures (mkcaptures.sh --quick, default caps dir
#                 /tmp/flowscope-bench-caps-quick): a smoke test of a few seconds
#   --caps DIR    capture folder (default /tmp/flowscope-bench-caps); made with
#                 ../shared/tools/mkcaptures.sh when a capture is missing (root),
#                 reused when present; never inside the repository
#   --out DIR     where results go: results.tsv (every run), table.txt, compare
#                 logs (default /tmp/flowscope-bench-results; not in the repo)
#   --flowscope BIN   flowscope binary (default $FLOWSCOPE or ./flowscope at
#                 the repository root)
# Environment: RUNS [3] timed runs per tool (the median is reported)
#   FLOWSCOPE_SHARED [$REPO/../shared]   TMPFS_DIR [/dev/shm/flowscope-bench.PID]
#   FD_LIMIT [100] the -f value of the open-files check
#   TIMEOUT [1800] seconds per run
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SHARED=${FLOWSCOPE_SHARED:-$REPO/../shared}
RUNS=${RUNS:-3}
FD_LIMIT=${FD_LIMIT:-100}
TIMEOUT=${TIMEOUT:-1800}
QUICK=0
CAPS=
OUT=/tmp/flowscope-bench-results
FS=${FLOWSCOPE:-$REPO/flowscope}
NAMES=()

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "[$(date +%T)] $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1; shift ;;
	--caps) CAPS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--flowscope) FS=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
	web|web-keepalive) NAMES+=(web-keepalive); shift ;;
	many|many-flows) NAMES+=(many-flows); shift ;;
	lossy) NAMES+=(lossy); shift ;;
	reordered|lossy-reordered) NAMES+=(lossy-reordered); shift ;;
	ipv6) NAMES+=(ipv6); shift ;;
	*) die "unknown argument $1 (try -h)" ;;
	esac
done
[ ${#NAMES[@]} -gt 0 ] || NAMES=(web-keepalive many-flows lossy lossy-reordered ipv6)
if [ -z "$CAPS" ]; then
	if [ "$QUICK" = 1 ]; then CAPS=/tmp/flowscope-bench-caps-quick
	else CAPS=/tmp/flowscope-bench-caps; fi
fi

# ---- sanity: tools, folders outside the repository --------------------------
[ -d "$SHARED/tools" ] || die "shared folder not found: $SHARED (set FLOWSCOPE_SHARED)"
case "$FS" in /*) ;; *) FS=$(cd "$(dirname "$FS")" && pwd)/$(basename "$FS") ;; esac
[ -x "$FS" ] || die "flowscope binary not found: $FS (build it, or --flowscope BIN)"
for t in tcpflow gcc python3 /usr/bin/time; do
	command -v "$t" >/dev/null || die "missing $t (see bench/README.md)"
done
[ -f /usr/include/pcap/pcap.h ] || die "missing libpcap-dev"
inside_repo() {  # inside_repo DIR: true if DIR (made absolute) is in the repo
	local d
	mkdir -p "$1" || return 1
	d=$(cd "$1" && pwd -P)
	case "$d/" in "$(cd "$REPO" && pwd -P)/"*) return 0 ;; esac
	return 1
}
inside_repo "$CAPS" && die "--caps $CAPS is inside the repository"
inside_repo "$OUT" && die "--out $OUT is inside the repository"
CAPS=$(cd "$CAPS" && pwd); OUT=$(cd "$OUT" && pwd)

TMPFS_DIR=${TMPFS_DIR:-/dev/shm/flowscope-bench.$$}
mkdir -p "$TMPFS_DIR" || die "cannot make $TMPFS_DIR"
[ "$(stat -f -c %T "$TMPFS_DIR")" = tmpfs ] || log "warning: $TMPFS_DIR is not on tmpfs"
WORK=$(mktemp -d /tmp/flowscope-bench-work.XXXXXX)
cleanup() { rm -rf "$TMPFS_DIR" "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. captures --------------------------------------------------------------
missing=()
for n in "${NAMES[@]}"; do
	[ -s "$CAPS/$n.pcap" ] && continue
	case "$n" in
	web-keepalive) missing+=(web) ;;
	many-flows) missing+=(many) ;;
	lossy|lossy-reordered) missing+=(lossy) ;;
	ipv6) missing+=(ipv6) ;;
	esac
done
if [ ${#missing[@]} -gt 0 ]; then
	# unique names, in order
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!s[$0]++')
	log "making captures ${missing[*]} in $CAPS (mkcaptures.sh, needs root)"
	q=(); [ "$QUICK" = 1 ] && q=(--quick)
	"$SHARED/tools/mkcaptures.sh" "${q[@]}" -o "$CAPS" "${missing[@]}" ||
	    die "mkcaptures.sh failed"
fi

# ---- 2. the floors ----------------------------------------------------------------
CEIL=$WORK/ceiling
gcc -O2 -o "$CEIL" "$SHARED/tools/ceiling.c" -lpcap || die "cannot build ceiling.c"

# ---- helpers -----------------------------------------------------------------
RES=$OUT/results.tsv
printf 'capture\ttool\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\trc\tother_cpu_s\n' > "$RES"
HZ=$(getconf CLK_TCK)
# CPU ticks the whole machine has used (user nice system irq softirq steal)
busy_ticks() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
TVAL=

# timed CAP TOOL RUN OUTDIR CMD...: one run under GNU time, output dir cleared
# first; appends a row to results.tsv and sets TVAL="wall cpu rss rc other"
# (other = CPU seconds that all other processes used meanwhile: interference)
timed() {
	local cap=$1 tool=$2 run=$3 o=$4 tf s0 s1 rc wall user sys rss b0 b1 other
	shift 4
	if [ -n "$o" ]; then rm -rf "$o"; mkdir -p "$o"; fi
	tf=$WORK/time.out
	b0=$(busy_ticks)
	s0=$(date +%s.%N)
	/usr/bin/time -f '%e %U %S %M' -o "$tf" timeout "$TIMEOUT" "$@" \
	    > "$WORK/$tool.stdout" 2> "$WORK/$tool.stderr"
	rc=$?
	s1=$(date +%s.%N)
	b1=$(busy_ticks)
	read -r wall user sys rss < <(tail -1 "$tf")
	wall=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.3f", b - a }')
	other=$(awk -v a="$b0" -v b="$b1" -v u="$user" -v s="$sys" -v hz="$HZ" \
	    'BEGIN { o = (b - a) / hz - u - s; if (o < 0) o = 0; printf "%.2f", o }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cap" "$tool" "$run" \
	    "$wall" "$user" "$sys" "$rss" "$rc" "$other" >> "$RES"
	[ "$rc" = 0 ] || log "  $tool run $run exited $rc: $(tail -2 "$WORK/$tool.stderr")"
	TVAL="$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $rss $rc $other"
}

show() {  # show LABEL: log the last run's TVAL
	local w c m rc x
	read -r w c m rc x <<< "$TVAL"
	log "  $1: wall ${w}s cpu ${c}s rss ${m} KiB exit $rc (other processes: ${x} CPU s)"
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# med CAP TOOL COLUMN (4 wall, cpu = 5+6, 7 rss, 9 other) from results.tsv, timed runs only
med() {
	awk -F'\t' -v c="$1" -v t="$2" -v k="$3" '$1 == c && $2 == t && $3 > 0 {
	    if (k == "cpu") print $5 + $6; else print $k }' "$RES" | median
}

# the comparison of two output folders (tcpflow's file names and bytes)
cat > "$WORK/compare.py" <<'EOF'
import hashlib, os, re, sys

fsdir, tfdir, cap, fsbin = sys.argv[1:5]

def files(d):
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            r = os.path.relpath(p, d)
            if r == "report.xml":
                continue
            out[r] = p
    return out

def digest(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()

def data(p):
    with open(p, "rb") as f:
        return f.read()

CN = re.compile(r"^(.*?)c([0-9]+)$")

def base_of(name):
    m = CN.match(name)
    return (m.group(1), int(m.group(2))) if m else (name, 0)

fs, tf = files(fsdir), files(tfdir)
print(f"files: flowscope {len(fs)}, tcpflow {len(tf)} (report.xml not counted)")
identical = 0
explained, unexplained = [], []
hashes = {}

def h(side, n):
    key = (side, n)
    if key not in hashes:
        hashes[key] = digest((fs if side == "fs" else tf)[n])
    return hashes[key]

tf_rest, fs_rest = set(), set(n for n in fs if n not in tf)
for n in tf:
    if n in fs and os.path.getsize(fs[n]) == os.path.getsize(tf[n]) and h("fs", n) == h("tf", n):
        identical += 1
    else:
        tf_rest.add(n)
        if n in fs:
            fs_rest.add(n)

# the same bytes under another cN number (tcpflow wrote a spurious cN before it)
by_hash = {}
for n in sorted(fs_rest):
    by_hash.setdefault((base_of(n)[0], h("fs", n)), []).append(n)
fs_used = set()
for n in sorted(tf_rest):
    cand = [m for m in by_hash.get((base_of(n)[0], h("tf", n)), []) if m != n and m not in fs_used]
    if cand:
        fs_used.add(cand[0])
        explained.append((n, "renumbered", f"same bytes as flowscope's {cand[0]}"))
        tf_rest.discard(n)
fs_rest -= fs_used

skip = set()
for n in sorted(tf_rest):
    if n in skip:
        continue
    base, k = base_of(n)
    y = data(tf[n])
    if n in fs_rest:
        fs_rest.discard(n)
        x = data(fs[n])
        nxt = base + "c" + str(k + 1)
        if len(y) > len(x) and y.startswith(x) and not y[len(x):].strip(b"\0"):
            explained.append((n, "padding", f"tcpflow appended {len(y)-len(x)} zero bytes"))
        elif (nxt in tf and nxt not in fs and len(x) > len(y) and
              x == data(tf[nxt]) + y):
            # data captured before its first segment: tcpflow moved the
            # early bytes into a cN file, flowscope put them in front
            skip.add(nxt)
            explained.append((n, "split", f"flowscope {len(x)} B = tcpflow's {nxt} + {n}"))
        elif len(y) > len(x) and nxt in fs_rest and nxt not in tf:
            fs_rest.discard(nxt)
            explained.append((n, "reuse-merge", f"tcpflow {len(y)} B vs flowscope {len(x)} B + "
                                                 f"{os.path.getsize(fs[nxt])} B in {nxt}"))
        elif len(x) == len(y):
            diff = next(i for i in range(len(x)) if x[i] != y[i])
            unexplained.append((n, f"same size {len(x)} B, bytes differ from offset {diff}"))
        elif y.startswith(x):
            unexplained.append((n, f"tcpflow longer by {len(y)-len(x)} B (flowscope's file is a prefix)"))
        elif x.startswith(y):
            unexplained.append((n, f"flowscope longer by {len(x)-len(y)} B (tcpflow's file is a prefix)"))
        else:
            m = min(len(x), len(y))
            diff = next((i for i in range(m) if x[i] != y[i]), m)
            unexplained.append((n, f"sizes flowscope {len(x)} / tcpflow {len(y)} B, "
                                   f"first difference at offset {diff}"))
        continue
    if k > 0 and base in fs:
        if not y.strip(b"\0"):
            explained.append((n, "padding-file", f"tcpflow-only {len(y)} B of zeros"))
            continue
        if y in data(fs[base]):
            explained.append((n, "late-retransmit", f"tcpflow-only {len(y)} B, bytes already in {base}"))
            continue
    unexplained.append((n, f"missing in flowscope (tcpflow wrote {len(y)} B)"))
for n in sorted(fs_rest):
    unexplained.append((n, f"extra in flowscope ({os.path.getsize(fs[n])} B, no tcpflow file of that name)"))

differ = len(explained) + len(unexplained)
print(f"{identical} files identical, {differ} differ "
      f"({len(explained)} explained by known tcpflow behaviour, {len(unexplained)} unexplained)")
KINDS = {
    "late-retransmit": "tcpflow-only cN file of bytes already in the flow (late retransmission after close)",
    "padding": "tcpflow appended zero bytes (link padding stored as data)",
    "padding-file": "tcpflow-only cN file of zeros (padding after close)",
    "reuse-merge": "reused 4-tuple: tcpflow merged two connections into one file, flowscope wrote cN",
    "renumbered": "same bytes under another cN number (tcpflow numbering shifted by a spurious file)",
    "split": "early bytes (before the first segment seen) put in a cN file by tcpflow, in front by flowscope",
}
kinds = {}
for n, k, why in explained:
    kinds[k] = kinds.get(k, 0) + 1
for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]):
    print(f"  explained: {v} x {KINDS[k]}")
shown = set()
for n, k, why in explained:
    if k not in shown:
        shown.add(k)
        print(f"    e.g. {n}: {why}")
for n, why in unexplained[:10]:
    print(f"  UNEXPLAINED {n}: {why}")
if unexplained:
    print(f"  reproduce: {fsbin} -r {cap} -o /tmp/fs; tcpflow -r {cap} -o /tmp/tf; "
          f"cmp /tmp/fs/NAME /tmp/tf/NAME")
print(f"CMP identical={identical} differ={differ} explained={len(explained)} "
      f"unexplained={len(unexplained)} fs_files={len(fs)} tf_files={len(tf)}")
EOF

# the open-files check: run CMD with RLIMIT_NOFILE = LIMIT, sample /proc/PID/fd
# every 10 ms; print "max_flow_files max_fds rc" (flow files: descriptors on
# files in OUTDIR other than report.xml, which is what -f limits, as in tcpflow)
cat > "$WORK/fdwatch.py" <<'EOF'
import os, resource, subprocess, sys, time
lim, outdir = int(sys.argv[1]), os.path.realpath(sys.argv[2]) + "/"
def pre():
    resource.setrlimit(resource.RLIMIT_NOFILE, (lim, lim))
p = subprocess.Popen(sys.argv[3:], preexec_fn=pre, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
mx_all = mx_flow = 0
d = f"/proc/{p.pid}/fd"
while p.poll() is None:
    # a descriptor that closes between listdir and readlink counts as a flow
    # file: an upper bound, the safe side for a limit check
    n_all = n_other = 0
    try:
        for fd in os.listdir(d):
            n_all += 1
            try:
                t = os.readlink(f"{d}/{fd}")
            except OSError:
                continue
            if not t.startswith(outdir) or t.endswith("/report.xml"):
                n_other += 1
    except OSError:
        pass
    n_flow = n_all - n_other
    mx_all, mx_flow = max(mx_all, n_all), max(mx_flow, n_flow)
    time.sleep(0.01)
print(mx_flow, mx_all, p.returncode)
EOF

# ---- 3-5. per capture -----------------------------------------------------------
SUMMARY=$WORK/summary.tsv
: > "$SUMMARY"
COMPARE_LOG=$OUT/compare.txt
: > "$COMPARE_LOG"
log "flowscope: $FS"
log "tcpflow: $(tcpflow -V 2>&1 | head -1); output on $TMPFS_DIR; $RUNS runs each"
for n in "${NAMES[@]}"; do
	cap=$CAPS/$n.pcap
	[ -s "$cap" ] || { log "no $cap, skipped"; continue; }
	log "== $n ($(du -h "$cap" | cut -f1))"
	cat "$cap" > /dev/null		# into the page cache
	A=$TMPFS_DIR/fs-ref B=$TMPFS_DIR/tf-ref O=$TMPFS_DIR/out

	# warm-up runs, kept for the comparison (not timed)
	timed "$n" flowscope 0 "$A" "$FS" -r "$cap" -o "$A"
	timed "$n" tcpflow 0 "$B" tcpflow -r "$cap" -o "$B"
	nfiles=$(find "$A" -type f ! -name report.xml | wc -l)
	nbytes=$(find "$A" -type f ! -name report.xml -printf '%s\n' |
	    awk '{ s += $1 } END { printf "%d", s }')
	[ "$nfiles" -gt 0 ] || nfiles=1
	timed "$n" ceil_read 0 "" "$CEIL" read "$cap"
	timed "$n" ceil_files 0 "$O" "$CEIL" files "$O" "$nfiles" "$nbytes"

	# timed runs, interleaved so that drift hits every tool alike
	for r in $(seq 1 "$RUNS"); do
		timed "$n" flowscope "$r" "$O" "$FS" -r "$cap" -o "$O"
		show "run $r flowscope"
		timed "$n" tcpflow "$r" "$O" tcpflow -r "$cap" -o "$O"
		show "run $r tcpflow  "
		timed "$n" ceil_read "$r" "" "$CEIL" read "$cap"
		timed "$n" ceil_files "$r" "$O" "$CEIL" files "$O" "$nfiles" "$nbytes"
	done
	rm -rf "$O"

	# 4. same bytes?
	{
		echo "== $n"
		python3 "$WORK/compare.py" "$A" "$B" "$cap" "$FS"
	} > "$WORK/cmp.txt" 2>&1
	cat "$WORK/cmp.txt" >> "$COMPARE_LOG"
	grep -v '^CMP ' "$WORK/cmp.txt" | sed 's/^/  /' >&2
	cmpline=$(grep '^CMP ' "$WORK/cmp.txt" | tail -1)
	ident=$(sed -n 's/.* identical=\([0-9]*\).*/\1/p' <<< "$cmpline")
	differ=$(sed -n 's/.* differ=\([0-9]*\).*/\1/p' <<< "$cmpline")
	unexpl=$(sed -n 's/.* unexplained=\([0-9]*\).*/\1/p' <<< "$cmpline")
	tffiles=$(sed -n 's/.* tf_files=\([0-9]*\).*/\1/p' <<< "$cmpline")
	rm -rf "$B"

	# 5. open files with -f FD_LIMIT, under an fd limit of FD_LIMIT + 28
	F=$TMPFS_DIR/fs-f
	rm -rf "$F"; mkdir -p "$F"
	read -r maxfd maxall fdrc < <(python3 "$WORK/fdwatch.py" $((FD_LIMIT + 28)) \
	    "$F" "$FS" -f "$FD_LIMIT" -r "$cap" -o "$F")
	if [ "$fdrc" = 0 ] && diff -rq -x report.xml "$A" "$F" > /dev/null; then
		fdsame=same
	else
		fdsame="DIFFERENT(rc=$fdrc)"
	fi
	log "  -f $FD_LIMIT: max flow files open $maxfd, all descriptors $maxall, exit $fdrc, output vs default run: $fdsame"
	rm -rf "$A" "$F"

	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" \
	    "$(stat -c %s "$cap")" \
	    "$(med "$n" flowscope 4)" "$(med "$n" flowscope cpu)" "$(med "$n" flowscope 7)" \
	    "$(med "$n" tcpflow 4)" "$(med "$n" tcpflow cpu)" "$(med "$n" tcpflow 7)" \
	    "$(med "$n" ceil_read 4)" "$(med "$n" ceil_files 4)" \
	    "$nfiles" "$tffiles" "${ident:-?}/${differ:-?}/${unexpl:-?}" \
	    "$maxfd/$maxall" "$fdsame" "$nbytes" \
	    "$(awk -F'\t' -v c="$n" '$1 == c && $3 > 0 { s += $9; w += $4 } END { printf "%.0f", (w > 0 ? 100 * s / w : 0) }' "$RES")" \
	    >> "$SUMMARY"
done

# ---- 6. the table ---------------------------------------------------------------
awk -F'\t' -v fl="$FD_LIMIT" -v runs="$RUNS" -v ncpu="$(nproc)" '
function r(a, b) { return (b > 0 && a > 0) ? sprintf("%.2fx", a / b) : "n/a" }
{ rows[NR] = $0 }
END {
	printf "\nflowscope vs tcpflow 1.6.1, median of %d runs, output on tmpfs\n", runs
	printf "(speed-up = tcpflow / flowscope: >1 means flowscope is faster; "
	printf "RSS = flowscope / tcpflow: <=1 means flowscope uses less;\n"
	printf " vs floor = flowscope wall / floor wall: 1 is the physical limit)\n\n"
	printf "| %-15s | %5s | %8s | %7s | %9s | %7s | %8s | %10s | %-13s | %-17s | %7s |\n",
	    "capture", "MB", "speed-up", "CPU", "RSS fs/tf", "vs read", "vs files",
	    "vs r+files", "files fs/tf", "same/diff/unexpl", "-f fds"
	printf "|-----------------|-------|----------|---------|-----------|---------|----------|------------|---------------|-------------------|---------|\n"
	for (i = 1; i <= NR; i++) {
		split(rows[i], f, "\t")
		printf "| %-15s | %5.0f | %8s | %7s | %9s | %7s | %8s | %10s | %-13s | %-17s | %7s |\n",
		    f[1], f[2] / 1e6, r(f[6], f[3]), r(f[7], f[4]),
		    (f[8] > 0 ? sprintf("%.2f", f[5] / f[8]) : "n/a"),
		    r(f[3], f[9]), r(f[3], f[10]), r(f[3], f[9] + f[10]),
		    f[11] "/" f[12], f[13], f[14] (f[15] == "same" ? "" : "!")
	}
	printf "\nseconds and KiB (secondary): flowscope wall/cpu/rss | tcpflow wall/cpu/rss | read floor | files floor (N files, B bytes)\n"
	for (i = 1; i <= NR; i++) {
		split(rows[i], f, "\t")
		printf "  %-15s  fs %7.2fs %7.2fs %8d KiB | tf %7.2fs %7.2fs %8d KiB | read %6.2fs | files %6.2fs (%d, %d) | other load %d%%\n",
		    f[1], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[16], f[17]
		if (f[17] > 10) busy = 1
	}
	printf "(other load = CPU time other processes used during the timed runs, %% of their wall time;\n"
	printf " the machine has %d CPUs%s)\n", ncpu, busy ? ": above 10%, other work disturbed the figures; run again on a quiet machine" : ""
	printf "\ntargets:\n"
	for (i = 1; i <= NR; i++) {
		split(rows[i], f, "\t")
		sp = (f[3] > 0) ? f[6] / f[3] : 0
		if (f[1] == "web-keepalive")
			printf "  web-keepalive >= 2x faster than tcpflow: %.2fx %s\n", sp, (sp >= 2 ? "PASS" : "FAIL")
		if (f[1] == "many-flows")
			printf "  many-flows >= 3x faster than tcpflow:    %.2fx %s\n", sp, (sp >= 3 ? "PASS" : "FAIL")
		split(f[13], c, "/")
		split(f[14], fd, "/")
		printf "  %-15s peak RSS <= tcpflow: %d <= %d KiB %s; -f %d: at most %s flow files open (%s descriptors in all) %s; same bytes as tcpflow: %s\n",
		    f[1], f[5], f[8], (f[5] <= f[8] ? "PASS" : "FAIL"), fl, fd[1], fd[2],
		    ((fd[1] <= fl && f[15] == "same") ? "PASS" : "FAIL (" f[15] ")"),
		    (c[3] == "0" ? "PASS (" c[1] " identical, " c[2] " explained differences)" : "CHECK (" c[3] " unexplained differences)")
	}
}' "$SUMMARY" | tee "$OUT/table.txt"
cp "$SUMMARY" "$OUT/summary.tsv"
echo
echo "all runs: $RES; file comparison: $COMPARE_LOG; table: $OUT/table.txt"
