// The Photos view: a timeline grid grouped by month and day, virtualised (only the rows in view, plus a margin,
// are in the DOM) and paged from the API with its cursor as the user scrolls.
import { clock, api, get, showImage, paths, formatCount, esc } from './api.js';

const PAGE = 200;              // photos per request (the API takes up to 500)
const TILE_TARGET = 170;       // a tile's preferred side in CSS pixels; columns fill the width
const PHONE_TILE_TARGET = 110; // the same below PHONE_WIDTH, so a phone shows three columns
const PHONE_WIDTH = 600;
const GAP = 4;
const MONTH_ROW = 48, DAY_ROW = 30;
const MARGIN_SCREENS = 1.5;    // rows kept in the DOM above and below the visible ones, in screen heights
const LOAD_AHEAD_SCREENS = 3;  // the next page is asked for when the loaded rows end this close below the view

const months = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const days = new Intl.DateTimeFormat('en', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** The local date the photo was taken (the camera's clock, as the API gives it), as yyyy-mm-dd; null when undated. */
function dayOf(photo) { return photo.takenAt ? photo.takenAt.slice(0, 10) : null; }

export class PhotoGrid {
  constructor({ scroller, grid, end, onOpen, onCount, onError }) {
    Object.assign(this, { scroller, grid, end, onOpen, onCount, onError });
    this.photos = [];
    this.rows = [];
    this.rendered = new Map();
    this.done = true; // nothing to page until load()
    this.generation = 0;
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.relayout()).observe(this.scroller);
  }

  /** Starts over with a query (empty: the whole library, newest first). */
  async load(query) {
    this.query = query.trim();
    this.generation++;
    this.photos = [];
    this.cursor = null;
    this.done = false;
    this.total = null;
    this.loading = null;
    this.scroller.scrollTop = 0;
    this.relayout();
    await this.more();
  }

  /** Loads the next page (once at a time); a call while one loads waits for it. */
  more() {
    if (this.done) return Promise.resolve();
    if (this.loading) return this.loading;
    const generation = this.generation;
    this.loading = this.fetchPage().then(page => {
      if (generation !== this.generation) return;
      this.photos.push(...page.photos);
      this.cursor = page.nextCursor;
      this.done = !page.nextCursor;
      if (page.total !== undefined && page.total !== null) this.total = page.total;
      this.onCount?.(this.total ?? this.photos.length, this.query);
      this.relayout();
    }).catch(error => {
      if (generation !== this.generation) return;
      this.done = true;
      this.onError?.(error);
      this.relayout();
    }).finally(() => { if (generation === this.generation) this.loading = null; });
    return this.loading.then(() => { if (generation === this.generation) this.schedule(); });
  }

  async fetchPage() {
    const cursor = this.cursor ?? undefined;
    if (this.query) {
      const page = await get('/v1/library/search', { q: this.query, limit: PAGE, cursor });
      return { photos: page.photos.map(hit => ({ ...hit.photo, score: hit.score, moments: hit.moments })), nextCursor: page.nextCursor, total: page.total };
    }
    // The whole library: plain keyset pages, and the count from the library's status.
    const [page, total] = await Promise.all([
      get('/v1/library/photos', { limit: PAGE, cursor }),
      cursor ? Promise.resolve(null) : api('/v1/library/status').then(s => s.library.counts.photos + s.library.counts.videos),
    ]);
    return { photos: page.photos, nextCursor: page.nextCursor, total: total ?? this.total };
  }

  /** Rows for the loaded photos at the current width: month headers, day headers and rows of tiles. */
  relayout() {
    const width = this.scroller.clientWidth || 320;
    const target = width < PHONE_WIDTH ? PHONE_TILE_TARGET : TILE_TARGET;
    this.columns = Math.max(2, Math.floor((width + GAP) / (target + GAP)));
    this.tile = Math.floor((width - GAP * (this.columns - 1)) / this.columns);
    const rows = [];
    let top = 0, month, day, run = [];
    const flush = () => {
      for (let i = 0; i < run.length; i += this.columns) {
        rows.push({ kind: 'tiles', key: `t${run[i]}`, top, height: this.tile + GAP, indices: run.slice(i, i + this.columns) });
        top += this.tile + GAP;
      }
      run = [];
    };
    this.photos.forEach((photo, index) => {
      const d = dayOf(photo);
      const m = d ? d.slice(0, 7) : 'undated';
      if (m !== month) {
        flush();
        month = m; day = undefined;
        const label = d ? months.format(new Date(`${d}T00:00:00Z`)) : 'No date';
        rows.push({ kind: 'month', key: `m${index}`, top, height: MONTH_ROW, label });
        top += MONTH_ROW;
      }
      if (d !== day) {
        flush();
        day = d;
        if (d) { rows.push({ kind: 'day', key: `d${index}`, top, height: DAY_ROW, label: days.format(new Date(`${d}T00:00:00Z`)) }); top += DAY_ROW; }
      }
      run.push(index);
    });
    flush();
    this.rows = rows;
    this.height = top;
    this.grid.style.height = `${top}px`;
    // Rows already drawn stay when a page is appended; those that moved or changed are drawn again.
    const byKey = new Map(rows.map(r => [r.key, r]));
    for (const [key, element] of this.rendered) {
      const row = byKey.get(key);
      if (!row || element.dataset.signature !== this.signature(row)) { element.remove(); this.rendered.delete(key); }
    }
    this.end.textContent = this.done ? (this.photos.length ? '' : 'No photos.') : 'Loading…';
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  /** The index of the first row whose bottom is below <y> (rows are sorted by top). */
  rowAt(y) {
    let lo = 0, hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.rows[mid].top + this.rows[mid].height <= y) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  render() {
    const view = this.scroller.clientHeight || 600;
    const from = this.scroller.scrollTop - MARGIN_SCREENS * view, to = this.scroller.scrollTop + (1 + MARGIN_SCREENS) * view;
    const wanted = new Set();
    for (let i = this.rowAt(Math.max(0, from)); i < this.rows.length && this.rows[i].top < to; i++) {
      const row = this.rows[i];
      wanted.add(row.key);
      if (!this.rendered.has(row.key)) {
        const element = this.draw(row);
        this.rendered.set(row.key, element);
        this.grid.appendChild(element);
      }
    }
    for (const [key, element] of this.rendered)
      if (!wanted.has(key)) { element.remove(); this.rendered.delete(key); }
    if (!this.done && this.height - (this.scroller.scrollTop + view) < LOAD_AHEAD_SCREENS * view) this.more();
  }

  signature(row) { return `${row.top}|${row.indices?.length ?? 0}|${this.tile}`; }

  draw(row) {
    const element = document.createElement('div');
    element.dataset.signature = this.signature(row);
    element.className = `row ${row.kind}`;
    element.style.transform = `translateY(${row.top}px)`;
    element.style.height = `${row.height}px`;
    if (row.kind !== 'tiles') {
      element.innerHTML = `<h3>${esc(row.label)}</h3>`;
      return element;
    }
    for (const index of row.indices) {
      const photo = this.photos[index];
      const tile = document.createElement('button');
      tile.type = 'button';
      tile.className = 'tile loading';
      tile.dataset.id = photo.id;
      tile.dataset.index = index;
      tile.style.width = tile.style.height = `${this.tile}px`;
      tile.title = [photo.takenAt?.replace('T', ' ').slice(0, 16), photo.cameraModel, photo.faceCount ? formatCount(photo.faceCount, 'face') : ''].filter(Boolean).join(' · ');
      tile.setAttribute('aria-label', `photo ${photo.id}${photo.takenAt ? ' taken ' + photo.takenAt.slice(0, 10) : ''}`);
      if (photo.kind === 'video') {
        tile.classList.add('video');
        // A video found by what it shows says when: the first moment on the tile, all of them in its tooltip.
        if (photo.moments?.length) {
          const at = document.createElement('span');
          at.className = 'moment';
          at.textContent = clock(photo.moments[0].start);
          tile.appendChild(at);
          tile.title += (tile.title ? ' · ' : '') + photo.moments.map(m => `${m.what} ${clock(m.start)}–${clock(m.end)}`).join(', ');
        }
      }
      if (photo.thumbnailsWritten) {
        const img = document.createElement('img');
        img.alt = '';
        img.decoding = 'async';
        img.onload = () => tile.classList.remove('loading');
        tile.appendChild(img);
        showImage(img, paths.thumbnail(photo.id), () => { img.remove(); tile.classList.replace('loading', 'missing'); });
      } else {
        tile.classList.replace('loading', 'missing');
      }
      tile.addEventListener('click', () => this.onOpen?.(index));
      element.appendChild(tile);
    }
    return element;
  }

  /** Scrolls the tile of photo <index> into view (after the viewer moved through the photos). */
  reveal(index) {
    const row = this.rows.find(r => r.kind === 'tiles' && r.indices.includes(index));
    if (!row) return;
    if (row.top < this.scroller.scrollTop || row.top + row.height > this.scroller.scrollTop + this.scroller.clientHeight)
      this.scroller.scrollTop = Math.max(0, row.top - this.scroller.clientHeight / 3);
  }
}
