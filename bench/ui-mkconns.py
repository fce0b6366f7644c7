#!/usr/bin/env python3
"""ui-mkconns.py: write a pcap of N tiny, complete TCP connections.

usage: ui-mkconns.py N OUT.pcap

For bench/ui-million.sh.  Each connection is 7 packets: SYN, SYN-ACK, the
client's request (PSH-ACK, ~40 bytes), the server's answer (PSH-ACK, ~40
bytes), the client's FIN, the server's FIN, the client's last ACK.  Client i
is 10.0.(i>>8 & 255).(i & 255) port 1024 + (i >> 16), the server 10.1.0.1:80;
connection i starts i * 100 us into the capture.  Ethernet, microsecond
pcap.  IP header checksums are right; TCP checksums are left 0 (flowscope
does not check them).  Nothing is sent anywhere: it only writes a file.
Standard library only.
"""

import struct
import sys

ETH = b'\x02\x00\x00\x00\x00\x02' + b'\x02\x00\x00\x00\x00\x01' + b'\x08\x00'
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def csum_base(tot_len, src, dst):
    # Header words: 4500, len, id 0, flags DF 4000, ttl 64 / proto 6, 0,
    # src, dst.
    s = 0x4500 + tot_len + 0x4000 + 0x4006
    s += (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff)
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main():
    n = int(sys.argv[1])
    out = open(sys.argv[2], 'wb', buffering=1 << 20)
    out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    srv = (10 << 24) | (1 << 16) | 1
    hdr = struct.Struct('<IIII')
    iptcp = struct.Struct('!BBHHHBBHIIHHIIBBHHH')
    buf = []
    for i in range(n):
        cli = (10 << 24) | (((i >> 8) & 255) << 8) | (i & 255)
        cport = 1024 + (i >> 16)
        req = b'GET /c/%d HTTP/1.1\r\nHost: x\r\n\r\n' % i
        resp = b'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'
        cs, ss = 1000, 5000
        pk = [
            (0, cli, srv, cport, 80, cs, 0, SYN, b''),
            (1, srv, cli, 80, cport, ss, cs + 1, SYN | ACK, b''),
            (0, cli, srv, cport, 80, cs + 1, ss + 1, PSH | ACK, req),
            (1, srv, cli, 80, cport, ss + 1, cs + 1 + len(req), PSH | ACK,
             resp),
            (0, cli, srv, cport, 80, cs + 1 + len(req), ss + 1 + len(resp),
             FIN | ACK, b''),
            (1, srv, cli, 80, cport, ss + 1 + len(resp), cs + 2 + len(req),
             FIN | ACK, b''),
            (0, cli, srv, cport, 80, cs + 2 + len(req), ss + 2 + len(resp),
             ACK, b''),
        ]
        t = i * 100
        for k, (d, src, dst, sp, dp, seq, ack, fl, pl) in enumerate(pk):
            tl = 40 + len(pl)
            ip = iptcp.pack(0x45, 0, tl, 0, 0x4000, 64, 6,
                            csum_base(tl, src, dst), src, dst, sp, dp, seq,
                            ack, 0x50, fl, 65535, 0, 0)
            us = t + k * 10
            buf.append(hdr.pack(us // 1000000, us % 1000000, 14 + tl,
                                14 + tl))
            buf.append(ETH)
            buf.append(ip)
            buf.append(pl)
        if len(buf) > 40000:
            out.write(b''.join(buf))
            buf = []
    out.write(b''.join(buf))
    out.close()


if __name__ == '__main__':
    main()
