// Screenshots of pages at phone and desktop widths, and a check that no
// page logs a console error or fails to load a resource.
//
//   node screenshots.mjs OUT_DIR URL...
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM, FLAGS } from "./chromium.mjs";

const [out, ...urls] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
const sizes = [["phone", 390, 844], ["desktop", 1280, 900]];
const errors = [];
for (const url of urls) {
  for (const [name, width, height] of sizes) {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on("console", (m) => { if (m.type() === "error") errors.push(`${url} (${name}): ${m.text()}`); });
    page.on("pageerror", (e) => errors.push(`${url} (${name}): ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`${url} (${name}): failed to load ${r.url()}`));
    const resp = await page.goto(url, { waitUntil: "networkidle" });
    if (!resp || resp.status() !== 200) errors.push(`${url}: HTTP ${resp && resp.status()}`);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    if (scroll) errors.push(`${url} (${name}): the page scrolls sideways`);
    const file = new URL(url).pathname.replace(/\/$/, "/index").replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "home";
    await page.screenshot({ path: join(out, `${file}-${name}.png`), fullPage: true });
    await page.close();
  }
}
await browser.close();
for (const e of errors) console.log(e);
process.exit(errors.length ? 1 : 0);
