# env.sh: where a test script finds flowscope and the source tree.  Source
# it with $here set to the script's folder (tests/<name>/):
#
#   srcdir   $FLOWSCOPE_SRCDIR, else the repository two levels above $here
#   bin      $FLOWSCOPE, else ./flowscope (run from a build directory), else
#            $srcdir/flowscope; always made absolute

srcdir=${FLOWSCOPE_SRCDIR:-$(cd "$here/../.." && pwd)}
if [ -n "${FLOWSCOPE-}" ]; then
	bin=$FLOWSCOPE
elif [ -x ./flowscope ]; then
	bin=./flowscope
else
	bin=$srcdir/flowscope
fi
case $bin in
/*) ;;
*) bin=$PWD/$bin ;;
esac
