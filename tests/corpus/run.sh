#!/bin/bash
# run.sh: corpus test.  Runs "$FLOWSCOPE -r CAPTURE -o TMPDIR" on every
# capture of tests/corpus/captures/ and checks every output file against the
# expected bytes of tests/corpus/truth/<capture>.tsv (length + SHA-256, see
# truth/README.md), plus per capture: no extra files, no crash (exit status
# as listed in expect-exit.tsv, no signal, no timeout, no sanitizer report)
# and a well-formed report.xml.  Captures whose truth has an alt_sha256
# (overlap policy) are run a second time with --overlap=last.
#
# Environment: FLOWSCOPE (binary, default ./flowscope relative to the current
# directory, i.e. the build dir), FLOWSCOPE_SRCDIR (source tree, default the
# repository holding this script).  Arguments: optional capture names to run
# only those.  Prints TAP; exits 0 unless the runner itself fails.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
srcdir=${FLOWSCOPE_SRCDIR:-$(cd "$here/../.." && pwd)}
bin=${FLOWSCOPE:-./flowscope}
case $bin in
/*) ;;
*) bin=$PWD/$bin ;;
esac
# CORPUS_DIR: another folder of the same layout (tests/regress uses it).
corpus=${CORPUS_DIR:-$srcdir/tests/corpus}
capdir=$corpus/captures
truthdir=$corpus/truth
expectfile=$corpus/expect-exit.tsv

# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh" || exit 99

for d in "$capdir" "$truthdir"; do
	if [ ! -d "$d" ]; then
		echo "run.sh: missing $d" >&2
		exit 99
	fi
done

tmproot=$(mktemp -d "${TMPDIR:-/tmp}/flowscope-corpus.XXXXXX") || exit 99
trap 'rm -rf "$tmproot"' EXIT
trap 'exit 99' INT TERM HUP

if command -v python3 >/dev/null 2>&1; then
	xmlcheck=python3
elif command -v xmllint >/dev/null 2>&1; then
	xmlcheck=xmllint
else
	xmlcheck=
fi

xml_wellformed()
{
	case $xmlcheck in
	python3)
		python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$1" 2>&1 | tail -n 1
		return "${PIPESTATUS[0]}" ;;
	xmllint)
		xmllint --noout "$1" 2>&1 | head -n 3
		return "${PIPESTATUS[0]}" ;;
	esac
	return 0
}

# Expected exit class per capture: 0 (default) or "error".
declare -A expect_exit=()
if [ -f "$expectfile" ]; then
	while IFS=$'\037' read -r cap ex _; do
		case $cap in ''|'#'*|capture) continue ;; esac
		expect_exit[$cap]=$ex
	done < <(tr '\t' '\037' <"$expectfile")
fi

# "010.000.000.001" -> "10.0.0.1"; anything else unchanged.
depad_addr()
{
	local a=$1
	if [[ $a =~ ^([0-9]{3})\.([0-9]{3})\.([0-9]{3})\.([0-9]{3})$ ]]; then
		printf '%d.%d.%d.%d' "$((10#${BASH_REMATCH[1]}))" \
		    "$((10#${BASH_REMATCH[2]}))" "$((10#${BASH_REMATCH[3]}))" \
		    "$((10#${BASH_REMATCH[4]}))"
	else
		printf '%s' "$a"
	fi
}

# "[v6]:port" or "v4:port" for test names.
endpoint()
{
	case $1 in
	*:*) printf '[%s]:%s' "$1" "$2" ;;
	*) printf '%s:%s' "$1" "$2" ;;
	esac
}

name_re='^([0-9A-Fa-f:.]+)\.([0-9]{5})-([0-9A-Fa-f:.]+)\.([0-9]{5})(--([0-9]+))?(c([0-9]+))?$'

# check_run CAPTURE OUTDIR RC STDERRFILE MODE
# MODE is "first" (sha256) or "last" (alt_sha256 where present).
check_run()
{
	local cap=$1 out=$2 rc=$3 errf=$4 mode=$5
	local label=$cap
	[ "$mode" = last ] && label="$cap (--overlap=last)"
	local exp=${expect_exit[$cap]:-0}

	# --- no crash --------------------------------------------------
	local why=
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="timed out (rc $rc)"
	elif [ "$rc" -gt 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" -gt 125 ]; then
		why="could not run $bin (rc $rc)"
	elif grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$errf"; then
		why="sanitizer report on stderr"
	elif [ "$exp" = error ]; then
		local nlines
		nlines=$(grep -c . "$errf")
		if [ "$rc" -eq 0 ]; then
			why="exit 0, expected a non-zero exit (error)"
		elif [ "$nlines" -ne 1 ]; then
			why="expected exactly one error line on stderr, got $nlines"
		fi
	elif [ "$rc" -ne 0 ]; then
		why="exit $rc, expected 0"
	fi
	if [ -z "$why" ]; then
		tap_ok 0 "$label: no crash (exit $rc)"
	else
		tap_ok 1 "$label: no crash"
		tap_diag "$why" "stderr (first lines):"
		tap_diag "$(head -n 5 "$errf")"
	fi

	# --- report.xml ------------------------------------------------
	if [ -z "$xmlcheck" ]; then
		tap_skip "$label: report.xml is well-formed" "no python3 or xmllint"
	elif [ ! -f "$out/report.xml" ]; then
		if [ "$exp" = error ]; then
			tap_skip "$label: report.xml is well-formed" "no report for a refused file"
		else
			tap_ok 1 "$label: report.xml is well-formed"
			tap_diag "report.xml missing"
		fi
	else
		local msg
		if msg=$(xml_wellformed "$out/report.xml"); then
			tap_ok 0 "$label: report.xml is well-formed"
		else
			tap_ok 1 "$label: report.xml is well-formed"
			tap_diag "$msg"
		fi
	fi

	# --- map output files to keys ---------------------------------
	declare -A files=()	# key -> "count<TAB>name" lines
	local -a unparsed=()
	local f name
	for f in "$out"/* "$out"/.[!.]*; do
		[ -e "$f" ] || continue
		name=${f##*/}
		[ "$name" = report.xml ] && continue
		if [ -d "$f" ] || ! [[ $name =~ $name_re ]]; then
			unparsed+=("$name")
			continue
		fi
		local a b key cnt
		a=$(depad_addr "${BASH_REMATCH[1]}")
		b=$(depad_addr "${BASH_REMATCH[3]}")
		cnt=${BASH_REMATCH[8]:-0}
		key="$a|$((10#${BASH_REMATCH[2]}))|$b|$((10#${BASH_REMATCH[4]}))|${BASH_REMATCH[6]}"
		files[$key]+="$((10#$cnt))"$'\t'"$name"$'\n'
	done

	# --- one test per truth row ------------------------------------
	declare -A used=()	# key -> number of files consumed
	local src sport dst dport vlan inst bytes sha alt conf notes
	local want tname key
	while IFS=$'\037' read -r src sport dst dport vlan inst bytes sha alt conf notes; do
		want=$sha
		[ "$mode" = last ] && [ -n "$alt" ] && want=$alt
		key="$src|$sport|$dst|$dport|$vlan"
		tname="$cap: $(endpoint "$src" "$sport") -> $(endpoint "$dst" "$dport") vlan ${vlan:--} inst $inst: bytes and sha256"
		[ "$mode" = last ] && tname="$tname (--overlap=last)"
		local idx=${used[$key]:-0}
		used[$key]=$((idx + 1))
		local line fname=
		line=$(printf '%s' "${files[$key]:-}" | sort -n -k1,1 | sed -n "$((idx + 1))p")
		fname=${line#*$'\t'}
		if [ -z "$line" ]; then
			tap_ok 1 "$tname"
			tap_diag "no output file for this direction (expected $bytes bytes, sha256 $want)"
			continue
		fi
		local got_size got_sha
		got_size=$(stat -c %s "$out/$fname")
		got_sha=$(sha256sum <"$out/$fname")
		got_sha=${got_sha%% *}
		if [ "$got_size" = "$bytes" ] && [ "$got_sha" = "$want" ]; then
			tap_ok 0 "$tname"
		else
			tap_ok 1 "$tname"
			tap_diag "file:     $fname" \
			    "expected: $bytes bytes, sha256 $want" \
			    "got:      $got_size bytes, sha256 $got_sha"
			[ -n "$notes" ] && tap_diag "truth notes: $notes"
		fi
	done < <(tail -n +2 "$truthdir/$cap.tsv" | LC_ALL=C sort -t $'\t' -k1,5 -k6,6n |
	    tr '\t' '\037')

	# --- no extra files ---------------------------------------------
	local -a extra=("${unparsed[@]}")
	local k n
	for k in "${!files[@]}"; do
		n=${used[$k]:-0}
		while IFS=$'\t' read -r _ name; do
			extra+=("$name ($(stat -c %s "$out/$name") bytes)")
		done < <(printf '%s' "${files[$k]}" | sort -n -k1,1 | tail -n +"$((n + 1))")
	done
	if [ "${#extra[@]}" -eq 0 ]; then
		tap_ok 0 "$label: no extra files"
	else
		tap_ok 1 "$label: no extra files"
		tap_diag "files without a truth row:" "${extra[@]}"
	fi
}

# run_one CAPTURE MODE
run_one()
{
	local cap=$1 mode=$2
	local out=$tmproot/out errf=$tmproot/stderr rc
	local -a opts=()
	[ "$mode" = last ] && opts=(--overlap=last)
	rm -rf "$out"
	mkdir "$out" || exit 99
	timeout -k 5 60 "$bin" "${opts[@]}" -r "$capdir/$cap" -o "$out" \
	    >"$tmproot/stdout" 2>"$errf" </dev/null
	rc=$?
	check_run "$cap" "$out" "$rc" "$errf" "$mode"
	rm -rf "$out"
}

if [ ! -x "$bin" ]; then
	echo "# flowscope binary not found or not executable: $bin"
fi

if [ $# -gt 0 ]; then
	caps=("$@")
else
	mapfile -t caps < <(cd "$truthdir" && ls -- *.tsv | sed 's/\.tsv$//' | LC_ALL=C sort)
fi

for cap in "${caps[@]}"; do
	cap=${cap##*/}
	if [ ! -f "$capdir/$cap" ] || [ ! -f "$truthdir/$cap.tsv" ]; then
		tap_ok 1 "$cap: capture and truth exist"
		continue
	fi
	run_one "$cap" first
	if awk -F'\t' 'NR > 1 && $9 != "" { f = 1 } END { exit !f }' \
	    "$truthdir/$cap.tsv"; then
		run_one "$cap" last
	fi
done

tap_done
exit 0
