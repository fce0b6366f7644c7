# ui-lib.sh: what the UI benchmarks share.  Source it with $prog set to the
# script's name; it sets here, repo, bin (the flowscope to measure:
# $FLOWSCOPE, else ./flowscope, else /tmp/bld/flowscope) and BENCH_DIR
# (absolute, made, never inside the repository), and defines die.  Needs
# bash, tmux and python3.

here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd) || exit 1
repo=$(cd "$here/.." && pwd)
if [ -n "${FLOWSCOPE-}" ]; then
	bin=$FLOWSCOPE
elif [ -x ./flowscope ]; then
	bin=$PWD/flowscope
else
	bin=/tmp/bld/flowscope
fi
BENCH_DIR=${BENCH_DIR:-/tmp/flowscope-ui-bench}

die() { echo "$prog: $*" >&2; exit 1; }

[ -x "$bin" ] || die "no flowscope binary at $bin (set FLOWSCOPE)"
for t in tmux python3; do
	command -v $t >/dev/null || die "needs $t"
done
mkdir -p "$BENCH_DIR" || die "cannot make $BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
case $BENCH_DIR/ in
"$repo"/*) die "BENCH_DIR is inside the repository: use /tmp" ;;
esac
