// Kent CBS field app service worker (served from /saha/sw.js so its scope covers the app).
// The app shell is cached at install; the prepared area's base map tiles live in TILES (the page
// fills it when it stores an area); the app's data and queued changes are in IndexedDB.
"use strict";
const VERSION = "{{ version }}";  // responses vary on Cookie and Accept-Language: matched with ignoreVary
const SHELL = "kentcbs-field-shell-" + VERSION;
const TILES = "kentcbs-field-tiles";
const SHELL_URLS = {{ shell|safe }};
const SCOPE = {{ scope|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("kentcbs-field-shell-") && k !== SHELL)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

function storable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

// Online: the server's answer (and the cached copy refreshed); offline: the cached copy.
async function networkFirst(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (storable(response)) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (hit) return hit;
    throw error;
  }
}

async function cacheFirst(request, name) {
  const hit = await caches.match(request, { cacheName: name, ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (name === SHELL && storable(response)) (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/ogc/collections/") && url.pathname.includes("/tiles/WebMercatorQuad/")) {
    event.respondWith(cacheFirst(request, TILES));
  } else if (url.pathname === SCOPE || url.pathname === SCOPE + "manifest.webmanifest"
             || url.pathname === SCOPE + "api/config") {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request, SHELL));
  }
});
