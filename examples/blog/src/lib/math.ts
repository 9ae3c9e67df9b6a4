// quire leaves TeX as KaTeX-ready spans (`<span class="math math-inline">\(…\)</span>`,
// `math-display` with `\[…\]`, the TeX HTML-escaped; see docs/rendering.md). They are
// typeset here, at build time, so readers download no script for math.
import katex from "katex";

const SPAN = /<span class="math math-(inline|display)">([\s\S]*?)<\/span>/g;

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&#x27;": "'" };
const unescape = (s: string) => s.replace(/&(lt|gt|amp|quot|#39|#x27);/g, (e) => ENTITIES[e] ?? e);

export function typesetMath(html: string): string {
  return html.replace(SPAN, (_all, kind: string, tex: string) => {
    const source = unescape(tex).slice(2, -2);
    // `trust` stays off: a post's TeX is its author's input.
    return katex.renderToString(source, { displayMode: kind === "display", throwOnError: false, output: "htmlAndMathml" });
  });
}
