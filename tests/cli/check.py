#!/usr/bin/env python3
"""check.py: helpers for tests/cli/run.sh (report.xml, console output, pcap
splitting).  Each subcommand prints what is wrong, one line per problem, and
exits 1 when something is wrong, 0 otherwise.

  wellformed FILE          FILE parses as XML
  report REPORT [--dir D] [--cap N] [--nofiles]
                           every fileobject: <filename> exists (unless
                           --nofiles: then there must be none), its size is
                           <filesize> (min(N, filesize) with --cap N),
                           <flowscope conn_id= instance= side=>; with --dir,
                           the files under D other than report.xml are
                           exactly the listed ones
  names REPORT             print each fileobject's filename ('-' if none)
  cmdline REPORT           print <command_line>
  macs REPORT yes|no       every <tcpflow> has (yes) / none has (no) MAC
                           attributes
  side REPORT              print "filename side" per fileobject
  close REPORT             print "filename close" per fileobject
  mtimes REPORT [T]        every listed file's mtime is the first packet
                           second of its connection (and T if given)
  console MODE OUT DIR [REPORT]
                           MODE c: OUT is "-g -c" output; each name's bytes
                           must equal DIR/name with non-printables as '.'.
                           MODE C / B: OUT is "-g -C" / "-g -C -B" output,
                           blue = client, red = server (sides from REPORT,
                           one connection only), mapped / raw.
                           MODE D: OUT is "-g -c -D" output; the hex dump
                           must rebuild DIR/name exactly.
  split IN OUT1 OUT2 N     write IN's first N records to OUT1, the rest to
                           OUT2 (classic pcap only)
  pcapcount FILE           print the record count of a classic pcap
"""

import calendar
import os
import re
import struct
import sys
import xml.dom.minidom

problems = []


def bad(msg):
    problems.append(msg)


def finish():
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


def text(node, tag):
    el = node.getElementsByTagName(tag)
    if not el or el[0].firstChild is None:
        return None
    return "".join(c.data for c in el[0].childNodes if c.nodeType ==
                   c.TEXT_NODE)


def fileobjects(report):
    doc = xml.dom.minidom.parse(report)
    return doc, doc.getElementsByTagName("fileobject")


def iso_seconds(s):
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$", s)
    if m is None:
        return None
    t = tuple(int(x) for x in m.groups()[:6])
    return calendar.timegm(t + (0, 0, 0))


def cmd_report(args):
    report = args[0]
    d = None
    cap = None
    nofiles = False
    i = 1
    while i < len(args):
        if args[i] == "--dir":
            d = args[i + 1]
            i += 2
        elif args[i] == "--cap":
            cap = int(args[i + 1])
            i += 2
        elif args[i] == "--nofiles":
            nofiles = True
            i += 1
        else:
            raise SystemExit("report: bad argument " + args[i])
    _, fos = fileobjects(report)
    listed = set()
    for n, fo in enumerate(fos):
        name = text(fo, "filename")
        size = text(fo, "filesize")
        what = name if name is not None else "fileobject %d" % n
        if size is None or not size.isdigit():
            bad("%s: no numeric <filesize>" % what)
            continue
        size = int(size)
        fs = fo.getElementsByTagName("flowscope")
        if len(fs) != 1:
            bad("%s: %d <flowscope> elements" % (what, len(fs)))
        else:
            e = fs[0]
            for a in ("conn_id", "instance"):
                if not e.getAttribute(a).isdigit():
                    bad("%s: flowscope %s=%r" % (what, a, e.getAttribute(a)))
            if e.getAttribute("side") not in ("client", "server"):
                bad("%s: flowscope side=%r" % (what, e.getAttribute("side")))
        if nofiles:
            if name is not None:
                bad("%s: has <filename> although no files were asked for"
                    % what)
            continue
        if name is None:
            bad("%s: no <filename>" % what)
            continue
        listed.add(os.path.normpath(name))
        if not os.path.isfile(name):
            bad("%s: listed but missing" % name)
            continue
        real = os.path.getsize(name)
        want = size if cap is None else min(cap, size)
        if real != want:
            bad("%s: %d bytes, report says filesize %d (expected %d bytes)"
                % (name, real, size, want))
    if d is not None:
        found = set()
        for root, _, files in os.walk(d):
            for f in files:
                p = os.path.normpath(os.path.join(root, f))
                if os.path.basename(p) == "report.xml" and \
                        os.path.dirname(p) == os.path.normpath(d):
                    continue
                found.add(p)
        for p in sorted(found - listed):
            bad("%s: flow file not listed in report.xml" % p)
        if nofiles and found:
            bad("%d flow files written" % len(found))


def cmd_names(args):
    _, fos = fileobjects(args[0])
    for fo in fos:
        n = text(fo, "filename")
        print(n if n is not None else "-")


def cmd_cmdline(args):
    doc = xml.dom.minidom.parse(args[0])
    print(text(doc, "command_line"))


def cmd_macs(args):
    doc = xml.dom.minidom.parse(args[0])
    want = args[1] == "yes"
    tf = doc.getElementsByTagName("tcpflow")
    if not tf:
        bad("no <tcpflow> elements")
    for e in tf:
        has = e.hasAttribute("mac_saddr") or e.hasAttribute("mac_daddr")
        if want and not (e.hasAttribute("mac_saddr") and
                         e.hasAttribute("mac_daddr")):
            bad("%s:%s: no MAC attributes" % (e.getAttribute("src_ipn"),
                                              e.getAttribute("srcport")))
        if not want and has:
            bad("%s:%s: MAC attributes on a capture without MACs" %
                (e.getAttribute("src_ipn"), e.getAttribute("srcport")))


def cmd_attr(args, attr):
    _, fos = fileobjects(args[0])
    for fo in fos:
        fs = fo.getElementsByTagName("flowscope")
        v = fs[0].getAttribute(attr) if fs else "?"
        print("%s %s" % (text(fo, "filename"), v))


def cmd_mtimes(args):
    _, fos = fileobjects(args[0])
    want = int(args[1]) if len(args) > 1 else None
    first = {}
    rows = []
    for fo in fos:
        name = text(fo, "filename")
        tf = fo.getElementsByTagName("tcpflow")
        fs = fo.getElementsByTagName("flowscope")
        if name is None or not tf or not fs:
            bad("fileobject without filename/tcpflow/flowscope")
            continue
        t = iso_seconds(tf[0].getAttribute("startime"))
        if t is None:
            bad("%s: bad startime %r" % (name, tf[0].getAttribute("startime")))
            continue
        key = (fs[0].getAttribute("conn_id"), fs[0].getAttribute("instance"))
        first[key] = min(first.get(key, t), t)
        rows.append((name, key))
    if not rows:
        bad("no flow files listed")
    for name, key in rows:
        if not os.path.exists(name):
            bad("%s: missing" % name)
            continue
        mt = int(os.stat(name).st_mtime)
        if mt != first[key]:
            bad("%s: mtime %d, connection's first packet %d" %
                (name, mt, first[key]))
        if want is not None and mt != want:
            bad("%s: mtime %d, expected %d" % (name, mt, want))


def printable(data):
    return bytes(b if (0x20 <= b <= 0x7e or b in (0x0a, 0x0d)) else 0x2e
                 for b in data)


CHUNK = re.compile(rb"\x1b\[0;3([14])m(.*?)\x1b\[0m\n", re.S)
CHUNK0 = re.compile(rb"\x1b\[0;3([14])m(.*?)\x1b\[0m", re.S)


def chunks(out, nl=True):
    data = open(out, "rb").read()
    rx = CHUNK if nl else CHUNK0
    pos = 0
    res = []
    for m in rx.finditer(data):
        if m.start() != pos:
            bad("stray bytes at output offset %d: %r" %
                (pos, data[pos:m.start()][:40]))
        pos = m.end()
        res.append((m.group(1), m.group(2)))
    if pos != len(data):
        bad("stray bytes at output offset %d: %r" % (pos, data[pos:][:40]))
    if not res:
        bad("no coloured chunks in the output")
    return res


def hexdump_bytes(name, body):
    """Rebuild {offset: bytes} from escape_hexdump lines."""
    got = {}
    for line in body.split(b"\n"):
        if not line:
            continue
        m = re.match(rb"^([0-9a-f]{4,}): (.*)$", line)
        if m is None:
            bad("%s: bad hex dump line %r" % (name, line[:60]))
            continue
        off = int(m.group(1), 16)
        hexpart = m.group(2).split(b"  ", 1)[0].replace(b" ", b"")
        try:
            raw = bytes.fromhex(hexpart.decode())
        except ValueError:
            bad("%s: bad hex in %r" % (name, line[:60]))
            continue
        # the ASCII column is the last len(raw) characters of the line
        asc = line[-len(raw):] if raw else b""
        if asc != printable(raw).replace(b"\r", b".").replace(b"\n", b"."):
            bad("%s: ASCII column %r does not match %r" %
                (name, asc[:40], raw[:40]))
        got[off] = raw
    return got


def cmd_console(args):
    mode, out, d = args[0], args[1], args[2]
    per = {}
    if mode in ("c", "D"):
        for _, body in chunks(out):
            # names may hold ':' (IPv6); the separator is the first ": "
            i = body.find(b": ")
            if i < 0:
                bad("chunk without 'name: ' prefix: %r" % body[:60])
                continue
            name = body[:i].decode("utf-8", "replace")
            rest = body[i + 2:]
            if mode == "c":
                per[name] = per.get(name, b"") + rest
            else:
                if not rest.startswith(b"\n"):
                    bad("%s: hex dump does not start on a new line" % name)
                for off, raw in hexdump_bytes(name, rest[1:]).items():
                    buf = bytearray(per.get(name, b""))
                    if len(buf) < off + len(raw):
                        buf.extend(b"\0" * (off + len(raw) - len(buf)))
                    buf[off:off + len(raw)] = raw
                    per[name] = bytes(buf)
    else:
        side = {}
        _, fos = fileobjects(args[3])
        for fo in fos:
            fs = fo.getElementsByTagName("flowscope")
            side[fs[0].getAttribute("side")] = os.path.basename(
                text(fo, "filename"))
        if len(fos) != 2 or set(side) != {"client", "server"}:
            raise SystemExit("console %s: needs one connection" % mode)
        for colour, body in chunks(out):
            name = side["client"] if colour == b"4" else side["server"]
            per[name] = per.get(name, b"") + body
    files = sorted(f for f in os.listdir(d) if f != "report.xml")
    for f in files:
        want = open(os.path.join(d, f), "rb").read()
        if mode in ("c", "C"):
            want = printable(want)
        got = per.pop(f, None)
        if got is None:
            if want:
                bad("%s: never printed (%d bytes expected)" % (f, len(want)))
            continue
        if got != want:
            n = next((k for k in range(min(len(got), len(want)))
                      if got[k] != want[k]), min(len(got), len(want)))
            bad("%s: printed %d bytes, flow file (mapped) %d; first "
                "difference at %d: %r vs %r" % (f, len(got), len(want), n,
                                                got[n:n + 20], want[n:n + 20]))
    for name in per:
        bad("%s: printed but there is no such flow file" % name)


def cmd_split(args):
    data = open(args[0], "rb").read()
    n = int(args[3])
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit("split: not a classic pcap")
    hdr = data[:24]
    pos = 24
    k = 0
    cut = None
    while pos + 16 <= len(data):
        if k == n:
            cut = pos
        caplen = struct.unpack(e + "I", data[pos + 8:pos + 12])[0]
        pos += 16 + caplen
        k += 1
    if k == n:
        cut = pos
    if cut is None:
        raise SystemExit("split: fewer than %d records" % n)
    open(args[1], "wb").write(data[:cut])
    open(args[2], "wb").write(hdr + data[cut:])


def cmd_pcapcount(args):
    data = open(args[0], "rb").read()
    e = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    pos = 24
    k = 0
    while pos + 16 <= len(data):
        pos += 16 + struct.unpack(e + "I", data[pos + 8:pos + 12])[0]
        k += 1
    print(k)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "wellformed":
            xml.dom.minidom.parse(args[0])
        elif cmd == "report":
            cmd_report(args)
        elif cmd == "names":
            cmd_names(args)
        elif cmd == "cmdline":
            cmd_cmdline(args)
        elif cmd == "macs":
            cmd_macs(args)
        elif cmd == "side":
            cmd_attr(args, "side")
        elif cmd == "close":
            cmd_attr(args, "close")
        elif cmd == "mtimes":
            cmd_mtimes(args)
        elif cmd == "console":
            cmd_console(args)
        elif cmd == "split":
            cmd_split(args)
        elif cmd == "pcapcount":
            cmd_pcapcount(args)
        else:
            raise SystemExit("unknown subcommand " + cmd)
    except Exception as ex:  # a parse error is a test failure, not a crash
        bad("%s: %s: %s" % (cmd, type(ex).__name__, ex))
    finish()


if __name__ == "__main__":
    main()
