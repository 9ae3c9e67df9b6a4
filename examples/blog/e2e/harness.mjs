// What the browser test's checks share: named checks that print `ok - …` or
// `not ok - …`, assertions that show both values, the browser (one page, every console
// error kept), axe-core, and a list's numbered pages read through their pager links.
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

export function env(name, fallback) {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} must be set`);
  return v;
}

let passed = 0;
let failed = 0;

export async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`not ok - ${name}: ${e.stack ?? e}`);
  }
}

/** Prints the summary line; the exit status (1 when any check failed). */
export function summary() {
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

export function expect(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

export function assert(cond, what) {
  if (!cond) throw new Error(what);
}

/** Headless Chromium on the blog at `blog` (no trailing slash), with helpers. */
export async function openBrowser(blog, executablePath) {
  const browser = await chromium.launch({ executablePath });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ko-KR", colorScheme: "light" });
  const consoleErrors = [];
  context.on("page", (page) => {
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  });
  const page = await context.newPage();
  const url = (path) => `${blog}${path}`;
  return {
    browser,
    page,
    consoleErrors,
    url,
    /** Opens `path`, expecting `status`; returns the response. */
    async open(path, status = 200) {
      const response = await page.goto(url(path), { waitUntil: "load" });
      expect(response?.status(), status, `status of ${path}`);
      return response;
    },
    texts: (selector) => page.locator(selector).allInnerTexts(),
    /** axe-core on the open page: no serious or critical violation. */
    async axe(path) {
      const result = await new AxeBuilder({ page }).analyze();
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      assert(result.passes.length > 10, `axe ran on ${path}`);
      expect(
        bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        [],
        `serious accessibility violations on ${path}`,
      );
    },
  };
}

/** Page n of a list whose first page is `first` (the site's scheme, src/lib/paging.ts). */
export const numbered = (first, n) => (n === 1 ? first : first === "/" ? `/page/${n}` : `${first}/${n}`);

/**
 * Reads a list's numbered pages in the browser as a reader would: from its first page
 * through the pager's 다음 (next) links to the last, then back by 이전 (previous) and by
 * the number 1. On each page the pager must mark it and link every page, with 이전 and
 * 다음 where they belong. Returns the post titles of each page, in order.
 */
export async function readNumbered(site, first) {
  const { page, open, texts, url } = site;
  await open(first);
  const titles = [];
  const pagers = [];
  for (let n = 1; ; n++) {
    expect(page.url(), url(numbered(first, n)), `page ${n}'s address`);
    titles.push(await texts(".card h2"));
    pagers.push({ links: await texts(".pager a, .pager span"), current: await texts('.pager [aria-current="page"]') });
    const next = page.locator('.pager a[rel="next"]');
    if ((await next.count()) === 0) break;
    await next.click();
    await page.waitForURL(url(numbered(first, n + 1)));
  }
  const count = titles.length;
  const numbers = Array.from({ length: count }, (_, i) => String(i + 1));
  pagers.forEach((pager, i) => {
    const n = i + 1;
    const links = count === 1 ? [] : [...(n > 1 ? ["이전"] : []), ...numbers, ...(n < count ? ["다음"] : [])];
    expect(pager, { links, current: count === 1 ? [] : [String(n)] }, `the pager of page ${n} of ${first}`);
  });
  if (count > 1) {
    await page.click('.pager a[rel="prev"]');
    await page.waitForURL(url(numbered(first, count - 1)));
    if (count > 2) {
      await page.click('.pager a[aria-label="1쪽"]');
      await page.waitForURL(url(first));
    }
  }
  return titles;
}
