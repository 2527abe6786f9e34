/**
 * Builds Ferry's web console (admin dashboard, helpdesk console, personal portal) into
 * web/dist, which `ferry serve --console web/dist` serves. Nothing is fetched from the
 * internet at run time: fonts are the system's, icons are inline.
 *
 *   npx vite build --config web/vite.config.ts       # → web/dist
 *   npx vite --config web/vite.config.ts             # dev server; /api is proxied to :8080
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/** The built page may load only its own scripts, styles and API: no inline script or style sheet, no third party. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // E-mail previews (a sandboxed srcdoc frame, which inherits this policy) are styled with
  // inline attributes, as every e-mail must be; attributes cannot load or run anything here.
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/** Adds the policy as a meta tag to the built index.html (not in dev, where Vite injects inline scripts). */
function contentSecurityPolicy(): Plugin {
  return {
    name: "ferry-content-security-policy",
    apply: "build",
    transformIndexHtml(html) {
      return html.replace(
        '<meta charset="utf-8" />',
        `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      );
    },
  };
}

export default defineConfig({
  root,
  base: "/",
  publicDir: "public",
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
