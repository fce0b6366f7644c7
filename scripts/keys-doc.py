#!/usr/bin/env python3
"""keys-doc.py: print the UI's key bindings from the key tables in
ui/ui-main.c and ui/ui-pager.c (the tables that dispatch keys and draw the
help screen), as Markdown (README) or mdoc (man page):

    python3 scripts/keys-doc.py md|man|check README.md man/flowscope.1

`check` exits 1 if a help text is missing from a document, so the help
screen, the README and the man page keep the same words
(tests/cli/docs.sh runs it)."""
import re
import sys
import os

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ENTRY = re.compile(r'\{\s*([^,{}]+?),\s*([A-Z_]+),\s*"((?:[^"\\]|\\.)*)",\s*'
                   r'((?:"(?:[^"\\]|\\.)*"\s*)+),\s*(NULL|"[^"]*")\s*\}', re.S)


def table(path, name):
    src = open(os.path.join(TOP, path)).read()
    m = re.search(r'struct ui_key\s+' + name + r'\[\]\s*=\s*\{(.*?)\n\};', src,
                  re.S)
    if m is None:
        sys.exit("keys-doc: no table %s in %s" % (name, path))
    rows = []
    for e in ENTRY.finditer(m.group(1)):
        help_text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', e.group(4)))
        rows.append((e.group(3).replace('\\\\', '\\'), help_text))
    return rows


def merged(rows):
    """One line per help text, its keys joined ("j, Down")."""
    out = []
    for name, text in rows:
        for o in out:
            if o[1] == text:
                if name not in o[0]:
                    o[0].append(name)
                break
        else:
            out.append([[name], text])
    return out


def tables():
    return [("Connection list", merged(table("ui/ui-main.c", "list_keys"))),
            ("Pager", merged(table("ui/ui-pager.c", "pager_keys")))]


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "md"
    if mode == "md":
        for title, rows in tables():
            print("| %s key | Action |\n|---|---|" % title)
            for names, text in rows:
                print("| %s | %s |" % (", ".join("`%s`" % n.replace("|", "\\|")
                                                  for n in names),
                                       text.replace("|", "\\|")))
            print()
    elif mode == "man":
        for title, rows in tables():
            print(".Ss %s" % title)
            print('.Bl -tag -width "Space, f, PgDn" -compact')
            for names, text in rows:
                print(".It " + " , ".join("Ic " + n.replace("\\", "\\e")
                                          for n in names))
                print(text.replace("\\", "\\e"))
            print(".El")
    elif mode == "check":
        bad = 0
        for doc in sys.argv[2:]:
            body = open(doc).read()
            if doc.endswith(".1"):
                body = body.replace("\\e", "\\")
            for title, rows in tables():
                for names, text in rows:
                    if text not in body:
                        print("%s: missing %s key help: %s" % (doc, title,
                                                               text))
                        bad = 1
        sys.exit(bad)
    else:
        sys.exit(__doc__)


main()
