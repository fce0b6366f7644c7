#!/bin/bash
# run.sh: tcpflow oracle test.  For every pcap listed in
# tcpflow-oracle/EXPECTED-tcpflow-1.6.1.txt, tcpflow-repo/EXPECTED-tcpflow-1.6.1.txt
# or EXPECTED-flowscope.txt, runs "$FLOWSCOPE -r PCAP -o TMPDIR" and compares
# the output files (name, size, md5; report.xml excluded) and the exit status
# with EXPECTED-flowscope.txt where it has a section for the pcap (tcpflow
# 1.6.1 is wrong there, see its "# why:" lines), else with tcpflow's list.
# One TAP line per pcap, with a diagnostic listing missing, extra and
# different files.
#
# Environment: FLOWSCOPE (binary, default ./flowscope relative to the current
# directory), FLOWSCOPE_SRCDIR (source tree, default the repository holding
# this script).  Arguments: optional pcap paths (relative to tests/oracle) to
# run only those.  Exits 0 unless the runner itself fails.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
srcdir=${FLOWSCOPE_SRCDIR:-$(cd "$here/../.." && pwd)}
bin=${FLOWSCOPE:-./flowscope}
case $bin in
/*) ;;
*) bin=$PWD/$bin ;;
esac
odir=$srcdir/tests/oracle

# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh" || exit 99

tmproot=$(mktemp -d "${TMPDIR:-/tmp}/flowscope-oracle.XXXXXX") || exit 99
trap 'rm -rf "$tmproot"' EXIT
trap 'exit 99' INT TERM HUP

# Parse one EXPECTED file into $tmproot/exp/<id>.{list,exit}; <id> is the
# pcap path relative to tests/oracle with "/" replaced.  prefix is prepended
# to the paths of the file's "## " lines.  Later files override earlier ones.
mkdir -p "$tmproot/exp" || exit 99
: >"$tmproot/order"
parse_expected()
{
	local file=$1 prefix=$2 line path id ex w cur=
	local -a words
	[ -f "$file" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		'## '*)
			read -ra words <<<"$line"
			path=$prefix${words[1]:-}
			id=${path//\//__}
			ex=0
			for w in "${words[@]}"; do
				case $w in exit=*) ex=${w#exit=} ;; esac
			done
			: >"$tmproot/exp/$id.list"
			printf '%s\n' "$ex" >"$tmproot/exp/$id.exit"
			grep -qxF -- "$path" "$tmproot/order" ||
			    printf '%s\n' "$path" >>"$tmproot/order"
			cur=$id
			;;
		'#'*|'')
			;;
		*)
			[ -n "$cur" ] && printf '%s\n' "$line" >>"$tmproot/exp/$cur.list"
			;;
		esac
	done <"$file"
}

parse_expected "$odir/tcpflow-oracle/EXPECTED-tcpflow-1.6.1.txt" tcpflow-oracle/
parse_expected "$odir/tcpflow-repo/EXPECTED-tcpflow-1.6.1.txt" tcpflow-repo/
# Sections of EXPECTED-flowscope.txt replace tcpflow's.
parse_expected "$odir/EXPECTED-flowscope.txt" ""
overridden()
{
	grep -q "^## $1 " "$odir/EXPECTED-flowscope.txt" 2>/dev/null
}

if [ ! -x "$bin" ]; then
	echo "# flowscope binary not found or not executable: $bin"
fi

if [ $# -gt 0 ]; then
	printf '%s\n' "$@" >"$tmproot/order"
fi

while IFS= read -r path; do
	id=${path//\//__}
	src=tcpflow
	overridden "$path" && src=flowscope
	name="$path (expected: $src)"
	if [ ! -f "$odir/$path" ] || [ ! -f "$tmproot/exp/$id.list" ]; then
		tap_ok 1 "$name"
		tap_diag "missing pcap or expectation for $path"
		continue
	fi
	out=$tmproot/out
	rm -rf "$out"
	mkdir "$out" || exit 99
	timeout -k 5 60 "$bin" -r "$odir/$path" -o "$out" \
	    >"$tmproot/stdout" 2>"$tmproot/stderr" </dev/null
	rc=$?

	problems=()
	expexit=$(cat "$tmproot/exp/$id.exit")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		problems+=("timed out (rc $rc)")
	elif [ "$rc" -gt 128 ]; then
		problems+=("killed by signal $((rc - 128))")
	elif [ "$expexit" = 0 ] && [ "$rc" -ne 0 ]; then
		problems+=("exit $rc, expected 0")
	elif [ "$expexit" != 0 ] && [ "$rc" -eq 0 ]; then
		problems+=("exit 0, expected non-zero ($expexit)")
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmproot/stderr"; then
		problems+=("sanitizer report on stderr")
	fi

	# Produced list: name<TAB>size<TAB>md5, sorted.
	: >"$tmproot/got"
	for f in "$out"/* "$out"/.[!.]*; do
		[ -e "$f" ] || continue
		n=${f##*/}
		[ "$n" = report.xml ] && continue
		if [ -d "$f" ]; then
			printf '%s\t%s\t%s\n' "$n" dir - >>"$tmproot/got"
			continue
		fi
		sum=$(md5sum <"$f")
		printf '%s\t%s\t%s\n' "$n" "$(stat -c %s "$f")" "${sum%% *}" \
		    >>"$tmproot/got"
	done
	LC_ALL=C sort -o "$tmproot/got" "$tmproot/got"
	LC_ALL=C sort "$tmproot/exp/$id.list" >"$tmproot/want"

	if ! cmp -s "$tmproot/got" "$tmproot/want"; then
		cut -f1 "$tmproot/want" >"$tmproot/wn"
		cut -f1 "$tmproot/got" >"$tmproot/gn"
		while IFS=$'\t' read -r n s m; do
			if ! grep -qxF -- "$n" "$tmproot/gn"; then
				problems+=("missing:   $n ($s bytes, md5 $m)")
			else
				g=$(awk -F'\t' -v n="$n" '$1 == n { print $2 " bytes, md5 " $3 }' "$tmproot/got")
				[ "$g" = "$s bytes, md5 $m" ] ||
				    problems+=("different: $n: expected $s bytes, md5 $m; got $g")
			fi
		done <"$tmproot/want"
		while IFS=$'\t' read -r n s m; do
			grep -qxF -- "$n" "$tmproot/wn" ||
			    problems+=("extra:     $n ($s bytes, md5 $m)")
		done <"$tmproot/got"
	fi

	if [ "${#problems[@]}" -eq 0 ]; then
		tap_ok 0 "$name"
	else
		tap_ok 1 "$name"
		tap_diag "${problems[@]}"
		if [ -s "$tmproot/stderr" ]; then
			tap_diag "stderr (first lines):"
			tap_diag "$(head -n 3 "$tmproot/stderr")"
		fi
	fi
	rm -rf "$out"
done <"$tmproot/order"

tap_done
exit 0
