#!/usr/bin/env bash
# Benchmark of `punchline build` again after one edit, with the cache of the
# build before it: the everyday case of a production build in CI or on a
# writer's machine.
#
#   bench/incremental.sh N [RUNS] --shared DIR   corpus from DIR/gen_corpus.py (N jokes, N/10 bulletins)
#
# BENCH_WORK (default /tmp/punchline-bench) holds the corpus copy and the
# output: the default puts the output on the disk, where creating files is
# what a full build pays most for. One full build first; then, RUNS times
# each: one joke's body edited, then one joke's title edited (a title shows
# in listings, tag pages, the home page and related-joke cards), each
# followed by a timed `build`. Reports the median (min-max) wall time, peak
# RSS and the files the build wrote, and checks after the last run that the
# output equals a build from scratch (`--no-cache`) byte for byte.
set -euo pipefail
N=${1:?usage: bench/incremental.sh N [RUNS] --shared DIR}
RUNS=${2:-5}
SHARED=""
shift $(($# >= 2 ? 2 : 1))
while [ $# -gt 0 ]; do
    case $1 in
    --shared) SHARED=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$SHARED" ] || { echo "--shared DIR is required (the corpus generator)" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=$HERE/target/release/punchline
WORK=${BENCH_WORK:-/tmp/punchline-bench}
NOW=2026-11-25T12:00:00Z
mkdir -p "$WORK"
(cd "$HERE" && cargo build --release --quiet --bin punchline)
SITE=$WORK/incremental-$N
rm -rf "$SITE"
python3 "$SHARED/gen_corpus.py" --format punchline "$SITE" --jokes "$N" --bulletins $((N / 10)) >/dev/null
"$BIN" -C "$SITE" build --now "$NOW" >/dev/null
JOKE=$(find "$SITE/content/jokes" -name '*.md' | sort | sed -n 2p)
LOG=$(mktemp)
timed() { # timed KIND I: build once, record wall, RSS and files written
    /usr/bin/time -f '%e %M' -o "$LOG.time" "$BIN" -C "$SITE" build --now "$NOW" --format json >"$LOG.json"
    python3 - "$1" "$LOG.time" "$LOG.json" >>"$LOG.$1" <<'PY'
import json, sys
e, kb = open(sys.argv[2]).read().split()[-2:]
d = json.load(open(sys.argv[3]))
assert d["incremental"], "the cache was not used"
print(e, int(kb) // 1024, d["files_written"], d["sources_parsed"], d["pages_rendered"])
PY
}
for i in $(seq 1 "$RUNS"); do
    # A body edit: one more sentence at the end.
    printf '\nEdited again, run %s.\n' "$i" >>"$JOKE"
    timed body
    # A title edit.
    sed -i "0,/^title: .*/s//title: Edited title number $i/" "$JOKE"
    timed title
done
for kind in body title; do
    python3 - "$kind" "$LOG.$kind" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[2])]
def f(col, fmt):
    xs = sorted(float(r[col]) for r in rows)
    return (fmt % statistics.median(xs)) + " (" + (fmt % xs[0]) + "-" + (fmt % xs[-1]) + ")"
print("%-6s edit: wall s %-20s peak MiB %-14s files written %-12s sources parsed %-10s pages rendered %s"
      % (sys.argv[1], f(0, "%.3f"), f(1, "%.0f"), f(2, "%.0f"), f(3, "%.0f"), f(4, "%.0f")))
PY
done
"$BIN" -C "$SITE" build --now "$NOW" --no-cache -o "$WORK/incremental-fresh" >/dev/null
if diff -r "$SITE/public" "$WORK/incremental-fresh" >/dev/null; then
    echo "the incremental output equals a build from scratch"
else
    echo "DIFFERENT from a build from scratch" >&2
    exit 1
fi
rm -f "$LOG" "$LOG".*
