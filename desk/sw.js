// The desk's service worker: keeps the desk's own files, so that a reload without a link opens
// the desk, which then reads what it saved in IndexedDB. GraphQL answers are never kept here:
// the desk keeps its own. scripts/build-desk.mjs fills in the file list and the version.
const ASSETS = self.DESK_ASSETS;
const cacheName = `desk-${self.DESK_VERSION}`;
const shell = '/desk/';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(cacheName)
      .then((cache) => cache.addAll([shell, ...ASSETS]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith('desk-') && name !== cacheName).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || !url.pathname.startsWith('/desk/')) return;
  if (event.request.mode === 'navigate') {
    // The page from the network when there is one (a new build shows at once), else the kept one.
    event.respondWith(fetch(event.request).catch(() => caches.match(shell).then((kept) => kept || Response.error())));
  } else if (url.pathname.startsWith('/desk/assets/')) {
    // Hashed names never change: a kept copy is the file.
    event.respondWith(caches.match(event.request).then((kept) => kept || fetch(event.request)));
  }
});
