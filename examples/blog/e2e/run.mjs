// The blog in a real browser: headless Chromium (Debian's `chromium`, driven by
// playwright-core) against the built site served by server.mjs and a real quire running
// the demo blog, with the posts the Rust test imported for numbered listings. Every
// check asserts what quire holds (titles, counts, URLs); each prints `ok - …` or
// `not ok - …`, and the script exits 1 when any failed.
//
//   BLOG_URL=http://127.0.0.1:4321 QUIRE_URL=http://127.0.0.1:8080 \
//   QUIRE_ADMIN_EMAIL=… QUIRE_ADMIN_PASSWORD=… QUIRE_JWT_SECRET=… \
//   PAGED_TAG=… PAGED_CATEGORY=… PAGED_AUTHOR=… node e2e/run.mjs
//
// PAGED_TAG, PAGED_CATEGORY and PAGED_AUTHOR name listings holding more than one page of
// posts (BLOG_PAGE_SIZE, default 5, as the build). SCREENSHOTS (default
// ../../docs/screenshots; empty: none) receives home.png and post.png; CHROMIUM (default
// /usr/bin/chromium) is the browser.
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Quire, expired, forged } from "./quire.mjs";
import { assert, check, env, expect, numbered, openBrowser, readNumbered, summary } from "./harness.mjs";

const BLOG = env("BLOG_URL").replace(/\/$/, "");
const quire = new Quire(env("QUIRE_URL"));
const shots = env("SCREENSHOTS", join(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots"));
const PAGE_SIZE = Number(env("BLOG_PAGE_SIZE", "5"));
const enc = (slug) => encodeURIComponent(slug);

// The demo blog's posts this test reads.
const SERIES_2 = "도커-컴포즈와-ci-붙이기";
const SERIES_1 = "도커를-처음-배우며-컨테이너-입문";
const MATH = "모델-평가-지표-정리-정밀도와-재현율";

const site = await openBrowser(BLOG, env("CHROMIUM", "/usr/bin/chromium"));
const { browser, page, consoleErrors, url, open, texts, axe } = site;
/** A screenshot into SCREENSHOTS, unless that is empty. */
const screenshot = (name, options = {}) => (shots ? page.screenshot({ path: join(shots, name), ...options }) : undefined);

await check("home: pinned post first, five posts a page, numbered pages", async () => {
  const { posts } = await quire.gql(
    "{ posts(first: 100, orderBy: { field: PUBLISHED_AT, pinnedFirst: true }) { totalCount nodes { title } } }",
  );
  await open("/");
  expect(await page.title(), "하늘의 개발 노트", "title");
  const titles = await texts(".card h2");
  expect(titles.length, PAGE_SIZE, "posts on page 1");
  expect(titles[0], "2023년 회고", "the pinned post first");
  expect(await texts(".card.pinned .badge"), ["고정됨"], "one pinned badge");
  await screenshot("home.png");
  const pages = await readNumbered(site, "/");
  expect(pages.length, Math.ceil(posts.totalCount / PAGE_SIZE), "numbered pages");
  expect(pages.flat(), posts.nodes.map((p) => p.title), "every post over the pages, in quire's order");
  await open("/");
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
  const { posts } = await quire.gql("{ posts { totalCount } }");
  expect(json.items.length, Math.min(posts.totalCount, 20), "JSON Feed items (quire's --feed-items, 20)");
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
  await screenshot("post.png", { fullPage: true });
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

await check("tag, category and author pages in numbered pages, read by cursor (Hangul slugs)", async () => {
  const listings = [
    ["tag", env("PAGED_TAG"), (slug) => `/tags/${enc(slug)}`],
    ["category", env("PAGED_CATEGORY"), (slug) => `/categories/${enc(slug)}`],
    ["author", env("PAGED_AUTHOR"), (slug) => `/authors/${enc(slug)}`],
  ];
  for (const [kind, slug, pathOf] of listings) {
    const found = await quire.gql(
      `query($s: String!) { ${kind}(slug: $s) { name postCount posts(first: 100) { totalCount nodes { title } } } }`,
      { s: slug },
    );
    const { posts, postCount, name } = found[kind];
    const want = posts.nodes.map((p) => p.title);
    assert(posts.totalCount > PAGE_SIZE, `${kind} ${slug} holds more than a page: ${posts.totalCount} posts`);
    expect(postCount, posts.totalCount, `${kind} ${slug}: postCount and the connection's totalCount`);
    const first = pathOf(slug);
    const pages = await readNumbered(site, first);
    expect(pages.length, Math.ceil(posts.totalCount / PAGE_SIZE), `${kind} ${slug}: numbered pages`);
    expect(pages[1], want.slice(PAGE_SIZE, 2 * PAGE_SIZE), `${kind} ${slug}: page 2`);
    expect(pages.flat(), want, `${kind} ${slug}: every post over the pages, in quire's order`);
    expect(pages.flat().length, posts.totalCount, `${kind} ${slug}: posts over the pages = totalCount`);
    await open(numbered(first, 2));
    assert((await page.title()).includes(" · 2쪽"), `page 2's title: ${await page.title()}`);
    assert((await texts("h1"))[0].includes(name), `page 2's heading names the ${kind}`);
    expect(await page.locator("link[rel=canonical]").getAttribute("href"), url(numbered(first, 2)), "page 2's canonical URL");
    expect((await fetch(url(numbered(first, pages.length + 1)))).status, 404, `${kind} ${slug}: no page past the last`);
  }
  const tag = env("PAGED_TAG");
  const titles = (await quire.gql("query($s: String!) { tag(slug: $s) { posts(first: 100) { nodes { title } } } }", { s: tag })).tag.posts.nodes.map((p) => p.title);
  expect(titles, [...titles].sort().reverse(), "the imported posts newest first (their titles count up with their dates)");
  await open(numbered(`/tags/${enc(tag)}`, 2));
  await axe(`/tags/${tag}/2`);
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

await check("page preview: a draft page through its token; expired, forged and missing tokens get a clear message", async () => {
  const draftPage = await quire.createPage({
    title: "지금 하는 일",
    slug: "지금",
    markdown: "## 요즘\n\n아직 공개하지 않은 페이지 초안입니다.",
  });
  expect(draftPage.status, "DRAFT", "a draft page");
  expect((await fetch(url(`/${enc(draftPage.slug)}`))).status, 404, "a draft page is not built");
  const token = await quire.pagePreviewToken(draftPage.id);
  await open(`/preview?token=${encodeURIComponent(token)}`);
  await page.locator("#preview:not([hidden])").waitFor();
  expect(await texts("#preview-title"), ["지금 하는 일"], "the page's title");
  expect(await texts("#preview-status"), ["미리보기: 아직 공개되지 않은 페이지입니다 (DRAFT)."], "marked as a draft page");
  expect(await texts("#preview-body h2"), ["요즘"], "the page's heading");
  expect(await texts("#preview-body p"), ["아직 공개하지 않은 페이지 초안입니다."], "the page's text");
  expect(await page.title(), "미리보기: 지금 하는 일", "document title");
  await axe("/preview (a page)");

  const message =
    "이 미리보기 링크는 만료되었거나 올바르지 않습니다. 글쓴이에게 새 링크를 요청하세요. (미리보기 링크는 한 시간 동안 쓸 수 있습니다.)";
  for (const [what, bad] of [
    ["expired", expired(token, env("QUIRE_JWT_SECRET"))],
    ["forged", forged(token)],
    ["not a token", "미리보기"],
  ]) {
    await open(`/preview?token=${encodeURIComponent(bad)}`);
    await page.locator("#preview-status.error").waitFor();
    expect(await texts("#preview-status"), [message], `${what} token: the message`);
    expect(await page.locator("#preview").isHidden(), true, `${what} token: no page shown`);
  }
  await open("/preview");
  await page.locator("#preview-status.error").waitFor();
  expect(
    await texts("#preview-status"),
    ["미리보기 링크에 토큰이 없습니다. 편집 화면에서 미리보기 링크를 다시 만드세요."],
    "no token: the message",
  );
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
process.exit(summary());
