// The service worker: after the first visit the app runs offline. Every file
// of one build is cached under that build's name (`stackscope-<hash of the
// files>`, written with the file list by scripts/sw-build.sh when Trunk
// builds), and the page is served from that one cache, so a new deploy never
// mixes with the old one: its worker installs a cache of its own and takes
// over once no tab runs the old build, then deletes the old cache.
const BUILD = '__STACKSCOPE_BUILD__';
const FILES = ['__STACKSCOPE_FILES__'];
const CACHE = `stackscope-${BUILD}`;
// The dev server (live reload) gets no caching at all.
const ENABLED = BUILD !== 'dev';

self.addEventListener('install', (event) => {
  if (!ENABLED) return;
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('stackscope-') && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (!ENABLED || request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      // A page load (any fragment or query) is the build's index.html.
      const hit = request.mode === 'navigate' ? await cache.match('./') : await cache.match(request, { ignoreSearch: true });
      return hit ?? fetch(request);
    }),
  );
});
