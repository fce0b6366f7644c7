#!/bin/bash
# run.sh: build one fuzz target with clang + libFuzzer (ASan, UBSan) and run
# it for a while.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer options...]
#
# TARGET is decode, reasm, pcapfile, template, reportxml, hint, http or render.  The binary is
# built (again when a source is newer) into $FUZZ_BUILD (default
# /tmp/flowscope-fuzz), linking fuzz/fuzz-TARGET.c with every src/*.c except
# main.c.  libFuzzer reads the
# committed seeds fuzz/corpus/TARGET read-only and writes what it finds into
# a work corpus, $FUZZ_BUILD/corpus-TARGET, which persists across runs; copy
# interesting inputs back by hand.  fuzz/TARGET.dict is used when present.
#
# A crash stops the run: the crasher is left in $FUZZ_BUILD/artifacts-TARGET/
# and the script exits non-zero.  Minimise it with
#   $FUZZ_BUILD/fuzz-TARGET -minimize_crash=1 -runs=10000 CRASHFILE
# and keep it as fuzz/corpus/TARGET/crash-<class>-<n> once fixed.
#
# Needs clang with the libFuzzer runtime (Debian: clang, libclang-rt-14-dev
# or the clang package's bundled runtime).

set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 decode|reasm|pcapfile|template|reportxml|hint|http|render SECONDS [libFuzzer options]" >&2
	exit 2
fi
target=$1
secs=$2
shift 2
case $target in
decode|reasm|pcapfile|template|reportxml|hint|http|render) ;;
*)	echo "$0: unknown target $target" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
build=${FUZZ_BUILD:-/tmp/flowscope-fuzz}
cc=${CLANG:-clang}
bin=$build/fuzz-$target
mkdir -p "$build" "$build/corpus-$target" "$build/artifacts-$target"

srcs=()
for f in "$top"/src/*.c; do
	[ "$(basename "$f")" = main.c ] || srcs+=("$f")
done
# Targets of curses-free UI modules take their one ui/ source too.
case $target in
http)	srcs+=("$top/ui/ui-http.c") ;;
render)	srcs+=("$top/ui/ui-render.c") ;;
esac

need=0
if [ ! -x "$bin" ]; then
	need=1
else
	for f in "$here/fuzz-$target.c" "${srcs[@]}" "$top"/src/*.h \
	    "$top"/ui/*.h; do
		if [ "$f" -nt "$bin" ]; then
			need=1
			break
		fi
	done
fi
if [ $need -eq 1 ]; then
	echo "building $bin"
	# One compiler run per file keeps rebuilds of a changed module cheap.
	objdir=$build/obj-$target
	mkdir -p "$objdir"
	objs=()
	for f in "$here/fuzz-$target.c" "${srcs[@]}"; do
		o=$objdir/$(basename "$f" .c).o
		if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || \
		    [ -n "$(find "$top/src" -name '*.h' -newer "$o" -print -quit)" ]; then
			"$cc" -std=c11 -D_GNU_SOURCE -g -O1 \
			    -fno-omit-frame-pointer \
			    -fsanitize=fuzzer-no-link,address,undefined \
			    -fno-sanitize-recover=undefined \
			    -I"$top/src" -I"$top/ui" -c "$f" -o "$o"
		fi
		objs+=("$o")
	done
	"$cc" -fsanitize=fuzzer,address,undefined "${objs[@]}" -o "$bin" \
	    -lpcap -lz -lexpat -lpthread
fi

dict=()
if [ -f "$here/$target.dict" ]; then
	dict=(-dict="$here/$target.dict")
fi
maxlen=()
case $target in
pcapfile) maxlen=(-max_len=65536) ;;
decode) maxlen=(-max_len=4096) ;;
reasm) maxlen=(-max_len=8192) ;;
template) maxlen=(-max_len=1024) ;;
reportxml) maxlen=(-max_len=16384) ;;
esac

log=$build/log-$target.txt
set +e
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=20 \
    -rss_limit_mb=2048 -artifact_prefix="$build/artifacts-$target/" \
    "${maxlen[@]}" "${dict[@]}" "$@" \
    "$build/corpus-$target" "$here/corpus/$target" 2>&1 | tee "$log" | \
    grep -E '^#[0-9]+.*(DONE|pulse)|^stat::|ERROR|SUMMARY|Test unit written|^==[0-9]+==' 
rc=${PIPESTATUS[0]}
set -e
echo "--- $target: exit $rc (full log: $log)"
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" || true
if [ "$rc" -ne 0 ]; then
	grep -E 'Test unit written|SUMMARY' "$log" || true
fi
exit "$rc"
