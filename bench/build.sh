#!/usr/bin/env bash
# Benchmark of `punchline build`, optionally side by side with Hugo (and Zola)
# on the very same corpus, in one run.
#
#   bench/build.sh N [RUNS]                  corpus from examples/gen_corpus.rs
#   bench/build.sh N [RUNS] --shared DIR     corpus from DIR/gen_corpus.py (the
#                                            three-layout generator: punchline,
#                                            Hugo, Zola), then DIR/bench.sh times
#                                            Hugo in the same run
#
# Each run is a cold process building into a fresh output folder, deleted
# inside the timed command (as the Hugo/Zola script does). One untimed
# warm-up, then RUNS timed runs (default 5): median (min-max) of wall time,
# CPU (user+sys) and peak RSS, from GNU time.
set -euo pipefail
N=${1:?usage: bench/build.sh N [RUNS] [--shared DIR] [--tools "hugo zola-static"]}
RUNS=${2:-5}
SHARED=""
TOOLS="hugo"
shift $(( $# >= 2 ? 2 : 1 ))
while [ $# -gt 0 ]; do
    case $1 in
    --shared) SHARED=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=$HERE/target/release/punchline
WORK=${BENCH_WORK:-/tmp/punchline-bench}
mkdir -p "$WORK"
(cd "$HERE" && cargo build --release --quiet --bin punchline --example gen_corpus)

CORPUS=$WORK/corpus-$N
if [ -n "$SHARED" ]; then
    CORPUS=$WORK/shared-punchline-$N
    [ -f "$CORPUS.ok" ] || { python3 "$SHARED/gen_corpus.py" --format punchline "$CORPUS" --jokes "$N" --bulletins $((N / 10)) >/dev/null && touch "$CORPUS.ok"; }
else
    [ -f "$CORPUS.ok" ] || { "$HERE/target/release/examples/gen_corpus" "$CORPUS" --jokes "$N" 2>/dev/null && touch "$CORPUS.ok"; }
fi

OUT=$WORK/out-$N
LOG=$(mktemp)
for i in $(seq 0 "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$LOG.$i" sh -c "rm -rf '$OUT' && exec '$BIN' -C '$CORPUS' build --now 2026-11-25T12:00:00Z -o '$OUT' --format json" >/dev/null 2>&1
done
python3 - "$N" "$RUNS" "$OUT" "$LOG" <<'PY'
import os, statistics, sys
n, runs, out, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = []
for i in range(1, runs + 1):
    e, u, s, kb = open("%s.%d" % (log, i)).read().split()[-4:]
    rows.append((float(e), float(u) + float(s), int(kb) / 1024))
def f(col, fmt):
    xs = sorted(r[col] for r in rows)
    return (fmt % statistics.median(xs)) + " (" + (fmt % xs[0]) + "-" + (fmt % xs[-1]) + ")"
files = nbytes = 0
for dp, dn, fn in os.walk(out):
    for x in fn:
        files += 1
        nbytes += os.path.getsize(os.path.join(dp, x))
wall = statistics.median(r[0] for r in rows)
print("%-12s N=%-6d wall s %-22s cpu s %-22s peak MiB %-22s files %6d  MB %7.1f  pages/s %6.0f"
      % ("punchline", n, f(0, "%.2f"), f(1, "%.2f"), f(2, "%.0f"), files, nbytes / 1e6, (n + n // 10) / wall))
PY
rm -f "$LOG" "$LOG".*
if [ -n "$SHARED" ]; then
    for t in $TOOLS; do
        command -v "${t%%-*}" >/dev/null && bash "$SHARED/bench.sh" "$N" "$RUNS" "$t" || echo "$t: not installed, skipped"
    done
fi
