// The People views: every person with cover face and photo count, merge (select several), merge suggestions,
// faces to review; one person's faces to name, split, reject, hide or choose the cover from.
import { api, get, showImage, paths, formatCount, esc } from './api.js';

const $ = id => document.getElementById(id);

function faceImage(faceId, size = 160) {
  const img = document.createElement('img');
  img.alt = '';
  img.width = img.height = size;
  img.loading = 'lazy';
  showImage(img, paths.face(faceId, size), () => img.classList.add('missing'));
  return img;
}

function displayName(person) { return person.name || `Unnamed #${person.id}`; }

export class PeopleView {
  constructor({ onOpenPhoto, onPhotosOf, onChanged }) {
    Object.assign(this, { onOpenPhoto, onPhotosOf, onChanged });
    this.selected = new Set();
    $('show-hidden').onchange = () => this.showList();
    $('merge').onclick = () => this.mergeSelected();
  }

  status(text, error = false) {
    const s = $('people-status');
    s.textContent = text;
    s.classList.toggle('error', error);
  }

  async showList() {
    this.selected.clear();
    $('merge').disabled = true;
    const list = $('people-list');
    let people;
    try {
      people = await get('/v1/library/people', { all: $('show-hidden').checked ? 'true' : undefined });
    } catch (error) { this.status(error.message, true); list.replaceChildren(); return; }
    this.people = people;
    const names = $('people-names');
    if (names) names.replaceChildren(...people.filter(p => p.name).map(p => Object.assign(document.createElement('option'), { value: p.name })));
    list.replaceChildren(...people.map(person => this.card(person)));
    if (!people.length) list.innerHTML = '<p class="muted">No people yet: a scan with the faces analysis groups the faces it finds.</p>';
    this.status(formatCount(people.length, 'person').replace('persons', 'people'));
    this.showSuggestions();
    this.showUnassigned();
  }

  card(person) {
    const card = document.createElement('div');
    card.className = 'person' + (person.hidden ? ' hidden-person' : '');
    card.dataset.id = person.id;
    const open = document.createElement('a');
    open.href = `#person/${person.id}`;
    open.className = 'cover';
    if (person.coverFaceId) open.appendChild(faceImage(person.coverFaceId));
    const caption = document.createElement('div');
    caption.className = 'caption';
    caption.innerHTML = `<a href="#person/${person.id}" class="name">${esc(displayName(person))}</a><span class="muted">${esc(formatCount(person.photoCount, 'photo'))}${person.hidden ? ' · hidden' : ''}</span>`;
    const pick = document.createElement('input');
    pick.type = 'checkbox';
    pick.className = 'pick';
    pick.setAttribute('aria-label', `select ${displayName(person)}`);
    pick.onchange = () => {
      if (pick.checked) this.selected.add(person.id); else this.selected.delete(person.id);
      card.classList.toggle('selected', pick.checked);
      $('merge').disabled = this.selected.size < 2;
      $('merge').textContent = this.selected.size >= 2 ? `Merge ${this.selected.size} selected` : 'Merge selected';
    };
    card.append(pick, open, caption);
    return card;
  }

  /** Merges the selected people into the first one selected (the others' faces join them). */
  async mergeSelected() {
    const [into, ...others] = [...this.selected];
    if (!others.length) return;
    await this.decide(() => api(`/v1/library/people/${into}/merge`, { method: 'POST', body: { people: others } }), merged => `Merged into ${displayName(merged)}`);
    this.showList();
  }

  async decide(call, done) {
    try {
      const person = await call();
      this.status(done(person));
      this.onChanged?.();
      return person;
    } catch (error) {
      this.status(error.message, true);
      return null;
    }
  }

  async showSuggestions() {
    const box = $('suggestions');
    let suggestions;
    try { suggestions = await get('/v1/library/people/suggestions', { limit: 10 }); } catch (error) { box.textContent = error.message; return; }
    if (!suggestions.length) { box.innerHTML = '<p class="muted">No suggestions.</p>'; return; }
    box.replaceChildren(...suggestions.map(s => {
      const row = document.createElement('div');
      row.className = 'suggestion';
      for (const p of [s.first, s.second]) if (p.coverFaceId) row.appendChild(faceImage(p.coverFaceId, 64));
      const text = document.createElement('span');
      text.textContent = `${displayName(s.first)} and ${displayName(s.second)} (distance ${s.distance.toFixed(2)})`;
      const merge = document.createElement('button');
      merge.className = 'small';
      merge.textContent = 'Merge';
      merge.onclick = async () => {
        await this.decide(() => api(`/v1/library/people/${s.first.id}/merge`, { method: 'POST', body: { people: [s.second.id] } }), m => `Merged into ${displayName(m)}`);
        this.showList();
      };
      row.append(text, merge);
      return row;
    }));
  }

  async showUnassigned() {
    const box = $('unassigned');
    let faces;
    try { faces = await get('/v1/library/faces/unassigned', { limit: 60 }); } catch (error) { box.textContent = error.message; return; }
    if (!faces.length) { box.innerHTML = '<p class="muted">Nothing to review.</p>'; return; }
    box.replaceChildren(...faces.map(face => this.reviewTile(face)));
  }

  /** A face in no person: open its photo, or say who it is (an existing person's name, or a new name). */
  reviewTile(face) {
    const tile = document.createElement('div');
    tile.className = 'face';
    tile.dataset.id = face.faceId;
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'open';
    open.title = face.status === 'tooPoor' ? `too poor to identify: ${face.tooPoor}` : face.status === 'noDescriptor' ? 'not described yet' : 'in no person';
    open.appendChild(faceImage(face.faceId, 96));
    open.onclick = () => this.onOpenPhoto?.(face.photoId);
    const label = document.createElement('span');
    label.textContent = face.status === 'tooPoor' ? 'too poor' : face.status === 'noDescriptor' ? 'no descriptor' : 'unassigned';
    const form = document.createElement('form');
    form.className = 'assign';
    const who = document.createElement('input');
    who.type = 'text';
    who.placeholder = 'Who is this?';
    who.setAttribute('list', 'people-names');
    who.setAttribute('aria-label', `name of face ${face.faceId}`);
    const assign = document.createElement('button');
    assign.type = 'submit';
    assign.className = 'small';
    assign.textContent = 'Assign';
    form.append(who, assign);
    form.onsubmit = async e => {
      e.preventDefault();
      const name = who.value.trim();
      if (!name) return;
      const known = (this.people || []).find(p => p.name && p.name.toLowerCase() === name.toLowerCase());
      const body = known ? { faces: [face.faceId], to: known.id } : { faces: [face.faceId], name };
      const done = p => `Face given to ${displayName(p)}`;
      const person = await this.decide(() => api('/v1/library/faces/assign', { method: 'POST', body }), done);
      // The list is read again (the person's counts, the faces left to review); the outcome stays on show.
      if (person) { await this.showList(); this.status(done(person)); }
    };
    tile.append(open, label, form);
    return tile;
  }

  async showPerson(id) {
    this.person = null;
    this.faceSelection = new Set();
    const faces = $('person-faces');
    faces.replaceChildren();
    $('person-status').textContent = '';
    let detail;
    try { detail = await api(`/v1/library/people/${id}`); } catch (error) { $('person-title').textContent = error.message; return; }
    this.person = detail.person;
    this.renderPerson();
    faces.replaceChildren(...detail.faces.map(face => {
      const tile = document.createElement('div');
      tile.className = 'face';
      tile.dataset.id = face.faceId;
      const pick = document.createElement('input');
      pick.type = 'checkbox';
      pick.className = 'pick';
      pick.setAttribute('aria-label', `select face ${face.faceId}`);
      pick.onchange = () => {
        if (pick.checked) this.faceSelection.add(face.faceId); else this.faceSelection.delete(face.faceId);
        tile.classList.toggle('selected', pick.checked);
        this.updateFaceButtons();
      };
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'open';
      open.appendChild(faceImage(face.faceId, 128));
      open.onclick = () => this.onOpenPhoto?.(face.photoId);
      const label = document.createElement('span');
      label.textContent = [face.expression, face.age != null ? Math.round(face.age) : null, face.confirmed ? 'confirmed' : null].filter(Boolean).join(' · ');
      tile.append(pick, open, label);
      return tile;
    }));
    this.updateFaceButtons();
    $('name-form').onsubmit = e => { e.preventDefault(); this.rename(); };
    $('person-hide').onclick = () => this.toggleHidden();
    $('face-reject').onclick = () => this.faceDecision('reject', { faces: [...this.faceSelection] }, 'Rejected');
    $('face-split').onclick = () => this.faceDecision('split', { faces: [...this.faceSelection], name: $('split-name').value.trim() || undefined }, 'Split');
    $('face-cover').onclick = async () => {
      await this.personDecision(() => api(`/v1/library/people/${this.person.id}/cover`, { method: 'PUT', body: { face: [...this.faceSelection][0] } }), 'Cover chosen');
    };
  }

  renderPerson() {
    const p = this.person;
    $('person-title').textContent = `${displayName(p)}: ${formatCount(p.faceCount, 'face')} in ${formatCount(p.photoCount, 'photo')}${p.hidden ? ' (hidden)' : ''}`;
    $('person-name').value = p.name || '';
    $('person-hide').textContent = p.hidden ? 'Show' : 'Hide';
    $('person-photos').onclick = e => { e.preventDefault(); this.onPhotosOf?.(p); };
  }

  updateFaceButtons() {
    const n = this.faceSelection.size;
    $('face-reject').disabled = $('face-split').disabled = n === 0;
    $('face-cover').disabled = n !== 1;
  }

  async personDecision(call, done) {
    const person = await this.decide(call, p => `${done}: ${displayName(p)}`);
    if (person) { this.person = person; this.renderPerson(); }
    $('person-status').textContent = $('people-status').textContent;
    $('person-status').classList.toggle('error', !person);
    return person;
  }

  rename() {
    const name = $('person-name').value.trim();
    if (!name) { $('person-status').textContent = 'Give a name first.'; return; }
    return this.personDecision(() => api(`/v1/library/people/${this.person.id}/name`, { method: 'PUT', body: { name } }), 'Named');
  }

  toggleHidden() {
    return this.personDecision(() => api(`/v1/library/people/${this.person.id}/hidden`, { method: 'PUT', body: { hidden: !this.person.hidden } }), this.person.hidden ? 'Shown' : 'Hidden');
  }

  async faceDecision(action, body, done) {
    const result = await this.decide(() => api(`/v1/library/people/${this.person.id}/${action}`, { method: 'POST', body }), p => `${done}: ${displayName(p)}`);
    $('person-status').textContent = $('people-status').textContent;
    if (result) await this.showPerson(this.person.id).then(() => { $('person-status').textContent = `${done} ${formatCount(body.faces.length, 'face')}`; });
  }
}
