// The photo view: the photo large with its faces, objects and text drawn over it (an SVG in the photo's own pixel
// coordinates, one group per layer), its metadata, "find similar", and next/previous with the arrow keys.
import { api, showImage, showVideo, clock, paths, esc } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
const BROWSER_FORMATS = new Set(['jpeg', 'jpg', 'png', 'gif', 'webp', 'avif', 'bmp']);

export class PhotoViewer {
  constructor({ photoAt, count, more, onSimilar, onPerson, onMove }) {
    Object.assign(this, { photoAt, count, more, onSimilar, onPerson, onMove });
    this.root = document.getElementById('viewer');
    this.img = document.getElementById('viewer-img');
    this.video = document.getElementById('viewer-video');
    this.svg = document.getElementById('overlay');
    this.frame = document.getElementById('viewer-frame');
    this.meta = document.getElementById('meta');
    document.getElementById('close').onclick = () => this.close();
    document.getElementById('prev').onclick = () => this.step(-1);
    document.getElementById('next').onclick = () => this.step(1);
    document.getElementById('similar').onclick = () => this.detail && this.onSimilar?.(this.detail.photo.id);
    for (const box of document.querySelectorAll('#layers input'))
      box.addEventListener('change', () => this.svg.querySelector(`g[data-layer="${box.dataset.layer}"]`)?.toggleAttribute('hidden', !box.checked));
    document.addEventListener('keydown', e => {
      if (this.root.hidden || e.target.matches?.('input, textarea')) return;
      if (e.key === 'Escape') { e.preventDefault(); this.close(); }
      else if (e.key === 'ArrowRight') { e.preventDefault(); this.step(1); }
      else if (e.key === 'ArrowLeft') { e.preventDefault(); this.step(-1); }
    });
    new ResizeObserver(() => this.fit()).observe(document.getElementById('viewer-stage'));
  }

  get isOpen() { return !this.root.hidden; }

  async open(index) {
    this.index = index;
    this.root.hidden = false;
    document.body.classList.add('viewing');
    const photo = this.photoAt(index);
    if (!photo) return;
    // A video found by what it shows opens where that is first seen.
    this.startAt = photo.moments?.[0]?.start ?? 0;
    this.root.dataset.id = photo.id;
    this.root.dataset.state = 'loading';
    const ticket = this.ticket = {};
    let detail;
    try {
      detail = await api(`/v1/library/photos/${photo.id}`);
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.meta.innerHTML = `<dt>Error</dt><dd>${esc(error.message)}</dd>`;
      this.root.dataset.state = 'error';
      return;
    }
    if (ticket !== this.ticket) return;
    this.detail = detail;
    this.show(detail);
    this.root.dataset.state = 'shown';
    document.getElementById('prev').disabled = index <= 0;
    document.getElementById('next').disabled = index >= this.count() - 1 && !this.more;
  }

  close() {
    this.root.hidden = true;
    this.ticket = null;
    document.body.classList.remove('viewing');
    this.img.removeAttribute('src');
    this.stopVideo();
  }

  stopVideo() {
    this.video.pause();
    delete this.video.dataset.src;
    this.video.removeAttribute('src');
    this.video.load();
    this.video.hidden = true;
  }

  /** Plays the open video from <seconds>. */
  seek(seconds) {
    if (this.video.hidden) return;
    this.video.currentTime = seconds;
    this.video.play().catch(() => {});
  }

  async step(by) {
    if (!this.isOpen) return;
    let next = this.index + by;
    if (next < 0) return;
    if (next >= this.count() && this.more) await this.more();
    if (next >= this.count()) return;
    this.onMove?.(next);
    await this.open(next);
  }

  show(detail) {
    const { photo } = detail;
    const width = photo.width || 1, height = photo.height || 1;
    this.aspect = width / height;
    this.fit();
    // The preview thumbnail when written (upright, any format); else the original when the browser can show it.
    const source = photo.thumbnailsWritten ? paths.thumbnail(photo.id, 'preview')
      : detail.originalAvailable && BROWSER_FORMATS.has(photo.format) ? paths.original(photo.id) : null;
    this.img.removeAttribute('src');
    this.stopVideo();
    // A video plays in place of its poster; the boxes of the poster frame would be wrong on every other frame.
    const playable = photo.kind === 'video' && detail.originalAvailable;
    this.img.hidden = playable;
    // (the hidden attribute does not hide an SVG element)
    this.svg.style.display = playable ? 'none' : '';
    document.getElementById('layers').hidden = playable;
    this.frame.classList.toggle('missing', !source && !playable);
    if (playable) {
      this.video.hidden = false;
      showVideo(this.video, paths.original(photo.id), this.startAt, () => this.frame.classList.add('missing'));
    } else if (source) showImage(this.img, source, () => this.frame.classList.add('missing'));
    this.draw(detail, width, height);
    this.describe(detail);
  }

  /** Sizes the frame to the photo's aspect within the stage, so the overlay's viewBox lies exactly on the image. */
  fit() {
    if (!this.aspect) return;
    const stage = document.getElementById('viewer-stage');
    const w = stage.clientWidth, h = stage.clientHeight;
    const fw = Math.min(w, h * this.aspect);
    this.frame.style.width = `${fw}px`;
    this.frame.style.height = `${fw / this.aspect}px`;
  }

  draw(detail, width, height) {
    const svg = this.svg;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.replaceChildren();
    const stroke = Math.max(2, Math.round(Math.max(width, height) / 400));
    const font = Math.max(12, Math.round(Math.max(width, height) / 50));
    const layer = name => {
      const g = document.createElementNS(SVG, 'g');
      g.dataset.layer = name;
      g.toggleAttribute('hidden', !document.querySelector(`#layers input[data-layer="${name}"]`).checked);
      svg.appendChild(g);
      return g;
    };
    const box = (g, b, cls, label, title) => {
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', b.x); rect.setAttribute('y', b.y);
      rect.setAttribute('width', b.width); rect.setAttribute('height', b.height);
      rect.setAttribute('class', cls);
      rect.setAttribute('stroke-width', stroke);
      if (title) { const t = document.createElementNS(SVG, 'title'); t.textContent = title; rect.appendChild(t); }
      g.appendChild(rect);
      if (label) {
        const text = document.createElementNS(SVG, 'text');
        text.setAttribute('x', b.x + stroke);
        // Above the box; below it when the box touches the top; inside it when it spans the whole height (else the label is cut off).
        const below = b.y + b.height + font;
        text.setAttribute('y', b.y > font + stroke ? b.y - stroke * 1.5 : below <= height ? below : b.y + font + stroke);
        text.setAttribute('font-size', font);
        text.setAttribute('class', cls);
        text.textContent = label;
        g.appendChild(text);
      }
    };

    const people = new Map((detail.people || []).map(p => [p.index, p]));
    const faces = layer('faces');
    for (const face of detail.faces) {
      const who = face.origin === 'detected' ? people.get(face.index) : null;
      const name = who?.personName || face.name || (who?.personId ? `person #${who.personId}` : 'unknown');
      const parts = [name, face.expression, face.age != null ? `${Math.round(face.age)}` : null].filter(Boolean);
      box(faces, face, 'face', parts.join(' · '), face.tooPoor ? `too poor to identify: ${face.tooPoor}` : null);
    }

    const objects = layer('objects');
    for (const d of detections(detail)) {
      // The normalised box maps the detection onto the photo whatever size the analysis decoded it at.
      const n = d.normalizedBox || { x: d.box.x / width, y: d.box.y / height, width: d.box.width / width, height: d.box.height / height };
      box(objects, { x: n.x * width, y: n.y * height, width: n.width * width, height: n.height * height }, 'object', `${d.className} ${Math.round(d.score * 100)}%`);
    }

    const text = layer('text');
    for (const t of textBoxes(detail)) box(text, t.box, 'text', t.text);
    document.querySelector('#layers label:has([data-layer="text"])').hidden = !text.childElementCount;
    svg.dataset.faces = faces.querySelectorAll('rect').length;
    svg.dataset.objects = objects.querySelectorAll('rect').length;
  }

  describe(detail) {
    const { photo, metadata } = detail;
    const rows = [];
    const add = (term, value) => { if (value !== null && value !== undefined && value !== '') rows.push(`<dt>${esc(term)}</dt><dd>${value}</dd>`); };
    add('Taken', photo.takenAt ? esc(photo.takenAt.replace('T', ' ').slice(0, 19)) + (photo.takenOffset ? ` <span class="muted">(UTC${esc(offset(photo.takenOffset))})</span>` : '') : '<span class="muted">no date</span>');
    // Many cameras repeat the make in the model ("Canon" / "Canon EOS 7D"): say it once.
    const model = metadata.cameraModel ?? '';
    const make = metadata.cameraMake && !model.toLowerCase().startsWith(metadata.cameraMake.toLowerCase()) ? metadata.cameraMake : '';
    add('Camera', esc([make, model].filter(Boolean).join(' ')));
    add('Lens', esc(metadata.lensModel));
    const place = photo.location || metadata.location;
    if (place) add('Place', esc(`${place.latitude.toFixed(5)}, ${place.longitude.toFixed(5)}`));
    add('Size', esc(`${photo.width ?? '?'} × ${photo.height ?? '?'} ${photo.format}, ${(photo.size / 1e6).toFixed(1)} MB`));
    if (metadata.video) add('Duration', esc(`${clock(metadata.video.duration)}${metadata.video.frameRate ? `, ${Math.round(metadata.video.frameRate)} fps` : ''}${metadata.video.codec ? `, ${metadata.video.codec}` : ''}`));
    const people = (detail.people || []).filter(p => p.personId);
    if (people.length)
      add('People', people.map(p => `<a href="#" class="person-link" data-person="${p.personId}">${esc(p.personName || `person #${p.personId}`)}</a>`).join(', '));
    const tracks = detail.analyses.find(a => a.task === 'tracks')?.result;
    if (tracks) {
      // When each person and object is seen: times that play the video from there.
      const at = seen => {
        const spans = joined(seen);
        return spans.slice(0, 6).map(s => `<a href="#" class="seek" data-t="${s.firstTime}">${esc(clock(s.firstTime))}–${esc(clock(s.lastTime))}</a>`).join(' ') + (spans.length > 6 ? ' …' : '');
      };
      const byPerson = new Map();
      for (const t of tracks.faces) {
        const who = (detail.people || []).find(p => p.index === t.faceIndex);
        const name = who?.personName || (who?.personId ? `person #${who.personId}` : `face ${t.faceIndex + 1}`);
        byPerson.set(name, [...(byPerson.get(name) || []), t]);
      }
      if (byPerson.size) add('Seen', [...byPerson].map(([name, spans]) => `${esc(name)}: ${at(spans)}`).join('<br>'));
      const byClass = new Map();
      for (const t of tracks.objects) byClass.set(t.className, [...(byClass.get(t.className) || []), t]);
      add('Objects', [...byClass].map(([c, spans]) => `${esc(c)}${tracks.mostAtOnce?.[c] > 1 ? ` ×${tracks.mostAtOnce[c]}` : ''}: ${at(spans)}`).join('<br>'));
      if (!tracks.whole) add('Tracked', esc(`the first ${clock(tracks.analysedSeconds)}`));
    } else {
      const objects = {};
      for (const d of detections(detail)) objects[d.className] = (objects[d.className] || 0) + 1;
      add('Objects', esc(Object.entries(objects).map(([c, n]) => n > 1 ? `${c} ×${n}` : c).join(', ')));
    }
    const moderation = detail.analyses.find(a => a.task === 'moderate')?.result;
    if (moderation?.verdict) add('Moderation', esc(moderation.verdict));
    if (metadata.keywords?.length) add('Keywords', esc(metadata.keywords.join(', ')));
    // The text read, a row per line as it reads; long pages are cut, the boxes on the photo show every line.
    const read = textRead(detail)?.text?.trim();
    if (read) add('Text', `<span class="text-read">${esc(read.length > 400 ? read.slice(0, 400) + '…' : read).replaceAll('\n', '<br>')}</span>`);
    add('Files', detail.paths.map(p => `<code>${esc(p)}</code>`).join('<br>') + (detail.originalAvailable ? '' : ' <span class="muted">(offline)</span>'));
    this.meta.innerHTML = rows.join('');
    for (const link of this.meta.querySelectorAll('.seek'))
      link.onclick = e => { e.preventDefault(); this.seek(Number(link.dataset.t)); };
    for (const link of this.meta.querySelectorAll('.person-link'))
      link.onclick = e => { e.preventDefault(); this.onPerson?.(Number(link.dataset.person)); };
  }
}

/** Track spans of one person or class joined where they overlap or lie within 2 s (as the search's moments are). */
function joined(tracks) {
  const spans = [];
  for (const t of [...tracks].sort((a, b) => a.firstTime - b.firstTime)) {
    const last = spans[spans.length - 1];
    if (last && t.firstTime - last.lastTime <= 2) last.lastTime = Math.max(last.lastTime, t.lastTime);
    else spans.push({ firstTime: t.firstTime, lastTime: t.lastTime });
  }
  return spans;
}

function offset(span) {
  const negative = span.startsWith('-');
  const [h, m] = span.replace('-', '').split(':');
  return `${negative ? '-' : '+'}${h.padStart(2, '0')}:${m}`;
}

function detections(detail) {
  return detail.analyses.find(a => a.task === 'detect')?.result?.detections ?? [];
}

/** The text analysis' result, when the library reads text. */
function textRead(detail) {
  return detail.analyses.find(a => a.task === 'text')?.result;
}

/** Lines read in the photo, each with its box in the original's pixels. */
function textBoxes(detail) {
  return (textRead(detail)?.lines ?? []).filter(l => l.box).map(l => ({ box: l.box, text: l.text ?? '' }));
}
