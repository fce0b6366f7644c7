#!/bin/bash
# run.sh: the interactive UI on a live capture, driven like a person would.
# In a network namespace of its own (loopback only), httpd.py serves a small
# file on 127.0.0.1:8080 and a 20 MB one, slowly (64 KiB every 50 ms), on
# 127.0.0.1:8081; flowscope --tui -i lo runs in a tmux pane (80x24, a
# private socket) while curl fetches them.  The test waits for the
# connections on screen, filters to the slow one, opens it in the pager
# while it runs, follows it (F) and checks the end moves, then saves it
# after it completed and compares the saved files with exactly the bytes
# the server received and sent.  Every wait has a timeout.
#
# Environment: FLOWSCOPE (binary), FLOWSCOPE_SRCDIR (source tree),
# LIVE_BIG (body bytes of the slow file, default 20000000), LIVE_KEEP=1
# keeps the work folder.  Needs root, ip netns, tmux, python3 and curl:
# skipped otherwise.  Prints TAP.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 99
# shellcheck source=../lib/env.sh
. "$here/../lib/env.sh" || exit 99
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh" || exit 99
[ -x "$bin" ] || { echo "run.sh: missing $bin" >&2; exit 99; }

skip_all()
{
	echo "1..0 # SKIP $1"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespaces)"
for t in ip tmux python3 curl; do
	command -v $t >/dev/null 2>&1 || skip_all "needs $t"
done
ip netns list >/dev/null 2>&1 || skip_all "needs ip netns"

big_bytes=${LIVE_BIG:-20000000}
ns=fs-live-$$
sock=fs-live-$$
tm=(tmux -L "$sock" -f /dev/null)
work=$(mktemp -d "${TMPDIR:-/tmp}/live.XXXXXX") || exit 99
srv_pid=
big_pid=
cleanup()
{
	local p
	"${tm[@]}" kill-server 2>/dev/null
	[ -n "$big_pid" ] && kill "$big_pid" 2>/dev/null
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	# Anything still running in the namespace was started here.
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
	if [ "${LIVE_KEEP:-0}" = 1 ]; then
		echo "# kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns" 2>/dev/null || skip_all "cannot create a network namespace"
ip -n "$ns" link set lo up || skip_all "cannot bring up lo in the namespace"
nsx=(ip netns exec "$ns")

# --- helpers ------------------------------------------------------------------

screen()
{
	"${tm[@]}" capture-pane -p -t fs 2>/dev/null
}

# wait_screen SECONDS ERE: poll the screen until a line matches.
wait_screen()
{
	local end=$((SECONDS + $1))
	while [ $SECONDS -le $end ]; do
		screen | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

# wait_file SECONDS FILE: until FILE exists.
wait_file()
{
	local end=$((SECONDS + $1))
	while [ $SECONDS -le $end ]; do
		[ -e "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

keys()
{
	"${tm[@]}" send-keys -t fs "$@"
}

text()
{
	"${tm[@]}" send-keys -t fs -l -- "$1"
}

# The highest line number of the slow body on screen (0: none).
max_line()
{
	screen | grep -Eo 'L[0-9]{8}' | tr -d L | sort -n | tail -1 |
	    sed 's/^0*//;s/^$/0/'
}

show_screen()
{
	tap_diag "screen:" "$(screen)"
}

# ok COND NAME: tap_ok that shows the screen on failure.
ok()
{
	[ "$1" -eq 0 ] || show_screen
	tap_ok "$1" "$2"
}

fetch()
{
	"${nsx[@]}" env -u http_proxy -u https_proxy -u all_proxy \
	    curl -sS --noproxy '*' --max-time "$1" -o "$2" "$3"
}

# --- the server and its files -------------------------------------------------

mkdir -p "$work/www" "$work/log" "$work/got"
python3 - "$work/www" "$big_bytes" <<'EOF' || exit 99
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(d + '/small.txt', 'wb') as f:
    f.write(b''.join(b'small line %04d of the live test\n' % i
        for i in range(60)))
# 64-byte numbered lines: the pager shows which part is on screen.
line = b'L%08d flowscope live test, the slow body; abcdefghijklmnopq\n'
assert len(line % 0) == 64
body = b''.join(line % i for i in range(n // 64 + 1))[:n]
with open(d + '/big.txt', 'wb') as f:
    f.write(body)
EOF
last_line=$(( (big_bytes - 1) / 64 ))

"${nsx[@]}" python3 "$here/httpd.py" --dir "$work/www" --log "$work/log" \
    --port 8080 --port 8081 --chunk 65536 --delay 0.05 \
    --ready "$work/ready" --lifetime 240 >"$work/httpd.err" 2>&1 &
srv_pid=$!
if ! wait_file 10 "$work/ready"; then
	tap_ok 1 "the test server starts"
	tap_diag "$(cat "$work/httpd.err")"
	tap_done
	exit 0
fi

# --- flowscope in tmux ----------------------------------------------------------

"${tm[@]}" new-session -d -s fs -x 80 -y 24 \
    "cd '$work' && ip netns exec $ns env TERM=screen \
    FLOWSCOPE_UI_TRACE='$work/trace' '$bin' --tui -i lo \
    2>'$work/fs.err'; echo \$? >'$work/fs.rc'; sleep 1" ||
    { echo "run.sh: tmux failed" >&2; exit 99; }

wait_screen 15 ' live'
ok $? "the UI starts on the live interface (header says live)"

n_small=4
for i in $(seq $n_small); do
	fetch 10 "$work/got/small.$i" http://127.0.0.1:8080/small.txt
done
cmp -s "$work/got/small.1" "$work/www/small.txt"
tap_ok $? "curl fetched the small file (server works in the namespace)"

wait_screen 10 "shown $n_small/$n_small"
s=$?
[ $s -eq 0 ] && [ "$(screen | grep -c '127\.0\.0\.1:8080')" -ge $n_small ]
ok $? "the $n_small small connections appear in the list"

# --- the slow transfer, in the pager ---------------------------------------------

fetch 120 "$work/got/big" http://127.0.0.1:8081/slow/big.txt \
    2>"$work/curl-big.err" &
big_pid=$!
t_big=$SECONDS

wait_screen 10 '127\.0\.0\.1:8081'
ok $? "the slow connection appears"
keys /
text "port 8081"
keys Enter
wait_screen 5 'shown 1/'
ok $? "filter 'port 8081' shows one connection"

keys Enter
wait_screen 5 'L[0-9]{8}'
ok $? "Enter opens it in the pager (the body's lines are shown)"

keys F
sleep 1
a=$(max_line)
sleep 1.5
b=$(max_line)
sleep 1.5
c=$(max_line)
tap_diag "last body line on screen while following: $a, $b, $c" \
    "(the slow body ends at $last_line; $((SECONDS - t_big)) s into the" \
    "transfer)"
[ "${a:-0}" -gt 0 ] && [ "${b:-0}" -gt "${a:-0}" ] &&
    [ "${c:-0}" -gt "${b:-0}" ]
ok $? "follow (F): the end moves while the transfer runs"
kill -0 "$big_pid" 2>/dev/null
tap_ok $? "the transfer was still running then (else the check above is weak)"

# Wait for curl (bounded by its own --max-time too).
end=$((SECONDS + 90))
while kill -0 "$big_pid" 2>/dev/null && [ $SECONDS -le $end ]; do
	sleep 0.2
done
if kill -0 "$big_pid" 2>/dev/null; then
	kill "$big_pid" 2>/dev/null
	big_rc=124
else
	wait "$big_pid"
	big_rc=$?
fi
big_pid=
[ $big_rc -eq 0 ] && cmp -s "$work/got/big" "$work/www/big.txt"
tap_ok $? "curl fetched the slow file ($big_bytes bytes, rc $big_rc)"

last=$(printf 'L%08d' $last_line)
wait_screen 10 "$last"
ok $? "following, the pager reaches the last line of the body ($last)"

# --- save it ------------------------------------------------------------------------

keys q
wait_screen 5 'shown 1/'
ok $? "q goes back to the list"
keys s
wait_screen 5 'Directory:'
ok $? "s opens the save dialog"
keys C-u
text "$work/saved"
keys Enter
wait_file 10 "$work/saved/report.xml"
ok $? "the save writes a folder with a report.xml"
sleep 0.5

cport=
for f in "$work"/log/resp.*; do
	[ "$(stat -c %s "$f")" -gt "$big_bytes" ] && cport=${f##*.}
done
sc=$(printf '127.000.000.001.08081-127.000.000.001.%05d' "${cport:-0}")
cs=$(printf '127.000.000.001.%05d-127.000.000.001.08081' "${cport:-0}")
tap_diag "saved: $(cd "$work/saved" 2>/dev/null && ls | tr '\n' ' ')"
cmp "$work/saved/$sc" "$work/log/resp.$cport" >"$work/cmp.out" 2>&1
s=$?
[ $s -eq 0 ] || tap_diag "$(cat "$work/cmp.out")" \
    "saved $(stat -c %s "$work/saved/$sc" 2>/dev/null) bytes, sent" \
    "$(stat -c %s "$work/log/resp.$cport" 2>/dev/null)"
tap_ok $s "saved server->client file = every byte the server sent (header + body)"
cmp "$work/saved/$cs" "$work/log/req.$cport" >"$work/cmp.out" 2>&1
s=$?
[ $s -eq 0 ] || tap_diag "$(cat "$work/cmp.out")"
tap_ok $s "saved client->server file = every byte the server received"
n=$(cd "$work/saved" 2>/dev/null && ls | grep -vc '^report.xml$')
[ "$n" = 2 ]
s=$?
[ $s -eq 0 ] || tap_diag "files besides report.xml: $n"
tap_ok $s "only the one (filtered, selected) connection was saved"

# --- quit: live, so it asks once -------------------------------------------------------

keys q
wait_screen 5 'press q again'
ok $? "q during a live capture asks once"
[ ! -e "$work/fs.rc" ]
tap_ok $? "the first q does not quit"
keys q
wait_file 20 "$work/fs.rc"
s=$?
rc=$(cat "$work/fs.rc" 2>/dev/null)
[ $s -eq 0 ] && [ "$rc" = 0 ]
s=$?
[ $s -eq 0 ] || tap_diag "rc '$rc'; stderr: $(cat "$work/fs.err" 2>/dev/null)"
tap_ok $s "the second q quits, exit status 0"
[ ! -s "$work/fs.err" ]
s=$?
[ $s -eq 0 ] || tap_diag "stderr: $(head -c 2000 "$work/fs.err")"
tap_ok $s "nothing on stderr"

tap_done
exit 0
