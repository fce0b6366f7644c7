# lib.sh: helpers for the UI tests (tests/ui/run.sh): a private tmux server,
# flowscope started in a fixed-size pane, keys sent, the screen polled and
# compared with the expected screens in tests/ui/expected/.
#
#   ui_init                   start the tmux server (socket
#                             flowscope-test-$$); call once
#   ui_start [-s WxH] CMD...  (re)create the pane "ui" (80x24 unless -s)
#                             running CMD in $ui_dir with TERM, TZ, LC_ALL
#                             fixed; after CMD the pane prints EXIT=status
#   ui_keys KEY...            tmux send-keys (key names: Enter, Escape, F6,
#                             C-t, NPage...).  Not Home/End: tmux sends
#                             them as ESC [ 1 ~ / ESC [ 4 ~, which the
#                             xterm-256color terminfo does not know; type
#                             an xterm's ESC O H / ESC O F instead
#   ui_type TEXT              send TEXT literally
#   ui_screen                 the pane's text now
#   wait_for REGEX [SECONDS]  poll the pane every 50 ms until an extended
#                             regex matches a line (default 5 s); 1 if not
#   wait_gone REGEX [SECONDS] the opposite
#   compare_screen NAME [SECONDS]
#                             poll until the masked pane equals
#                             expected/NAME.txt; on failure $ui_why holds
#                             the diff.  UPDATE_EXPECTED=1 writes the file
#                             instead (after the screen is stable)
#   ui_selected               the text of the list row drawn as selected
#   ui_check NAME CMD...      one TAP line: CMD's status (and no sanitizer
#                             report on stderr); on failure the
#                             diagnostics ($ui_why, the screen, stderr)
#   ui_fin                    kill the tmux server
#
# Needs: tmux, $here (tests/ui), $tmproot (scratch directory), tap.sh.

ui_sock=flowscope-test-$$
ui_dir=
ui_why=
ui_n=0

ui_tmux()
{
	tmux -L "$ui_sock" -f /dev/null "$@"
}

ui_init()
{
	# A placeholder session keeps the server up between tests; the
	# status line off so the pane is the whole window.
	ui_tmux new-session -d -s boot -x 80 -y 24 "exec sleep 3600" ||
	    return 1
	ui_tmux set-option -g status off >/dev/null
	ui_tmux set-option -g remain-on-exit off >/dev/null
	ui_tmux set-option -g history-limit 0 >/dev/null
}

ui_fin()
{
	ui_tmux kill-server >/dev/null 2>&1
}

# Single-quote a word for sh.
ui_quote()
{
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

ui_start()
{
	local size=80x24 script w
	if [ "$1" = -s ]; then
		size=$2
		shift 2
	fi
	ui_n=$((ui_n + 1))
	ui_dir=$tmproot/run$ui_n
	mkdir -p "$ui_dir" || return 1
	script=$ui_dir.sh
	{
		echo "trap : INT"
		echo "cd $(ui_quote "$ui_dir") || exit 1"
		echo "TERM=xterm-256color TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8"
		echo "export TERM TZ LC_ALL LANG"
		echo "unset NO_COLOR"
		printf '%s' "exec 2>$(ui_quote "$ui_dir.err"); "
		for w in "$@"; do
			printf '%s ' "$(ui_quote "$w")"
		done
		echo
		echo 'echo EXIT=$?'
		echo 'exec sleep 3600'
	} >"$script"
	ui_tmux kill-session -t ui >/dev/null 2>&1
	ui_tmux new-session -d -s ui -x "${size%x*}" -y "${size#*x}" \
	    "sh $(ui_quote "$script")"
}

ui_keys()
{
	ui_tmux send-keys -t ui "$@"
}

ui_type()
{
	ui_tmux send-keys -t ui -l -- "$1"
}

ui_screen()
{
	ui_tmux capture-pane -p -t ui
}

# The pane with colours (SGR sequences).
ui_screen_e()
{
	ui_tmux capture-pane -p -e -t ui
}

# Volatile parts to X: the elapsed clock, rates, ETA, the scratch
# directory, dates in default save names, spool paths, the size of a save
# (its report.xml holds the command line, so the binary's path).
ui_mask()
{
	sed -E \
	    -e "s|$tmproot|TMP|g" \
	    -e 's/(open  )[0-9]+:[0-9][0-9](  )/\1MM:SS\2/' \
	    -e 's/[0-9.]+ MB\/s/N MB\/s/g' \
	    -e 's/ETA [0-9.]+s/ETA Ns/g' \
	    -e 's/[0-9.]+[KMGTPE]?\/s/N\/s/g' \
	    -e 's/flowscope-[0-9]{8}-[0-9]{6}/flowscope-YYYYMMDD-HHMMSS/g' \
	    -e 's/(files, )[0-9.]+ [KMG]?B/\1N B/' \
	    -e 's|/tmp/flowscope[-.][A-Za-z0-9._-]*|SPOOL|g'
}

wait_for()
{
	local re=$1 t=${2:-5} i
	for ((i = 0; i < t * 20; i++)); do
		ui_screen | grep -qE -- "$re" && return 0
		sleep 0.05
	done
	ui_why="timed out after ${t}s waiting for /$re/"
	return 1
}

wait_gone()
{
	local re=$1 t=${2:-5} i
	for ((i = 0; i < t * 20; i++)); do
		ui_screen | grep -qE -- "$re" || return 0
		sleep 0.05
	done
	ui_why="timed out after ${t}s waiting for /$re/ to go"
	return 1
}

# Wait until two captures 250 ms apart are equal.
ui_settle()
{
	local a b i
	a=$(ui_screen)
	for ((i = 0; i < 40; i++)); do
		sleep 0.25
		b=$(ui_screen)
		[ "$a" = "$b" ] && return 0
		a=$b
	done
	return 1
}

compare_screen()
{
	local name=$1 t=${2:-5} exp=$here/expected/$1.txt got i
	if [ "${UPDATE_EXPECTED-}" = 1 ]; then
		ui_settle
		ui_screen | ui_mask >"$exp"
		ui_why="(expected/$name.txt written)"
		return 0
	fi
	if [ ! -f "$exp" ]; then
		ui_why="missing expected/$name.txt (run with UPDATE_EXPECTED=1)"
		return 1
	fi
	for ((i = 0; i < t * 20; i++)); do
		got=$(ui_screen | ui_mask)
		[ "$got" = "$(cat "$exp")" ] && return 0
		sleep 0.05
	done
	ui_why="screen differs from expected/$name.txt (- expected, + got):
$(printf '%s\n' "$got" | diff -u "$exp" - | tail -n +3)"
	return 1
}

# The list row in reverse/selected colours: its SGR prefix sets background
# 46 (cyan; the colour scheme) or reverse video (the monochrome one).
ui_selected()
{
	ui_screen_e | awk 'NR > 3 && NR < 23 {
		s = $0; pre = ""
		while (match(s, /^\033\[[0-9;]*m/)) {
			pre = pre substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
		}
		if (pre ~ /[[;]46m/ || pre ~ /[[;]46;/ || pre ~ /[[;]7m/) {
			gsub(/\033\[[0-9;]*m/, "", s); print s; exit
		}
	}'
}

# A sanitizer report on the program's stderr fails the test.
ui_sanitizer()
{
	if grep -qE "runtime error:|Sanitizer" "$ui_dir.err" 2>/dev/null; then
		ui_why="sanitizer report on stderr"
		return 0
	fi
	return 1
}

ui_check()
{
	local name=$1
	shift
	ui_why=
	if "$@" && ! ui_sanitizer; then
		tap_ok 0 "$name"
		[ "${UPDATE_EXPECTED-}" = 1 ] && [ -n "$ui_why" ] &&
		    tap_diag "$ui_why"
	else
		tap_ok 1 "$name"
		[ -n "$ui_why" ] && tap_diag "$ui_why"
		tap_diag "screen:" "$(ui_screen | sed 's/^/|/')"
		[ -s "$ui_dir.err" ] && tap_diag "stderr:" "$(head -c 2000 "$ui_dir.err")"
	fi
	ui_why=
	return 0
}
