#!/bin/bash
# fuzz-replay.sh: replays each fuzz target's committed corpus
# (fuzz/corpus/<target>/, seeds and kept crashers) through its plain-main
# build fuzz-replay-<target> (fuzz/replay.c), so every crash ever found stays
# fixed.  One TAP line per target: ok when the replay exits 0 (a crash or a
# sanitizer report makes it fail; its last lines are shown as diagnostics).
#
# Environment: FLOWSCOPE_BUILDDIR (where the replay programs were built:
# BUILDDIR/fuzz/fuzz-replay-* or BUILDDIR/fuzz-replay-*; default the
# directory of $FLOWSCOPE, else the current directory), FLOWSCOPE_SRCDIR
# (source tree, default the repository holding this script).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
srcdir=${FLOWSCOPE_SRCDIR:-$(cd "$here/.." && pwd)}
if [ -n "${FLOWSCOPE_BUILDDIR-}" ]; then
	builddir=$FLOWSCOPE_BUILDDIR
elif [ -n "${FLOWSCOPE-}" ]; then
	builddir=$(dirname "$FLOWSCOPE")
else
	builddir=.
fi

# shellcheck source=lib/tap.sh
. "$srcdir/tests/lib/tap.sh" || exit 99

tmp=$(mktemp -d "${TMPDIR:-/tmp}/flowscope-fuzz-replay.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM HUP

for target in decode reasm pcapfile template reportxml hint http render; do
	bin=
	for b in "$builddir/fuzz/fuzz-replay-$target" \
	    "$builddir/fuzz-replay-$target"; do
		if [ -x "$b" ]; then
			bin=$b
			break
		fi
	done
	corpus=$srcdir/fuzz/corpus/$target
	if [ -z "$bin" ]; then
		tap_skip "fuzz corpus $target" "fuzz-replay-$target not built"
		continue
	fi
	if [ ! -d "$corpus" ]; then
		tap_ok 1 "fuzz corpus $target: missing $corpus"
		continue
	fi
	n=$(find "$corpus" -maxdepth 1 -type f ! -name '.*' | wc -l)
	"$bin" "$corpus" >"$tmp/$target.out" 2>"$tmp/$target.err"
	rc=$?
	ran=$(grep -c '^ok ' "$tmp/$target.out")
	if [ "$rc" -ne 0 ]; then
		tap_ok 1 "fuzz corpus $target ($ran of $n inputs before exit $rc)"
		tap_diag "$(grep -v '^ok ' "$tmp/$target.out" | tail -n 5)"
		tap_diag "$(grep -E 'ERROR|SUMMARY|runtime error|^    #[0-9]' \
		    "$tmp/$target.err" | head -n 20)"
		# The input that was running when it died.
		next=$(find "$corpus" -maxdepth 1 -type f ! -name '.*' | \
		    LC_ALL=C sort | sed -n "$((ran + 1))p")
		[ -n "$next" ] && tap_diag "probably: $next"
	else
		tap_ok 0 "fuzz corpus $target ($ran inputs)"
	fi
done
tap_done
exit 0
