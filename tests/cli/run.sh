#!/bin/bash
# run.sh: command-line behaviour tests.  Runs the flowscope binary with the
# options of --help on small captures and checks exit status, stderr, output
# names and bytes, report.xml, console output, -w dumps, multiple and
# compressed inputs, BPF filters, signals, damaged input and privilege
# dropping, each as one TAP line.  Expected values were computed once with
# tshark and tcpflow 1.6.1 and are hard-coded next to each check.
#
# Environment: FLOWSCOPE (binary; default ./flowscope if it exists, else
# flowscope at the top of the source tree), FLOWSCOPE_SRCDIR (source tree,
# default the repository holding this script).  Needs bash and python3.
# Prints TAP; exits 0 unless the runner itself fails.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
# shellcheck source=../lib/env.sh
. "$here/../lib/env.sh" || exit 99
caps=$srcdir/tests/corpus/captures
oracle=$srcdir/tests/oracle/tcpflow-oracle
check="python3 $here/check.py"

# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh" || exit 99

for f in "$bin" "$caps/http_get.pcap" "$oracle/timeout.pcap"; do
	if [ ! -e "$f" ]; then
		echo "run.sh: missing $f" >&2
		exit 99
	fi
done
command -v python3 >/dev/null 2>&1 || { echo "run.sh: needs python3" >&2; exit 99; }

tmproot=$(mktemp -d "${TMPDIR:-/tmp}/flowscope-cli.XXXXXX") || exit 99
bgpid=
cleanup()
{
	[ -n "$bgpid" ] && kill "$bgpid" 2>/dev/null
	rm -rf "$tmproot"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP
cd "$tmproot" || exit 99
export TZ=UTC

# The capture most checks use: one HTTP GET, 141.142.228.5:59856 ->
# 192.150.187.43:80, 14 packets, first packet 1362692526.869344 (tshark),
# 136 bytes client -> server, 5007 bytes server -> client.
get=$caps/http_get.pcap
get_c=141.142.228.005.59856-192.150.187.043.00080
get_s=192.150.187.043.00080-141.142.228.005.59856
get_t0=1362692526

n=0
# fs ARGS...: run the binary in a fresh directory $w (the cwd), stdout in
# $w.out, stderr in $w.err, exit status in $rc.
fs()
{
	n=$((n + 1))
	w=$tmproot/w$n
	mkdir -p "$w" && cd "$w" || exit 99
	timeout 120 "$bin" "$@" >"$w.out" 2>"$w.err"
	rc=$?
	last="flowscope $*"
}

why=
# verdict NAME COND...: a TAP line; on failure the command, status, stderr
# and $why as diagnostics.
verdict()
{
	local name=$1
	shift
	cd "$w" || exit 99
	if grep -qE "runtime error:|Sanitizer|AddressSanitizer" "$w.err" 2>/dev/null; then
		why="sanitizer report on stderr"
		tap_ok 1 "$name"
		tap_diag "command: $last" "$why" "$(head -n 20 "$w.err")"
		why=
		cd "$tmproot" || exit 99
		return
	fi
	if "$@"; then
		tap_ok 0 "$name"
	else
		tap_ok 1 "$name"
		tap_diag "command: $last" "exit status: $rc" \
		    "stderr: $(head -c 600 "$w.err")"
		[ -n "$why" ] && tap_diag "$why"
	fi
	why=
	cd "$tmproot" || exit 99
}

lines() { wc -l <"$1" | tr -d ' '; }
# The run failed cleanly: exit 1, exactly one line on stderr, containing
# each further argument (fixed strings).
failed_with()
{
	local s
	[ "$rc" -eq 1 ] || { why="expected exit 1"; return 1; }
	[ "$(lines "$w.err")" -eq 1 ] ||
	    { why="expected one line on stderr, got $(lines "$w.err")"; return 1; }
	for s in "$@"; do
		grep -qF -- "$s" "$w.err" || { why="stderr does not name '$s'"; return 1; }
	done
	return 0
}
succeeded() { [ "$rc" -eq 0 ] || { why="expected exit 0"; return 1; }; }
# List of regular files under DIR, relative, sorted, report.xml excluded.
files_in() { (cd "$1" && find . -type f ! -path ./report.xml | sed 's|^\./||' | LC_ALL=C sort); }
same_files()
{
	local got
	got=$(files_in "$1" | tr '\n' ' ')
	[ "$got" = "$2" ] || { why="files: '$got'"$'\n'"expected: '$2'"; return 1; }
}
report_ok()
{
	why=$($check report "$@") || return 1
}
wellformed()
{
	[ -f "$1" ] || { why="$1 missing"; return 1; }
	why=$($check wellformed "$1") || return 1
}
# Same flow files with the same bytes in two directories.
same_tree()
{
	why=$(diff -r -x report.xml "$1" "$2" 2>&1) && [ -n "$(files_in "$1")" ] ||
	    { why="${why:-no flow files}"; return 1; }
}
# wait_bg: wait for $bgpid at most 30 s (then SIGKILL); status in $rc.
wait_bg()
{
	local i
	for i in $(seq 300); do
		kill -0 "$bgpid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$bgpid" 2>/dev/null; then
		kill -KILL "$bgpid" 2>/dev/null
		why="still running 30 s after SIGINT: killed"
	fi
	wait "$bgpid"
	rc=$?
	bgpid=
}

# Reference output of the default run.
fs -r "$get" -o ref
r_get=$w/ref
[ "$rc" -eq 0 ] && [ -f "$r_get/$get_c" ] && [ -f "$r_get/$get_s" ] || {
	echo "run.sh: '$bin -r $get -o ref' failed" >&2
	cat "$w.err" >&2
	exit 99
}

# --- help and version ------------------------------------------------------

fs --help
help=$w.out
verdict "--help exits 0, prints usage on stdout, nothing on stderr" \
    eval 'succeeded && grep -q "^usage: flowscope" "$w.out" && [ ! -s "$w.err" ]'

documented()
{
	local o missing=
	for o in -r -l -i -p -o -T -F -b -X -w -S -c -C -D -0 -B -s -g -m -f \
	    -U -z -v -h -V --overlap --batch; do
		grep -qE -- "^ +(-[a-zA-Z0-9], )?$o([ =,]|$)" "$help" ||
		    missing="$missing $o"
	done
	[ -z "$missing" ] || { why="not documented:$missing"; return 1; }
}
verdict "--help documents every option" documented

fs -h
verdict "-h prints the same usage as --help" \
    eval 'succeeded && cmp -s "$w.out" "$help"'

# Every option listed in --help must be accepted by the parser: "OPT [ARG]
# --help" parses OPT and then prints the usage, exit 0.
accepted()
{
	local line opt bad=
	while read -r line; do
		opt=${line%% *}
		case $line in
		"-h, --help"*|"-V, --version"*) continue ;;
		--overlap*) set -- --overlap=last ;;
		"-"?" FILE"*) set -- "$opt" f ;;
		"-"?" IFACE"*) set -- "$opt" lo ;;
		"-"?" DIR"*) set -- "$opt" "$tmproot" ;;
		"-"?" TEMPLATE"*) set -- "$opt" %A ;;
		"-"?" LETTERS"*) set -- "$opt" k ;;
		"-"?" N "*) set -- "$opt" 1 ;;
		"-"?" NAME=VALUE"*) set -- "$opt" enable_report=YES ;;
		"-"?" USER"*) set -- "$opt" nobody ;;
		"-"?" LEVEL"*) set -- "$opt" 1 ;;
		"-e netviz"*) set -- -e netviz ;;
		"-"[a-zA-Z0-9]" "*|--batch*) set -- "$opt" ;;
		*) continue ;;
		esac
		if ! timeout 10 "$bin" "$@" --help >/dev/null 2>"$w.err2"; then
			bad="$bad '$*'"
		fi
	done < <(sed -n 's/^  \(-[-a-zA-Z0-9]\)/\1/p' "$help")
	[ -z "$bad" ] || { why="refused:$bad"; return 1; }
}
fs --help
verdict "every option --help documents is accepted" accepted

for v in -V --version; do
	fs $v
	verdict "$v exits 0 and prints 'flowscope <version>'" \
	    eval 'succeeded && [ "$(lines "$w.out")" -eq 1 ] &&
	    grep -qE "^flowscope [0-9]+\.[0-9]+(\.[0-9]+)?([-.+~][0-9A-Za-z.]+)?$" "$w.out"'
done

# --- errors: exit 1, one line on stderr, nothing written --------------------

fs -Q -r "$get"
verdict "unknown option: exit 1, one line naming it" failed_with -Q
fs --bogus -r "$get"
verdict "unknown long option: exit 1, one line naming it" failed_with --bogus
fs -r nosuch.pcap -o d
verdict "missing -r file: exit 1, one line naming it" failed_with nosuch.pcap
fs -r "$tmproot" -o d
verdict "directory as -r: exit 1, one line naming it" failed_with "$tmproot"
printf 'this is not a capture, just some text that is long enough\n' >notcap.txt
fs -r "$tmproot/notcap.txt" -o d
verdict "non-capture -r file: exit 1, one line naming it" \
    eval 'failed_with notcap.txt && [ ! -e d ] || { why="${why:-output dir created}"; false; }'
fs -r "$get" -o d -T '%Q'
verdict "bad -T template: exit 1, one line, no output" \
    eval 'failed_with %Q && [ -z "$(ls d 2>/dev/null)" ] || { why="${why:-files written}"; false; }'
s_bad()
{
	local a
	for a in foo foo=1 tcp_timeout=x tcp_timeout=-1 enable_report=maybe \
	    max_connections=0 tdelta=1x; do
		fs -r "$get" -o d -S "$a"
		failed_with "${a%%=*}" || { why="-S $a: $why"; return 1; }
	done
}
verdict "bad -S (no '=', unknown name, bad values): exit 1, one line" s_bad
fs -e http -r "$get" -o d
verdict "-e (scanners): exit 1, one line" failed_with -e
fs -r "$get" -i lo -o d
verdict "-r and -i together: exit 1, one line" failed_with -r -i
fs -i nosuchif0 -o d
verdict "-i with a missing interface: exit 1, one line naming it" \
    failed_with nosuchif0
# No -r and no -i: a live capture on the first device, as tcpflow; SIGINT
# stops it in order (or, on a machine without devices, one line and 1).
n=$((n + 1))
w=$tmproot/w$n
mkdir -p "$w" && cd "$w" || exit 99
timeout --preserve-status -s INT 2 "$bin" -o d 'tcp port 1' >"$w.out" 2>"$w.err"
rc=$?
last="flowscope -o d 'tcp port 1' (SIGINT after 2 s)"
no_input_live()
{
	if [ "$rc" -eq 0 ]; then
		python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" \
		    d/report.xml 2>/dev/null ||
		    { why="report.xml missing or not well-formed"; return 1; }
		return 0
	fi
	failed_with ""
}
verdict "no input: live capture on the first device until SIGINT" no_input_live
touch "$tmproot/regular"
fs -r "$get" -o "$tmproot/regular/sub"
verdict "-o under a regular file: exit 1, one line naming it" \
    failed_with "$tmproot/regular/sub"
fs -r "$get" -o "$tmproot/regular"
verdict "-o naming a regular file: exit 1, one line naming it" \
    failed_with "$tmproot/regular"
fs -r "$get" -o d 'tcp port 80 and'
verdict "bad BPF expression: exit 1, one line" failed_with 'tcp port 80 and'
fs -r "$get" -o d --overlap=bogus
verdict "--overlap=bogus: exit 1, one line" failed_with bogus
fs -r "$get" -o d -U nosuchuser
verdict "-U nosuchuser: exit 1, one line naming the user" \
    failed_with nosuchuser
fs -r "$get" -o d -b x
verdict "-b x: exit 1, one line" failed_with -b
fs -r "$get" -o d -f 0
verdict "-f 0: exit 1, one line" failed_with -f
fs -r "$get" -o d -F q
verdict "-F q (unknown letter): exit 1, one line" failed_with -F

# --- output directory and names ---------------------------------------------

fs -r "$get" -o a/b/c
verdict "-o DIR with missing parents is created, default names" \
    eval 'succeeded && same_files a/b/c "$get_c $get_s " && [ -f a/b/c/report.xml ]'
rerun()
{
	local before after
	before=$(cd a/b/c && md5sum "$get_c" "$get_s")
	timeout 60 "$bin" -r "$get" -o a/b/c >"$w.out" 2>"$w.err"
	rc=$?
	succeeded || return 1
	after=$(cd a/b/c && md5sum "$get_c" "$get_s")
	[ "$before" = "$after" ] || { why="first files changed"; return 1; }
	same_files a/b/c "$get_c ${get_c}c1 $get_s ${get_s}c1 " || return 1
	cmp -s "a/b/c/$get_c" "a/b/c/${get_c}c1" &&
	    cmp -s "a/b/c/$get_s" "a/b/c/${get_s}c1" ||
	    { why="c1 files differ from the first ones"; return 1; }
	why=$($check names a/b/c/report.xml | tr '\n' ' ')
	[ "$why" = "a/b/c/${get_c}c1 a/b/c/${get_s}c1 " ] || return 1
	why=
}
verdict "re-running into the same -o never overwrites: second run writes c1" rerun

# -T codes on http_get.pcap
tmpl()
{
	local t=$1 want=$2
	fs -r "$get" -o d -T "$t"
	verdict "-T '$t' names" eval 'succeeded && same_files d "$want"'
}
tmpl '%A-%a-%B-%b-%#-%N' \
    "141.142.228.005-59856-192.150.187.043-00080-0-000 192.150.187.043-00080-141.142.228.005-59856-0-001 "
tmpl '%T_%t' "2013-03-07T21:42:06Z_1362692526 2013-03-07T21:42:06Z_1362692526c1 "
tmpl 'x/%A/%b' "x/141.142.228.005/00080 x/192.150.187.043/59856 "
tmpl '%a_%E_%e' "00080_00:10:db:88:d2:ef_c8:bc:c8:96:d2:a0 59856_c8:bc:c8:96:d2:a0_00:10:db:88:d2:ef "
tmpl '%%%S' "%00000000000000000000 %00000000000000000000c1 "
tmpl '%K%M%G-%a%C%c' "000000000-00080 000000000-59856 "
fs -r "$get" -o d -S tdelta=10 -T '%t-%a'
verdict "-S tdelta=10 shifts %t" \
    eval 'succeeded && same_files d "1362692536-00080 1362692536-59856 "'
verdict "-S tdelta=10 shifts the flow files' mtime (tcpflow does)" \
    eval 'why=$(stat -c "%n %Y" d/1362692536-00080 d/1362692536-59856); [ "$(stat -c %Y d/1362692536-00080)" = 1362692536 ] && [ "$(stat -c %Y d/1362692536-59856)" = 1362692536 ]'

fletter()
{
	local l=$1 p=$2
	fs -r "$get" -o d -F"$l"
	verdict "-F$l prefixes '$p'" eval 'succeeded && same_files d "$p$get_c $p$get_s "'
}
fletter k 000/
fletter m 000000-000999/000000/
fletter g 000000000-000999999/000000000-000000999/000000000/
fletter t 1362692526T
fletter T 2013-03-07T21:42:06Z
fs -r "$get" -o d -Fk -T 'x%a'
verdict "-Fk -T x: -T replaces the template" \
    eval 'succeeded && same_files d "x00080 x59856 "'
fs -r "$get" -o d -T 'x%a' -Fk
verdict "-T x -Fk: -F edits the template" \
    eval 'succeeded && same_files d "000/x00080 000/x59856 "'
fs -r "$get" -o new/dir -FX
verdict "-FX: no flow files, report.xml lists the flows without <filename>" \
    eval 'succeeded && wellformed new/dir/report.xml && report_ok new/dir/report.xml --dir new/dir --nofiles &&
    [ "$($check names new/dir/report.xml | tr "\n" " ")" = "- - " ] || { why="${why:-names: $($check names new/dir/report.xml)}"; false; }'

# --- -b ------------------------------------------------------------------------

fs -r "$get" -o d -b 100
verdict "-b 100: files hold 100 bytes, report.xml the logical size" \
    eval 'succeeded && [ "$(stat -c %s d/$get_c d/$get_s | tr "\n" " ")" = "100 100 " ] &&
    grep -q "<filesize>136</filesize>" d/report.xml && grep -q "<filesize>5007</filesize>" d/report.xml &&
    report_ok d/report.xml --dir d --cap 100'
fs -r "$get" -o d -b 1000
verdict "-b 1000: the short direction is whole, the long one cut" \
    eval 'succeeded && [ "$(stat -c %s d/$get_c d/$get_s | tr "\n" " ")" = "136 1000 " ] && cmp -s -n 1000 d/$get_s "$r_get/$get_s"'
fs -r "$get" -o d -b 0
verdict "-b 0: empty flow files (tcpflow 1.6.1 writes them)" \
    eval 'succeeded && same_files d "$get_c $get_s " && [ ! -s d/$get_c ] && [ ! -s d/$get_s ] &&
    report_ok d/report.xml --dir d --cap 0'

# --- mtimes ----------------------------------------------------------------------

fs -r "$get" -o d
verdict "flow file mtime is the connection's first packet time (http_get: $get_t0)" \
    eval 'succeeded && why=$($check mtimes d/report.xml $get_t0)'
fs -r "$caps/http_browse.pcap" -o d
verdict "flow file mtimes on a capture with several connections" \
    eval 'succeeded && why=$($check mtimes d/report.xml)'

# --- report.xml --------------------------------------------------------------------

fs -r "$get" -o d
verdict "report.xml is well-formed" eval 'succeeded && wellformed d/report.xml'
verdict "report.xml records the real command line" \
    eval 'why=$($check cmdline d/report.xml); [ "$why" = "$bin -r $get -o d" ]'
verdict "report.xml: one fileobject per flow file, sizes match, <flowscope> element" \
    report_ok d/report.xml --dir d
verdict "report.xml: MAC attributes on an Ethernet capture" \
    eval 'why=$($check macs d/report.xml yes)'
fs -r "$caps/rawip_mixed.pcap" -o d
verdict "report.xml: no MAC attributes on a raw-IP capture" \
    eval 'succeeded && report_ok d/report.xml --dir d && why=$($check macs d/report.xml no)'
fs -r "$caps/http_browse.pcap" -o d
verdict "report.xml consistent on a 13-file capture" \
    eval 'succeeded && wellformed d/report.xml && report_ok d/report.xml --dir d'
fs -r "$get" -o d -X elsewhere/rep.xml
verdict "-X FILE in a missing directory: exit 1, one line naming it" \
    eval 'failed_with elsewhere/rep.xml && [ -z "$(ls d 2>/dev/null)" ]'
mkdir -p "$tmproot/w$((n + 1))/elsewhere"
fs -r "$get" -o d -X elsewhere/rep.xml
verdict "-X FILE: report written there, not into -o DIR" \
    eval 'succeeded && [ ! -e d/report.xml ] && wellformed elsewhere/rep.xml && report_ok elsewhere/rep.xml --dir d'
fs -r "$get" -o d -S enable_report=NO
verdict "-S enable_report=NO: flow files, no report.xml" \
    eval 'succeeded && same_files d "$get_c $get_s " && [ ! -e d/report.xml ]'

# --- console modes -------------------------------------------------------------------

fs -r "$get" -o ref
ref=$w/ref
fs -r "$get" -c
verdict "-c: exit 0, no flow files and no report.xml in the cwd" \
    eval 'succeeded && [ -z "$(ls -A)" ] && [ -s "$w.out" ] || { why="${why:-cwd: $(ls -A)}"; false; }'
fs -r "$get" -g -c
verdict "-c prints each direction's reassembled bytes, non-printables as '.'" \
    eval 'succeeded && why=$($check console c "$w.out" "$ref")'
fs -r "$get" -g -C
verdict "-C prints the bytes without names (blue client, red server)" \
    eval 'succeeded && why=$($check console C "$w.out" "$ref" "$ref/report.xml")'
fs -r "$get" -C
verdict "-C: first line is the request line, no name prefix" \
    eval 'succeeded && [ "$(head -n 1 "$w.out")" = $'"'"'GET /download/CHANGES.bro-aux.txt HTTP/1.1\r'"'"' ]'
fs -r "$get" -C -0
verdict "-C -0: no newline after each run: output = sum of flow file sizes (5143)" \
    eval 'succeeded && [ "$(stat -c %s "$w.out")" -eq 5143 ]'
fs -r "$get" -g -C -B
verdict "-B: raw bytes equal the flow files" \
    eval 'succeeded && why=$($check console B "$w.out" "$ref" "$ref/report.xml")'
fs -r "$get" -g -c -D
verdict "-D: hex dump rebuilds the flow files" \
    eval 'succeeded && why=$($check console D "$w.out" "$ref")'
fs -r "$get" -c -D
verdict "-D: first hex line as tcpflow prints it" \
    eval 'succeeded && grep -q "^0000: 4745 5420 2f64 6f77 6e6c 6f61 642f 4348 414e 4745 532e 6272 6f2d 6175 782e 7478  GET /download/CHANGES.bro-aux.tx$" "$w.out"'
fs -r "$get" -c -b 10
verdict "-c -b 10: at most 10 bytes per direction" \
    eval 'succeeded && [ "$(cat "$w.out")" = "$get_c: GET /downl"$'"'"'\n'"'"'"$get_s: HTTP/1.1 2" ]'
fs -r "$get" -c -s
verdict "-s accepted with -c (the default)" eval 'succeeded && [ -s "$w.out" ]'

for cap in retrans.pcapng ssh_dups.pcap; do
	fs -r "$caps/$cap" -o ref
	r2=$w/ref
	fs -r "$caps/$cap" -g -c
	verdict "-c on $cap: retransmitted bytes printed once (= flow files)" \
	    eval 'succeeded && why=$($check console c "$w.out" "$r2")'
done
for cap in ssh_single.pcap tls12.pcap; do
	for m in -c -C "-c -D"; do
		fs -r "$caps/$cap" $m
		verdict "$m on $cap (binary payload): only printable ASCII, \\r, \\n on stdout" \
		    eval 'succeeded && [ -s "$w.out" ] && why=$(LC_ALL=C tr -d "\n\r\040-\176" <"$w.out" | od -An -tx1 | head -n 3) && [ -z "$why" ]'
	done
done

# --- -w ------------------------------------------------------------------------------

# teredo.pcap: 78 frames, all IPv4; tshark: 33 TCP, 45 not TCP (UDP incl.
# Teredo-tunnelled ICMPv6).
fs -r "$caps/teredo.pcap" -o d -w nontcp.pcap
verdict "-w: 45 non-TCP packets of teredo.pcap dumped, flow files still written" \
    eval 'succeeded && [ "$($check pcapcount nontcp.pcap)" = 45 ] && [ -n "$(files_in d)" ]'
if command -v tshark >/dev/null 2>&1; then
	verdict "-w dump is readable by tshark, 45 UDP packets, no TCP" \
	    eval 'why=$(tshark -r nontcp.pcap -Y "udp and not tcp" 2>/dev/null | wc -l); [ "$why" = 45 ] &&
	    [ "$(tshark -r nontcp.pcap -Y tcp 2>/dev/null | wc -l)" = 0 ]'
else
	tap_skip "-w dump is readable by tshark" "no tshark"
fi
fs -r "$get" -o d -w nontcp.pcap
verdict "-w on an all-TCP capture: an empty but valid pcap" \
    eval 'succeeded && [ "$(stat -c %s nontcp.pcap)" -eq 24 ]'

# --- inputs ----------------------------------------------------------------------------

tls=$caps/tls12.pcap
fs -r "$tls" -o ref
r_tls=$w/ref
both()
{
	mkdir -p "$tmproot/union" && cp -r "$r_get/." "$tmproot/union/" &&
	    cp -r "$r_tls/." "$tmproot/union/" || return 1
}
both || exit 99
fs -r "$get" -r "$tls" -o d
verdict "two -r files: the flows of both, byte-identical" \
    eval 'succeeded && same_tree d "$tmproot/union" && report_ok d/report.xml --dir d'
fs -o d -l "$get" "$tls"
verdict "-l: the remaining arguments are input files" \
    eval 'succeeded && same_tree d "$tmproot/union"'
$check split "$get" "$tmproot/part1.pcap" "$tmproot/part2.pcap" 7 || exit 99
fs -r "$tmproot/part1.pcap" -r "$tmproot/part2.pcap" -o d
verdict "a capture split in two -r files is read as one capture" \
    eval 'succeeded && same_tree d "$r_get" && report_ok d/report.xml --dir d'
fs -r "$tmproot/part1.pcap" -o d
verdict "first half alone: partial flows still written" \
    eval 'succeeded && [ -n "$(files_in d)" ] && report_ok d/report.xml --dir d'
stdin_run()
{
	n=$((n + 1))
	w=$tmproot/w$n
	mkdir -p "$w" && cd "$w" || exit 99
	last="flowscope -r - -o d < $1"
	timeout 60 "$bin" -r - -o d <"$1" >"$w.out" 2>"$w.err"
	rc=$?
}
stdin_run "$get"
verdict "-r - reads the capture from stdin" \
    eval 'succeeded && same_tree d "$r_get"'
n=$((n + 1)); w=$tmproot/w$n; mkdir -p "$w"; cd "$w" || exit 99
last="cat http_get.pcap | flowscope -r - -o d"
cat "$get" | timeout 60 "$bin" -r - -o d >"$w.out" 2>"$w.err"
rc=$?
verdict "-r - reads a capture piped in" eval 'succeeded && same_tree d "$r_get"'
gzip -c "$get" >"$tmproot/get.pcap.gz"
fs -r "$tmproot/get.pcap.gz" -o d
verdict "-r FILE.gz is decompressed" eval 'succeeded && same_tree d "$r_get"'
stdin_run "$tmproot/get.pcap.gz"
verdict "gzip data on stdin is decompressed" eval 'succeeded && same_tree d "$r_get"'

# http_three_streams.pcap: 172.16.133.132 talks to 98.138.19.88:80 (port
# 44305), 98.139.161.29:80 (54615), 98.139.240.23:80 (52328).
fs -r "$caps/http_three_streams.pcap" -o d 'tcp port 80 and host 98.138.19.88'
verdict "BPF expression limits the flows" \
    eval 'succeeded && same_files d "098.138.019.088.00080-172.016.133.132.44305 172.016.133.132.44305-098.138.019.088.00080 "'
fs -r "$caps/http_three_streams.pcap" -o d tcp port 54615
verdict "BPF expression given as several arguments" \
    eval 'succeeded && same_files d "098.139.161.029.00080-172.016.133.132.54615 172.016.133.132.54615-098.139.161.029.00080 "'

fs -r "$get" -o d -v
verdict "-v: exit 0, same output" eval 'succeeded && same_tree d "$r_get"'
fs -r "$get" -o d --overlap=last
verdict "--overlap=last accepted" eval 'succeeded && same_tree d "$r_get"'
fs -r "$get" -o d --overlap=first --batch
verdict "--overlap=first --batch accepted" eval 'succeeded && same_tree d "$r_get"'

# --- signals ------------------------------------------------------------------------------

# A long run: ssh_dups.pcap given 2000 times (several seconds), SIGINT after
# half a second.
sigint_run()
{
	local i args=()
	n=$((n + 1))
	w=$tmproot/w$n
	mkdir -p "$w" && cd "$w" || exit 99
	for i in $(seq 2000); do
		args+=(-r "$caps/ssh_dups.pcap")
	done
	last="flowscope -r ssh_dups.pcap (x2000) -o d, SIGINT after 0.5 s"
	"$bin" "${args[@]}" -o d >"$w.out" 2>"$w.err" &
	bgpid=$!
	sleep 0.5
	kill -INT "$bgpid" 2>/dev/null
	wait_bg
}
sigint_run
verdict "SIGINT: exit 0, report.xml well-formed, ends with </dfxml>, lists existing files" \
    eval 'succeeded && wellformed d/report.xml && [ "$(tail -n 1 d/report.xml)" = "</dfxml>" ] &&
    report_ok d/report.xml --dir d && [ -n "$(files_in d)" ]'
verdict "SIGINT: the run really was interrupted (<interrupted /> in report.xml)" \
    eval 'grep -q "<interrupted" d/report.xml'

# A capture arriving through a pipe that stays open (as from "tcpdump -w -"):
# the packets must be processed as they come, and SIGINT ends the run.
pipe_run()
{
	n=$((n + 1))
	w=$tmproot/w$n
	mkdir -p "$w" && cd "$w" || exit 99
	last="(cat http_get.pcap; sleep 30) | flowscope -r - -o d, SIGINT after 2 s"
	mkfifo fifo || exit 99
	(cat "$get"; exec sleep 30) >fifo &
	feeder=$!
	"$bin" -r - -o d <fifo >"$w.out" 2>"$w.err" &
	bgpid=$!
	sleep 2
	kill -INT "$bgpid" 2>/dev/null
	wait_bg
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
}
pipe_run
verdict "pipe kept open: packets processed as they arrive, SIGINT -> exit 0, flows written" \
    eval 'succeeded && same_tree d "$r_get" && wellformed d/report.xml'

# --- damaged input -------------------------------------------------------------------------

cp "$get" "$tmproot/cut.pcap" && truncate -s -10 "$tmproot/cut.pcap" || exit 99
fs -r "$tmproot/cut.pcap" -o d
verdict "capture cut inside a record: exit 1, one line naming it, flows written" \
    eval 'failed_with cut.pcap && same_files d "$get_c $get_s " && wellformed d/report.xml &&
    report_ok d/report.xml --dir d'
fs -r "$tmproot/cut.pcap" -r "$tls" -o d
verdict "cut file followed by another -r: exit 1, flows before the cut written" \
    eval '[ "$rc" -eq 1 ] && [ -f d/$get_c ] && wellformed d/report.xml'

# --- privileges ------------------------------------------------------------------------------

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$tmproot"
	mkdir -p "$tmproot/w$((n + 1))/u" && chmod 777 "$tmproot/w$((n + 1))/u"
	fs -r "$get" -o u -U nobody
	verdict "-U nobody: files written by nobody" \
	    eval 'succeeded && same_tree u "$r_get" && [ "$(stat -c %U u/$get_c)" = nobody ] && wellformed u/report.xml'
	# A directory flowscope makes for -U USER belongs to USER.
	fs -r "$get" -o new/sub -U nobody
	verdict "-U nobody -o NEWDIR: the new directory is nobody's, files written" \
	    eval 'succeeded && same_tree new/sub "$r_get" && [ "$(stat -c %U new/sub)" = nobody ] && wellformed new/sub/report.xml'
	chmod 700 "$tmproot"
	mkdir -p "$tmproot/w$((n + 1))/jail"
	# LeakSanitizer cannot work inside the chroot (no /proc): off here.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    fs -r "$get" -o d -z jail
	verdict "-z DIR: chroot after opening input and output, files written" \
	    eval 'succeeded && same_tree d "$r_get" && wellformed d/report.xml'
else
	tap_skip "-U nobody: files written by nobody" "not root"
	tap_skip "-U nobody -o NEWDIR: the new directory is nobody's" "not root"
	tap_skip "-z DIR: chroot after opening input and output" "not root"
fi

# --- -f, -m, tcp_timeout ----------------------------------------------------------------------

for cap in http_browse.pcap pop3.pcap; do
	fs -r "$caps/$cap" -o ref
	r2=$w/ref
	for f in 2 1; do
		fs -r "$caps/$cap" -o d -f $f
		verdict "-f $f on $cap: output identical to the default" \
		    eval 'succeeded && same_tree d "$r2"'
	done
done

# timeout.pcap (tcpflow oracle): client 10.1.1.1:3001 sends "A1" at t, then
# 10.1.1.1:3002 "B1" at t+50 s, then 3001 "A2" at t+100 s, no handshake.
to=$oracle/timeout.pcap
to_a=010.001.001.001.03001-010.001.001.002.00080
to_b=010.001.001.001.03002-010.001.001.002.00080
fs -r "$to" -o ref
verdict "timeout.pcap without -S tcp_timeout: A1A2 and B1" \
    eval 'succeeded && [ "$(cat ref/$to_a)" = A1A2 ] && [ "$(cat ref/$to_b)" = B1 ]'
fs -r "$to" -o d -S tcp_timeout=30
timeout_bytes()
{
	succeeded || return 1
	why="files: $(files_in d | tr '\n' ' ')"
	if [ -f "d/${to_a}c1" ]; then
		[ "$(cat d/$to_a)" = A1 ] && [ "$(cat d/${to_a}c1)" = A2 ]
	else
		[ "$(cat d/$to_a)" = A1A2 ]
	fi && [ "$(cat d/$to_b)" = B1 ]
}
verdict "-S tcp_timeout=30: same bytes (or A2 in a new instance)" timeout_bytes
verdict "-S tcp_timeout=30: report.xml well-formed and matches the files" \
    eval 'wellformed d/report.xml && report_ok d/report.xml --dir d'
verdict "-S tcp_timeout=30: the idle connection is reported closed by timeout" \
    eval 'why=$($check close d/report.xml); grep -q "$to_a timeout" <<<"$why"'
fs -r "$caps/telnet_ppa.pcap" -o d -S tcp_timeout=1
verdict "-S tcp_timeout=1 on telnet_ppa.pcap (idle gaps of 14 s)" \
    eval 'succeeded && wellformed d/report.xml && report_ok d/report.xml --dir d'

# gap.pcap (tcpflow oracle): AAAA, a 4-byte hole, CCCC; tcpflow -m 3 gives
# AAAA and c1 CCCC.
fs -r "$oracle/gap.pcap" -o d -m 3
verdict "-m 3 on gap.pcap: a new file after the jump (AAAA, c1 CCCC)" \
    eval 'succeeded && why="$(files_in d | tr "\n" " ")" &&
    [ "$(cat d/$(files_in d | head -n 1))" = AAAA ] && [ "$(cat d/$(files_in d | sed -n 2p))" = CCCC ]'

tap_done
exit 0
