// What a reader gets from the default theme, checked in a real browser
// with the real layout: where things are on a phone and a desktop, search
// typed into the box, the random-joke page, the colour-scheme choice across
// a navigation, and axe-core on every kind of page.
//
//   node readers.mjs layout BASE OUT_DIR    positions (bounding boxes) + screenshots
//   node readers.mjs search BASE            queries typed into the search box
//   node readers.mjs random BASE            the random-joke page, with and without JavaScript
//   node readers.mjs scheme BASE            the colour-scheme toggle across pages
//   node readers.mjs axe BASE PATH...       axe-core, zero violations
//
// Prints "ok <check>" or "FAIL <check>: <detail>" per check; exits 1 on any failure.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, FLAGS } from "./chromium.mjs";

const [command, base, ...rest] = process.argv.slice(2);
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };
let failed = false;
const check = (ok, what, detail = "") => {
  console.log(ok ? `ok ${what}` : `FAIL ${what}: ${detail}`);
  failed ||= !ok;
};
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
const newPage = async (size, options = {}) => {
  const context = await browser.newContext({ viewport: SIZES[size], ...options });
  const page = await context.newPage();
  page.on("pageerror", (e) => check(false, "no script error", e.message));
  return page;
};
const box = (page, selector) =>
  page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
  }).catch(() => null);

async function layout() {
  const out = rest[0];
  mkdirSync(out, { recursive: true });
  const pages = {
    home: "/",
    joke: "/jokes/coffee-machine/",
    tag: "/tags/coffee/",
    special: "/specials/winter-laughs/",
    bulletin: "/bulletins/welcome/",
  };
  for (const [size, vp] of Object.entries(SIZES)) {
    for (const [kind, path] of Object.entries(pages)) {
      const page = await newPage(size);
      await page.goto(base + path, { waitUntil: "networkidle" });
      const at = `${kind} at ${vp.width}x${vp.height}`;
      const strip = await box(page, ".headlines");
      const first = await box(page, ".strip-list li:first-child a");
      check(strip && strip.top >= 0 && strip.bottom <= vp.height, `headline strip in the first screen (${at})`, JSON.stringify(strip));
      check(first && first.bottom <= vp.height && first.left < vp.width && first.right > 0,
        `first headline visible without scrolling (${at})`, JSON.stringify(first));
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      check(!wide, `no sideways scrolling (${at})`);
      const h1 = await box(page, "main h1:not(.vh)");
      if (kind === "joke") {
        check(h1 && h1.top < vp.height * 0.45, `the joke's title in the upper part of the first screen (${at})`, JSON.stringify(h1));
      }
      if (kind === "home") {
        const title = await box(page, ".latest-jokes .card .card-title");
        const text = await box(page, ".latest-jokes .card .prose");
        check(title && text && text.bottom <= vp.height, `a whole joke readable without scrolling (${at})`,
          JSON.stringify({ title, text }));
        const teaser = await page.evaluate(() => {
          const t = document.querySelector(".teaser");
          return t && { img: !!t.querySelector("img"), slogan: !!t.querySelector(".slogan"), dates: t.querySelectorAll("time").length };
        });
        check(teaser && teaser.img && teaser.slogan && teaser.dates === 2, `the running special shows its hero, slogan and dates (${at})`, JSON.stringify(teaser));
        const names = await page.evaluate(() => {
          const name = document.querySelector(".brand").textContent.trim();
          return [...document.querySelectorAll("body *")].filter((el) => el.children.length === 0 && el.textContent.trim() === name &&
            el.getBoundingClientRect().height > 0 && !el.closest(".vh,footer")).length;
        });
        check(names === 1, `the site name shown once in the first screen (${at})`, `${names} times`);
      }
      if (size === "phone") {
        const header = await box(page, ".site-header");
        const menu = await box(page, ".menu ul");
        const items = await page.locator(".menu li").evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().top))).size);
        check(header && header.height <= 110, `compact header (${at})`, JSON.stringify(header));
        check(menu && items === 1, `the menu on one line (${at})`, `${items} lines`);
        const search = await box(page, "#search-q");
        check(search && search.bottom <= vp.height && search.right <= vp.width, `the search box one tap away (${at})`, JSON.stringify(search));
      }
      const name = `${kind}-${size}`;
      await page.screenshot({ path: join(out, `${name}-first-screen.png`) });
      await page.screenshot({ path: join(out, `${name}-full.png`), fullPage: true });
      await page.context().close();
    }
  }
  // Print: just the joke.
  const page = await newPage("desktop");
  await page.goto(base + pages.joke, { waitUntil: "networkidle" });
  await page.emulateMedia({ media: "print" });
  const shown = await page.evaluate(() =>
    [".site-header", ".headlines", ".site-footer", ".share", ".related", ".prevnext"].filter((s) => {
      const el = document.querySelector(s);
      return el && getComputedStyle(el).display !== "none";
    }));
  const h1 = await box(page, "main h1");
  check(shown.length === 0 && h1 && h1.height > 0, "print shows just the joke", `also printed: ${shown}`);
  await page.context().close();
}

async function search() {
  const page = await newPage("phone");
  const fetched = [];
  page.on("request", (r) => { if (r.url().includes("search-index")) fetched.push(r.url()); });
  await page.goto(base + "/jokes/", { waitUntil: "networkidle" });
  check(fetched.length === 0, "the index is not fetched before search is used", fetched.join(" "));
  const headerBefore = await box(page, ".site-header");
  const query = async (q) => {
    await page.fill("#search-q", "");
    await page.locator("#search-q").pressSequentially(q, { delay: 20 });
    await page.waitForFunction((q) => {
      const s = document.querySelector(".search-status").textContent;
      return s.includes(q);
    }, q, { timeout: 10000 }).catch(() => {});
    return page.evaluate(() => ({
      status: document.querySelector(".search-status").textContent,
      hits: [...document.querySelectorAll(".search-list li")].map((li) => ({
        title: li.querySelector("a").textContent,
        href: li.querySelector("a").getAttribute("href"),
        date: (li.querySelector("time") || {}).textContent || "",
        marks: [...li.querySelectorAll("mark")].map((m) => m.textContent.toLowerCase()),
      })),
    }));
  };
  const has = (r, href) => r.hits.some((h) => h.href === href);
  const coffee = "/jokes/coffee-machine/";

  let r = await query("stapler");
  check(has(r, coffee), "a word only in the body (stapler) finds the coffee-machine joke", JSON.stringify(r));
  const hit = r.hits.find((h) => h.href === coffee);
  check(hit && /^\d{1,2} [A-Z][a-z]{2} \d{4}$/.test(hit.date), "results show dates as the site does", JSON.stringify(hit));
  check(hit && hit.marks.includes("stapler"), "the matched word is highlighted", JSON.stringify(hit));
  check(fetched.length === 1, "the index is fetched once search is used", fetched.join(" "));
  const headerAfter = await box(page, ".site-header");
  const panel = await page.evaluate(() => getComputedStyle(document.querySelector(".search-results")).position);
  check(panel === "absolute" && Math.abs(headerAfter.height - headerBefore.height) < 1, "results float over the page",
    `${panel}, header ${headerBefore.height} -> ${headerAfter.height}`);

  r = await query("staplr");
  check(has(r, coffee), "one typo (staplr) still finds it", JSON.stringify(r));
  r = await query("machnie");
  check(has(r, coffee), "two letters swapped (machnie) still find it", JSON.stringify(r));
  r = await query("stap");
  check(has(r, coffee), "a prefix (stap) finds it as you type", JSON.stringify(r));
  r = await query("coffee");
  check(r.hits.length > 1 && /coffee/i.test(r.hits[0].title), "title matches come first", JSON.stringify(r.hits.slice(0, 3)));
  r = await query("咖啡");
  check(has(r, "/jokes/xiaohua-kafei/"), "a Chinese word (咖啡) finds the Chinese joke", JSON.stringify(r));
  r = await query("老板咖啡");
  check(has(r, "/jokes/xiaohua-kafei/"), "Chinese typed without spaces (老板咖啡) is split into words", JSON.stringify(r));
  r = await query("zzyzx");
  check(r.hits.length === 0 && r.status.includes("zzyzx"), "no results says so", JSON.stringify(r));

  r = await query("stapler");
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement.closest(".search-list") !== null);
  await page.keyboard.press("Escape");
  const open = await page.evaluate(() => document.querySelector(".search-results").classList.contains("open"));
  check(focused && !open, "arrow keys reach the results and Escape closes them", JSON.stringify({ focused, open }));
  await page.context().close();

  const nojs = await newPage("phone", { javaScriptEnabled: false });
  await nojs.goto(base + "/", { waitUntil: "load" });
  const form = await nojs.evaluate(() => {
    const f = document.querySelector(".search-form");
    return { action: f.action, method: f.method, sites: (f.querySelector("[name=sites]") || {}).value };
  });
  check(/^https:\/\//.test(form.action) && form.method === "get" && new URL(base).host === form.sites,
    "without JavaScript the form goes to a search engine limited to this site", JSON.stringify(form));
  await nojs.context().close();
}

async function random() {
  const page = await newPage("phone");
  await page.goto(base + "/random/");
  await page.waitForURL(/\/jokes\/[^/]+\/$/, { timeout: 10000 }).catch(() => {});
  const url = page.url();
  const title = await page.locator("main h1").first().textContent().catch(() => "");
  check(/\/jokes\/[^/]+\/$/.test(url) && title.length > 0, "the random-joke page goes on to a joke", url);
  const seen = new Set();
  for (let i = 0; i < 8; i++) {
    await page.goto(base + "/random/");
    await page.waitForURL(/\/jokes\/[^/]+\/$/, { timeout: 10000 }).catch(() => {});
    seen.add(page.url());
  }
  check(seen.size > 1, "it picks different jokes", [...seen].join(" "));
  await page.context().close();
  const nojs = await newPage("phone", { javaScriptEnabled: false });
  await nojs.goto(base + "/random/");
  const links = await nojs.locator(".random-list a[href^='/jokes/']").count();
  check(nojs.url().endsWith("/random/") && links >= 10, "without JavaScript it lists jokes to pick from", `${links} links`);
  await nojs.context().close();
}

async function scheme() {
  for (const system of ["light", "dark"]) {
    const page = await newPage("desktop", { colorScheme: system });
    // Records the scheme the page has when <body> first exists: set later,
    // the page would flash in the wrong colours.
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.body) {
          window.__schemeAtBody = document.documentElement.getAttribute("data-scheme");
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(base + "/", { waitUntil: "load" });
    const toggle = page.locator("button.scheme");
    check(await toggle.isVisible(), `the toggle is shown (system ${system})`);
    const want = system === "dark" ? "light" : "dark";
    for (let i = 0; i < 3; i++) {
      if ((await page.evaluate(() => document.documentElement.getAttribute("data-scheme"))) === want) break;
      await toggle.click();
    }
    const name = await toggle.evaluate((b) => b.innerText.trim());
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const dark = (c) => c.match(/\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0) < 3 * 128;
    check(dark(await bg()) === (want === "dark"), `choosing ${want} recolours the page (system ${system})`, `${await bg()}, toggle says ${name}`);
    await Promise.all([page.waitForNavigation(), page.click(".latest-jokes .card-title a")]);
    const at = await page.evaluate(() => window.__schemeAtBody);
    check(at === want, `${want} is applied before the next page's body appears (no flash)`, `at <body>: ${at}`);
    check(dark(await bg()) === (want === "dark"), `${want} is remembered on the next page`, await bg());
    const label = await page.locator("button.scheme").evaluate((b) => b.innerText.trim());
    check(label === name, "the toggle shows the choice on the next page", `${name} -> ${label}`);
    await page.context().close();
  }
}

async function axe() {
  const source = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "axe-core", "axe.min.js");
  const run = async (page, what) => {
    await page.addScriptTag({ path: source });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const v = result.violations.map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
    check(v.length === 0, `axe: no violations on ${what}`, v.join("; "));
  };
  for (const path of rest) {
    for (const [size, scheme] of [["desktop", "light"], ["phone", "dark"]]) {
      const page = await newPage(size, { colorScheme: scheme });
      if (path === "/random/") {
        // Checked as readers without JavaScript see it: with it, the page
        // moves on at once.
        await page.route(/\/js\/random[.\w]*\.js$/, (route) => route.abort());
      }
      await page.goto(base + path, { waitUntil: "networkidle" });
      check(new URL(page.url()).pathname === path, `axe: ${path} stays put`, page.url());
      await run(page, `${path} (${size}, ${scheme})`);
      if (path.startsWith("/jokes/") && path !== "/jokes/") {
        await page.click(".share-menu summary");
        await run(page, `${path} with the share menu open (${size}, ${scheme})`);
      }
      if (path === "/") {
        await page.locator("#search-q").pressSequentially("coffee");
        await page.waitForSelector(".search-results.open .search-list li", { timeout: 10000 }).catch(() => {});
        await run(page, `${path} with search results open (${size}, ${scheme})`);
      }
      await page.context().close();
    }
  }
}

const commands = { layout, search, random, scheme, axe };
if (!commands[command]) {
  console.log(`unknown command ${command}`);
  process.exit(2);
}
try {
  await commands[command]();
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
