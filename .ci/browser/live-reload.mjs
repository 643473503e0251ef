// Drives a real browser against `punchline serve`: the open page reloads
// with the new text after its file is edited; a broken edit shows the error
// overlay (naming file and line) and fixing it removes the overlay.
//
//   node live-reload.mjs BASE_URL PAGE_PATH CONTENT_FILE
import { chromium } from "playwright-core";
import { readFileSync, writeFileSync } from "node:fs";
import { CHROMIUM, FLAGS } from "./chromium.mjs";

const [base, path, file] = process.argv.slice(2);
const original = readFileSync(file, "utf8");
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
const page = await browser.newPage();
const fail = async (msg) => { console.log(msg); writeFileSync(file, original); await browser.close(); process.exit(1); };
try {
  await page.goto(base + path, { waitUntil: "load" });
  // Give the event stream a moment to connect, then mark this document:
  // a reload replaces it, and the mark is gone.
  await page.waitForTimeout(500);
  await page.evaluate(() => { window.__notReloaded = true; });
  const marker = `Freshly edited punchline ${Date.now()}`;
  writeFileSync(file, `${original}\n${marker}\n`);
  await page.waitForFunction((m) => !window.__notReloaded && document.body.innerText.includes(m), marker, { timeout: 10000 })
    .catch(() => fail("the page did not reload with the new text"));
  console.log("reloaded with the new text");

  const broken = original.replace(/^title:/m, "titel:");
  writeFileSync(file, broken);
  const overlay = await page.waitForSelector("#punchline-error-overlay", { timeout: 10000 })
    .catch(() => fail("no error overlay after a broken edit"));
  const text = await overlay.innerText();
  const rel = file.slice(file.indexOf("content/"));
  if (!text.includes(`${rel}:`) || !text.includes("titel")) await fail(`the overlay does not name the file and field: ${text}`);
  console.log("error overlay shown: " + text.split("\n")[1]);

  writeFileSync(file, original);
  await page.waitForSelector("#punchline-error-overlay", { state: "detached", timeout: 10000 })
    .catch(() => fail("the overlay stayed after the fix"));
  console.log("overlay gone after the fix");
} finally {
  writeFileSync(file, original);
  await browser.close();
}
