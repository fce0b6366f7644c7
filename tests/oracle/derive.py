#!/usr/bin/env python3
"""derive.py: reference reassembler used to derive EXPECTED-flowscope.txt.

Not run by the tests.  It reads a capture through tshark (which does the
link-layer, tunnel and IP-fragment decoding) and applies the stream
semantics of tests/corpus/truth/README.md in Python: connections keyed by
4-tuple + outermost VLAN, port-reuse instances, start at ISN+1 (or the lowest
sequence number without a SYN), first copy wins, NUL holes, no trailing hole,
keep-alive at next-1 ignored, payload length from the IP header.

Usage:
  derive.py CAPTURE            print "name<TAB>size<TAB>md5" per output file
  derive.py --write DIR CAPTURE  also write the files into DIR (a stand-in
                               flowscope for testing the runners)
  derive.py --truth CAPTURE    print truth-style rows (src sport dst dport
                               vlan instance bytes sha256) for comparison
                               with tests/corpus/truth/<capture>.tsv
"""
import hashlib
import ipaddress
import subprocess
import sys

FIELDS = ["frame.number", "frame.protocols", "vlan.id", "ip.src", "ip.dst",
          "ipv6.src", "ipv6.dst", "ieee8021ad.id", "tcp.srcport", "tcp.dstport",
          "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len",
          "tcp.window_size_value", "tcp.options.wscale.shift", "tcp.payload"]


def tshark_rows(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=a", "-E", "aggregator=|",
           "-o", "tcp.desegment_tcp_streams:FALSE",
           "-o", "tcp.analyze_sequence_numbers:FALSE",
           "-Y", "tcp"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout.decode()
    for line in out.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        yield dict(zip(FIELDS, v))


def last(s):
    return s.split("|")[-1] if s else ""


def first(s):
    return s.split("|")[0] if s else ""


def segments(path):
    for r in tshark_rows(path):
        protos = r["frame.protocols"].split(":")
        if "tcp" not in protos:
            continue
        ti = len(protos) - 1 - protos[::-1].index("tcp")
        below = protos[:ti]
        if "icmp" in below or "icmpv6" in below:
            continue
        ips = [p for p in below if p in ("ip", "ipv6")]
        if not ips:
            continue
        # tcp fields: several TCP headers only with ICMP (excluded); take last
        if not r["tcp.srcport"]:
            continue
        if ips[-1] == "ip":
            src, dst = last(r["ip.src"]), last(r["ip.dst"])
        else:
            src, dst = last(r["ipv6.src"]), last(r["ipv6.dst"])
        if not src or not dst:
            continue
        # outermost tag, whatever its TPID (802.1Q or 802.1ad)
        vl = ""
        for p in protos:
            if p == "vlan":
                vl = first(r["vlan.id"])
                break
            if p == "ieee8021ad":
                vl = first(r["ieee8021ad.id"])
                break
        pay = bytes.fromhex(last(r["tcp.payload"]).replace(":", ""))
        seglen = int(last(r["tcp.len"]) or 0)
        flags = int(last(r["tcp.flags"]), 16)
        ws = last(r["tcp.options.wscale.shift"])
        yield dict(n=int(r["frame.number"]), src=str(ipaddress.ip_address(src)),
                   dst=str(ipaddress.ip_address(dst)),
                   sport=int(last(r["tcp.srcport"])),
                   dport=int(last(r["tcp.dstport"])),
                   vlan=vl, seq=int(last(r["tcp.seq_raw"])),
                   ack=int(last(r["tcp.ack_raw"]) or 0), flags=flags,
                   seglen=seglen, pay=pay[:seglen],
                   win=int(last(r["tcp.window_size_value"]) or 0),
                   wscale=int(ws) if ws else -1)


SYN, FIN, RST, ACK = 0x02, 0x01, 0x04, 0x10


class Dir:
    def __init__(self):
        self.syn = False
        self.isn = None
        self.segs = []        # (seq64, payload, seglen) in capture order
        self.lo = None        # lowest seq seen (64-bit)
        self.hi = None        # highest seq seen (64-bit, seq+len)
        self.hidata = None    # highest seq reached by data
        self.ref = None       # last 64-bit seq for unwrapping
        self.sent = False     # any packet from this side
        self.wscale = -1
        self.maxwin = 0       # largest scaled window this side advertised

    def unwrap(self, s32):
        if self.ref is None:
            self.ref = s32
            return s32
        d = (s32 - (self.ref & 0xffffffff)) & 0xffffffff
        if d >= 1 << 31:
            d -= 1 << 32
        v = self.ref + d
        if v > self.ref:
            self.ref = v
        return v

    def note(self, s, end):
        self.lo = s if self.lo is None else min(self.lo, s)
        self.hi = end if self.hi is None else max(self.hi, end)

    def inwin(self, s, w):
        if self.lo is None:
            return False
        return self.lo - w <= s <= self.hi + w

    def output(self):
        if self.syn:
            start = self.isn + 1
        else:
            data = [s for s, p, l in self.segs if l > 0]
            if not data:
                return b""
            start = min(data)
        buf = {}
        for s, p, l in self.segs:
            for i, b in enumerate(p):
                o = s + i - start
                if o >= 0 and o not in buf:
                    buf[o] = b
        if not buf:
            return b""
        n = max(buf) + 1
        out = bytearray(n)
        for o, b in buf.items():
            out[o] = b
        return bytes(out)


class Inst:
    def __init__(self):
        self.d = {}           # endpoint tuple -> Dir
        self.finrst = False

    def dirs(self, a, b):
        if a not in self.d:
            self.d[a] = Dir()
        if b not in self.d:
            self.d[b] = Dir()
        return self.d[a], self.d[b]


def window(me, peer):
    return max(65535, peer.maxwin)


def run(path):
    conns = {}   # (sorted endpoints, vlan) -> [Inst]
    order = []
    for g in segments(path):
        a = (g["src"], g["sport"])
        b = (g["dst"], g["dport"])
        ck = (tuple(sorted([a, b])), g["vlan"])
        if ck not in conns:
            conns[ck] = [Inst()]
            order.append(ck)
        insts = conns[ck]
        cur = insts[-1]
        me, peer = cur.dirs(a, b)
        if g["flags"] & SYN:
            s32 = g["seq"]
            new = False
            if me.syn and me.isn is not None and (me.isn & 0xffffffff) == s32:
                new = False                       # retransmitted SYN
            elif (g["flags"] & ACK) and peer.syn and \
                    ((peer.isn + 1) & 0xffffffff) == g["ack"]:
                new = False                       # SYN/ACK for current SYN
            else:
                w = window(me, peer)
                s64 = s32 if me.ref is None else me.ref + (((s32 - (me.ref & 0xffffffff)) + (1 << 31)) % (1 << 32)) - (1 << 31)
                if me.syn and me.isn != s64 and cur.finrst:
                    new = True
                elif me.lo is not None and not me.inwin(s64, w):
                    new = True
                elif not me.sent and cur.finrst:
                    new = True
            if new:
                cur = Inst()
                insts.append(cur)
                me, peer = cur.dirs(a, b)
        else:
            # non-SYN: newest instance whose window holds seq (or ack)
            if len(insts) > 1:
                pick = None
                for inst in reversed(insts):
                    m2, p2 = inst.dirs(a, b)
                    w = window(m2, p2)
                    if m2.lo is not None:
                        s64 = m2.ref + (((g["seq"] - (m2.ref & 0xffffffff)) + (1 << 31)) % (1 << 32)) - (1 << 31)
                        if m2.inwin(s64, w):
                            pick = inst
                            break
                    elif p2.lo is not None:
                        a64 = p2.ref + (((g["ack"] - (p2.ref & 0xffffffff)) + (1 << 31)) % (1 << 32)) - (1 << 31)
                        if p2.inwin(a64, window(p2, m2)):
                            pick = inst
                            break
                if pick is not None:
                    cur = pick
                    me, peer = cur.dirs(a, b)
        me.sent = True
        s = me.unwrap(g["seq"])
        if g["flags"] & SYN:
            if not me.syn:
                me.syn = True
                me.isn = s
            s += 1
        if g["wscale"] >= 0:
            me.wscale = g["wscale"]
        sc = me.wscale if (me.wscale >= 0 and peer.wscale >= 0 and
                           not (g["flags"] & SYN)) else 0
        me.maxwin = max(me.maxwin, g["win"] << sc)
        if g["flags"] & (FIN | RST):
            cur.finrst = True
        l = g["seglen"]
        me.note(s, s + l)
        if l > 0:
            if l == 1 and me.hidata is not None and s == me.hidata - 1:
                continue                          # keep-alive
            me.segs.append((s, g["pay"], l))
            me.hidata = s + l if me.hidata is None else max(me.hidata, s + l)
    return conns, order


def fmt_addr(x):
    if ":" in x:
        return x
    return ".".join("%03d" % int(o) for o in x.split("."))


def main():
    args = sys.argv[1:]
    truth = False
    wdir = None
    if args and args[0] == "--truth":
        truth = True
        args = args[1:]
    if args and args[0] == "--write":
        wdir = args[1]
        args = args[2:]
    conns, order = run(args[0])
    rows = []
    for ck in order:
        vlan = ck[1]
        nfiles = {}
        for i, inst in enumerate(conns[ck]):
            for (a, b) in (tuple(ck[0]), tuple(ck[0])[::-1]):
                if a not in inst.d:
                    continue
                data = inst.d[a].output()
                if not data:
                    continue
                if truth:
                    rows.append("%s\t%d\t%s\t%d\t%s\t%d\t%d\t%s" % (
                        a[0], a[1], b[0], b[1], vlan, i, len(data),
                        hashlib.sha256(data).hexdigest()))
                    continue
                k = (a, b)
                c = nfiles.get(k, 0)
                nfiles[k] = c + 1
                name = "%s.%05d-%s.%05d" % (fmt_addr(a[0]), a[1],
                                            fmt_addr(b[0]), b[1])
                if vlan != "":
                    name += "--%s" % vlan
                if c:
                    name += "c%d" % c
                if wdir is not None:
                    with open("%s/%s" % (wdir, name), "wb") as f:
                        f.write(data)
                rows.append("%s\t%d\t%s" % (name, len(data),
                                            hashlib.md5(data).hexdigest()))
    for r in sorted(rows):
        print(r)


if __name__ == "__main__":
    main()
