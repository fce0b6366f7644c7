#!/bin/bash
# docs.sh: every user-visible option and key is documented in the same
# words everywhere (TAP):
#  - each key's help text, from the tables that dispatch keys and draw the
#    help screen, is in README.md and man/flowscope.1 (scripts/keys-doc.py);
#  - each long and short option --help lists is in README.md and the man
#    page.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/env.sh"

n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
echo "1..3"
out=$(python3 "$srcdir/scripts/keys-doc.py" check "$srcdir/README.md" \
    "$srcdir/man/flowscope.1" 2>&1)
rc=$?
[ $rc -ne 0 ] && printf '# %s\n' "$out"
ok $rc "every key's help text is in README.md and the man page"

# Options from --help: "  -x ..." and "  --long...".
opts=$("$bin" --help | sed -n 's/^  \(-[A-Za-z0-9]\|--[a-z-]*\).*/\1/p' |
    sort -u)
miss=
for o in $opts; do
	grep -q -- "\`$o" "$srcdir/README.md" || miss="$miss $o"
done
[ -n "$miss" ] && echo "# not in README.md:$miss"
ok "$([ -z "$miss" ]; echo $?)" "every --help option is in README.md"
miss=
for o in $opts; do
	case $o in
	--*) pat="^\.It Fl -${o#--}" ;;
	-*) pat="^\.It Fl ${o#-}" ;;
	esac
	grep -q -- "$pat" "$srcdir/man/flowscope.1" || miss="$miss $o"
done
[ -n "$miss" ] && echo "# not in the man page:$miss"
ok "$([ -z "$miss" ]; echo $?)" "every --help option is in the man page"
