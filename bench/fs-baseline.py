#!/usr/bin/env python3
"""How long the file system alone takes to create a site-shaped tree.

    python3 bench/fs-baseline.py DIR [FOLDERS] [BYTES]

Deletes DIR if it exists (as the build benchmarks do inside the timed
command), then creates FOLDERS folders (default 13,462, like the 10,000-joke
site) with one index.html of BYTES bytes each (default 11,700, the average
page), and prints how long the creation took. No rendering at all: this is
the floor any static site generator pays on that file system.
"""
import os
import shutil
import sys
import time

base = sys.argv[1]
folders = int(sys.argv[2]) if len(sys.argv) > 2 else 13462
size = int(sys.argv[3]) if len(sys.argv) > 3 else 11700
shutil.rmtree(base, ignore_errors=True)
data = b"x" * size
start = time.time()
for i in range(folders):
    d = os.path.join(base, "p%d" % (i // 500), "j%06d" % i)
    os.makedirs(d)
    with open(os.path.join(d, "index.html"), "wb") as f:
        f.write(data)
print("%s: %d folders with a %d-byte file each in %.2f s" % (base, folders, size, time.time() - start))
