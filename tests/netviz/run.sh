#!/bin/bash
# tests/netviz/run.sh: -e netviz end to end, printing TAP.
#
# The program draws report.png next to report.xml (checked by the render
# test program: size, decodes, ink in every section, clean margins); the
# same capture gives the same PNG bytes; --netviz NAME.pdf gives a PDF;
# --open draws from a tcpflow 1.6.1 report (committed here) and from a
# flowscope one; a truncated report fails with path:line:column and still
# draws; -e with another name is refused.

srcdir=${FLOWSCOPE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${FLOWSCOPE_BUILDDIR:-.}
bin=${FLOWSCOPE:-$builddir/flowscope}
check=$builddir/tests/unit/test-render-netviz
. "$srcdir/tests/lib/tap.sh"

cap=$srcdir/tests/corpus/captures/http_browse.pcap
w=$(mktemp -d "${TMPDIR:-/tmp}/netviz-test.XXXXXX") || exit 99
trap 'rm -rf "$w"' EXIT

# png_ok FILE NAME: the render test program checks FILE.
png_ok()
{
	local out
	out=$("$check" --check "$1" 2>&1)
	if echo "$out" | grep -q '^not ok' || ! echo "$out" | grep -q '^ok'
	then
		tap_diag "$out"
		tap_ok 1 "$2"
	else
		tap_ok 0 "$2"
	fi
}

"$bin" -r "$cap" -o "$w/a" -e netviz 2>"$w/err"
tap_ok $? "-e netviz exits 0"
[ -s "$w/a/report.png" ] && [ -s "$w/a/report.xml" ]
tap_ok $? "report.png next to report.xml"
png_ok "$w/a/report.png" "report.png: 1600x2000, decodes, sections drawn"

"$bin" -r "$cap" -o "$w/b" -e netviz 2>/dev/null
cmp -s "$w/a/report.png" "$w/b/report.png"
tap_ok $? "same input, same PNG bytes"

"$bin" -r "$cap" -o "$w/c" --netviz "$w/pic.pdf" 2>/dev/null &&
    [ "$(head -c 5 "$w/pic.pdf")" = "%PDF-" ] && [ ! -e "$w/c/report.png" ]
tap_ok $? "--netviz NAME.pdf writes a PDF there (and no report.png)"

"$bin" -r "$cap" -o "$w/d" --netviz "$w/named.png" 2>/dev/null
png_ok "$w/named.png" "--netviz NAME.png"

mkdir -p "$w/tf"
cp "$srcdir/tests/netviz/tcpflow-http_browse/report.xml" "$w/tf/"
"$bin" --open "$w/tf" -e netviz 2>"$w/err"
tap_ok $? "--open DIR -e netviz on a tcpflow 1.6.1 report"
png_ok "$w/tf/report.png" "picture from the tcpflow report"

"$bin" --open "$w/a" -e netviz --netviz "$w/fs.png" 2>"$w/err"
tap_ok $? "--open DIR -e netviz on a flowscope report"
png_ok "$w/fs.png" "picture from the flowscope report"

"$bin" --open "$w/tf" 2>"$w/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$w/err")" -eq 1 ] && grep -q -- "-e netviz" "$w/err"
tap_ok $? "--open DIR without -e netviz: exit 1, one line saying so"

mkdir -p "$w/cut"
head -c 3000 "$w/a/report.xml" >"$w/cut/report.xml"
"$bin" --open "$w/cut" -e netviz 2>"$w/err"
rc=$?
[ $rc -eq 1 ] && grep -q "report.xml:[0-9]*:[0-9]*: " "$w/err" &&
    [ -s "$w/cut/report.png" ]
tap_ok $? "truncated report: exit 1, path:line:column, still drawn"
tap_diag "$(cat "$w/err")"

"$bin" -r "$cap" -o "$w/e" -e http 2>"$w/err"
[ $? -eq 1 ] && [ "$(wc -l <"$w/err")" -eq 1 ] && [ ! -e "$w/e/report.png" ]
tap_ok $? "-e http is refused"

tap_done
exit 0
