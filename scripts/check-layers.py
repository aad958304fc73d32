#!/usr/bin/env python3
"""The layering check (make test): every #include "..." of a C, header or
assembly file must name a file of a folder that the including file's
folder may include, by the table of docs/ARCHITECTURE.md ("Layers"), which
this script reads.  A file belongs to the longest folder of the table that
its path starts with.  Prints one PASS line, or a FAIL line per include
that goes up the table (and exits 1).

    scripts/check-layers.py [ROOT]
"""
import os
import re
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
os.chdir(root)

# The table: rows "| layer | `folder/` | what | `a/`, `b/` |" between the
# markers, so that the document and the check cannot disagree.
doc = open('docs/ARCHITECTURE.md').read()
m = re.search(r'<!-- layers: begin -->(.*?)<!-- layers: end -->', doc, re.S)
if not m:
    print('FAIL layers: no table between <!-- layers: begin --> and <!-- layers: end --> '
          'in docs/ARCHITECTURE.md')
    sys.exit(1)
allowed = {}
for line in m.group(1).splitlines():
    cells = [c.strip() for c in line.strip().strip('|').split('|')]
    if len(cells) < 4 or not cells[1].startswith('`'):
        continue
    folder = cells[1].strip('`')
    allowed[folder] = re.findall(r'`([^`]+)`', cells[3])
if not allowed:
    print('FAIL layers: the table in docs/ARCHITECTURE.md has no rows')
    sys.exit(1)


def folder_of(path):
    best = None
    for f in allowed:
        if (f == '*' or path.startswith(f)) and (best is None or len(f) > len(best)):
            best = f
    return best


files = subprocess.check_output(['git', 'ls-files', '*.c', '*.h', '*.S'],
                                universal_newlines=True).split()
bad = 0
checked = 0
for path in files:
    home = folder_of(path)
    if home is None:
        print('FAIL layers: %s is in no folder of the table' % path)
        bad += 1
        continue
    for n, line in enumerate(open(path, errors='replace'), 1):
        inc = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not inc:
            continue
        target = inc.group(1)
        if '/' not in target:	# next to the file itself
            target = os.path.normpath(os.path.join(os.path.dirname(path), target))
        checked += 1
        may = allowed[home]
        if '*' in may:
            continue
        there = folder_of(target)
        if there is None or there not in may:
            print('FAIL layers: %s:%d includes %s (%s may include %s)' %
                  (path, n, inc.group(1), home, ', '.join(may)))
            bad += 1
if bad:
    sys.exit(1)
print('PASS layers: %d includes in %d files follow the table of docs/ARCHITECTURE.md'
      % (checked, len(files)))
