#!/usr/bin/env python3
"""gen.py: writes the small captures of the UI tests, by hand, with struct.

    python3 gen.py                  rewrite the committed captures next to
                                    this script (escapes.pcap)
    python3 gen.py big PATH N       write N short HTTP-like connections to
                                    PATH (a capture big enough to be still
                                    loading when a test sends a signal; not
                                    committed, made at test time)

escapes.pcap: one TCP connection 10.1.1.1:40000 -> 10.2.2.2:80 with a
handshake, data both ways and FIN/ACK on both sides.  The payloads hold
terminal escape sequences (ESC [ 2 J, OSC 0 title BEL, ESC [ 31 m, an 8-bit
CSI 0x9b, CR, backspaces, OSC 10/11 colour changes), invalid UTF-8 and valid UTF-8 ("h\u00e9llo
\u2713"): the UI must show the escapes as text and the UTF-8 as
characters.  Only the standard library; the output is the same bytes on
every run (fixed timestamps).
"""

import os
import struct
import sys

T0 = 1700000000  # 2023-11-14 22:13:20 UTC


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def packet(src, dst, sport, dport, seq, ack, flags, payload=b""):
    """An Ethernet/IPv4/TCP frame with correct checksums."""
    s, d = ip4(src), ip4(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0) + payload
    pseudo = s + d + struct.pack("!BBH", 0, 6, len(tcp))
    c = csum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000,
                      64, 6, 0, s, d)
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    return eth + iph + tcp


class Pcap:
    def __init__(self, f):
        self.f = f
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def add(self, ts_us, frame):
        self.f.write(struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000,
                                 len(frame), len(frame)) + frame)


SYN, FIN, PSH, ACK = 0x02, 0x01, 0x08, 0x10


def conversation(cap, t_us, cli, srv, cport, sport, exchanges):
    """A whole connection: handshake, (direction, bytes) exchanges, close.
    Returns the time after its last packet."""
    cseq, sseq = 1000, 5000
    step = 1000

    def c2s(flags, data=b""):
        cap.add(t_us[0], packet(cli, srv, cport, sport, cseq, sseq, flags,
                                data))
        t_us[0] += step

    def s2c(flags, data=b""):
        cap.add(t_us[0], packet(srv, cli, sport, cport, sseq, cseq, flags,
                                data))
        t_us[0] += step

    c2s(SYN)
    cseq += 1
    s2c(SYN | ACK)
    sseq += 1
    c2s(ACK)
    for d, data in exchanges:
        if d == 0:
            c2s(PSH | ACK, data)
            cseq += len(data)
            s2c(ACK)
        else:
            s2c(PSH | ACK, data)
            sseq += len(data)
            c2s(ACK)
    c2s(FIN | ACK)
    cseq += 1
    s2c(FIN | ACK)
    sseq += 1
    c2s(ACK)


ESC_CLIENT = (b"GET /esc HTTP/1.1\r\n"
              b"Host: esc.test\r\n"
              b"X-Clear: \x1b[2J\r\n"
              b"X-Title: \x1b]0;PWNED-TITLE\x07\r\n"
              b"X-Red: \x1b[31mRED\x1b[0m\r\n"
              b"X-Bg: \x1b]11;#ff0000\x07\r\n"
              b"X-Csi8: \x9b31mC1\r\n"
              b"X-Cr: abc\rXY\r\n"
              b"X-Bs: abc\x08\x08\x08ZZZ\r\n"
              b"X-Bad: \xff\xfe\xc3\x28 end\r\n"
              b"X-Utf8: h\xc3\xa9llo \xe2\x9c\x93\r\n"
              b"\r\n")

ESC_BODY = (b"server says h\xc3\xa9llo \xe2\x9c\x93\n"
            b"clear:\x1b[2J title:\x1b]0;PWNED-TITLE\x07 red:\x1b[31mRED\n"
            b"fg:\x1b]10;#00ff00\x1b\\ csi8:\x9b" b"2J bad:\xff\xc0\xaf bs:ab\x08c cr:one\rtwo\n")

ESC_SERVER = (b"HTTP/1.1 200 OK\r\n"
              b"Content-Type: text/plain\r\n"
              b"Content-Length: %d\r\n"
              b"\r\n" % len(ESC_BODY)) + ESC_BODY


def write_escapes(path):
    with open(path, "wb") as f:
        cap = Pcap(f)
        conversation(cap, [T0 * 1000000], "10.1.1.1", "10.2.2.2", 40000,
                     80, [(0, ESC_CLIENT), (1, ESC_SERVER)])


def write_big(path, n):
    req = (b"GET /%06d HTTP/1.1\r\nHost: big.test\r\n\r\n")
    body = b"x" * 1200
    resp = (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
            + body)
    with open(path, "wb") as f:
        cap = Pcap(f)
        t = [T0 * 1000000]
        for i in range(n):
            a = "10.9.%d.%d" % ((i >> 8) & 255, i & 255)
            conversation(cap, t, a, "10.8.0.1", 1024 + (i % 60000), 80,
                         [(0, req % i), (1, resp)])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    if len(sys.argv) == 4 and sys.argv[1] == "big":
        write_big(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 1:
        write_escapes(os.path.join(here, "escapes.pcap"))
    else:
        sys.exit("usage: gen.py [big PATH N]")


if __name__ == "__main__":
    main()
