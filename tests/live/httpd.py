#!/usr/bin/env python3
"""httpd.py: a tiny HTTP/1.1 server for tests/live/run.sh.

Serves the files of a folder on 127.0.0.1 (one or more ports), one request
per connection, with a fixed header, so the test knows every byte that went
each way:

  HTTP/1.1 200 OK\r\nContent-Length: N\r\nConnection: close\r\n\r\n<body>

A path under /slow/ is sent CHUNK bytes at a time with DELAY seconds between
chunks, so the transfer lasts a while.  For each connection it writes
LOG/req.CLIENTPORT (every byte it received from the client, until the client
closed) and LOG/resp.CLIENTPORT (every byte it sent).  Writes the file READY
once listening; exits by itself after LIFETIME seconds.  Refuses any address
but loopback.  Standard library only.
"""

import argparse
import os
import socket
import socketserver
import sys
import threading
import time

MAX_REQ = 64 * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    ap.add_argument('--log', required=True)
    ap.add_argument('--port', type=int, action='append', required=True)
    ap.add_argument('--addr', default='127.0.0.1')
    ap.add_argument('--chunk', type=int, default=65536)
    ap.add_argument('--delay', type=float, default=0.05)
    ap.add_argument('--ready', required=True)
    ap.add_argument('--lifetime', type=float, default=300)
    a = ap.parse_args()
    if not a.addr.startswith('127.'):
        sys.exit('httpd.py: loopback addresses only')

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            s = self.request
            s.settimeout(20)
            cport = self.client_address[1]
            req = b''
            try:
                while b'\r\n\r\n' not in req and len(req) < MAX_REQ:
                    b = s.recv(4096)
                    if not b:
                        break
                    req += b
                line = req.split(b'\r\n', 1)[0].split()
                path = line[1].decode('ascii', 'replace') if len(line) > 1 \
                    else '/'
                slow = path.startswith('/slow/')
                name = os.path.basename(path)
                fn = os.path.join(a.dir, name)
                if name and os.path.isfile(fn):
                    with open(fn, 'rb') as f:
                        body = f.read()
                    head = b'HTTP/1.1 200 OK\r\n'
                else:
                    body = b'not found\n'
                    head = b'HTTP/1.1 404 Not Found\r\n'
                    slow = False
                head += b'Content-Length: %d\r\nConnection: close\r\n\r\n' \
                    % len(body)
                with open(os.path.join(a.log, 'resp.%d' % cport), 'wb') as f:
                    f.write(head + body)
                s.sendall(head)
                if slow:
                    for off in range(0, len(body), a.chunk):
                        s.sendall(body[off:off + a.chunk])
                        time.sleep(a.delay)
                else:
                    s.sendall(body)
                s.shutdown(socket.SHUT_WR)
                # Whatever else the client sends, until it closes.
                while len(req) < 2 * MAX_REQ:
                    b = s.recv(4096)
                    if not b:
                        break
                    req += b
            except OSError:
                pass
            with open(os.path.join(a.log, 'req.%d' % cport), 'wb') as f:
                f.write(req)

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    servers = [Server((a.addr, p), Handler) for p in a.port]
    for srv in servers:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    with open(a.ready, 'w') as f:
        f.write('%d\n' % os.getpid())
    time.sleep(a.lifetime)


if __name__ == '__main__':
    main()
