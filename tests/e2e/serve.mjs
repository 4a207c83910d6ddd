// Tiny dependency-free static file server for the e2e tests.
// Serves <root> (default: ../../dist) under the URL prefix <base> (default:
// /stackscope/) on 127.0.0.1:<port>, like a sub-path deployment would.
//
//   node tests/e2e/serve.mjs [--root dist] [--base /stackscope/] [--port 4173]
//
// Anything outside the prefix is 404; "/stackscope" redirects to "/stackscope/".
import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};

const root = path.resolve(opt('root', process.env.E2E_DIST ?? path.join(here, '..', '..', 'dist')));
let base = opt('base', process.env.E2E_BASE ?? '/stackscope/');
if (!base.startsWith('/')) base = `/${base}`;
if (!base.endsWith('/')) base = `${base}/`;
const port = Number(opt('port', process.env.E2E_PORT ?? '4173'));
const host = '127.0.0.1';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://${host}`);
  let pathname;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return send(res, 400, 'bad request\n');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
  }
  if (pathname === base.slice(0, -1)) {
    return send(res, 301, '', { location: base + url.search });
  }
  if (!pathname.startsWith(base)) {
    return send(res, 404, `not found (this server only serves ${base})\n`);
  }
  let rel = pathname.slice(base.length);
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(root, rel);
  if (file !== root && !file.startsWith(root + path.sep)) {
    return send(res, 403, 'forbidden\n');
  }
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    return send(res, 404, 'not found\n');
  }
  if (!stat.isFile()) return send(res, 404, 'not found\n');
  const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Compress text and wasm on the fly, as any static host or CDN does.
  const gzip =
    /gzip/.test(req.headers['accept-encoding'] ?? '') && /text|javascript|json|wasm|svg/.test(type);
  // Hashed asset names never change: cache them; index.html always revalidates.
  const cache = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/.test(file)
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
  const headers = {
    'content-type': type,
    'cache-control': cache,
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
  };
  if (gzip) {
    // Compressed once per file version and kept, as a host serving
    // pre-compressed assets (nginx's gzip_static, a CDN's cache) does: the
    // measured load times are the page's, not this server's compressor's.
    const body = await compressed(file, stat);
    headers['content-encoding'] = 'gzip';
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    return res.end(req.method === 'HEAD' ? undefined : body);
  }
  headers['content-length'] = stat.size;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
});

const gzipped = new Map();
async function compressed(file, stat) {
  const key = `${file}:${stat.mtimeMs}:${stat.size}`;
  let body = gzipped.get(key);
  if (!body) {
    body = gzipSync(await fs.readFile(file), { level: 9 });
    gzipped.set(key, body);
  }
  return body;
}

server.listen(port, host, () => {
  console.log(`serving ${root} at http://${host}:${port}${base}`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
