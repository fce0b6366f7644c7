# tap.sh: tiny TAP helpers for the shell test runners (source it).
#
#   tap_ok COND_STATUS NAME   print "ok N - NAME" when COND_STATUS is 0,
#                             else "not ok N - NAME"; counts failures.
#   tap_skip NAME REASON      print "ok N - NAME # SKIP REASON".
#   tap_diag TEXT...          print every line of TEXT prefixed by "# ".
#   tap_done                  print the plan "1..N" (plan at the end).
#
# The verdict is carried by the TAP lines only; callers exit 0 unless an
# internal error stopped them.

tap_n=0
tap_failed=0

tap_ok()
{
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$tap_n" "$2"
	else
		tap_failed=$((tap_failed + 1))
		printf 'not ok %d - %s\n' "$tap_n" "$2"
	fi
}

tap_skip()
{
	tap_n=$((tap_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$tap_n" "$1" "$2"
}

tap_diag()
{
	local line
	printf '%s\n' "$@" | while IFS= read -r line; do
		printf '#   %s\n' "$line"
	done
}

tap_done()
{
	printf '1..%d\n' "$tap_n"
	if [ "$tap_failed" -gt 0 ]; then
		printf '# %d of %d tests failed\n' "$tap_failed" "$tap_n"
	fi
}
