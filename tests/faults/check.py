#!/usr/bin/env python3
"""check.py: report.xml checks for tests/faults/run.sh.

  check.py files REPORT REFDIR [--exact] [--prefix-ok]
      Every <fileobject>'s file exists and its bytes are a prefix of the
      file of the same name in REFDIR (an uninterrupted run); with --exact
      its size is also the <filesize> listed.  Prints problems, exit 1.
  check.py interrupted REPORT
      The report is well-formed and says <interrupted/>: exit 0; finished
      without it: exit 2; anything else: exit 1.
  check.py prefix REPORT OUT
      REPORT is a prefix of a report (SIGKILL): cut it after the last
      complete element below <dfxml>'s children, close the open elements
      and write the result to OUT; exit 1 if even that does not parse.
  check.py cut REPORT
      Print the file names whose <flowscope> element has truncated_bytes.
"""

import os
import sys
import xml.etree.ElementTree as ET
import xml.parsers.expat


def fileobjects(root):
    for fo in root.iter('fileobject'):
        name = fo.findtext('filename')
        size = fo.findtext('filesize')
        fs = fo.find('flowscope')
        yield name, int(size) if size is not None else None, fs


def cmd_files(rep, refdir, exact):
    bad = 0
    root = ET.parse(rep).getroot()
    n = 0
    for name, size, _ in fileobjects(root):
        n += 1
        if name is None or not os.path.exists(name):
            print('missing: %s' % name)
            bad += 1
            continue
        with open(name, 'rb') as f:
            got = f.read()
        ref = os.path.join(refdir, os.path.basename(name))
        with open(ref, 'rb') as f:
            want = f.read()
        if want[:len(got)] != got:
            print('not a prefix of the full run: %s (%d bytes)' %
                  (name, len(got)))
            bad += 1
        if exact and size != len(got):
            print('%s: %d bytes, report says %s' % (name, len(got), size))
            bad += 1
    print('%d fileobjects checked' % n)
    return 1 if bad else 0


def cmd_interrupted(rep):
    try:
        root = ET.parse(rep).getroot()
    except (ET.ParseError, OSError) as e:
        print(e)
        return 1
    return 0 if root.find('.//interrupted') is not None else 2


def cmd_prefix(rep, out):
    with open(rep, 'rb') as f:
        data = f.read()
    stack = []
    best = [0, []]
    p = xml.parsers.expat.ParserCreate()

    def start(name, attrs):
        stack.append(name)

    def end(name):
        stack.pop()
        if len(stack) <= 2:
            best[0] = p.CurrentByteIndex
            best[1] = list(stack)

    p.StartElementHandler = start
    p.EndElementHandler = end
    try:
        p.Parse(data, False)
    except xml.parsers.expat.ExpatError as e:
        print('not a prefix of XML: %s' % e)
        return 1
    if best[0] == 0:
        print('no complete element')
        return 1
    # CurrentByteIndex is the start of the end tag: skip over it.
    cut = data.index(b'>', best[0]) + 1
    text = data[:cut] + b''.join(b'</%s>' % s.encode()
                                 for s in reversed(best[1]))
    with open(out, 'wb') as f:
        f.write(text)
    try:
        ET.fromstring(text)
    except ET.ParseError as e:
        print('closed prefix does not parse: %s' % e)
        return 1
    return 0


def cmd_cut(rep):
    root = ET.parse(rep).getroot()
    for name, _, fs in fileobjects(root):
        if fs is not None and int(fs.get('truncated_bytes', '0')) > 0:
            print(name)
    return 0


def main():
    a = sys.argv[1:]
    if a[0] == 'files':
        return cmd_files(a[1], a[2], '--exact' in a)
    if a[0] == 'interrupted':
        return cmd_interrupted(a[1])
    if a[0] == 'prefix':
        return cmd_prefix(a[1], a[2])
    if a[0] == 'cut':
        return cmd_cut(a[1])
    print(__doc__)
    return 1


if __name__ == '__main__':
    sys.exit(main())
