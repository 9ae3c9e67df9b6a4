// A static build (every page written to files at build time). BLOG_OUT_DIR lets
// scripts/build.mjs build into a fresh folder and switch to it only when the build
// succeeded, so a failed build never replaces the published site.
import { defineConfig } from "astro/config";

export default defineConfig({
  output: "static",
  outDir: process.env.BLOG_OUT_DIR ?? "./dist",
  site: process.env.SITE_URL,
  trailingSlash: "ignore",
  build: { format: "directory" },
  vite: {
    // docs/highlight-theme.css is imported from the repository, one folder up.
    server: { fs: { allow: ["../.."] } },
  },
});
