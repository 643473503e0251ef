#!/usr/bin/env bash
# Benchmark of `punchline build`, side by side with Hugo on the very same
# content when asked, in one run.
#
#   bench/build.sh N [RUNS]                   corpus from examples/gen_corpus.rs
#   bench/build.sh N [RUNS] --shared DIR      corpus from DIR/gen_corpus.py, the generator
#                                             that writes one corpus in punchline, Hugo and
#                                             Zola layouts
#   ... --hugo                                also time Hugo on the Hugo layout of that corpus
#   ... --floor                               also time the file system alone: delete the
#                                             previous copy, then copy punchline's finished
#                                             site (no rendering), two copiers in parallel
#
# BENCH_WORK (default /tmp/punchline-bench) holds corpora and outputs; point
# it at a tmpfs (/dev/shm/...) to take the disk out of the measurement.
# Each run is a cold process building into a fresh output folder that is
# deleted inside the timed command, and punchline builds with --no-cache
# (from scratch, as Hugo does: no cache of an earlier build). One untimed warm-up, then RUNS timed runs
# (default 5), alternating the tools; median (min-max) of wall time, CPU
# (user+sys) and peak RSS from GNU time, and the output's files and bytes.
set -euo pipefail
N=${1:?usage: bench/build.sh N [RUNS] [--shared DIR] [--hugo]}
RUNS=${2:-5}
SHARED=""
HUGO=0
FLOOR=0
shift $(($# >= 2 ? 2 : 1))
while [ $# -gt 0 ]; do
    case $1 in
    --shared) SHARED=$2; shift 2 ;;
    --hugo) HUGO=1; shift ;;
    --floor) FLOOR=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ "$HUGO" = 0 ] || [ -n "$SHARED" ] || { echo "--hugo needs --shared DIR (the Hugo layout comes from its generator)" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=$HERE/target/release/punchline
WORK=${BENCH_WORK:-/tmp/punchline-bench}
mkdir -p "$WORK"
(cd "$HERE" && cargo build --release --quiet --bin punchline --example gen_corpus)

M=$((N / 10))
if [ -n "$SHARED" ]; then
    CORPUS=$WORK/shared-punchline-$N
    [ -f "$CORPUS.ok" ] || { python3 "$SHARED/gen_corpus.py" --format punchline "$CORPUS" --jokes "$N" --bulletins "$M" >/dev/null && touch "$CORPUS.ok"; }
    if [ "$HUGO" = 1 ]; then
        HCORPUS=$WORK/shared-hugo-$N
        [ -f "$HCORPUS.ok" ] || { python3 "$SHARED/gen_corpus.py" --format hugo "$HCORPUS" --jokes "$N" --bulletins "$M" >/dev/null && touch "$HCORPUS.ok"; }
    fi
else
    CORPUS=$WORK/corpus-$N
    [ -f "$CORPUS.ok" ] || { "$HERE/target/release/examples/gen_corpus" "$CORPUS" --jokes "$N" 2>/dev/null && touch "$CORPUS.ok"; }
fi

cases=(punchline)
[ "$HUGO" = 1 ] && cases+=(hugo)
if [ "$FLOOR" = 1 ]; then
    # The floor: what writing this very site costs the file system, with no
    # generator at all. The source is one untimed build; the timed command
    # deletes the previous copy (as every case does) and copies the source
    # with two cp processes, one per core, splitting it by second-level
    # entry (a joke's folder, a tag's folder, ...).
    cases+=(floor)
    FSRC=$WORK/floor-source
    rm -rf "$FSRC"
    "$BIN" -C "$CORPUS" build --now 2026-11-25T12:00:00Z -o "$FSRC" >/dev/null 2>&1
    (cd "$FSRC" && find . -mindepth 1 -maxdepth 1 -type d >"$WORK/floor-dirs" \
        && { find . -mindepth 1 -maxdepth 1 -type f; find . -mindepth 2 -maxdepth 2; } >"$WORK/floor-list")
fi
command_for() { # command_for CASE -> the timed shell command
    case $1 in
    punchline) echo "rm -rf '$WORK/out-punchline' && exec '$BIN' -C '$CORPUS' build --no-cache --now 2026-11-25T12:00:00Z -o '$WORK/out-punchline' --format json" ;;
    hugo) echo "rm -rf '$WORK/out-hugo' && exec hugo -s '$HCORPUS' -d '$WORK/out-hugo' --quiet" ;;
    floor) echo "rm -rf '$WORK/out-floor' && mkdir '$WORK/out-floor' && (cd '$WORK/out-floor' && xargs -a '$WORK/floor-dirs' mkdir) && cd '$FSRC' && exec xargs -a '$WORK/floor-list' -P 2 -n 500 cp -r --parents -t '$WORK/out-floor'" ;;
    esac
}
LOG=$(mktemp)
for i in $(seq 0 "$RUNS"); do
    for c in "${cases[@]}"; do
        /usr/bin/time -f '%e %U %S %M' -o "$LOG.$c.$i" sh -c "$(command_for "$c")" >/dev/null 2>&1
    done
done
for c in "${cases[@]}"; do
    python3 - "$c" "$N" "$RUNS" "$WORK/out-$c" "$LOG.$c" <<'PY'
import os, statistics, sys
name, n, runs, out, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = []
for i in range(1, runs + 1):          # run 0 is the warm-up
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
print("%-10s N=%-6d wall s %-22s cpu s %-22s peak MiB %-18s files %6d  MB %7.1f  pages/s %6.0f"
      % (name, n, f(0, "%.2f"), f(1, "%.2f"), f(2, "%.0f"), files, nbytes / 1e6, (n + n // 10) / wall))
PY
done
rm -f "$LOG" "$LOG".*
