// The photo app: views addressed by the URL fragment (#photos?q=..., #people, #person/12, #status).
import { api, get, apiKey, setApiKey, setSession, formatCount, esc, personTerm } from './api.js';
import { PhotoGrid } from './grid.js';
import { PhotoViewer } from './viewer.js';
import { PeopleView } from './people.js';
import { StatusView } from './status.js';

const $ = id => document.getElementById(id);
const CHIPS = { people: 12, emotions: 8, objects: 16 };

function problem(text) {
  const bar = $('problem');
  bar.hidden = !text;
  bar.textContent = text || '';
}

// ---- The query: terms split as the query language does (a quoted value is one term) ----
const terms = query => query.match(/\S+?:"[^"]*"|"[^"]*"|\S+/g) ?? [];
const hasTerm = (query, term) => terms(query).some(t => t.toLowerCase() === term.toLowerCase());
function toggleTerm(query, term) {
  const list = terms(query);
  const kept = list.filter(t => t.toLowerCase() !== term.toLowerCase());
  return (kept.length === list.length ? [...kept, term] : kept).join(' ');
}

function showQueryError(error, query) {
  const box = $('q-error');
  if (!error) { box.hidden = true; box.replaceChildren(); $('q').removeAttribute('aria-invalid'); return; }
  box.hidden = false;
  $('q').setAttribute('aria-invalid', 'true');
  const position = error.problem?.position;
  const text = error.problem?.query ?? query;
  let html = `<span class="message">${esc(error.message)}</span>`;
  if (Number.isInteger(position) && position >= 0 && position <= text.length)
    html += `<code class="at">${esc(text.slice(0, position))}<mark>${esc(text.slice(position) || ' ')}</mark></code>`;
  box.innerHTML = html;
  box.dataset.position = Number.isInteger(position) ? position : '';
  box.dataset.code = error.code;
}

// ---- Views ----
const grid = new PhotoGrid({
  scroller: $('grid-scroll'), grid: $('grid'), end: $('grid-end'),
  onOpen: index => { viewer.source = gridSource; viewer.open(index); },
  onCount: (total, query) => { $('count').textContent = formatCount(total, 'photo') + (query ? ' match' : ''); $('count').dataset.total = total; showQueryError(null); },
  onError: error => {
    $('count').textContent = '';
    $('count').dataset.total = '';
    if (error.status === 401) askToSignIn();
    showQueryError(error, grid.query);
  },
});
const gridSource = { photoAt: i => grid.photos[i], count: () => grid.photos.length, more: () => grid.more(), onMove: i => grid.reveal(i) };

const viewer = new PhotoViewer({
  photoAt: i => viewer.source.photoAt(i),
  count: () => viewer.source.count(),
  more: null,
  onSimilar: id => { viewer.close(); go(`#photos?q=${encodeURIComponent(`similar:#${id} sort:similarity`)}`); },
  onPerson: id => { viewer.close(); go(`#person/${id}`); },
  onMove: i => viewer.source.onMove?.(i),
});
Object.defineProperty(viewer, 'more', { get: () => viewer.source?.more && !grid.done && viewer.source === gridSource ? viewer.source.more : null });

/** Opens one photo by id on its own (from People): no next or previous. */
function openPhoto(id) {
  viewer.source = { photoAt: () => ({ id }), count: () => 1, more: null };
  viewer.open(0);
}

const people = new PeopleView({
  onOpenPhoto: openPhoto,
  onPhotosOf: person => go(`#photos?q=${encodeURIComponent(personTerm(person))}`),
  onChanged: () => { chipsLoaded = false; },
});
const status = new StatusView({ onScanEnded: () => { chipsLoaded = false; if (current === 'photos') grid.load(grid.query || ''); } });

// ---- Filter chips: people (from /v1/library/people), emotions and objects (from /v1/library/facets) ----
let chipsLoaded = false;
async function loadChips() {
  if (chipsLoaded) return markChips();
  chipsLoaded = true;
  const [persons, facets] = await Promise.allSettled([get('/v1/library/people'), api('/v1/library/facets')]);
  const group = (id, items) => {
    const box = $(id);
    box.replaceChildren(...items.map(({ label, term, count }) => {
      const chip = document.createElement('button');
      chip.type = 'button';
      chip.className = 'chip';
      chip.dataset.term = term;
      chip.innerHTML = `${esc(label)}${count != null ? ` <span class="n">${esc(count)}</span>` : ''}`;
      chip.onclick = () => search(toggleTerm($('q').value, term));
      return chip;
    }));
    box.hidden = !items.length;
  };
  const list = persons.status === 'fulfilled' ? persons.value : [];
  group('chips-people', [...list].sort((a, b) => (!!b.name - !!a.name) || b.photoCount - a.photoCount).slice(0, CHIPS.people)
    .map(p => ({ label: p.name || `#${p.id}`, term: personTerm(p), count: p.photoCount })));
  const f = facets.status === 'fulfilled' ? facets.value : { emotions: [], objects: [] };
  group('chips-emotions', f.emotions.slice(0, CHIPS.emotions).map(e => ({ label: e.value, term: `emotion:${e.value}`, count: e.photos })));
  group('chips-objects', f.objects.slice(0, CHIPS.objects).map(o => ({ label: o.value, term: `object:${o.value.includes(' ') ? `"${o.value}"` : o.value}`, count: o.photos })));
  markChips();
}
function markChips() {
  for (const chip of document.querySelectorAll('.chip'))
    chip.setAttribute('aria-pressed', hasTerm($('q').value, chip.dataset.term));
}

function search(query) { go(`#photos${query.trim() ? `?q=${encodeURIComponent(query.trim())}` : ''}`); }
$('filter').onsubmit = e => { e.preventDefault(); search($('q').value); };

// ---- Routing ----
let current = null;
function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }

async function route() {
  const hash = location.hash || '#photos';
  const [path, search] = hash.slice(1).split('?');
  const [view, arg] = path.split('/');
  const name = view === 'person' ? 'person' : ['photos', 'people', 'status'].includes(view) ? view : 'photos';
  current = name;
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== `view-${name}`;
  for (const tab of document.querySelectorAll('#tabs a')) tab.classList.toggle('active', tab.dataset.view === (name === 'person' ? 'people' : name));
  if (viewer.isOpen) viewer.close();
  if (name === 'photos') {
    const query = new URLSearchParams(search || '').get('q') ?? '';
    $('q').value = query;
    loadChips();
    markChips();
    if (grid.query !== query.trim() || !grid.photos.length) await grid.load(query);
    else grid.relayout();
  } else if (name === 'people') await people.showList();
  else if (name === 'person') await people.showPerson(Number(arg));
  else if (name === 'status') await status.refresh();
}

// ---- Who is there: a signed-in account (owner or viewer), an API key, or nobody on an open server ----
let session = null;

function askToSignIn() {
  $('auth').open = true;
  if (session?.signInRequired) {
    problem('Sign in to see this library.');
    $('account-name').focus();
  } else {
    problem('This server requires an API key: enter it under "API key".');
    $('apikey').focus();
  }
}

function showSession(me) {
  session = me;
  setSession(me.signedIn ? me.csrfToken : null);
  const role = me.signedIn ? String(me.role).toLowerCase() : '';
  // A viewer only browses: what would change the library or its people is not offered (the server refuses it too).
  document.body.dataset.role = role;
  $('sign-in-form').hidden = me.signedIn || !me.signInRequired;
  $('signed-in').hidden = !me.signedIn;
  $('who').textContent = me.signedIn ? `${me.name} (${role})` : '';
  $('auth-summary').textContent = me.signedIn ? me.name : me.signInRequired ? 'Sign in' : 'API key';
}

$('sign-in-form').onsubmit = async e => {
  e.preventDefault();
  try {
    showSession(await api('/v1/auth/login', { method: 'POST', body: { name: $('account-name').value.trim(), password: $('account-password').value } }));
  } catch (error) {
    problem(error.status === 429 ? 'Too many attempts: wait a minute.' : error.status === 401 ? 'Wrong account name or password.' : error.message);
    return;
  }
  $('account-password').value = '';
  $('auth').open = false;
  restart();
};

$('sign-out').onclick = async () => {
  await api('/v1/auth/logout', { method: 'POST' }).catch(() => {});
  showSession({ ...session, signedIn: false, name: null, role: null, csrfToken: null });
  restart();
};

$('apikey').value = apiKey();
$('key-form').onsubmit = e => {
  e.preventDefault();
  setApiKey($('apikey').value.trim());
  restart();
};

function restart() {
  problem(null);
  chipsLoaded = false;
  grid.query = null;
  start();
}

async function start() {
  try {
    showSession(await api('/v1/auth/me'));
    await api('/v1/library/status');
  } catch (error) {
    if (error.status === 401) { askToSignIn(); return; }
    problem(error.code === 'no_library' ? `${error.message}.` : error.message);
    return;
  }
  status.refresh(); // shows the scanning badge (and polls) while a scan runs, whatever the view
  route();
}

window.addEventListener('hashchange', route);
start();
