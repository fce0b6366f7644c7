#!/bin/bash
# tests/ui/run.sh: the interactive UI driven through tmux, printing TAP.
#
# flowscope runs in a pane of a private tmux server (80x24 unless a test
# resizes it); the tests send keys, wait for the screen to show the result
# and compare it with the reviewed screens in tests/ui/expected/, and check
# in the shell what the UI wrote (saved files, report.xml) and how it ended
# (exit status, terminal modes restored).  See tests/ui/README.md.
#
# Environment: FLOWSCOPE (binary; default ./flowscope, else the one at the
# top of the source tree), FLOWSCOPE_SRCDIR, UPDATE_EXPECTED=1 (write the
# expected screens instead of comparing).  Needs bash, tmux and python3;
# without tmux the whole file is skipped.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
# shellcheck source=../lib/env.sh
. "$here/../lib/env.sh" || exit 99
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh" || exit 99
# shellcheck source=lib.sh
. "$here/lib.sh" || exit 99

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux not installed"
	exit 0
fi
sample=$srcdir/tests/data/sample.pcap
escapes=$here/data/escapes.pcap
for f in "$bin" "$sample" "$escapes"; do
	if [ ! -e "$f" ]; then
		echo "run.sh: missing $f" >&2
		exit 99
	fi
done

tmproot=$(mktemp -d "${TMPDIR:-/tmp}/flowscope-ui.XXXXXX") || exit 99
tmproot=$(cd "$tmproot" && pwd -P) || exit 99
cleanup()
{
	ui_fin
	rm -rf "$tmproot"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP
export TZ=UTC
unset TMUX TMUX_PANE

ui_init || { echo "run.sh: cannot start tmux" >&2; exit 99; }
title0=$(ui_tmux display -p -t boot '#{pane_title}')

# The pid of flowscope in the pane (the child of the pane's shell), or
# empty.
fs_pid()
{
	local sh
	sh=$(ui_tmux display -p -t ui '#{pane_pid}') || return 1
	ps -o pid= -o comm= --ppid "$sh" 2>/dev/null |
	    awk '$2 != "sleep" { print $1; exit }'
}

# After the program ended: the pane shows EXIT=0, normal screen, cursor
# shown, keypad and mouse modes off, no flowscope process left.
ended_clean()
{
	local want=${1:-0} t=${2:-10} f
	wait_for "^EXIT=[0-9]+" "$t" || return 1
	if ! ui_screen | grep -qx "EXIT=$want"; then
		ui_why="exit status: $(ui_screen | grep -E '^EXIT=') (want $want)"
		return 1
	fi
	f=$(ui_tmux display -p -t ui '#{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{keypad_flag} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{insert_flag}')
	if [ "$f" != "0 1 0 0 0 0 0 0" ]; then
		ui_why="terminal not restored: alternate_on cursor_flag keypad_cursor_flag keypad_flag mouse_any mouse_button mouse_standard insert = $f (want 0 1 0 0 0 0 0 0)"
		return 1
	fi
	if [ -n "$(fs_pid)" ]; then
		ui_why="a process is still running in the pane: $(fs_pid)"
		return 1
	fi
	return 0
}

loaded() { wait_for "  loaded$" "${1:-10}"; }

# --- 1. the list --------------------------------------------------------------

t_list()
{
	ui_start "$bin" --tui -r "$sample"
	loaded && compare_screen list
}
ui_check "sample.pcap: the list shows 6 connections with HTTP hints" t_list

t_sel_first()
{
	local s
	s=$(ui_selected)
	case $s in
	*49282*) return 0 ;;
	esac
	ui_why="selected row: '$s' (want the 49282 one)"
	return 1
}
ui_check "the first row is selected" t_sel_first

# sel_is PORT: the selected row is the client port PORT (waits up to 3 s).
sel_is()
{
	local i s
	for ((i = 0; i < 60; i++)); do
		s=$(ui_selected)
		case $s in
		*"10.0.2.15:$1 "*) return 0 ;;
		esac
		sleep 0.05
	done
	ui_why="selected row: '$s' (want client port $1)"
	return 1
}

t_move()
{
	ui_keys j j && sel_is 49284 &&
	ui_keys Down && sel_is 49285 &&
	ui_keys k && sel_is 49284 &&
	ui_keys Up && sel_is 49283 &&
	ui_keys G && sel_is 49287 &&
	ui_keys g && sel_is 49282 &&
	ui_type $'\eOF' && sel_is 49287 &&
	ui_type $'\eOH' && sel_is 49282 &&
	ui_keys NPage && sel_is 49287 &&
	ui_keys PPage && sel_is 49282
}
ui_check "j/k, arrows, g/G, Home/End, PgUp/PgDn move the selection" t_move

# --- 2. sort ------------------------------------------------------------------

t_sort()
{
	ui_keys F6 && wait_for "sorted by State" &&
	ui_keys '>' && wait_for "sorted by Client" &&
	ui_keys r && compare_screen sort-client-rev &&
	ui_keys '>' '>' '>' && wait_for "sorted by Sent" &&
	compare_screen sort-sent-rev &&
	ui_keys r && wait_for "C>S\^" &&
	ui_keys '<' && wait_for "sorted by Service"
}
ui_check "sort: F6, >, < change the column, r reverses" t_sort

# --- 3. filter ----------------------------------------------------------------

t_filter()
{
	ui_start "$bin" --tui -r "$sample"
	loaded || return 1
	ui_keys / && wait_for "^filter:" &&
	ui_type 49285 && wait_for "shown 1/6" &&
	ui_keys Enter && compare_screen filter-49285 &&
	ui_keys '\' && wait_for "shown 6/6" && wait_gone "filter: 49285"
}
ui_check "filter: / 49285 Enter keeps one row, \\ clears it" t_filter

t_filter_esc()
{
	ui_keys F4 && wait_for "^filter:" &&
	ui_type 'port 49283' && wait_for "shown 1/6" &&
	ui_keys Escape && wait_for "shown 6/6" && wait_gone "^filter:" &&
	ui_keys / && ui_type 49287 && ui_keys Enter && wait_for "shown 1/6" &&
	ui_keys / && wait_for "^filter: 49287" && ui_keys C-u &&
	ui_type 49284 && wait_for "shown 1/6" &&
	ui_keys Escape && wait_for "10.0.2.15:49287 " &&
	wait_gone "10.0.2.15:49284 " && ui_keys '\' && wait_for "shown 6/6"
}
ui_check "filter: Esc restores the filter there was before" t_filter_esc

t_filter_bad()
{
	# Typed one key at a time: "p", "po", "por" are text filters on the
	# way, "port x" does not compile.  Enter shows the error and leaves
	# the list as it was before the prompt, not filtered by a prefix.
	ui_keys / && wait_for "^filter:" &&
	ui_type 'port x' && ui_keys Enter &&
	wait_for "^filter: port: x is not a port" &&
	wait_for "^shown 6/6 *$" 2
}
ui_check "filter: a bad term shows an error message" t_filter_bad

t_filter_none()
{
	ui_keys '\' && wait_for "shown 6/6" &&
	ui_keys / && ui_type 'nosuchthing' && ui_keys Enter &&
	wait_for "No connection matches the filter" && wait_for "shown 0/6" &&
	ui_keys '\' && wait_for "shown 6/6"
}
ui_check "filter: no match says so" t_filter_none

# --- 4. help ------------------------------------------------------------------

t_help()
{
	ui_keys '?' && compare_screen help &&
	ui_keys q && wait_for "shown 6/6" &&
	ui_keys F1 && wait_for "^flowscope help" &&
	ui_keys Escape && wait_for "shown 6/6" &&
	ui_keys h && wait_for "^flowscope help" &&
	ui_keys '?' && wait_for "shown 6/6"
}
ui_check "help: ? shows the keys, q closes; F1, h, Esc too" t_help

# --- 5. pager ----------------------------------------------------------------

# highlighted TEXT: TEXT is drawn in the search-match colours (black on
# yellow) or, monochrome, reverse video.
highlighted()
{
	local i
	for ((i = 0; i < 40; i++)); do
		ui_screen_e | grep -qF -- $'\e[43m'"$1" && return 0
		ui_screen_e | grep -qF -- $'\e[7m'"$1" && return 0
		sleep 0.05
	done
	ui_why="'$1' is not highlighted"
	return 1
}

t_pager_open()
{
	ui_start "$bin" --tui -r "$sample"
	loaded || return 1
	ui_keys j && sel_is 49283 && ui_keys Enter && compare_screen pager-text
}
ui_check "pager: Enter opens the interleaved text view (run headers, request, response)" t_pager_open

t_pager_views()
{
	ui_keys v && compare_screen pager-client &&
	ui_keys v && compare_screen pager-server &&
	ui_keys v && wait_for "side by side" &&
	ui_keys g && compare_screen pager-side &&
	ui_keys v && wait_for "^ interleaved text " &&
	ui_keys g x && compare_screen pager-hex &&
	ui_keys x && wait_for "^ interleaved text " &&
	ui_keys 2 && wait_for "^ client text" &&
	ui_keys 1 && wait_for "^ interleaved text "
}
ui_check "pager: v cycles client, server, side by side, interleaved; x hex and back" t_pager_views

t_pager_search()
{
	ui_keys g / && wait_for "^/" && ui_type Modified && ui_keys Enter &&
	wait_for "match at client offset 410" && highlighted Modified &&
	wait_for "^If-Modified-Since" &&
	ui_keys n && wait_for "match at server offset 17" &&
	ui_keys N && wait_for "match at client offset 410" &&
	ui_keys / && ui_type 'no-such-text' && ui_keys Enter &&
	wait_for "not found|no match"
}
ui_check "pager: / searches, highlights and moves; n, N; a miss says so" t_pager_search

t_pager_jump()
{
	ui_keys g && wait_for "0/648 0%" &&
	ui_keys o && ui_type 0x1c8 && ui_keys Enter && wait_for "\(c @407\)" &&
	ui_keys g : && ui_type 459 && ui_keys Enter && wait_for "\(s @0\)" &&
	ui_keys o && ui_type 50% && ui_keys Enter && wait_for " 324/648 50%| 3[0-9][0-9]/648 " &&
	ui_keys G && wait_for 'ETag: "541404-5d9c-4b0d3e2a69a80"\\r$' &&
	wait_gone "^GET /css" &&
	ui_keys g && wait_for "^GET /css/bro-ids.css" && wait_for " 0/648 0%" &&
	ui_keys q && wait_for "shown 6/6" && wait_for "^F1Help"
}
ui_check "pager: o / : jump (hex, decimal, %), G, g; q back to the list" t_pager_jump

# --- 6. follow ----------------------------------------------------------------

t_follow()
{
	ui_keys Enter && wait_for "^ interleaved text" &&
	ui_keys F && wait_for "FOLLOW" &&
	wait_for 'ETag: "541404-5d9c-4b0d3e2a69a80"\\r$' &&
	ui_keys k && wait_gone "FOLLOW" &&
	ui_keys Escape && wait_for "shown 6/6"
}
ui_check "pager: F on a finished stream goes to the end; a movement leaves follow; Esc back" t_follow

# --- 9. escapes ---------------------------------------------------------------

t_escapes()
{
	local t f
	ui_start "$bin" --tui -r "$escapes"
	loaded || return 1
	t=$(ui_tmux display -p -t ui '#{pane_title}|#{pane_fg}|#{pane_bg}')
	ui_keys Enter && compare_screen pager-escapes || return 1
	ui_keys 3 && wait_for '^clear:\\x1b\[2J title:' &&
	ui_keys 1 g && wait_for '^X-Bg: ' || return 1
	f=$(ui_tmux display -p -t ui '#{pane_title}|#{pane_fg}|#{pane_bg}')
	if [ "$f" != "$t" ] || [ "${f%%|*}" != "$title0" ]; then
		ui_why="pane title|fg|bg changed: '$f' (was '$t', initial title '$title0')"
		return 1
	fi
	ui_keys q && wait_for "shown 1/1" && ui_keys q && ended_clean 0 &&
	f=$(ui_tmux display -p -t ui '#{pane_title}|#{pane_fg}|#{pane_bg}')
	if [ "$f" != "$t" ]; then
		ui_why="pane title|fg|bg changed after exit: '$f' (was '$t')"
		return 1
	fi
}
ui_check "escapes in the stream are shown as text (\\x1b[2J, \\x07...), UTF-8 as characters; title and colours unchanged" t_escapes

# --- 7. mark and save ---------------------------------------------------------

bref=$tmproot/batch
"$bin" --batch -r "$sample" -o "$bref" >/dev/null 2>&1
c3=010.000.002.015.49283-192.150.187.043.00080
s3=192.150.187.043.00080-010.000.002.015.49283
c5=010.000.002.015.49285-192.150.187.043.00080
s5=192.150.187.043.00080-010.000.002.015.49285

same_as_batch()
{
	local d=$1 f
	for f in $c3 $s3 $c5 $s5; do
		if ! cmp -s "$d/$f" "$bref/$f"; then
			ui_why="$d/$f: missing or not the bytes of --batch ($(ls "$d" | tr '\n' ' '))"
			return 1
		fi
	done
}

t_save()
{
	local d=$tmproot/saved n
	ui_start "$bin" --tui -r "$sample"
	loaded || return 1
	ui_keys j && sel_is 49283 && ui_keys Space && sel_is 49284 &&
	ui_keys j Space && wait_for "marked 2" &&
	ui_keys s && compare_screen save-dialog &&
	ui_keys C-u && ui_type "$d" && ui_keys Enter &&
	compare_screen save-done || return 1
	same_as_batch "$d" || return 1
	if [ ! -s "$d/report.xml" ] || [ "$(tail -n 1 "$d/report.xml")" != "</dfxml>" ]; then
		ui_why="$d/report.xml missing or incomplete"
		return 1
	fi
	n=$(ls "$d" | wc -l)
	if [ "$n" -ne 5 ]; then
		ui_why="$n files in $d: $(ls "$d" | tr '\n' ' ') (want 4 and report.xml)"
		return 1
	fi
}
ui_check "save: Space twice, s, a new directory, Enter: tcpflow files equal to --batch, report.xml" t_save

t_save_again()
{
	local d=$tmproot/saved n f
	cp -r "$d" "$tmproot/saved.before"
	ui_keys s && wait_for "Directory: " &&
	ui_keys C-u && ui_type "$d" && ui_keys Enter &&
	wait_for "^saved 2 connections" || return 1
	n=$(ls "$d" | wc -l)
	if [ "$n" -ne 10 ]; then
		ui_why="$n files in $d after the second save: $(ls "$d" | tr '\n' ' ') (want 10)"
		return 1
	fi
	for f in "$tmproot/saved.before"/*; do
		if ! cmp -s "$f" "$d/${f##*/}"; then
			ui_why="${f##*/} changed by the second save"
			return 1
		fi
	done
}
ui_check "save: a second save to the same directory takes new names, changes nothing" t_save_again

t_save_transcript()
{
	local d=$tmproot/saved-t
	ui_keys s && wait_for "Directory: " && wait_for '\[ \] \^T' &&
	ui_keys C-t && wait_for '\[x\] \^T' &&
	ui_keys C-u && ui_type "$d" && ui_keys Enter &&
	wait_for "^saved 2 connections" || return 1
	same_as_batch "$d" || return 1
	if ! ls "$d" | grep -q 'transcript'; then
		ui_why="no transcript in $d: $(ls "$d" | tr '\n' ' ')"
		return 1
	fi
}
ui_check "save: ^T adds a transcript file" t_save_transcript

t_save_esc()
{
	ui_keys s && wait_for "Directory: " && ui_keys Escape &&
	wait_gone "Directory: " && wait_for "shown 6/6"
}
ui_check "save: Esc cancels the dialog" t_save_esc

t_unmark()
{
	ui_keys U && wait_gone "marked 2" &&
	ui_keys a && wait_for "6 connections marked" && wait_for "marked 6" &&
	ui_keys U && wait_gone "marked 6"
}
ui_check "marks: a marks all, U clears" t_unmark

# --- 8. resize ----------------------------------------------------------------

t_resize()
{
	ui_start "$bin" --tui -r "$sample"
	loaded || return 1
	ui_tmux resize-window -t ui -x 100 -y 30 && compare_screen list-100x30 &&
	ui_tmux resize-window -t ui -x 30 -y 8 &&
	wait_for "Terminal too small \(30x8\)" &&
	ui_tmux resize-window -t ui -x 80 -y 24 && compare_screen list
}
ui_check "resize: 100x30 redraws, 30x8 says too small, 80x24 is back" t_resize

# --- 10. quit, signals --------------------------------------------------------

t_quit()
{
	ui_start "$bin" --tui -r "$sample"
	loaded && ui_keys q && ended_clean 0
}
ui_check "q quits: exit 0, terminal restored, process gone" t_quit

t_plain()
{
	ui_start sh -c 'exec "$0" -r "$1" 2>/dev/tty' "$bin" "$sample"
	loaded && compare_screen list && ui_keys F10 && ended_clean 0
}
ui_check "plain -r FILE on a terminal starts the UI; F10 quits" t_plain

# A capture that takes a second or more to load (8000 connections, 14 MB).
big=$tmproot/big.pcap
python3 "$here/data/gen.py" big "$big" 8000 || exit 99

t_sig()
{
	local sig=$1 d=$tmproot/sig-$1 p
	ui_start "$bin" --tui -r "$big" -o "$d"
	wait_for "ETA [0-9]" 10 || return 1
	if [ "$sig" = INT ]; then
		ui_keys C-c
	else
		p=$(fs_pid)
		[ -n "$p" ] && kill -TERM "$p"
	fi
	ended_clean 0 20 || return 1
	if [ "$(tail -n 1 "$d/report.xml" 2>/dev/null)" != "</dfxml>" ]; then
		ui_why="$d/report.xml missing or incomplete"
		return 1
	fi
	if ! grep -q "<interrupted" "$d/report.xml"; then
		ui_why="no <interrupted/> in report.xml: the load had finished before the signal?"
		return 1
	fi
}
ui_check "C-c while loading: exit 0, terminal restored, report.xml complete" t_sig INT
ui_check "SIGTERM while loading: exit 0, terminal restored, report.xml complete" t_sig TERM

t_sig_pipe()
{
	local d=$tmproot/sig-pipe fifo=$tmproot/fifo p rv=0
	# The writer end stays open in this shell (fd 7): the reader never
	# sees the end of the input.
	mkfifo "$fifo" && exec 7<>"$fifo" && cat "$sample" >&7 || return 1
	ui_start sh -c 'exec "$0" --tui -r - -o "$2" <"$1"' "$bin" "$fifo" "$d"
	if wait_for "121 pkts .*reading$" 10; then
		# The header counts every byte read once the pipe is quiet.
		if ! wait_for "121 pkts 18KB" 3; then
			tap_ok 1 "a quiet pipe: the header shows all bytes read"
			tap_diag "$ui_why" "$(ui_screen | head -n 2)"
			ui_why=
		else
			tap_ok 0 "a quiet pipe: the header shows all bytes read"
		fi
		p=$(fs_pid)
		[ -n "$p" ] && kill -TERM "$p"
		ended_clean 0 20 || rv=1
	else
		rv=1
	fi
	exec 7>&-
	[ $rv -eq 0 ] || return 1
	if [ "$(tail -n 1 "$d/report.xml" 2>/dev/null)" != "</dfxml>" ]; then
		ui_why="$d/report.xml missing or incomplete"
		return 1
	fi
}
ui_check "SIGTERM while reading a pipe that stays open: exits, report.xml complete" t_sig_pipe

t_sig_loop()
{
	# Signals at random moments of loading (issue 5): INT, TERM or HUP
	# after 0-400 ms; each time exit 0, the terminal restored and a
	# complete report.xml.
	local i sig d p delay
	for i in 1 2 3 4 5 6; do
		sig=$(printf 'INT\nTERM\nHUP\n' | shuf -n 1)
		delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", r % 40 / 100 }')
		d=$tmproot/sigloop-$i
		ui_start "$bin" --tui -r "$big" -o "$d"
		wait_for "conns" 10 || return 1
		sleep "$delay"
		p=$(fs_pid)
		[ -n "$p" ] && kill -"$sig" "$p"
		if ! ended_clean 0 20; then
			ui_why="round $i (SIG$sig after ${delay}s): $ui_why"
			return 1
		fi
		if [ "$(tail -n 1 "$d/report.xml" 2>/dev/null)" != "</dfxml>" ]
		then
			ui_why="round $i (SIG$sig after ${delay}s): report.xml incomplete"
			return 1
		fi
	done
}
ui_check "signals at random moments (INT, TERM, HUP, 6 rounds): exit 0, terminal restored, report.xml complete" t_sig_loop

t_disk_full()
{
	# A full disk (a 1 MB tmpfs) while writing the streams: the UI shows
	# the error, keeps running, and exits 1 with the terminal restored.
	local mnt=$tmproot/full
	ui_start "$bin" --tui -r "$big" -o "$mnt/out"
	local rv=0
	wait_for "No space left on device" 20 || rv=1
	if [ $rv -eq 0 ]; then
		ui_keys j j && wait_for "loaded" 30 && ui_keys q || rv=1
		[ $rv -eq 0 ] && { ended_clean 1 20 || rv=1; }
	fi
	umount "$mnt" 2>/dev/null
	return $rv
}
mkdir -p "$tmproot/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$tmproot/full" \
    2>/dev/null; then
	ui_check "disk full: the error is shown, the UI keeps running, exit 1, terminal restored" t_disk_full
else
	tap_skip "disk full: the error is shown, the UI keeps running" \
	    "needs root to mount a small tmpfs"
fi

# --- 11. stdin ----------------------------------------------------------------

t_stdin()
{
	ui_start sh -c 'cat "$1" | "$0" --tui -r -' "$bin" "$sample"
	loaded && compare_screen list-stdin && ui_keys j && sel_is 49283 &&
	ui_keys q && ended_clean 0
}
ui_check "cat sample.pcap | flowscope --tui -r -: keys come from the terminal" t_stdin

# --- 12. --open DIR (issue 4: browsing saved output) -----------------------

t_open()
{
	local d=$tmproot/open-fs
	"$bin" --batch -r "$sample" -o "$d" || return 1
	ui_start "$bin" --open "$d"
	wait_for "6 conns" && wait_for "10\.0\.2\.15:49282 " &&
	ui_keys Enter && wait_for "^GET / HTTP/1\.1" &&
	ui_keys 3 && wait_for "^HTTP/1\.1 304 Not Modified" && ui_keys q &&
	ui_keys q && ended_clean 0
}
ui_check "--open DIR (flowscope's): the list, and the pager shows both directions" t_open

t_open_tcpflow()
{
	# tcpflow 1.6.1's report without its flow files: rows, and the pager
	# says the files are missing instead of showing anything else.
	ui_start "$bin" --open "$srcdir/tests/netviz/tcpflow-http_browse"
	wait_for "conns" && wait_for "loaded" && wait_for ":80 " &&
	ui_keys Enter && wait_for "No such file" && ui_keys q q &&
	ended_clean 0
}
ui_check "--open DIR (tcpflow's report): rows; missing files are said to be missing" t_open_tcpflow

t_open_hostile()
{
	# File names from a report someone else wrote: "../" and a symlink
	# must not be followed out of DIR.
	local d=$tmproot/open-evil
	mkdir -p "$d/sub" || return 1
	printf 'SECRET-OUTSIDE\n' >"$tmproot/secret.txt"
	ln -s "$tmproot/secret.txt" "$d/link" || return 1
	ln -s "$tmproot" "$d/sub/up" || return 1
	cat >"$d/report.xml" <<-XML
	<?xml version='1.0' encoding='UTF-8'?>
	<dfxml xmloutputversion='1.0'>
	<configuration><fileobject>
	<filename>../secret.txt</filename><filesize>15</filesize>
	<tcpflow startime='2020-01-01T00:00:00Z' endtime='2020-01-01T00:00:01Z' src_ipn='10.0.0.1' dst_ipn='10.0.0.2' srcport='1000' dstport='80' packets='1' len='70' caplen='70' family='2' />
	</fileobject><fileobject>
	<filename>link</filename><filesize>15</filesize>
	<tcpflow startime='2020-01-01T00:00:00Z' endtime='2020-01-01T00:00:01Z' src_ipn='10.0.0.3' dst_ipn='10.0.0.4' srcport='1001' dstport='80' packets='1' len='70' caplen='70' family='2' />
	</fileobject><fileobject>
	<filename>sub/up/secret.txt</filename><filesize>15</filesize>
	<tcpflow startime='2020-01-01T00:00:00Z' endtime='2020-01-01T00:00:01Z' src_ipn='10.0.0.5' dst_ipn='10.0.0.6' srcport='1002' dstport='80' packets='1' len='70' caplen='70' family='2' />
	</fileobject></configuration></dfxml>
	XML
	ui_start "$bin" --open "$d"
	wait_for "loaded" || return 1
	local i
	for i in 1 2 3; do
		ui_keys Enter && sleep 0.3
		if ui_screen | grep -q SECRET-OUTSIDE; then
			ui_why="row $i showed a file outside DIR"
			return 1
		fi
		ui_keys q && wait_for "loaded" && ui_keys j || return 1
	done
	ui_keys q && ended_clean 0
}
ui_check "--open DIR: ../, a symlink and a symlinked directory in report.xml never read outside DIR" t_open_hostile

# --- 13. e: the netviz picture of what is shown (issue 4) -----------------

t_export()
{
	local png
	ui_start "$bin" --tui -r "$sample"
	loaded && ui_keys / && ui_type 49285 && ui_keys Enter &&
	wait_for "shown 1/6" && ui_keys e &&
	wait_for "^Picture of 1 connections: " 20 || return 1
	png=$(ui_screen | sed -n 's/^Picture of 1 connections: //p' | head -n 1)
	png=${png%% *}
	case $png in /*) ;; *) png=$ui_dir/$png ;; esac
	if ! head -c 8 "$png" 2>/dev/null | od -An -tx1 | grep -q '89 50 4e 47'
	then
		ui_why="no PNG at $png"
		return 1
	fi
	ui_keys q && ended_clean 0
}
ui_check "e draws a netviz PNG of the filtered connections and says where" t_export

# --- 14. --follow: a capture file still being written ---------------------

t_follow_file()
{
	local f=$tmproot/growing.pcap
	# The pcap header first, then the records in two halves.
	head -c 24 "$sample" >"$f" || return 1
	ui_start "$bin" --tui --follow -r "$f"
	wait_for "following" || return 1
	wait_for "^shown 0/0" || return 1
	tail -c +25 "$sample" | head -c 9000 >>"$f"
	wait_for "10\.0\.2\.15:49282 " 10 || return 1
	tail -c +9025 "$sample" >>"$f"
	wait_for "121 pkts" 10 && wait_for "6 conns" 10 || return 1
	ui_keys q && ended_clean 0
}
ui_check "--follow: connections appear as the capture file grows" t_follow_file

tap_done
exit 0
