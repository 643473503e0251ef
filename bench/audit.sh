#!/usr/bin/env bash
# Benchmark of `punchline audit` against `punchline build` on the same corpus.
#
#   bench/audit.sh [N] [RUNS]                 corpus from examples/gen_corpus.rs
#   bench/audit.sh [N] [RUNS] --shared DIR    the build benchmark's corpus, from
#                                             DIR/gen_corpus.py (see bench/build.sh)
#
# N jokes (default 10000) and N/10 bulletins; RUNS timed runs (default 5).
# Each command runs as a cold process: one untimed warm-up, then RUNS timed
# runs; printed are the median (min-max) of wall time, CPU (user+sys) and
# peak RSS from GNU time, and the audit's share of the build's wall time. The audit writes its JSON report to
# /dev/null; the build writes into a fresh folder, deleted inside the timed
# command.
set -euo pipefail
N=${1:-10000}
RUNS=${2:-5}
SHARED=""
shift $(($# >= 2 ? 2 : $#))
while [ $# -gt 0 ]; do
    case $1 in
    --shared) SHARED=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=$HERE/target/release/punchline
WORK=${BENCH_WORK:-/tmp/punchline-bench}
NOW=2026-11-25
mkdir -p "$WORK"
if [ -n "$SHARED" ]; then
    CORPUS=$WORK/shared-punchline-$N
    [ -f "$CORPUS.ok" ] || { python3 "$SHARED/gen_corpus.py" --format punchline "$CORPUS" --jokes "$N" --bulletins $((N / 10)) >/dev/null && touch "$CORPUS.ok"; }
else
    CORPUS=$WORK/corpus-$N
    if [ ! -f "$CORPUS.ok" ]; then
        (cd "$HERE" && cargo run --release --quiet --example gen_corpus -- "$CORPUS" --jokes "$N" 2>/dev/null)
        touch "$CORPUS.ok"
    fi
fi
(cd "$HERE" && cargo build --release --quiet --bin punchline)

OUT=$WORK/out-$N
LOG=$(mktemp)
# All audits first, then all builds: an audit run right after a build would
# share the two cores with the writeback of the build's output.
for i in $(seq 0 "$RUNS"); do # run 0 is the warm-up
    /usr/bin/time -f '%e %U %S %M' -o "$LOG.audit.$i" \
        "$BIN" -C "$CORPUS" audit --now "$NOW" --format json -o /dev/null >/dev/null 2>&1 || true
done
for i in $(seq 0 "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$LOG.build.$i" \
        sh -c "rm -rf '$OUT' && exec '$BIN' -C '$CORPUS' build --now '$NOW' -o '$OUT' --format json" >/dev/null 2>&1
done
rm -rf "$OUT"

python3 - "$N" "$RUNS" "$LOG" <<'PY'
import statistics, sys
n, runs, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def rows(name):
    out = []
    for i in range(1, runs + 1):
        e, u, s, kb = open("%s.%s.%d" % (log, name, i)).read().split()[-4:]
        out.append((float(e), float(u) + float(s), int(kb) / 1024))
    return out
def f(rs, col, fmt):
    xs = sorted(r[col] for r in rs)
    return (fmt % statistics.median(xs)) + " (" + (fmt % xs[0]) + "-" + (fmt % xs[-1]) + ")"
medians = {}
for name in ("audit", "build"):
    rs = rows(name)
    medians[name] = statistics.median(r[0] for r in rs)
    print("%-6s N=%-6d wall s %-20s cpu s %-20s peak MiB %s"
          % (name, n, f(rs, 0, "%.2f"), f(rs, 1, "%.2f"), f(rs, 2, "%.0f")))
print("audit/build wall time: %.0f %%" % (100 * medians["audit"] / medians["build"]))
PY
rm -f "$LOG" "$LOG".*
