// Trunk post_build step (scripts/post-build.sh): the staged index.html's
// stylesheets become one file, app.css, in the order index.html lists them.
//
// The sources stay one file per feature (style/*.css, each linked from
// index.html); the page loads one. Nine render-blocking stylesheets cost the
// first paint about 34 ms on this machine: the static frame painted at a
// median of 152 and 154 ms with nine files against 119 and 118 ms with one,
// in two pairs of 15 alternating cold loads each (first-paint.mjs, 2026-12-05).
//
// The single link keeps the first link's other attributes (the dev server's
// nonce placeholder) and gets the bundle's own integrity hash (SRI, as Trunk
// gives every file); the separate files are removed from the staging dir, so
// the service worker's file list (sw-build.sh, run after) never names them.
//
//   TRUNK_STAGING_DIR=dir node scripts/css-bundle.mjs    # what the hook runs
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('css-bundle.mjs: run by trunk as a post_build hook (TRUNK_STAGING_DIR)');
  process.exit(1);
}
const BUNDLE = 'app.css';
const htmlPath = path.join(dir, 'index.html');
const html = readFileSync(htmlPath, 'utf8');

// Trunk writes each stylesheet as <link rel="stylesheet" ... href="./name.css" .../>.
const LINK = /<link rel="stylesheet"[^>]*?\bhref="\.\/([A-Za-z0-9_-]+\.css)"[^>]*\/?>\s*/g;
const links = [...html.matchAll(LINK)];
if (links.length === 0) {
  console.error(`css-bundle.mjs: no stylesheet link in ${htmlPath}`);
  process.exit(1);
}
const names = links.map((m) => m[1]);
if (new Set(names).size !== names.length || names.includes(BUNDLE)) {
  console.error(`css-bundle.mjs: unexpected stylesheets ${names.join(', ')}`);
  process.exit(1);
}
const css = names.map((n) => `/* ${n} */\n${readFileSync(path.join(dir, n), 'utf8').trimEnd()}\n`).join('\n');
const integrity = `sha384-${createHash('sha384').update(css).digest('base64')}`;

let first = true;
const out = html.replace(LINK, (tag) => {
  if (!first) return '';
  first = false;
  const one = tag
    .trimEnd()
    .replace(/\bhref="[^"]*"/, `href="./${BUNDLE}"`)
    .replace(/\s*\bintegrity="[^"]*"/, '')
    .replace(/\s*\/?>$/, ` integrity="${integrity}"/>`);
  return `${one}\n`;
});
writeFileSync(path.join(dir, BUNDLE), css);
writeFileSync(htmlPath, out);
for (const n of names) unlinkSync(path.join(dir, n));
console.log(`css-bundle.mjs: ${names.length} stylesheets -> ${BUNDLE} (${Buffer.byteLength(css)} bytes): ${names.join(', ')}`);
