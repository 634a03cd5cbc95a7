'use strict';
// The Sightline page: one image in, the chosen tasks run against the REST API, results drawn on the image.
// Tasks appear only when the server's OpenAPI document lists their endpoint, so the page grows with the API.

const TASKS = [
  {
    id: 'detect', label: 'Objects (detection)', path: '/v1/detect',
    options: async () => `<label>detector <select name="model"><option>centernet</option><option>nanodet</option></select></label>
      <label>min score <input name="minScore" type="number" min="0" max="1" step="0.05" value="0.25"></label>`,
    query: form => ({ model: form.model?.value, minScore: form.minScore?.value }),
    render: r => `<h3>${r.detections.length} objects (${esc(r.modelId)})</h3>
      <table><tr><th>class</th><th>score</th><th>box x, y, w, h</th></tr>${r.detections.map(d =>
        `<tr><td>${esc(d.className)}</td><td class="num">${d.score.toFixed(2)}</td><td class="num">${[d.box.x, d.box.y, d.box.width, d.box.height].map(v => Math.round(v)).join(', ')}</td></tr>`).join('')}</table>
      <p class="muted">${timing(r.timings)}</p>`,
  },
  {
    id: 'localize', label: 'Main object (localization)', path: '/v1/localize',
    query: form => ({ model: form.model?.value }),
    draws: r => r.object ? [r.object] : [],
    render: r => `<h3>Main object</h3><p>${r.object ? `${esc(r.object.className)} (${r.object.score.toFixed(2)})` : 'nothing found'}</p>`,
  },
  {
    id: 'similar', label: 'Similar images', path: '/v1/similar',
    options: async () => {
      const indexes = await api('/v1/indexes');
      if (!indexes.length) return '<label>no index: start the server with --index name=path</label>';
      return `<label>index <select name="index">${indexes.map(i => `<option>${esc(i.name)}</option>`).join('')}</select></label>
              <label>top <input name="top" type="number" min="1" max="100" value="8"></label>`;
    },
    query: form => ({ index: form.index?.value, top: form.top?.value }),
    render: r => `<h3>Similar images in “${esc(r.index)}” (${r.searched} searched)</h3>
      <table><tr><th></th><th>image</th><th>cosine</th></tr>${r.matches.map(m =>
        `<tr><td><img alt="" src="/v1/indexes/${encodeURIComponent(r.index)}/thumbnail?path=${encodeURIComponent(m.path)}" data-auth></td>
         <td>${esc(m.path.split('/').slice(-2).join('/'))}</td><td class="num">${m.score.toFixed(3)}</td></tr>`).join('')}</table>`,
  },
  {
    id: 'classify', label: 'Classify (custom model)', path: '/v1/classify',
    options: async () => {
      const classifiers = await api('/v1/classifiers');
      if (!classifiers.length) return '<label>no classifier: start the server with --classifier name=path.sightline</label>';
      return `<label>classifier <select name="classifier">${classifiers.map(c => `<option value="${esc(c.name)}">${esc(c.name)}${c.classes ? ` (${c.classes.length} classes)` : ' (unavailable)'}</option>`).join('')}</select></label>
              <label>top <input name="clsTop" type="number" min="1" max="100" value="5"></label>`;
    },
    query: form => ({ classifier: form.classifier?.value, top: form.clsTop?.value }),
    render: r => `<h3>“${esc(r.classifier)}”: ${r.unknown ? 'unknown <span class="muted">(none of its classes)</span>' : esc(r.answer)}</h3>
      <table><tr><th>class</th><th>probability</th></tr>${r.predictions.map(p =>
        `<tr><td>${esc(p.label)}</td><td class="num">${(100 * p.probability).toFixed(1)}%</td></tr>`).join('')}</table>
      <p class="muted">${esc(r.backbone.id)} · ${timing(r.timings)}</p>`,
  },
  {
    id: 'moderate', label: 'Moderation (safe or sensitive)', path: '/v1/moderate',
    options: async () => `<label>sensitive at <input name="modThreshold" type="number" min="0" max="1" step="0.05" placeholder="0.5"></label>`,
    query: form => ({ threshold: form.modThreshold?.value }),
    draws: () => [],
    render: r => `<h3>Moderation: <span class="verdict ${r.verdict === 'sensitive' ? 'sensitive' : 'safe'}">${esc(r.verdict)}</span></h3>
      <p>${esc(r.sensitiveClasses.join(' + '))} = ${r.sensitiveScore.toFixed(3)} (sensitive at ${r.threshold}); driven by ${esc(r.drivenBy.join(', '))}</p>
      <table><tr><th>class</th><th>probability</th></tr>${r.scores.map(s =>
        `<tr><td>${esc(s.label)}</td><td class="num">${(100 * s.score).toFixed(1)}%</td></tr>`).join('')}</table>
      <p class="muted">${esc(r.modelId)} ${esc(r.modelVersion)} · ${timing(r.timings)}</p>`,
  },
  {
    id: 'text', label: 'Text (OCR)', path: '/v1/ocr',
    options: async () => `<label>layout <select name="ocrLayout"><option value="page">page (find the text)</option><option value="line">one line (a cropped word or line)</option></select></label>
      <label>min confidence <input name="ocrMinConfidence" type="number" min="0" max="1" step="0.05" placeholder="0.5"></label>`,
    query: form => ({ layout: form.ocrLayout?.value, minConfidence: form.ocrMinConfidence?.value }),
    draws: r => r.lines.map(l => ({ box: l.box, label: l.text, color: TEXT_COLOR })),
    render: r => `<h3>${r.lines.length} line${r.lines.length === 1 ? '' : 's'} of text${r.rotation ? ` <span class="muted">(page turned ${r.rotation}°)</span>` : ''}</h3>
      ${r.text ? `<pre class="text-read">${esc(r.text)}</pre>` : '<p class="muted">no text found</p>'}
      <table><tr><th>line</th><th>confidence</th><th>box x, y, w, h</th></tr>${r.lines.map(l =>
        `<tr><td>${esc(l.text)}</td><td class="num">${l.confidence.toFixed(2)}</td><td class="num">${[l.box.x, l.box.y, l.box.width, l.box.height].map(v => Math.round(v)).join(', ')}</td></tr>`).join('')}</table>
      <p class="muted">${esc(r.modelId)} ${esc(r.modelVersion)} · ${timing(r.timings)}</p>`,
  },
  {
    id: 'faces', label: 'Faces', path: '/v1/faces',
    options: async () => `<label>face min score <input name="faceMinScore" type="number" min="0" max="1" step="0.05" value="0.7"></label>
      <label>min face size <input name="faceMinSize" type="number" min="0" max="10000" step="4" value="24"></label>
      <label>descriptor <select name="descriptor"><option value="">gallery's (face-api)</option><option>face-api</option><option>faceres</option></select></label>
      <label>emotion <select name="emotion"><option>face-api</option><option>human</option></select></label>
      <label><input name="identify" type="checkbox" checked> identify against the gallery</label>`,
    query: form => ({ minScore: form.faceMinScore?.value, minSize: form.faceMinSize?.value, descriptor: form.descriptor?.value,
      emotion: form.emotion?.value, identify: form.identify?.checked ? 'true' : '' }),
    render: r => `<h3>${r.count} face${r.count === 1 ? '' : 's'}</h3>
      <table><tr><th>who</th><th>emotion</th><th>age</th><th>gender</th><th>quality</th><th>score</th></tr>${r.faces.map(f =>
        `<tr><td>${esc(who(f))}${f.identity?.known ? ` <span class="muted">(${f.identity.similarity.toFixed(2)})</span>` : ''}</td>
         <td>${f.emotion ? `${esc(f.emotion.label)} <span class="muted">${f.emotion.score.toFixed(2)}${unreliable(f)}</span>` : ''}</td>
         <td class="num">${f.ageGender ? `${Math.round(f.ageGender.age)}<span class="muted">${unreliable(f)}</span>` : ''}</td><td>${esc(f.ageGender?.gender || '')}${f.ageGender ? `<span class="muted">${unreliable(f)}</span>` : ''}</td>
         <td class="num">${f.quality ? f.quality.score.toFixed(2) : ''}${f.tooPoor ? ` <span class="muted">(too poor: ${esc(f.tooPoor.join(', '))})</span>` : ''}</td><td class="num">${f.score.toFixed(2)}</td></tr>`).join('')}</table>
      <p class="muted">${r.models.map(m => esc(m.id)).join(' · ')}<br>${faceTiming(r.timings)}</p>`,
  },
  {
    id: 'segment', label: 'Segmentation (masks)', path: '/v1/segment',
    options: async () => `<label>mask model <select name="segModel"><option>selfie</option><option>meet</option><option>salient</option></select></label>
      <label><input name="segInstances" type="checkbox"> one mask per object (instances)</label>`,
    query: form => form.segInstances?.checked ? { instances: 'true' } : { model: form.segModel?.value },
    render: r => r.instances
      ? `<h3>${r.instances.length} object masks (${esc(r.detector.id)} + ${esc(r.personModel.id)} / ${esc(r.salientModel.id)})</h3>
        <table><tr><th>class</th><th>score</th><th>pixels</th><th>mask by</th></tr>${r.instances.map(i =>
          `<tr><td>${esc(i.className)}</td><td class="num">${i.score.toFixed(2)}</td><td class="num">${i.area}</td><td>${esc(i.maskSource)}</td></tr>`).join('')}</table>
        <p class="muted">${timing(r.timings)}</p>`
      : `<h3>${esc(r.maskClass)}: ${(100 * (r.classes.find(c => c.className === r.maskClass)?.fraction || 0)).toFixed(1)}% of the pixels</h3>
        <p class="muted">${esc(r.model.id)}, ${esc(r.method === 'crops' ? 'person crops' : 'whole image')} · ${timing(r.timings)}</p>`,
  },
  {
    id: 'embeddings', label: 'Embedding vector', path: '/v1/embeddings',
    render: r => `<h3>Embedding</h3><p>${r.dimension}-d vector from ${esc(r.model.id)}; first values: ${r.vector.slice(0, 6).map(v => v.toFixed(3)).join(', ')} …</p>`,
  },
];

const $ = id => document.getElementById(id);
const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
let image = null; // { blob, bitmap }

function headers() {
  const key = $('apikey').value || localStorage.getItem('sightline-key') || '';
  return key ? { 'X-Api-Key': key } : {};
}

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...headers(), ...(init.headers || {}) } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `${response.status} ${response.statusText}`);
  return body;
}

async function setup() {
  $('apikey').value = localStorage.getItem('sightline-key') || '';
  $('apikey').addEventListener('change', () => { localStorage.setItem('sightline-key', $('apikey').value); setup(); });
  let paths = {};
  try { paths = (await fetch('/openapi/v1.json').then(r => r.json())).paths || {}; } catch { /* page still works for known tasks */ }
  const available = TASKS.filter(t => !Object.keys(paths).length || paths[t.path]);
  canAnalyze = !Object.keys(paths).length || !!paths['/v1/analyze'];
  $('tasks').innerHTML = '<legend>Tasks</legend>' + available.map((t, i) =>
    `<label><input type="checkbox" name="task" value="${t.id}" ${i === 0 ? 'checked' : ''}> ${esc(t.label)}</label>`).join('');
  const parts = [];
  for (const t of available) {
    if (!t.options) continue;
    try { parts.push(`<div data-task="${t.id}">${await t.options()}</div>`); }
    catch (e) { parts.push(`<div class="error">${esc(t.label)}: ${esc(e.message)}</div>`); }
  }
  $('options').innerHTML = `<form id="optform">${parts.join('')}</form>`;
  $('gallery').hidden = !(!Object.keys(paths).length || paths['/v1/gallery/people']);
  if (!$('gallery').hidden) await loadPeople();
}

// The face gallery panel: who is enrolled, enrol the current image's face, remove a person.
async function loadPeople() {
  try {
    const g = await api('/v1/gallery/people');
    $('people').innerHTML = g.people.length
      ? g.people.map(p => `<li>${esc(p.name)} <span class="muted">${p.faces} face${p.faces === 1 ? '' : 's'}</span>
          <button type="button" class="link" data-remove="${esc(p.name)}">remove</button></li>`).join('')
      : '<li class="muted">nobody enrolled yet</li>';
  } catch (e) { $('people').innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}

async function enroll() {
  const name = $('person').value.trim();
  if (!image || !name) { status('Pick an image and type a name to enrol its face.', true); return; }
  const body = new FormData(); body.append('image', image.blob, image.blob.name || 'image');
  try {
    const r = await api(`/v1/gallery/people/${encodeURIComponent(name)}/faces`, { method: 'POST', body });
    status(`Enrolled a face of ${r.person.name} (${r.person.faces} in all).`);
  } catch (e) { status(`Enrol: ${e.message}`, true); }
  await loadPeople();
}

async function removePerson(name) {
  if (!confirm(`Remove ${name} and all their faces from the gallery?`)) return;
  try { await api(`/v1/gallery/people/${encodeURIComponent(name)}`, { method: 'DELETE' }); status(`Removed ${name}.`); }
  catch (e) { status(e.message, true); }
  await loadPeople();
}

async function useImage(blob) {
  if (!blob || !blob.type.startsWith('image/')) { status('That is not an image.', true); return; }
  image = { blob, bitmap: await createImageBitmap(blob).catch(() => null) };
  draw([]);
  $('run').disabled = false; $('enroll').disabled = false;
  status(`${blob.name || 'pasted image'}: ${Math.round(blob.size / 1024)} KiB`);
}

function faceTiming(t) { return t ? `decode ${t.decodeMs.toFixed(1)} ms · detect ${t.detectMs.toFixed(1)} ms · landmarks ${t.landmarksMs.toFixed(1)} ms · descriptor ${t.descriptorMs.toFixed(1)} ms · attributes ${t.attributesMs.toFixed(1)} ms` : ''; }

// A face's label: its gallery name, "unknown" or "too poor" (with why), then expression and age; a face too
// poor to identify shows no expression or age, since they would be read as facts.
function who(face) {
  if (face.identity?.known) return face.identity.name;
  return face.tooPoor ? `too poor (${face.tooPoor.join(', ')})` : 'unknown';
}
function unreliable(face) { return face.unreliable ? ' (unreliable)' : ''; }
function faceLabel(face) {
  if (face.tooPoor) return who(face);
  return [who(face), face.emotion?.label, face.ageGender ? String(Math.round(face.ageGender.age)) : null].filter(Boolean).join(' · ');
}

function timing(t) { return t ? `pre ${t.preprocessMs.toFixed(1)} ms · inference ${t.inferenceMs.toFixed(1)} ms · post ${t.postprocessMs.toFixed(1)} ms` : ''; }

function status(text, error = false) { $('status').textContent = text; $('status').className = error ? 'error' : ''; }

// Draws the image and any boxes, points or masks the results carry, in image pixel coordinates.
function draw(results) {
  const canvas = $('canvas'), ctx = canvas.getContext('2d');
  if (!image?.bitmap) return;
  canvas.width = image.bitmap.width; canvas.height = image.bitmap.height;
  ctx.drawImage(image.bitmap, 0, 0);
  const scale = Math.max(1, canvas.width / 800);
  for (const result of results) {
    for (const item of result.detections || result.instances || []) {
      const b = item.box || item.boundingBox; if (!b) continue;
      const color = item.color || colorFor(item.className || item.label || item.name || 'face');
      ctx.lineWidth = 3 * scale; ctx.strokeStyle = color; ctx.strokeRect(b.x, b.y, b.width, b.height);
      const text = [item.className || item.label, item.score != null ? `${Math.round(item.score * 100)}%` : null].filter(Boolean).join(' ');
      if (text) {
        ctx.font = `${14 * scale}px system-ui, sans-serif`;
        const w = ctx.measureText(text).width + 8 * scale, h = 18 * scale;
        ctx.fillStyle = color; ctx.fillRect(b.x, Math.max(0, b.y - h), w, h);
        ctx.fillStyle = '#fff'; ctx.fillText(text, b.x + 4 * scale, Math.max(h, b.y) - 4 * scale);
      }
      for (const p of item.landmarks || []) { ctx.fillStyle = color; ctx.fillRect(p.x - 1.5 * scale, p.y - 1.5 * scale, 3 * scale, 3 * scale); }
    }
  }
  // Masks (COCO RLE: column-major runs from a run of zeros) over the photo and its boxes, half transparent.
  for (const result of results) {
    if (result.mask) drawMask(ctx, result.mask, MASK_COLOR);
    drawInstanceMasks(ctx, (result.instances || []).filter(i => i.rle));
  }
  // Faces last, so their boxes and landmarks sit on top of the object boxes.
  for (const result of results) for (const face of result.faces || []) drawFace(ctx, face, scale);
  canvas.dataset.drawn = String(results.reduce((n, r) => n + (r.detections || r.instances || []).length + (r.faces || []).length, 0));
  canvas.dataset.faces = String(results.reduce((n, r) => n + (r.faces || []).length, 0));
}

const FACE_COLOR = '#00a86b', LANDMARK_COLOR = '#ffd400', MASK_COLOR = '#ff2d55', TEXT_COLOR = '#0a64d8';

function drawFace(ctx, face, scale) {
  const b = face.box, color = face.identity?.known ? colorFor(face.identity.name) : FACE_COLOR;
  ctx.lineWidth = 3 * scale; ctx.strokeStyle = color; ctx.strokeRect(b.x, b.y, b.width, b.height);
  const r = Math.max(1.5, Math.min(3 * scale, b.width / 60));
  ctx.fillStyle = LANDMARK_COLOR;
  for (const p of face.landmarks68 || face.landmarks5 || []) { ctx.beginPath(); ctx.arc(p.x, p.y, r, 0, 2 * Math.PI); ctx.fill(); }
  const text = faceLabel(face);
  ctx.font = `${13 * scale}px system-ui, sans-serif`;
  const w = ctx.measureText(text).width + 8 * scale, h = 17 * scale;
  // Above the box when there is room, else below it; never over the box's own edges.
  const y = b.y - h >= 0 ? b.y - h : Math.min(ctx.canvas.height - h, b.y + b.height);
  ctx.fillStyle = color; ctx.fillRect(b.x, y, w, h);
  ctx.fillStyle = '#fff'; ctx.fillText(text, b.x + 4 * scale, y + h - 4 * scale);
}

function drawMask(ctx, rle, color) {
  const [h, w] = rle.size;
  if (w !== ctx.canvas.width || h !== ctx.canvas.height) return;
  ctx.fillStyle = color; // read back as #rrggbb
  const hex = ctx.fillStyle, rgb = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
  const data = ctx.getImageData(0, 0, w, h);
  let at = 0, on = false;
  for (const run of rle.counts) {
    if (on) for (let k = at; k < at + run; k++) {
      const o = ((k % h) * w + Math.floor(k / h)) * 4;
      for (let c = 0; c < 3; c++) data.data[o + c] = (data.data[o + c] + rgb[c]) >> 1;
    }
    at += run; on = !on;
  }
  ctx.putImageData(data, 0, 0);
}

// Instance masks may overlap across classes (a person in front of a bus): each pixel takes the colour of
// the smallest instance covering it, usually the one in front, and is tinted once.
function drawInstanceMasks(ctx, instances) {
  const w = ctx.canvas.width, h = ctx.canvas.height;
  const shown = instances.filter(i => i.rle.size[0] === h && i.rle.size[1] === w).sort((a, b) => b.area - a.area);
  if (!shown.length) return;
  const owner = new Int32Array(w * h).fill(-1);
  shown.forEach((item, n) => {
    let at = 0, on = false;
    for (const run of item.rle.counts) {
      if (on) for (let k = at; k < at + run; k++) owner[(k % h) * w + Math.floor(k / h)] = n;
      at += run; on = !on;
    }
  });
  const colors = shown.map(i => { ctx.fillStyle = colorFor(i.className); const hex = ctx.fillStyle; return [1, 3, 5].map(j => parseInt(hex.slice(j, j + 2), 16)); });
  const data = ctx.getImageData(0, 0, w, h);
  for (let p = 0; p < owner.length; p++) {
    if (owner[p] < 0) continue;
    const rgb = colors[owner[p]], o = p * 4;
    for (let c = 0; c < 3; c++) data.data[o + c] = (data.data[o + c] + rgb[c]) >> 1;
  }
  ctx.putImageData(data, 0, 0);
}

function colorFor(name) {
  let h = 0; for (const c of String(name)) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 75% 42%)`;
}

// Several tasks go to /v1/analyze as one request: one upload, one decode, every task's result in one document.
// Each entry maps the page's options onto the task's (null: the task needs its own endpoint, e.g. gallery identification).
let canAnalyze = false;
const ANALYZE = {
  detect: { task: 'detect', options: f => ({ model: f.model?.value, minScore: f.minScore?.value }), render: r => TASKS[0].render(r) },
  faces: {
    task: 'faces', options: f => f.identify?.checked ? null : { minScore: f.faceMinScore?.value, minFaceSize: f.faceMinSize?.value, describer: f.descriptor?.value, emotion: f.emotion?.value },
    render: r => `<h3>${r.faces.length} face${r.faces.length === 1 ? '' : 's'}</h3><table><tr><th>emotion</th><th>age</th><th>gender</th><th>score</th></tr>${r.faces.map(f =>
      `<tr><td>${f.emotion ? esc(f.emotion.label) : ''}</td><td class="num">${f.ageGender ? Math.round(f.ageGender.age) : ''}</td><td>${esc(f.ageGender?.gender || '')}</td><td class="num">${f.score.toFixed(2)}</td></tr>`).join('')}</table>`,
  },
  segment: { task: 'segment', options: f => f.segInstances?.checked ? null : { model: f.segModel?.value },
    render: r => `<h3>${esc(r.maskClass)}: ${(100 * (r.classes.find(c => c.className === r.maskClass)?.fraction || 0)).toFixed(1)}% of the pixels</h3><p class="muted">${esc(r.modelId)}, ${esc(r.method)}</p>` },
  embeddings: { task: 'embed', options: () => ({}), render: r => `<h3>Embedding</h3><p>${r.dimension}-d vector from ${esc(r.modelId)}</p>` },
  classify: { task: 'classify', options: f => ({ classifier: f.classifier?.value, top: f.clsTop?.value }),
    render: r => `<h3>“${esc(r.classifier)}”: ${r.unknown ? 'unknown' : esc(r.label)}</h3><table><tr><th>class</th><th>probability</th></tr>${r.predictions.map(p =>
      `<tr><td>${esc(p.label)}</td><td class="num">${(100 * p.probability).toFixed(1)}%</td></tr>`).join('')}</table>` },
};

async function runAnalyze(chosen, form) {
  const params = new URLSearchParams({ tasks: chosen.map(t => ANALYZE[t.id].task).join(',') });
  for (const t of chosen) for (const [k, v] of Object.entries(ANALYZE[t.id].options(form))) if (v) params.append(`${ANALYZE[t.id].task}.${k}`, v);
  const body = new FormData(); body.append('image', image.blob, image.blob.name || 'image');
  try {
    const doc = await api(`/v1/analyze?${params}`, { method: 'POST', body });
    draw(Object.values(doc.results));
    $('results').innerHTML = chosen.map(t => ANALYZE[t.id].render(doc.results[ANALYZE[t.id].task])).join('')
      + `<p class="muted">one decode ${doc.timings.decodeMs.toFixed(1)} ms · ${Object.entries(doc.timings.taskMs).map(([k, v]) => `${esc(k)} ${v.toFixed(1)} ms`).join(' · ')}</p>`;
    $('json').textContent = JSON.stringify(doc, null, 2);
    status('Done.');
  } catch (e) {
    $('results').innerHTML = `<p class="error">${esc(e.message)}</p>`; status(e.message, true);
  }
  $('run').disabled = false;
}

async function run() {
  const chosen = [...document.querySelectorAll('input[name=task]:checked')].map(i => TASKS.find(t => t.id === i.value));
  if (!image || !chosen.length) return;
  $('run').disabled = true; status('Running…');
  const form = $('optform') || {};
  if (canAnalyze && chosen.length > 1 && chosen.every(t => ANALYZE[t.id]?.options(form.elements || {}))) return runAnalyze(chosen, form.elements || {});
  const results = [], json = {}, html = [];
  for (const task of chosen) {
    const params = new URLSearchParams(Object.entries(task.query ? task.query(form.elements || {}) : {}).filter(([, v]) => v));
    const body = new FormData(); body.append('image', image.blob, image.blob.name || 'image');
    try {
      const result = await api(`${task.path}${params.size ? '?' + params : ''}`, { method: 'POST', body });
      results.push(task.draws ? { detections: task.draws(result) } : result); json[task.id] = result; html.push(task.render(result));
    } catch (e) {
      json[task.id] = { error: e.message }; html.push(`<p class="error">${esc(task.label)}: ${esc(e.message)}</p>`);
    }
  }
  draw(results);
  $('results').innerHTML = html.join('');
  await authImages();
  $('json').textContent = JSON.stringify(json, null, 2);
  status('Done.'); $('run').disabled = false;
}

// Thumbnails behind an API key cannot use a plain <img src>: fetch them with the key.
async function authImages() {
  for (const img of document.querySelectorAll('img[data-auth]')) {
    try { const r = await fetch(img.src, { headers: headers() }); if (r.ok) img.src = URL.createObjectURL(await r.blob()); } catch { }
  }
}

const drop = $('drop');
drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', e => { e.preventDefault(); drop.classList.remove('over'); useImage(e.dataTransfer.files[0]); });
drop.addEventListener('click', e => { if (e.target === drop) $('file').click(); });
$('file').addEventListener('change', e => useImage(e.target.files[0]));
document.addEventListener('paste', e => { const f = [...e.clipboardData.files][0]; if (f) useImage(f); });
$('run').addEventListener('click', run);
$('enroll').addEventListener('click', enroll);
$('people').addEventListener('click', e => { if (e.target.dataset.remove) removePerson(e.target.dataset.remove); });
setup();
