#!/usr/bin/env python3
"""gen.py: generators of hostile captures for flowscope (classic pcap).

Every generator streams its packets to the output (a file name or '-'),
never building the capture in memory, so sizes can go to millions of
packets or gigabytes of payload.  Python 3 standard library only.

Usage: gen.py KIND [options] OUT

  syns N          N SYNs from one client to distinct ports (and, beyond
                  60000, distinct client addresses): never answered
  open N          N connections that never close: handshake + one data
                  segment each
  frags N         N tiny IPv4 first fragments (MF set, 8 bytes), distinct
                  ids, that never complete
  ooo BYTES       one connection with a SYN, then BYTES of payload sent in
                  reverse segment order; the first segment is never sent
                  (a hole at the front).  --nosyn: the same without the
                  handshake.  --seg S: segment size (default 1448).
                  --truth FILE: write the expected client file
  overlap N       one connection, N segments each followed by a
                  retransmission of the same range with different bytes
                  (--truth FILE: the expected client file, first copy wins)
  vlan DEPTH      --count K packets (default 4) whose TCP segment sits under
                  DEPTH stacked 802.1Q tags
  mpls DEPTH      the same under DEPTH MPLS labels (bottom of stack set on
                  the last one)
  conns N         N complete connections (handshake, --bytes B from the
                  client in 1448-byte segments, B/2 back, FIN both ways),
                  all open at once, interleaved segment by segment
  edges           records with caplen/len at every edge that still fits in
                  the file: caplen 0, 1, snaplen, 65535, 262144, caplen >
                  len, len < caplen, len 0, len 2^32-1; ends cleanly
  bigcap          a good connection, then a record whose caplen is larger
                  than what is left of the file
  cut             a few good connections, then a record cut in the middle
"""

import argparse
import struct
import sys

LINKTYPE_ETHERNET = 1
SNAPLEN = 262144

CLIENT = bytes([10, 0, 0, 1])
SERVER = bytes([10, 0, 0, 2])
MAC_C = bytes([0x02, 0, 0, 0, 0, 1])
MAC_S = bytes([0x02, 0, 0, 0, 0, 2])

SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10

# Payload bytes are a function of their stream offset: offset i holds
# PATTERN[i % 251].  Any slice is PATTERN2[i % 251 : i % 251 + len].
PERIOD = 251
PATTERN = bytes((i * 7 + 3) & 0xff for i in range(PERIOD))


def payload(off, n):
    """The n stream bytes at offset off."""
    start = off % PERIOD
    reps = (start + n) // PERIOD + 1
    return (PATTERN * reps)[start:start + n]


class Pcap:
    """A streaming classic pcap writer (microsecond, little-endian)."""

    def __init__(self, path, snaplen=SNAPLEN, linktype=LINKTYPE_ETHERNET):
        if path == '-':
            self.f = sys.stdout.buffer
            self.close_f = False
        else:
            self.f = open(path, 'wb', buffering=1 << 20)
            self.close_f = True
        self.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0,
                                 snaplen, linktype))
        self.t = 1000000000 * 1000000  # microseconds

    def raw(self, data, caplen=None, wirelen=None, tick=1):
        """One record; caplen/wirelen override the header fields."""
        self.t += tick
        cl = len(data) if caplen is None else caplen
        wl = len(data) if wirelen is None else wirelen
        self.f.write(struct.pack('<IIII', self.t // 1000000,
                                 self.t % 1000000, cl, wl))
        self.f.write(data)

    def close(self):
        self.f.flush()
        if self.close_f:
            self.f.close()


def ipv4(src, dst, proto, body, ident=0, frag=0):
    """An IPv4 header (no checksum: flowscope does not check it) + body."""
    return struct.pack('!BBHHHBB2x4s4s', 0x45, 0, 20 + len(body), ident,
                       frag, 64, proto, src, dst) + body


def tcp(sport, dport, seq, ack, flags, data=b''):
    return struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff,
                       ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0) + data


def ether(ethertype, body, dst=MAC_S, src=MAC_C):
    return dst + src + struct.pack('!H', ethertype) + body


def seg(src, dst, sport, dport, seq, ack, flags, data=b''):
    """An Ethernet/IPv4/TCP frame."""
    fwd = src == CLIENT
    return ether(0x0800, ipv4(src, dst, 6, tcp(sport, dport, seq, ack, flags,
                                               data)),
                 dst=MAC_S if fwd else MAC_C, src=MAC_C if fwd else MAC_S)


def client_addr(i):
    """Distinct client addresses, 60000 ports each."""
    n = i // 60000
    return bytes([10, 1 + (n >> 16) % 200, (n >> 8) & 0xff, n & 0xff])


def gen_syns(w, a):
    for i in range(a.n):
        src = client_addr(i)
        w.raw(seg(src, SERVER, 40000, 1 + i % 60000, 1000 + i, 0, SYN))


def gen_open(w, a):
    for i in range(a.n):
        src = client_addr(i)
        sp, dp = 1024 + i % 60000, 80
        isn_c, isn_s = 1000 * i + 1, 7000000 + i
        w.raw(ether(0x0800, ipv4(src, SERVER, 6,
                                 tcp(sp, dp, isn_c, 0, SYN))))
        w.raw(ether(0x0800, ipv4(SERVER, src, 6,
                                 tcp(dp, sp, isn_s, isn_c + 1, SYN | ACK)),
                    dst=MAC_C, src=MAC_S))
        w.raw(ether(0x0800, ipv4(src, SERVER, 6,
                                 tcp(sp, dp, isn_c + 1, isn_s + 1, ACK))))
        w.raw(ether(0x0800, ipv4(src, SERVER, 6,
                                 tcp(sp, dp, isn_c + 1, isn_s + 1,
                                     PSH | ACK, b'GET / HTTP/1.0\r\n'))))


def gen_frags(w, a):
    body = tcp(5555, 80, 1, 0, ACK)[:8]
    for i in range(a.n):
        hi = i >> 16
        src = bytes([10, 2, (hi >> 8) & 0xff, hi & 0xff])
        # MF set, offset 0: the rest never comes.
        w.raw(ether(0x0800, ipv4(src, SERVER, 6, body, ident=i & 0xffff,
                                 frag=0x2000)))


def gen_ooo(w, a):
    segsz, total = a.seg, a.n
    isn_c, isn_s = 100000, 900000
    sp, dp = 33333, 80
    if not a.nosyn:
        w.raw(seg(CLIENT, SERVER, sp, dp, isn_c, 0, SYN))
        w.raw(seg(SERVER, CLIENT, dp, sp, isn_s, isn_c + 1, SYN | ACK))
        w.raw(seg(CLIENT, SERVER, sp, dp, isn_c + 1, isn_s + 1, ACK))
    nseg = (total + segsz - 1) // segsz
    # Reverse order; segment 0 (offset 0) is never sent.
    for k in range(nseg - 1, 0, -1):
        off = k * segsz
        n = min(segsz, total - off)
        w.raw(seg(CLIENT, SERVER, sp, dp, isn_c + 1 + off, isn_s + 1,
                  PSH | ACK, payload(off, n)))
    if a.truth:
        with open(a.truth, 'wb') as t:
            if not a.nosyn:
                t.write(bytes(min(segsz, total)))
            off = segsz
            while off < total:
                n = min(1 << 20, total - off)
                t.write(payload(off, n))
                off += n


def gen_overlap(w, a):
    isn_c, isn_s = 5000, 9000
    sp, dp, segsz = 44444, 80, 100
    w.raw(seg(CLIENT, SERVER, sp, dp, isn_c, 0, SYN))
    w.raw(seg(SERVER, CLIENT, dp, sp, isn_s, isn_c + 1, SYN | ACK))
    w.raw(seg(CLIENT, SERVER, sp, dp, isn_c + 1, isn_s + 1, ACK))
    bad = bytes(0xee for _ in range(segsz))
    for k in range(a.n):
        off = k * segsz
        seqn = isn_c + 1 + off
        w.raw(seg(CLIENT, SERVER, sp, dp, seqn, isn_s + 1, PSH | ACK,
                  payload(off, segsz)))
        # Same range, every byte different (pattern bytes are never 0xee
        # at all offsets, but at least one differs: counted once).
        w.raw(seg(CLIENT, SERVER, sp, dp, seqn, isn_s + 1, PSH | ACK, bad))
    w.raw(seg(CLIENT, SERVER, sp, dp, isn_c + 1 + a.n * segsz, isn_s + 1,
              FIN | ACK))
    w.raw(seg(SERVER, CLIENT, dp, sp, isn_s + 1, isn_c + 2 + a.n * segsz,
              FIN | ACK))
    if a.truth:
        with open(a.truth, 'wb') as t:
            off, total = 0, a.n * segsz
            while off < total:
                n = min(1 << 20, total - off)
                t.write(payload(off, n))
                off += n


def stacked(kind, depth, ip):
    if kind == 'vlan':
        tags = b''.join(struct.pack('!HH', (i + 1) & 0x0fff, 0x8100)
                        for i in range(depth - 1))
        tags += struct.pack('!HH', depth & 0x0fff, 0x0800)
        return ether(0x8100, tags + ip)
    labels = b''.join(struct.pack('!I', ((16 + i) << 12) | 64)
                      for i in range(depth - 1))
    labels += struct.pack('!I', ((16 + depth) << 12) | 0x100 | 64)
    return ether(0x8847, labels + ip)


def gen_stack(w, a):
    for i in range(a.count):
        ip = ipv4(CLIENT, SERVER, 6, tcp(2000 + i % 60000, 80, 1, 0, SYN))
        w.raw(stacked(a.kind, a.n, ip))


def good_conn(w, i, data=b'hello\n'):
    sp, dp = 20000 + i, 80
    w.raw(seg(CLIENT, SERVER, sp, dp, 1, 0, SYN))
    w.raw(seg(SERVER, CLIENT, dp, sp, 500, 2, SYN | ACK))
    w.raw(seg(CLIENT, SERVER, sp, dp, 2, 501, PSH | ACK, data))
    w.raw(seg(CLIENT, SERVER, sp, dp, 2 + len(data), 501, FIN | ACK))
    w.raw(seg(SERVER, CLIENT, dp, sp, 501, 3 + len(data), FIN | ACK))


def gen_conns(w, a):
    n, nb, segsz = a.n, a.bytes, 1448
    isn_c, isn_s = 1000, 50000
    for i in range(n):
        src = client_addr(i)
        sp = 1024 + i % 60000
        w.raw(seg(src, SERVER, sp, 80, isn_c, 0, SYN))
        w.raw(seg(SERVER, src, 80, sp, isn_s, isn_c + 1, SYN | ACK))
    # Round robin: every connection advances one segment each way.
    off = 0
    while off < nb:
        for i in range(n):
            src = client_addr(i)
            sp = 1024 + i % 60000
            k = min(segsz, nb - off)
            w.raw(seg(src, SERVER, sp, 80, isn_c + 1 + off, isn_s + 1,
                      PSH | ACK, payload(off + i, k)))
            if off < nb // 2:
                k2 = min(segsz, nb // 2 - off)
                w.raw(seg(SERVER, src, 80, sp, isn_s + 1 + off,
                          isn_c + 1 + off + k, PSH | ACK,
                          payload(off + 7 * i, k2)))
        off += segsz
    for i in range(n):
        src = client_addr(i)
        sp = 1024 + i % 60000
        w.raw(seg(src, SERVER, sp, 80, isn_c + 1 + nb, isn_s + 1 + nb // 2,
                  FIN | ACK))
        w.raw(seg(SERVER, src, 80, sp, isn_s + 1 + nb // 2, isn_c + 2 + nb,
                  FIN | ACK))


def gen_edges(w, a):
    good_conn(w, 0)
    frame = seg(CLIENT, SERVER, 30000, 80, 1, 0, SYN)
    w.raw(b'', caplen=0, wirelen=0)
    w.raw(b'', caplen=0, wirelen=60)
    w.raw(frame[:1], wirelen=len(frame))
    w.raw(frame[:1], wirelen=0)
    w.raw(frame, wirelen=1)              # len < caplen
    w.raw(frame, wirelen=0xffffffff)
    w.raw(frame[:20], wirelen=len(frame))  # caplen < len: cut in IP
    w.raw(frame[:40], wirelen=len(frame))  # cut in TCP
    for size in (SNAPLEN - 1, SNAPLEN, SNAPLEN + 1, 65535, 65536):
        # A big frame: a TCP segment whose IP length field cannot say it.
        big = frame + bytes(size - len(frame))
        w.raw(big)
        w.raw(big, wirelen=len(frame))
        w.raw(big[:len(frame)], wirelen=size)
    # IP total length larger than the captured bytes, and 0.
    hdr = bytearray(frame)
    struct.pack_into('!H', hdr, 16, 65535)
    w.raw(bytes(hdr))
    struct.pack_into('!H', hdr, 16, 0)
    w.raw(bytes(hdr))
    good_conn(w, 1)


def gen_bigcap(w, a):
    good_conn(w, 0)
    w.raw(seg(CLIENT, SERVER, 30000, 80, 1, 0, SYN), caplen=1 << 20)


def gen_cut(w, a):
    for i in range(3):
        good_conn(w, i)
    frame = seg(CLIENT, SERVER, 30000, 80, 1, 0, SYN)
    w.raw(frame[:len(frame) // 2], caplen=len(frame))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('kind', choices=['syns', 'open', 'frags', 'ooo',
                                    'overlap', 'vlan', 'mpls', 'conns', 'edges',
                                    'bigcap', 'cut'])
    p.add_argument('args', nargs='+', help='[N] OUT')
    p.add_argument('--nosyn', action='store_true')
    p.add_argument('--seg', type=int, default=1448)
    p.add_argument('--count', type=int, default=4)
    p.add_argument('--truth')
    p.add_argument('--bytes', type=int, default=100000)
    a = p.parse_intermixed_args()
    sized = a.kind not in ('edges', 'bigcap', 'cut')
    if len(a.args) != (2 if sized else 1):
        p.error('expected %s' % ('N OUT' if sized else 'OUT'))
    a.n = int(a.args[0]) if sized else 0
    out = a.args[-1]
    w = Pcap(out)
    gen = {'syns': gen_syns, 'open': gen_open, 'frags': gen_frags,
           'ooo': gen_ooo, 'overlap': gen_overlap, 'vlan': gen_stack,
           'mpls': gen_stack, 'conns': gen_conns, 'edges': gen_edges, 'bigcap': gen_bigcap,
           'cut': gen_cut}[a.kind]
    try:
        gen(w, a)
    finally:
        w.close()


if __name__ == '__main__':
    main()
