#!/bin/bash
# soak.sh: a live soak of the interactive UI.  In a network namespace made
# here (loopback only), a python3 HTTP server and a bounded client loop make
# short, keep-alive and long HTTP connections over 127.0.0.1 for MINUTES
# while flowscope --tui -i lo -o OUT runs in a tmux pane (80x24).  Every 10 s
# it samples flowscope's RSS, CPU time, open fds and the header's drops into
# samples.csv; at the end it quits the UI (q q), then compares every
# connection the client completed with the two files flowscope wrote for it
# (found through report.xml, so reused client ports are told apart).
#
# A benchmark, not a test: it prints figures and times nothing against a
# limit.  Exit status 1 only when the correctness check fails (a file
# differs from the bytes on the wire, a completed connection has no files,
# or flowscope did not exit cleanly with a report.xml); 2 when something it
# needs is missing.
#
# The client (python3, raw sockets, so it knows every byte on the wire):
#   short       ~SOAK_RATE connections/s in all, one GET each, body of
#               200-800 bytes; a fifth of them are keep-alive with 2-5 GETs
#   long        SOAK_LONG threads, each fetching 1..SOAK_LONG_MB MB paced by
#               the server (SOAK_CHUNK bytes every SOAK_DELAY s: seconds per
#               connection); the second and later threads pause 0-5 s
#               between connections, so 1..SOAK_LONG run at once
# Every body is random bytes seeded by its URL, so the checker rebuilds the
# server's side from the URL and the recorded response headers.
#
# usage: bench/soak.sh [MINUTES]        (default 20; e.g. 2 for a quick try)
# Environment (defaults in brackets):
#   FLOWSCOPE     binary [./flowscope, else the repository's flowscope]
#   SOAK_DIR      work and results folder [/tmp/flowscope-soak.PID]; the
#                 flow files and the manifest are removed at the end unless
#                 SOAK_KEEP=1 or the check failed
#   SOAK_RATE [20] SOAK_LONG [2] SOAK_LONG_MB [4] SOAK_CHUNK [65536]
#   SOAK_DELAY [0.1] SOAK_EVERY [10] (seconds between samples)
#   SOAK_WARMUP   seconds of warm-up [120, or a fifth of the run if shorter]
# Needs root, ip netns, tmux, python3 (3.9+).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 2
repo=$(cd "$here/.." && pwd)
if [ -n "${FLOWSCOPE-}" ]; then
	bin=$FLOWSCOPE
elif [ -x ./flowscope ]; then
	bin=./flowscope
else
	bin=$repo/flowscope
fi
case $bin in
/*) ;;
*) bin=$PWD/$bin ;;
esac

minutes=${1:-20}
case $minutes in
'' | *[!0-9.]* | *.*.*)
	echo "usage: bench/soak.sh [MINUTES]" >&2
	exit 2
	;;
esac
rate=${SOAK_RATE:-20}
nlong=${SOAK_LONG:-2}
long_mb=${SOAK_LONG_MB:-4}
chunk=${SOAK_CHUNK:-65536}
delay=${SOAK_DELAY:-0.1}
every=${SOAK_EVERY:-10}
run_s=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
warmup=${SOAK_WARMUP:-$((run_s / 5 < 120 ? run_s / 5 : 120))}

missing=
[ "$(id -u)" -eq 0 ] || missing="$missing root"
for t in ip tmux python3 curl awk; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
ip netns list >/dev/null 2>&1 || missing="$missing ip-netns"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null ||
    missing="$missing python3>=3.9"
[ -x "$bin" ] || missing="$missing $bin"
if [ -n "$missing" ]; then
	echo "soak.sh: missing:$missing" >&2
	exit 2
fi

work=${SOAK_DIR:-/tmp/flowscope-soak.$$}
case $(cd "$(dirname "$work")" 2>/dev/null && pwd)/ in
"$repo"/*)
	echo "soak.sh: SOAK_DIR inside the repository: $work" >&2
	exit 2
	;;
esac
mkdir -p "$work" || exit 2
work=$(cd "$work" && pwd)
rm -rf "$work/out" "$work/manifest.jsonl" "$work/fs.rc" "$work/fs.pid"

ns=fs-soak-$$
sock=fs-soak-$$
tm=(tmux -L "$sock" -f /dev/null)
nsx=(ip netns exec "$ns")
srv_pid=
cli_pid=
cleanup()
{
	local p
	"${tm[@]}" kill-server 2>/dev/null
	[ -n "$cli_pid" ] && kill "$cli_pid" 2>/dev/null
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	# Anything still running in the namespace was started here.
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	sleep 0.3
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns" || { echo "soak.sh: cannot add netns $ns" >&2; exit 2; }
ip -n "$ns" link set lo up || exit 2

# --- the server -----------------------------------------------------------------

cat >"$work/httpd.py" <<'EOF'
# The soak's HTTP/1.1 server: GET /s/KEY?n=N sends N bytes at once,
# GET /l/KEY?n=N sends them CHUNK bytes every DELAY seconds.  The body is
# random.Random(path).randbytes(N).  Keep-alive unless the request says
# Connection: close.
import random, sys, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlsplit, parse_qs

port, chunk, delay, ready = int(sys.argv[1]), int(sys.argv[2]), \
    float(sys.argv[3]), sys.argv[4]

class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    timeout = 60

    def log_message(self, *a):
        pass

    def do_GET(self):
        u = urlsplit(self.path)
        try:
            n = int(parse_qs(u.query)['n'][0])
            if not 0 <= n <= 64 << 20 or u.path[:3] not in ('/s/', '/l/'):
                raise ValueError
        except (KeyError, ValueError):
            self.send_error(404)
            return
        body = random.Random(self.path).randbytes(n)
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(n))
        if self.headers.get('Connection', '').lower() == 'close':
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.end_headers()
        if u.path.startswith('/s/'):
            self.wfile.write(body)
            return
        for off in range(0, n, chunk):
            self.wfile.write(body[off:off + chunk])
            time.sleep(delay)

class S(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

srv = S(('127.0.0.1', port), H)
with open(ready, 'w') as f:
    f.write('ready\n')
srv.serve_forever()
EOF

# --- the client -------------------------------------------------------------------

cat >"$work/client.py" <<'EOF'
# The soak's client: raw sockets, so it knows the exact bytes each way.
# One JSON line per connection in the manifest:
#   id kind port t0 t1 status req(base64 of every byte sent)
#   resp: [[header base64, path, n], ...]  (what it received, in order)
#   s2c_len s2c_sha (sha256 of every byte received)
# status "ok" only when the connection completed (every response whole,
# then the server's close) and the bytes received are exactly the headers
# plus the bodies the URLs give.
import base64, hashlib, json, random, socket, sys, threading, time

(port, run_s, rate, nlong, long_mb, manifest) = (int(sys.argv[1]),
    float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]),
    float(sys.argv[5]), sys.argv[6])
end = time.monotonic() + run_s
lock = threading.Lock()
out = open(manifest, 'w')
ids = iter(range(1 << 62))
counts = {'ok': 0, 'error': 0}

def body(path, n):
    return random.Random(path).randbytes(n)

def recv_more(s, got):
    b = s.recv(262144)
    if not b:
        raise EOFError('closed early')
    got += b

def conn(kind, reqs):
    with lock:
        cid = next(ids)
    rec = {'id': cid, 'kind': kind, 'port': 0, 't0': time.time()}
    sent = bytearray()
    got = bytearray()
    resp = []
    status = 'ok'
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(60)
    try:
        s.connect(('127.0.0.1', port))
        rec['port'] = s.getsockname()[1]
        for j, (path, n) in enumerate(reqs):
            last = j == len(reqs) - 1
            req = ('GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n'
                   'User-Agent: flowscope-soak\r\nConnection: %s\r\n\r\n'
                   % (path, port, 'close' if last else 'keep-alive')).encode()
            s.sendall(req)
            sent += req
            start = len(got)
            while got.find(b'\r\n\r\n', start) < 0:
                recv_more(s, got)
            hend = got.find(b'\r\n\r\n', start) + 4
            head = bytes(got[start:hend])
            cl = -1
            for line in head.split(b'\r\n'):
                if line.lower().startswith(b'content-length:'):
                    cl = int(line.split(b':', 1)[1])
            if cl < 0:
                raise ValueError('no Content-Length')
            while len(got) < hend + cl:
                recv_more(s, got)
            resp.append([base64.b64encode(head).decode(), path, n])
        while True:
            b = s.recv(262144)
            if not b:
                break
            got += b
        want = b''.join(base64.b64decode(h) + body(p, n)
                        for h, p, n in resp)
        if want != got:
            status = 'error: received bytes differ from the URLs\' bodies'
    except (OSError, EOFError, ValueError) as e:
        status = 'error: %s' % e
    finally:
        s.close()
    rec.update(t1=time.time(), status=status,
               req=base64.b64encode(sent).decode(), resp=resp,
               s2c_len=len(got), s2c_sha=hashlib.sha256(got).hexdigest())
    with lock:
        out.write(json.dumps(rec) + '\n')
        out.flush()
        counts['ok' if status == 'ok' else 'error'] += 1

def short_loop(k, nthreads):
    rng = random.Random('short-%d' % k)
    gap = nthreads / rate
    t = time.monotonic()
    i = 0
    while time.monotonic() < end:
        i += 1
        nreq = rng.randint(2, 5) if rng.random() < 0.2 else 1
        reqs = [('/s/%d-%d-%d?n=%d' % (k, i, j, n), n) for j, n in
                enumerate(rng.randint(200, 800) for _ in range(nreq))]
        conn('keepalive' if nreq > 1 else 'short', reqs)
        t += gap
        now = time.monotonic()
        if t > now:
            time.sleep(t - now)
        elif now - t > 1:
            t = now          # far behind: do not burst to catch up

def long_loop(k):
    rng = random.Random('long-%d' % k)
    i = 0
    while time.monotonic() < end:
        if k > 0:
            time.sleep(rng.uniform(0, 5))
            if time.monotonic() >= end:
                break
        i += 1
        n = rng.randint(1 << 20, int(long_mb * (1 << 20)))
        conn('long', [('/l/%d-%d?n=%d' % (k, i, n), n)])

nshort = 2
th = [threading.Thread(target=short_loop, args=(k, nshort))
      for k in range(nshort)]
th += [threading.Thread(target=long_loop, args=(k,)) for k in range(nlong)]
for t in th:
    t.start()
for t in th:
    t.join()
out.close()
print('client: %d completed, %d with errors' % (counts['ok'],
      counts['error']))
EOF

# --- the checker ------------------------------------------------------------------

cat >"$work/check.py" <<'EOF'
# The soak's checker: match each manifest connection to a connection of
# report.xml (same client port, nearest start time, each used once), then
# compare its client->server file with the bytes sent and its
# server->client file with the headers + bodies received.
import base64, datetime, hashlib, json, random, sys
import xml.etree.ElementTree as ET

manifest, report, port, maxshow = sys.argv[1], sys.argv[2], \
    int(sys.argv[3]), 5

def ts(s):
    d = datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%S.%fZ')
    return d.replace(tzinfo=datetime.timezone.utc).timestamp()

conns = {}
for ev, el in ET.iterparse(report):
    if el.tag.rsplit('}', 1)[-1] != 'fileobject':
        continue
    f = {'name': None, 'size': -1}
    for c in el:
        tag = c.tag.rsplit('}', 1)[-1]
        if tag == 'filename':
            f['name'] = c.text
        elif tag == 'filesize':
            f['size'] = int(c.text)
        elif tag in ('tcpflow', 'flowscope'):
            f.update(c.attrib)
    el.clear()
    if 'conn_id' not in f:
        continue
    key = (f['conn_id'], f.get('instance', '0'))
    cn = conns.setdefault(key, {'files': {}, 'start': None, 'port': None})
    cn['files'][f['side']] = f
    st = ts(f['startime'])
    cn['start'] = st if cn['start'] is None else min(cn['start'], st)
    sp, dp = int(f['srcport']), int(f['dstport'])
    cn['port'] = sp if dp == port else dp if sp == port else None

byport = {}
for k, cn in conns.items():
    if cn['port'] is not None:
        byport.setdefault(cn['port'], []).append(k)

def body(path, n):
    return random.Random(path).randbytes(n)

def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))

n = {'made': 0, 'incomplete': 0, 'ok': 0, 'mismatch': 0, 'missing': 0}
kinds = {}
shown = []
used = set()
bytes_checked = 0
recs = []
with open(manifest) as fh:
    for line in fh:
        recs.append(json.loads(line))
recs.sort(key=lambda r: r['t0'])
for r in recs:
    n['made'] += 1
    if r['status'] != 'ok':
        n['incomplete'] += 1
        if len(shown) < maxshow:
            shown.append('incomplete (client side) #%d %s port %d: %s'
                         % (r['id'], r['kind'], r['port'], r['status']))
        continue
    best = None
    for k in byport.get(r['port'], []):
        if k in used:
            continue
        d = abs(conns[k]['start'] - r['t0'])
        if d < 30 and (best is None or d < best[0]):
            best = (d, k)
    kd = kinds.setdefault(r['kind'], [0, 0])
    kd[0] += 1
    if best is None:
        n['missing'] += 1
        if len(shown) < maxshow:
            shown.append('missing #%d %s port %d t0 %.6f: no connection '
                         'in report.xml' % (r['id'], r['kind'], r['port'],
                                            r['t0']))
        continue
    used.add(best[1])
    cn = conns[best[1]]
    c2s = base64.b64decode(r['req'])
    bad = []
    for side, want in (('client', c2s), ('server', None)):
        f = cn['files'].get(side)
        if f is None:
            bad.append('%s side: no file in report.xml' % side)
            continue
        try:
            with open(f['name'], 'rb') as fh:
                got = fh.read()
        except OSError as e:
            bad.append('%s side: %s' % (side, e))
            continue
        bytes_checked += len(got)
        if side == 'server':
            if (len(got) == r['s2c_len'] and
                    hashlib.sha256(got).hexdigest() == r['s2c_sha']):
                continue
            want = b''.join(base64.b64decode(h) + body(p, m)
                            for h, p, m in r['resp'])
        elif got == want:
            continue
        bad.append('%s side %s: %d bytes, expected %d, first difference '
                   'at offset %d (holes %s, hole_bytes %s, overlaps %s, '
                   'close %s)' % (side, f['name'], len(got), len(want),
                                  first_diff(got, want), f.get('holes'),
                                  f.get('hole_bytes'), f.get('overlaps'),
                                  f.get('close')))
    if bad:
        n['mismatch'] += 1
        if len(shown) < maxshow:
            shown.append('mismatch #%d %s port %d t0 %.6f (%.3f s), '
                         'conn_id %s instance %s:\n    %s'
                         % (r['id'], r['kind'], r['port'], r['t0'],
                            r['t1'] - r['t0'], best[1][0], best[1][1],
                            '\n    '.join(bad)))
    else:
        n['ok'] += 1
        kd[1] += 1
extra = sum(1 for k, cn in conns.items()
            if cn['port'] is not None and k not in used)
reused = sum(1 for p, ks in byport.items() if len(ks) > 1)
print('connections made %d: verified %d, mismatched %d, missing %d, '
      'incomplete on the client side (not checked) %d'
      % (n['made'], n['ok'], n['mismatch'], n['missing'], n['incomplete']))
print('  by kind: ' + ', '.join('%s %d/%d ok' % (k, v[1], v[0])
                                for k, v in sorted(kinds.items())))
print('  report.xml: %d connections, %d client ports used more than once, '
      '%d not matched to the manifest; %.1f MB of files compared'
      % (len(conns), reused, extra, bytes_checked / 1e6))
for s in shown:
    print('  ' + s)
sys.exit(1 if n['mismatch'] or n['missing'] else 0)
EOF

# --- the sample summary -----------------------------------------------------------

cat >"$work/mem.py" <<'EOF'
# Memory and drops from samples.csv: RSS at the end of the warm-up, the
# highest after it, at the end, and the least-squares slope after it.
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
warm = float(sys.argv[2])
if not rows:
    print('no samples')
    sys.exit(0)
mb = lambda kb: int(kb) / 1024.0
after = [r for r in rows if float(r['t_s']) >= warm] or rows[-1:]
w = after[0]
xs = [float(r['t_s']) for r in after]
ys = [mb(r['rss_kb']) for r in after]
slope = 0.0
if len(xs) > 1:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx > 0:
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
last = rows[-1]
dc = int(last['conns']) - int(w['conns']) if last['conns'].isdigit() and \
    w['conns'].isdigit() else 0
per = ((mb(last['rss_kb']) - mb(w['rss_kb'])) * 1048576 / dc) if dc > 0 \
    else 0
print('RSS: warm-up end (t=%ss) %.1f MB, max after %.1f MB, end %.1f MB; '
      'slope %+.2f MB per 10 min (%d samples after warm-up)'
      % (w['t_s'], mb(w['rss_kb']), max(ys), mb(last['rss_kb']),
         slope * 600, len(after)))
print('     peak (VmHWM) %.1f MB; growth per connection seen after the '
      'warm-up %.0f bytes (%d connections)' % (mb(last['hwm_kb']), per, dc))
print('CPU: %.1f s in all (%.1f%% of one core); open fds at the last '
      'sample %s' % (float(last['cpu_s']), 100 * float(last['cpu_s']) /
                     max(1.0, float(last['t_s'])), last['fds']))
EOF

# --- run --------------------------------------------------------------------------

"${nsx[@]}" python3 "$work/httpd.py" 8080 "$chunk" "$delay" \
    "$work/ready" >"$work/httpd.err" 2>&1 &
srv_pid=$!
for _ in $(seq 100); do
	[ -e "$work/ready" ] && break
	sleep 0.1
done
[ -e "$work/ready" ] || { echo "soak.sh: the server did not start:" \
    "$(cat "$work/httpd.err")" >&2; exit 2; }
# A sanity check of the server with curl (not captured by anything yet).
"${nsx[@]}" env -u http_proxy -u all_proxy curl -sS --noproxy '*' \
    --max-time 10 -o /dev/null 'http://127.0.0.1:8080/s/probe?n=10' ||
    { echo "soak.sh: the server does not answer" >&2; exit 2; }

cat >"$work/run-fs.sh" <<EOF
echo \$\$ >'$work/fs.pid'
exec ip netns exec '$ns' env TERM=screen '$bin' --tui -i lo \\
    -o '$work/out' 2>'$work/fs.err'
EOF
"${tm[@]}" new-session -d -s fs -x 80 -y 24 \
    "sh '$work/run-fs.sh'; echo \$? >'$work/fs.rc'; sleep 2" ||
    { echo "soak.sh: tmux failed" >&2; exit 2; }

screen()
{
	"${tm[@]}" capture-pane -p -t fs 2>/dev/null
}

for _ in $(seq 150); do
	screen | grep -q ' live' && break
	sleep 0.1
done
fs_pid=$(cat "$work/fs.pid" 2>/dev/null)
if [ -z "$fs_pid" ] || ! screen | grep -q ' live'; then
	echo "soak.sh: the UI did not start on lo:" >&2
	screen >&2
	cat "$work/fs.err" >&2
	exit 1
fi
hz=$(getconf CLK_TCK)
# The UI's spool (under TMPDIR): live.pcap keeps every captured packet (for
# saving pcaps), runs.log the run records.
spool=
for f in "/proc/$fs_pid/fd"/*; do
	l=$(readlink "$f" 2>/dev/null) || continue
	case $l in
	*/live.pcap) spool=${l%/live.pcap} ;;
	esac
done

# sample T: one CSV line.
sample()
{
	local s rss hwm drops conns open cpu fds skd lodrop sp
	s=$(screen)
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$fs_pid/status" 2>/dev/null)
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$fs_pid/status" 2>/dev/null)
	cpu=$(awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%.2f",
	    ($12 + $13) / hz }' "/proc/$fs_pid/stat" 2>/dev/null)
	fds=$(find "/proc/$fs_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null |
	    wc -l)
	drops=$(printf '%s\n' "$s" | sed -n 2p | grep -Eo 'drops [0-9]+' |
	    grep -Eo '[0-9]+')
	conns=$(printf '%s\n' "$s" | sed -n 1p | grep -Eo '[0-9]+ conns' |
	    grep -Eo '[0-9]+')
	open=$(printf '%s\n' "$s" | sed -n 1p | grep -Eo '\([0-9]+ open' |
	    grep -Eo '[0-9]+')
	# The kernel's own count of what the packet socket dropped (skmem d).
	skd=$("${nsx[@]}" ss -0 -m -p 2>/dev/null |
	    awk -v p="pid=$fs_pid," 'index($0, p) { f = 1 } f && /skmem/ {
	    if (match($0, /,d[0-9]+\)/)) print substr($0, RSTART + 2,
	    RLENGTH - 3); exit }')
	lodrop=$(ip -n "$ns" -s -s link show lo 2>/dev/null |
	    awk '/RX:/ { getline; print $4; exit }')
	sp=0
	[ -n "$spool" ] && sp=$(du -sk "$spool" 2>/dev/null | cut -f1)
	echo "$1,${rss:-0},${hwm:-0},$cpu,$fds,${drops:-},${conns:-},${open:-},$(cat "$work/manifest.jsonl" 2>/dev/null | wc -l),${skd:-},${lodrop:-},${sp:-0},$(du -sk "$work/out" 2>/dev/null | cut -f1)"
}

echo "t_s,rss_kb,hwm_kb,cpu_s,fds,drops,conns,open,client_done,sk_drops,lo_rx_dropped,spool_kb,out_kb" >"$work/samples.csv"
echo "soak.sh: $minutes min, work folder $work, flowscope pid $fs_pid"
echo "  client: ~$rate short conn/s (a fifth keep-alive), $nlong long" \
    "(1-$long_mb MB, $chunk B every $delay s)"

t_start=$SECONDS
sample 0 >>"$work/samples.csv"
"${nsx[@]}" python3 "$work/client.py" 8080 "$run_s" "$rate" "$nlong" \
    "$long_mb" "$work/manifest.jsonl" >"$work/client.out" 2>&1 &
cli_pid=$!

next=$every
while kill -0 "$cli_pid" 2>/dev/null; do
	sleep 1
	t=$((SECONDS - t_start))
	if [ $t -ge $next ]; then
		sample $t >>"$work/samples.csv"
		tail -1 "$work/samples.csv" | awk -F, '{ printf "  t=%ss rss %.1f MB drops %s conns %s client %s\n", $1, $2 / 1024, $6, $7, $9 }'
		next=$((next + every))
	fi
	if ! kill -0 "$fs_pid" 2>/dev/null; then
		echo "soak.sh: flowscope exited during the run" >&2
		break
	fi
	if [ $t -gt $((run_s + 600)) ]; then
		echo "soak.sh: the client runs 10 min past its end; stopping it" >&2
		kill "$cli_pid" 2>/dev/null
	fi
done
wait "$cli_pid" 2>/dev/null
cli_pid=
cat "$work/client.out"
# Let the last packets reach the UI, then a last sample and quit.
sleep 3
t=$((SECONDS - t_start))
sample $t >>"$work/samples.csv"
screen >"$work/screen-end.txt"

fs_ok=1
if kill -0 "$fs_pid" 2>/dev/null; then
	"${tm[@]}" send-keys -t fs q
	sleep 1
	"${tm[@]}" send-keys -t fs q
	t_q=$SECONDS
	while kill -0 "$fs_pid" 2>/dev/null && [ $((SECONDS - t_q)) -lt 300 ]; do
		sleep 0.2
	done
	quit_s=$((SECONDS - t_q))
	if kill -0 "$fs_pid" 2>/dev/null; then
		echo "soak.sh: flowscope still running 300 s after q q; SIGTERM" >&2
		kill "$fs_pid"
		sleep 30
		kill -9 "$fs_pid" 2>/dev/null
		fs_ok=0
	fi
else
	quit_s=-1
	fs_ok=0
fi
for _ in $(seq 50); do
	[ -e "$work/fs.rc" ] && break
	sleep 0.1
done
fs_rc=$(cat "$work/fs.rc" 2>/dev/null || echo '?')
[ "$fs_rc" = 0 ] || fs_ok=0
[ -s "$work/report.xml" ] || [ -s "$work/out/report.xml" ] || fs_ok=0

# --- the figures --------------------------------------------------------------------

{
	echo "== flowscope soak: $minutes min, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "binary $bin; $(uname -sr); $(nproc) CPUs"
	echo "client: ~$rate short conn/s (a fifth keep-alive with 2-5 GETs)," \
	    "$nlong long (1-$long_mb MB, $chunk B every $delay s)"
	echo "flowscope: exit status $fs_rc, quit took ${quit_s} s after q q," \
	    "stderr $(wc -c <"$work/fs.err") bytes"
	[ -s "$work/fs.err" ] && head -c 2000 "$work/fs.err" | sed 's/^/  stderr: /'
	python3 "$work/mem.py" "$work/samples.csv" "$warmup"
	last=$(tail -1 "$work/samples.csv")
	echo "drops: UI header $(echo "$last" | cut -d, -f6) (pcap_stats," \
	    "the kernel's count); packet socket skmem d" \
	    "$(echo "$last" | cut -d, -f10); lo RX dropped" \
	    "$(echo "$last" | cut -d, -f11)"
	echo "disk: the UI's spool ${spool:-?} $(echo "$last" |
	    awk -F, '{ printf "%.0f", $12 / 1024 }') MB at the end (live.pcap:" \
	    "every packet), $([ -n "$spool" ] && [ -e "$spool" ] &&
	    echo "left behind after exit" || echo "removed at exit");" \
	    "flow files $(echo "$last" | awk -F, '{ printf "%.0f", $13 / 1024 }') MB"
	echo "UI at the end: $(sed -n 1p "$work/screen-end.txt" | tr -s ' ')"
	echo "               $(sed -n 2p "$work/screen-end.txt" | tr -s ' ')"
	if [ -s "$work/out/report.xml" ]; then
		echo "output: $(find "$work/out" -type f | wc -l) files," \
		    "$(du -sm "$work/out" | cut -f1) MB"
		python3 "$work/check.py" "$work/manifest.jsonl" \
		    "$work/out/report.xml" 8080
		check_rc=$?
	else
		echo "no report.xml in $work/out: nothing checked"
		check_rc=1
	fi
	echo "check: $([ $check_rc -eq 0 ] && [ $fs_ok -eq 1 ] && echo PASS ||
	    echo FAIL)"
	echo "samples: $work/samples.csv"
} 2>&1 | tee "$work/summary.txt"
grep -q '^check: PASS' "$work/summary.txt"
rc=$?
if [ $rc -eq 0 ] && [ "${SOAK_KEEP:-0}" != 1 ]; then
	rm -rf "$work/out" "$work/manifest.jsonl"
else
	echo "kept $work/out and $work/manifest.jsonl"
fi
exit $rc
