// The blog in a real browser: headless Chromium (Debian's `chromium`, driven by
// playwright-core) against the built site served by server.mjs and a real quire running
// the demo blog. Every check asserts what the demo holds (titles, counts, URLs); each
// prints `ok - …` or `not ok - …`, and the script exits 1 when any failed.
//
//   BLOG_URL=http://127.0.0.1:4321 QUIRE_URL=http://127.0.0.1:8080 \
//   QUIRE_ADMIN_EMAIL=… QUIRE_ADMIN_PASSWORD=… QUIRE_JWT_SECRET=… node e2e/run.mjs
//
// SCREENSHOTS (default ../../docs/screenshots) receives home.png and post.png;
// CHROMIUM (default /usr/bin/chromium) is the browser.
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { Quire, expired } from "./quire.mjs";

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} must be set`);
  return v;
};
const BLOG = env("BLOG_URL").replace(/\/$/, "");
const quire = new Quire(env("QUIRE_URL"));
const shots = env("SCREENSHOTS", join(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots"));

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`not ok - ${name}: ${e.stack ?? e}`);
  }
}
function expect(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}
function assert(cond, what) {
  if (!cond) throw new Error(what);
}
const url = (path) => `${BLOG}${path}`;
const enc = (slug) => encodeURIComponent(slug);

// The demo blog's posts this test reads.
const SERIES_2 = "도커-컴포즈와-ci-붙이기";
const SERIES_1 = "도커를-처음-배우며-컨테이너-입문";
const MATH = "모델-평가-지표-정리-정밀도와-재현율";

const browser = await chromium.launch({ executablePath: env("CHROMIUM", "/usr/bin/chromium") });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ko-KR", colorScheme: "light" });
const consoleErrors = [];
context.on("page", (page) => watch(page));
function watch(page) {
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
}
const page = await context.newPage();

/** Opens `path`, expecting `status`; returns the response. */
async function open(path, status = 200) {
  const response = await page.goto(url(path), { waitUntil: "load" });
  expect(response?.status(), status, `status of ${path}`);
  return response;
}
const texts = (selector) => page.locator(selector).allInnerTexts();

async function axe(path) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert(result.passes.length > 10, `axe ran on ${path}`);
  expect(
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    [],
    `serious accessibility violations on ${path}`,
  );
}

await check("home: pinned post first, five posts a page, numbered pages", async () => {
  await open("/");
  expect(await page.title(), "하늘의 개발 노트", "title");
  const titles = await texts(".card h2");
  expect(titles.length, 5, "posts on page 1");
  expect(titles[0], "2023년 회고", "the pinned post first");
  expect(await texts(".card.pinned .badge"), ["고정됨"], "one pinned badge");
  expect(await texts(".pager a, .pager span"), ["1", "2", "다음"], "pager");
  await page.screenshot({ path: join(shots, "home.png") });
  await page.click('.pager a[rel="next"]');
  await page.waitForURL(url("/page/2"));
  expect((await texts(".card h2")).length, 2, "posts on page 2 (7 in all)");
  await axe("/");
});

await check("home: feed discovery links, and the feeds are served", async () => {
  await open("/");
  const links = await page.locator('head link[rel="alternate"]').evaluateAll((ls) => ls.map((l) => [l.type, l.href]));
  expect(
    links,
    [
      ["application/rss+xml", url("/feed.xml")],
      ["application/atom+xml", url("/atom.xml")],
      ["application/feed+json", url("/feed.json")],
    ],
    "feed links",
  );
  const rss = await (await fetch(url("/feed.xml"))).text();
  assert(rss.includes("<title>2023년 회고</title>"), "the RSS feed lists 2023년 회고");
  assert(rss.includes(`${BLOG}/posts/`), "the RSS feed links this site's post pages");
  const json = await (await fetch(url("/feed.json"))).json();
  expect(json.items.length, 7, "JSON Feed items");
  const sitemap = await (await fetch(url("/sitemap.xml"))).text();
  assert(sitemap.includes(`${BLOG}/posts/${enc(MATH)}`), "the sitemap names the math post");
});

await check("post: series part 2 of 2, previous link, tags, Hangul slug", async () => {
  await open(`/posts/${enc(SERIES_2)}`);
  expect(await texts("h1"), ["도커 컴포즈와 CI 붙이기"], "title");
  expect(await texts(".series-part"), ["2편 중 2편"], "part X of Y");
  expect(await page.locator(".series-nav a.prev").getAttribute("href"), `/posts/${enc(SERIES_1)}`, "previous");
  expect(await page.locator(".series-nav a.next").count(), 0, "no next part");
  expect(await texts("article .tags a"), ["#Docker", "#CI"], "tags");
  expect((await texts(".prose table th")).length, 3, "the table");
  await page.click(".series-nav a.prev");
  await page.waitForURL(url(`/posts/${enc(SERIES_1)}`));
  expect(await texts(".series-part"), ["2편 중 1편"], "part 1 of 2");
  expect(await page.locator(".series-nav a.next").getAttribute("href"), `/posts/${enc(SERIES_2)}`, "next");
});

await check("post: co-authors, category breadcrumb, TOC, reading time, math, highlighted code, cover srcset", async () => {
  await open(`/posts/${enc(MATH)}`);
  expect(await texts(".byline a"), ["김하늘", "이도윤"], "co-authors");
  expect(await texts(".breadcrumb li"), ["홈", "개발", "MLOps"], "breadcrumb");
  expect(await texts(".toc li"), ["정의", "코드로 계산하기"], "table of contents");
  await page.screenshot({ path: join(shots, "post.png"), fullPage: true });
  await page.click(".toc a >> text=코드로 계산하기");
  assert(page.url().endsWith(`#${enc("코드로-계산하기")}`) || page.url().endsWith("#코드로-계산하기"), `anchor URL ${page.url()}`);
  assert(/^\d+분 분량$/.test((await texts(".post .meta span"))[1]), "reading time");
  expect(await page.locator(".prose .katex-display").count(), 1, "display math typeset");
  assert((await page.locator(".prose .katex").count()) >= 4, "inline math typeset");
  expect(await page.locator(".prose .math").count(), 0, "no raw TeX spans left");
  const keyword = page.locator(".prose code.language-python .hl-keyword").first();
  const color = await keyword.evaluate((e) => getComputedStyle(e).color);
  expect(color, "rgb(207, 34, 46)", "highlighted keyword colour (docs/highlight-theme.css)");
  const cover = page.locator(".cover img");
  const srcset = await cover.getAttribute("srcset");
  expect(srcset?.split(", ").map((s) => s.split(" ")[1]), ["320w", "640w", "1024w", "1600w"], "cover srcset widths");
  await cover.evaluate((img) => (img.complete ? null : new Promise((r) => img.addEventListener("load", r))));
  assert((await cover.evaluate((img) => img.naturalWidth)) > 0, "cover image loaded from quire");
  await axe(`/posts/${MATH}`);
});

await check("Korean text: keep-all line breaking, a Hangul font stack, lang=ko", async () => {
  await open(`/posts/${enc(SERIES_1)}`);
  const style = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector(".prose p"));
    return { wordBreak: s.wordBreak, font: s.fontFamily, lang: document.documentElement.lang };
  });
  expect(style.wordBreak, "keep-all", "word-break");
  assert(/Noto Sans KR/.test(style.font) && /Nanum Gothic/.test(style.font), `font stack ${style.font}`);
  expect(style.lang, "ko", "lang");
});

await check("tag, category, series and author pages", async () => {
  await open("/tags/docker");
  expect(await texts("h1"), ["#Docker"], "tag heading");
  expect(await texts(".card h2"), ["도커 컴포즈와 CI 붙이기", "도커를 처음 배우며 - 컨테이너 입문"], "tag posts");
  const tagFeeds = await page.locator('head link[rel="alternate"]').evaluateAll((ls) => ls.map((l) => l.href));
  assert(tagFeeds.includes(url("/tags/docker/feed.xml")), `the tag's own feed is linked: ${tagFeeds}`);
  expect((await fetch(url("/tags/docker/feed.xml"))).status, 200, "the tag feed");
  await axe("/tags/docker");

  await open(`/categories/${enc("개발")}`);
  expect(await texts("h1"), ["개발"], "category heading");
  expect(await texts('[aria-label="하위 분류"] a'), ["MLOps (1)"], "subcategory");
  assert((await texts(".card h2")).includes("모델 평가 지표 정리 - 정밀도와 재현율"), "a post of the subcategory listed");

  await open(`/series/${enc("배포-자동화-일지")}`);
  expect(await texts(".card h2"), ["도커를 처음 배우며 - 컨테이너 입문", "도커 컴포즈와 CI 붙이기"], "series in order");

  await open("/authors/doyun");
  expect(await texts("h1"), ["이도윤"], "author heading");
  expect(await texts(".card h2"), ["모델 평가 지표 정리 - 정밀도와 재현율"], "the co-author's post");
});

await check("About and the other menu pages", async () => {
  await open("/");
  const menu = await page.locator('nav[aria-label="주 메뉴"] a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
  expect(
    menu.map(([label]) => label),
    ["홈", "소개", "개발", "MLOps", "도커", "배포 자동화 일지", "첫걸음", "2023년 회고"],
    "menu labels",
  );
  for (const [label, href] of menu) {
    const response = await page.goto(url(href));
    expect(response?.status(), 200, `menu item ${label} (${href})`);
  }
  await open("/about");
  expect(await texts("h1"), ["소개"], "About page");
  assert((await texts(".prose"))[0].includes("안녕하세요, 김하늘입니다."), "About text");
});

await check("every link on every page works (Hangul slugs included)", async () => {
  const seen = new Set(["/"]);
  const queue = ["/"];
  let hangul = 0;
  while (queue.length) {
    const path = queue.shift();
    const response = await page.goto(url(path));
    expect(response?.status(), 200, `GET ${decodeURIComponent(path)}`);
    const hrefs = await page.locator("a[href], link[rel=alternate]").evaluateAll((ls) => ls.map((l) => l.href));
    for (const href of hrefs) {
      const u = new URL(href);
      if (u.origin !== BLOG || seen.has(u.pathname)) continue;
      seen.add(u.pathname);
      if (/%[EF][0-9A-F]/.test(u.pathname)) hangul += 1;
      if (/\.(xml|json)$/.test(u.pathname)) {
        expect((await fetch(u)).status, 200, `GET ${u.pathname}`);
      } else if (u.pathname !== "/search") {
        queue.push(u.pathname);
      }
    }
  }
  assert(seen.size >= 25, `crawled ${seen.size} paths`);
  assert(hangul >= 8, `${hangul} Hangul paths`);
});

await check("search box finds a Korean word, with highlighted snippets", async () => {
  await open("/");
  await page.fill('header input[name="q"]', "도커");
  await page.press('header input[name="q"]', "Enter");
  await page.waitForURL(url(`/search?q=${enc("도커")}`));
  await page.locator("#search-hits li").first().waitFor();
  expect(await page.locator("#search-hits li").count(), 3, "hits for 도커");
  expect(await texts("#search-status"), ["‘도커’ 검색 결과 3건"], "status");
  const marks = await texts("#search-hits .snippet mark");
  assert(marks.length >= 3 && marks.every((m) => m.includes("도커")), `marked words ${marks}`);
  await page.click("#search-hits li a >> nth=0");
  await page.waitForURL(/\/posts\//);
  await page.goBack();
  await axe("/search?q=도커");
});

await check("a slug that does not exist: the 404 page, status 404", async () => {
  const before = consoleErrors.length;
  await open(`/posts/${enc("없는-글")}`, 404);
  expect(await texts("h1"), ["페이지를 찾을 수 없습니다"], "404 heading");
  await open("/tags/nothing-here", 404);
  await axe("/posts/없는-글");
  // The browser reports the 404 status itself on the console; that one is expected.
  const extra = consoleErrors.splice(before).filter((e) => !/status of 404/.test(e));
  expect(extra, [], "console errors on the 404 pages");
});

let draft;
await check("draft preview through a preview token; an expired token gets a clear message", async () => {
  await quire.login(env("QUIRE_ADMIN_EMAIL"), env("QUIRE_ADMIN_PASSWORD"));
  draft = await quire.createDraft({
    title: "새 글: 웹훅으로 다시 짓기",
    slug: "웹훅으로-다시-짓기",
    markdown: "## 미리보기\n\n아직 공개하지 않은 초안입니다. 넓이는 $\\pi r^2$ 입니다.",
    tags: ["docker"],
    frontMatter: { math: true },
  });
  expect(draft.status, "DRAFT", "a draft");
  expect((await fetch(url(`/posts/${enc(draft.slug)}`))).status, 404, "a draft is not built");
  const token = await quire.previewToken(draft.id);
  await open(`/preview?token=${encodeURIComponent(token)}`);
  await page.locator("#preview:not([hidden])").waitFor();
  expect(await texts("#preview-title"), ["새 글: 웹훅으로 다시 짓기"], "draft title");
  assert((await texts("#preview-status"))[0].includes("DRAFT"), "marked as a draft");
  expect(await page.locator("#preview-body .katex").count(), 1, "math typeset in the preview");
  await axe("/preview");

  await open(`/preview?token=${encodeURIComponent(expired(token, env("QUIRE_JWT_SECRET")))}`);
  await page.locator("#preview-status.error").waitFor();
  expect(
    await texts("#preview-status"),
    ["이 미리보기 링크는 만료되었거나 올바르지 않습니다. 글쓴이에게 새 링크를 요청하세요. (미리보기 링크는 한 시간 동안 쓸 수 있습니다.)"],
    "expired token message",
  );
  expect(await page.locator("#preview").isHidden(), true, "no draft shown");
});

/** Polls `path` until it answers `status` (a rebuild from a webhook takes a few seconds). */
async function waitFor(path, status, seconds = 90) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const got = (await fetch(url(path), { redirect: "manual" })).status;
    if (got === status) return (Date.now() - (deadline - seconds * 1000)) / 1000;
    if (Date.now() > deadline) throw new Error(`${path} still answers ${got} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

await check("a published post appears after its webhook (post.published → rebuild)", async () => {
  assert(draft, "the draft of the previous check");
  await quire.publish(draft.id);
  const took = await waitFor(`/posts/${enc(draft.slug)}`, 200);
  console.log(`# the new post was online ${took.toFixed(1)} s after publishPost`);
  await open(`/posts/${enc(draft.slug)}`);
  expect(await texts("h1"), ["새 글: 웹훅으로 다시 짓기"], "the new post's page");
  await open("/");
  expect((await texts(".card h2")).slice(0, 2), ["2023년 회고", "새 글: 웹훅으로 다시 짓기"], "home: pinned, then the new post");
  await open("/tags/docker");
  expect((await texts(".card h2")).length, 3, "the tag page lists it too");
});

await check("a former slug redirects (301) to the current one", async () => {
  const renamed = await quire.rename(SERIES_2, "컴포즈와-ci");
  expect(renamed, "컴포즈와-ci", "renamed");
  await waitFor(`/posts/${enc(renamed)}`, 200);
  const r = await fetch(url(`/posts/${enc(SERIES_2)}`), { redirect: "manual" });
  expect([r.status, r.headers.get("location")], [301, `/posts/${enc(renamed)}`], "redirect");
  await open(`/posts/${enc(SERIES_2)}`);
  expect(page.url(), url(`/posts/${enc(renamed)}`), "the browser lands on the current slug");
  expect(await texts(".series-part"), ["2편 중 2편"], "the renamed post's page");
});

await check("no console errors on any page", async () => {
  expect(consoleErrors, [], "console errors");
});

await browser.close();
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
