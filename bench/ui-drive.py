#!/usr/bin/env python3
"""ui-drive.py: drive flowscope's UI in tmux and time it from its trace.

Used by bench/ui-load.sh and bench/ui-million.sh (not a test: it prints
numbers, it asserts nothing).  flowscope runs in a tmux pane (80x24, a
private socket) with FLOWSCOPE_UI_TRACE set; the UI appends
"MONO_MS EVENT A B" lines (CLOCK_MONOTONIC ms, the clock of
time.monotonic()): "start 0 0", "key CODE ISKEY" per key read, "frame NVIEW
NROWS" per screen drawn, and, where the UI has it, "done ..." when loading
ended.  A small exec wrapper writes the process id and the monotonic time
just before flowscope is exec'd, so times count from process start.

usage:
  ui-drive.py load    --bin B --cap FILE --work DIR [--every 0.2]
  ui-drive.py million --bin B --cap FILE --work DIR [--base FILE]

load:    time to the first screen with rows, latency of j/k sent every
         --every seconds while loading, time until the header says
         "loaded"; prints "key value" lines (ms) for the shell script.
million: peak RSS (VmHWM) after loading --base and FILE; then, at FILE's
         size, the latency of sort (F6, r), incremental filter (/10.0.1,
         one key at a time), scroll (PgDn x20, G, g).
"""

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

KEYCODES = {  # tmux key name -> (curses code, is_key)
    'F6': (264 + 6, 1), 'NPage': (338, 1), 'PPage': (339, 1),
    'Enter': (13, 0), 'Escape': (27, 0),
}


class UI:
    def __init__(self, binary, args, work, tag, tmpdir):
        self.sock = 'fs-uibench-%d-%s' % (os.getpid(), tag)
        self.tm = ['tmux', '-L', self.sock, '-f', '/dev/null']
        self.trace = os.path.join(work, tag + '.trace')
        self.pidf = os.path.join(work, tag + '.pid')
        self.rcf = os.path.join(work, tag + '.rc')
        for f in (self.trace, self.pidf, self.rcf):
            if os.path.exists(f):
                os.unlink(f)
        wrap = ('import os,sys,time\n'
                'open(sys.argv[1]+".tmp","w").write("%d %.3f\\n" % '
                '(os.getpid(), time.monotonic()*1000))\n'
                'os.rename(sys.argv[1]+".tmp", sys.argv[1])\n'
                'os.execv(sys.argv[2], sys.argv[2:])\n')
        cmd = ' '.join(shlex.quote(x) for x in
                       [sys.executable, '-c', wrap, self.pidf, binary] + args)
        cmd = ('env FLOWSCOPE_UI_TRACE=%s TMPDIR=%s %s 2>%s; echo $? >%s; '
               'sleep 2' % (shlex.quote(self.trace), shlex.quote(tmpdir),
                            cmd, shlex.quote(self.trace + '.err'),
                            shlex.quote(self.rcf)))
        subprocess.run(self.tm + ['new-session', '-d', '-s', 'ui', '-x', '80',
                                  '-y', '24', cmd], check=True)
        end = time.monotonic() + 20
        while not os.path.exists(self.pidf):
            if time.monotonic() > end:
                raise SystemExit('ui-drive: flowscope did not start')
            time.sleep(0.01)
        pid, t0 = open(self.pidf).read().split()
        self.pid, self.t_exec = int(pid), float(t0)
        self.tpos = 0
        self.events = []

    def screen(self):
        r = subprocess.run(self.tm + ['capture-pane', '-p', '-t', 'ui'],
                           capture_output=True, text=True)
        return r.stdout

    def send(self, *keys, literal=False):
        t = time.monotonic() * 1000
        subprocess.run(self.tm + ['send-keys', '-t', 'ui'] +
                       (['-l', '--'] if literal else []) + list(keys),
                       check=False)
        return t

    def read_trace(self):
        """Append the trace's new complete lines to self.events."""
        try:
            with open(self.trace, 'rb') as f:
                f.seek(self.tpos)
                data = f.read()
        except OSError:
            return self.events
        cut = data.rfind(b'\n') + 1
        self.tpos += cut
        for line in data[:cut].decode('ascii', 'replace').splitlines():
            p = line.split()
            if len(p) >= 4:
                try:
                    self.events.append((float(p[0]), p[1], int(p[2]),
                                        int(p[3])))
                except ValueError:
                    pass
        return self.events

    def hwm(self):
        """VmHWM and VmRSS in bytes."""
        out = {}
        try:
            for line in open('/proc/%d/status' % self.pid):
                k, _, v = line.partition(':')
                if k in ('VmHWM', 'VmRSS'):
                    out[k] = int(v.split()[0]) * 1024
        except OSError:
            pass
        return out.get('VmHWM', 0), out.get('VmRSS', 0)

    def wait_loaded(self, timeout, on_poll=None, poll=0.05):
        """Poll until the header says "loaded"; returns (t_seen,
        t_last_not_seen), monotonic ms."""
        end = time.monotonic() + timeout
        t_neg = self.t_exec
        while time.monotonic() < end:
            t = time.monotonic() * 1000
            scr = self.screen()
            if ' loaded' in scr.split('\n', 1)[0]:
                return t, t_neg
            t_neg = t
            if on_poll:
                on_poll()
            time.sleep(poll)
        return None, t_neg

    def quit(self, timeout=60):
        self.send('q')
        end = time.monotonic() + timeout
        while not os.path.exists(self.rcf) and time.monotonic() < end:
            time.sleep(0.05)
        rc = open(self.rcf).read().strip() if os.path.exists(self.rcf) \
            else 'timeout'
        subprocess.run(self.tm + ['kill-server'], capture_output=True)
        return rc


def frame_after(events, t):
    for e in events:
        if e[1] == 'frame' and e[0] >= t:
            return e
    return None


def loaded_frame(ui, t_seen, t_neg):
    """The frame that first showed "loaded": a trace "done" line if the UI
    writes one, else the first frame drawn after the last poll that did not
    see it (at most one frame late)."""
    ev = ui.read_trace()
    for e in ev:
        if e[1] == 'done':
            f = frame_after(ev, e[0])
            return (f[0] if f else e[0]), 'trace done event'
    cands = [e for e in ev if e[1] == 'frame' and t_neg - 5 <= e[0] <= t_seen]
    if cands:
        return cands[0][0], 'screen poll + trace frame'
    return t_seen, 'screen poll'


def pct(xs, p):
    if not xs:
        return float('nan')
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * (len(xs) - 1)))))
    return xs[k]


def stats(xs):
    if not xs:
        return 'n=0'
    return 'n=%d p50=%.1f p95=%.1f max=%.1f' % (len(xs), pct(xs, 50),
                                               pct(xs, 95), max(xs))


def cmd_load(a):
    ui = UI(a.bin, ['--tui', '-r', a.cap], a.work, 'load', a.tmpdir)
    sent = []          # (t_send, code)
    state = {'next': time.monotonic() + a.every, 'n': 0}

    def tick():
        now = time.monotonic()
        if now >= state['next']:
            k = 'j' if state['n'] % 4 < 2 else 'k'
            sent.append((ui.send(k), ord(k)))
            state['n'] += 1
            state['next'] += a.every

    t_seen, t_neg = ui.wait_loaded(a.timeout, on_poll=tick)
    ev = ui.read_trace()
    t_start = next((e[0] for e in ev if e[1] == 'start'), None)
    first = next((e for e in ev if e[1] == 'frame' and e[3] > 0), None)
    keys = [e for e in ev if e[1] == 'key']
    lat_send, lat_key = [], []
    worst = None
    for i, (ts, code) in enumerate(sent):
        if i >= len(keys) or keys[i][2] != code:
            break
        f = frame_after(ev, keys[i][0])
        if f is None:
            continue
        lat_send.append(f[0] - ts)
        lat_key.append(f[0] - keys[i][0])
        if worst is None or f[0] - ts > worst[0]:
            worst = (f[0] - ts, ts - ui.t_exec)
    # Gaps between frames while loading: a long one is a stall.
    frames = [e[0] for e in ev if e[1] == 'frame']
    gaps = [b - a_ for a_, b in zip(frames, frames[1:])]
    if t_seen is None:
        print('loaded_ms NA')
        tl, how = None, 'timeout'
    else:
        tl, how = loaded_frame(ui, t_seen, t_neg)
        print('loaded_ms %.1f' % (tl - ui.t_exec))
    print('loaded_how %s' % how.replace(' ', '_'))
    print('start_ms %.1f' % ((t_start - ui.t_exec) if t_start else -1))
    print('first_rows_ms %.1f' % ((first[0] - ui.t_exec) if first else -1))
    print('first_rows_from_start_ms %.1f' % ((first[0] - t_start)
                                             if first and t_start else -1))
    print('keys_sent %d' % len(sent))
    print('keys_matched %d' % len(lat_send))
    print('lat_send %s' % stats(lat_send))
    print('lat_key %s' % stats(lat_key))
    if worst:
        print('lat_worst_at_ms %.0f' % worst[1])
    print('frame_gap %s' % stats(gaps))
    print('hwm_bytes %d' % ui.hwm()[0])
    last = [e for e in ev if e[1] == 'frame']
    print('rows %d' % (last[-1][3] if last else 0))
    print('rc %s' % ui.quit())


def measure_key(ui, keys, literal=False, timeout=60.0):
    """Send one key; wait for its key line and the next frame.  Returns
    (send->frame, key->frame) in ms, or None on timeout."""
    n0 = sum(1 for e in ui.read_trace() if e[1] == 'key')
    ts = ui.send(*keys, literal=literal)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ev = ui.read_trace()
        ks = [e for e in ev if e[1] == 'key']
        if len(ks) > n0:
            f = frame_after(ev, ks[n0][0])
            if f is not None:
                # Let any other key lines of the same send land.
                return f[0] - ts, f[0] - ks[n0][0], f
        time.sleep(0.002)
    return None


def cmd_million(a):
    res = {}
    for tag, cap in (('base', a.base), ('big', a.cap)):
        ui = UI(a.bin, ['--tui', '-r', cap], a.work, tag, a.tmpdir)
        t_seen, t_neg = ui.wait_loaded(a.timeout)
        if t_seen is None:
            print('%s_loaded_ms NA' % tag)
        else:
            tl, _ = loaded_frame(ui, t_seen, t_neg)
            print('%s_loaded_ms %.1f' % (tag, tl - ui.t_exec))
        time.sleep(1.5)     # a tick or two after loading
        hwm, rss = ui.hwm()
        ev = ui.read_trace()
        rows = [e[3] for e in ev if e[1] == 'frame']
        print('%s_rows %d' % (tag, rows[-1] if rows else 0))
        print('%s_hwm_bytes %d' % (tag, hwm))
        print('%s_rss_bytes %d' % (tag, rss))
        res[tag] = (hwm, rows[-1] if rows else 0)
        if tag == 'base':
            print('base_rc %s' % ui.quit())
            continue
        groups = []
        groups.append(('sort F6', [(['F6'], False)] * 8))
        groups.append(('sort r', [(['r'], False)] * 6))
        flt = [(['/'], False)] + [([c], True) for c in '10.0.1']
        groups.append(('filter /10.0.1 (per char)', flt))
        groups.append(('filter Enter', [(['Enter'], False)]))
        groups.append(('filter clear \\', [(['\\'], True)]))
        groups.append(('scroll PgDn', [(['NPage'], False)] * 20))
        groups.append(('scroll G', [(['G'], False)] * 3))
        groups.append(('scroll g', [(['g'], False)] * 3))
        for name, seq in groups:
            s_lat, k_lat, views = [], [], []
            for keys, lit in seq:
                r = measure_key(ui, keys, literal=lit)
                if r is None:
                    print('# %s: no frame within the timeout' % name)
                    break
                s_lat.append(r[0])
                k_lat.append(r[1])
                views.append(r[2][2])
                time.sleep(0.05)
            print('lat %s | send->frame %s | key->frame %s | nview %s' % (
                name, stats(s_lat), stats(k_lat),
                ','.join(str(v) for v in views[:8])))
        hwm2, _ = ui.hwm()
        print('big_hwm_after_keys_bytes %d' % hwm2)
        print('big_rc %s' % ui.quit())
    if 'base' in res and 'big' in res and res['big'][1] > res['base'][1]:
        per = (res['big'][0] - res['base'][0]) / (res['big'][1] -
                                                  res['base'][1])
        print('bytes_per_conn %.1f' % per)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=('load', 'million'))
    ap.add_argument('--bin', required=True)
    ap.add_argument('--cap', required=True)
    ap.add_argument('--base')
    ap.add_argument('--work', required=True)
    ap.add_argument('--tmpdir', default=None)
    ap.add_argument('--every', type=float, default=0.2)
    ap.add_argument('--timeout', type=float, default=1200)
    a = ap.parse_args()
    a.tmpdir = a.tmpdir or a.work
    if a.mode == 'load':
        cmd_load(a)
    else:
        if not a.base:
            ap.error('million needs --base')
        cmd_million(a)


if __name__ == '__main__':
    main()
