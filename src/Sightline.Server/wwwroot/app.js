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
  $('tasks').innerHTML = '<legend>Tasks</legend>' + available.map((t, i) =>
    `<label><input type="checkbox" name="task" value="${t.id}" ${i === 0 ? 'checked' : ''}> ${esc(t.label)}</label>`).join('');
  const parts = [];
  for (const t of available) {
    if (!t.options) continue;
    try { parts.push(`<div data-task="${t.id}">${await t.options()}</div>`); }
    catch (e) { parts.push(`<div class="error">${esc(t.label)}: ${esc(e.message)}</div>`); }
  }
  $('options').innerHTML = `<form id="optform">${parts.join('')}</form>`;
}

async function useImage(blob) {
  if (!blob || !blob.type.startsWith('image/')) { status('That is not an image.', true); return; }
  image = { blob, bitmap: await createImageBitmap(blob).catch(() => null) };
  draw([]);
  $('run').disabled = false;
  status(`${blob.name || 'pasted image'}: ${Math.round(blob.size / 1024)} KiB`);
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
    for (const item of result.detections || result.faces || result.instances || []) {
      const b = item.box || item.boundingBox; if (!b) continue;
      const color = item.color || colorFor(item.className || item.label || item.name || 'face');
      ctx.lineWidth = 3 * scale; ctx.strokeStyle = color; ctx.strokeRect(b.x, b.y, b.width, b.height);
      const text = [item.className || item.label || item.identity?.name, item.emotion?.label, item.age ? `${Math.round(item.age)}y` : null,
        item.score != null ? `${Math.round(item.score * 100)}%` : null].filter(Boolean).join(' ');
      if (text) {
        ctx.font = `${14 * scale}px system-ui, sans-serif`;
        const w = ctx.measureText(text).width + 8 * scale, h = 18 * scale;
        ctx.fillStyle = color; ctx.fillRect(b.x, Math.max(0, b.y - h), w, h);
        ctx.fillStyle = '#fff'; ctx.fillText(text, b.x + 4 * scale, Math.max(h, b.y) - 4 * scale);
      }
      for (const p of item.landmarks || []) { ctx.fillStyle = color; ctx.fillRect(p.x - 1.5 * scale, p.y - 1.5 * scale, 3 * scale, 3 * scale); }
    }
  }
  canvas.dataset.drawn = String(results.reduce((n, r) => n + (r.detections || r.faces || r.instances || []).length, 0));
}

function colorFor(name) {
  let h = 0; for (const c of String(name)) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 75% 42%)`;
}

async function run() {
  const chosen = [...document.querySelectorAll('input[name=task]:checked')].map(i => TASKS.find(t => t.id === i.value));
  if (!image || !chosen.length) return;
  $('run').disabled = true; status('Running…');
  const form = $('optform') || {};
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
setup();
