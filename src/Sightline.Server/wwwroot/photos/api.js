// Every action of the app is one call of the REST API; this module is the only place that calls it.

const KEY_STORAGE = 'sightline.apiKey';

/** A problem answer of the API (RFC 9457): status, code, detail and any extensions (position, query, ...). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || problem.title || 'http_error';
    this.problem = problem;
  }
}

export function apiKey() { return localStorage.getItem(KEY_STORAGE) || ''; }

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE, key); else localStorage.removeItem(KEY_STORAGE);
  images.clear();
}

// A signed-in session's CSRF token: every call that changes something carries it (the session cookie alone does not suffice).
const CSRF_STORAGE = 'sightline.csrf';
export function setSession(token) {
  if (token) sessionStorage.setItem(CSRF_STORAGE, token); else sessionStorage.removeItem(CSRF_STORAGE);
  images.clear();
}

function headers(extra, method = 'GET') {
  const h = new Headers(extra || {});
  const key = apiKey();
  // The server takes the key in X-Api-Key (or as a Bearer token); a key in the URL would end up in logs and history.
  if (key) h.set('X-Api-Key', key);
  const csrf = sessionStorage.getItem(CSRF_STORAGE);
  if (csrf && !['GET', 'HEAD'].includes(method)) h.set('X-CSRF-Token', csrf);
  return h;
}

/** Calls the API and answers its JSON; a problem answer throws ApiError. */
export async function api(path, { method = 'GET', body } = {}) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }, method) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!response.ok) throw new ApiError(response.status, json && typeof json === 'object' ? json : { detail: text || `HTTP ${response.status}` });
  return json;
}

/** GET with query parameters (undefined and empty values left out). */
export function get(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') query.set(name, value);
  const qs = query.toString();
  return api(qs ? `${path}?${qs}` : path);
}

// Images: an <img> cannot send a header, so with a key each image is fetched with it and shown as a blob URL.
// Those URLs are kept (most recent last) and revoked when the cache is full.
const IMAGE_CACHE = 800;
const images = {
  urls: new Map(),
  clear() { for (const url of this.urls.values()) url.then(u => u && URL.revokeObjectURL(u)); this.urls.clear(); },
};

async function blobUrl(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) return null;
  return URL.createObjectURL(await response.blob());
}

/**
 * Shows the image at <path> in <img>: directly without a key (the browser caches it by its ETag), as a blob fetched
 * with the key otherwise. Calls onMissing when there is no image (a thumbnail not written yet, an offline original).
 */
export function showImage(img, path, onMissing) {
  img.dataset.src = path;
  if (!apiKey()) {
    img.onerror = () => { if (img.dataset.src === path) onMissing?.(); };
    img.src = path;
    return;
  }
  let url = images.urls.get(path);
  if (url) { images.urls.delete(path); } else { url = blobUrl(path); }
  images.urls.set(path, url);
  while (images.urls.size > IMAGE_CACHE) {
    const [oldest, pending] = images.urls.entries().next().value;
    images.urls.delete(oldest);
    pending.then(u => u && URL.revokeObjectURL(u));
  }
  url.then(u => {
    if (img.dataset.src !== path) return;
    if (u) img.src = u; else onMissing?.();
  }, () => { if (img.dataset.src === path) onMissing?.(); });
}

/**
 * Plays the video at <path> in <video> from <start> seconds: streamed with range requests without a key; with a key
 * (a video element cannot send the header) fetched whole as a blob first.
 */
export function showVideo(video, path, start, onMissing) {
  video.dataset.src = path;
  const seek = () => { if (start > 0 && video.dataset.src === path) video.currentTime = start; };
  video.addEventListener('loadedmetadata', seek, { once: true });
  video.onerror = () => { if (video.dataset.src === path) onMissing?.(); };
  if (!apiKey()) { video.src = path; return; }
  blobUrl(path).then(u => {
    if (video.dataset.src !== path) { if (u) URL.revokeObjectURL(u); return; }
    if (u) video.src = u; else onMissing?.();
  }, () => { if (video.dataset.src === path) onMissing?.(); });
}

/** Seconds as m:ss (h:mm:ss from an hour). */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds ?? 0));
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

export const paths = {
  thumbnail: (id, size) => `/v1/library/photos/${id}/thumbnail${size ? `?size=${size}` : ''}`,
  original: id => `/v1/library/photos/${id}/original`,
  face: (id, size = 160) => `/v1/library/faces/${id}/thumbnail?size=${size}`,
};

const numbers = new Intl.NumberFormat('en');
export const formatCount = (n, word) => `${numbers.format(n)} ${word}${n === 1 ? '' : 's'}`;

/** Escapes text for HTML. */
export function esc(text) {
  return String(text ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** A query term naming a person: by name (quoted when it has spaces), by id while unnamed. */
export function personTerm(person, prefix = 'person') {
  if (!person.name) return `${prefix}:#${person.id}`;
  return /[\s",:]/.test(person.name) ? `${prefix}:"${person.name.replace(/"/g, '')}"` : `${prefix}:${person.name}`;
}
