// Runs Lighthouse (SEO, Accessibility, Best Practices) on each URL given and
// prints one JSON line per page with the three scores. Exits 1 when any
// score is below the minimum (default 100), listing the failing audits.
//
//   node lighthouse.mjs [--min 100] [--out DIR] URL...
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, FLAGS } from "./chromium.mjs";

const args = process.argv.slice(2);
let min = 100;
let out = mkdtempSync(join(tmpdir(), "lh-"));
const urls = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--min") min = Number(args[++i]);
  else if (args[i] === "--out") out = args[++i];
  else urls.push(args[i]);
}
mkdirSync(out, { recursive: true });
const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "lighthouse", "cli", "index.js");
let failed = false;
for (const [n, url] of urls.entries()) {
  const report = join(out, `lighthouse-${n}.json`);
  const profile = mkdtempSync(join(tmpdir(), "lh-profile-"));
  const r = spawnSync(process.execPath, [cli, url,
    "--only-categories=seo,accessibility,best-practices", "--output=json", `--output-path=${report}`, "--quiet",
    `--chrome-flags=${[...FLAGS, `--user-data-dir=${profile}`].join(" ")}`], {
    env: { ...process.env, CHROME_PATH: CHROMIUM }, encoding: "utf8", timeout: 180000,
  });
  if (r.status !== 0) {
    console.log(JSON.stringify({ url, error: (r.stderr || "").slice(-2000) }));
    failed = true;
    continue;
  }
  const lhr = JSON.parse(readFileSync(report, "utf8"));
  const scores = {};
  const problems = [];
  for (const [id, cat] of Object.entries(lhr.categories)) {
    scores[id] = Math.round(cat.score * 100);
    for (const ref of cat.auditRefs) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) problems.push(`${id}/${ref.id}: ${a.title}`);
    }
  }
  const errored = Object.values(lhr.audits).filter((a) => a.scoreDisplayMode === "error").map((a) => a.id);
  const low = Object.values(scores).some((s) => s < min);
  failed ||= low || errored.length > 0;
  console.log(JSON.stringify({ url, scores, problems, errored }));
}
process.exit(failed ? 1 : 0);
