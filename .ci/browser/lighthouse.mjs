// Runs Lighthouse (Performance, Accessibility, Best Practices, SEO) on each
// URL given, as a phone (Lighthouse's default) or with --desktop as a
// desktop, and prints one JSON line per page with the four scores. Exits 1
// when any score is below the minimum (default 100), listing the failing
// audits.
//
//   node lighthouse.mjs [--min 100] [--desktop] [--out DIR] URL...
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, FLAGS } from "./chromium.mjs";

const args = process.argv.slice(2);
let min = 100;
let desktop = false;
let out = mkdtempSync(join(tmpdir(), "lh-"));
const urls = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--min") min = Number(args[++i]);
  else if (args[i] === "--out") out = args[++i];
  else if (args[i] === "--desktop") desktop = true;
  else urls.push(args[i]);
}
mkdirSync(out, { recursive: true });
const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "lighthouse", "cli", "index.js");
let failed = false;
// One Lighthouse run: the scores, the audits that cost points, and audits
// that could not run.
function audit(url, report) {
  const profile = mkdtempSync(join(tmpdir(), "lh-profile-"));
  const r = spawnSync(process.execPath, [cli, url,
    "--only-categories=performance,seo,accessibility,best-practices", ...(desktop ? ["--preset=desktop"] : []),
    "--output=json", `--output-path=${report}`, "--quiet",
    `--chrome-flags=${[...FLAGS, `--user-data-dir=${profile}`].join(" ")}`], {
    env: { ...process.env, CHROME_PATH: CHROMIUM }, encoding: "utf8", timeout: 180000,
  });
  if (r.status !== 0) return { url, error: (r.stderr || "").slice(-2000) };
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
  return { url, scores, problems, errored };
}
const low = (r) => Object.values(r.scores).some((s) => s < min);
for (const [n, url] of urls.entries()) {
  const report = join(out, `lighthouse-${desktop ? "desktop" : "mobile"}-${n}.json`);
  let r = audit(url, report);
  // Performance is timed, so a busy machine can cost a point where the
  // page is not to blame (the other three categories are not timed): a
  // page short in Performance alone is measured once more, as Lighthouse's
  // own CI takes the best of several runs.
  if (!r.error && low(r) && Object.entries(r.scores).every(([id, s]) => s >= min || id === "performance")) {
    const again = audit(url, report);
    if (!again.error && again.scores.performance >= r.scores.performance) r = { ...again, retried: true };
  }
  failed ||= !!r.error || low(r) || r.errored.length > 0;
  console.log(JSON.stringify(r));
}
process.exit(failed ? 1 : 0);
