// The Library view: folders and counts, a scan's progress live (polled every 2 s while it runs), failures with reasons.
import { api, formatCount, esc } from './api.js';

const POLL_MS = 2000;
const $ = id => document.getElementById(id);

export class StatusView {
  constructor({ onScanEnded }) {
    this.onScanEnded = onScanEnded;
    $('scan').onclick = () => this.scan();
  }

  async scan() {
    try {
      await api('/v1/library/scan', { method: 'POST' });
    } catch (error) {
      // 409 scan_running: one is already running; its progress shows below either way.
      if (error.code !== 'scan_running') { $('scan-state').innerHTML = `<p class="error">${esc(error.message)}</p>`; return; }
    }
    this.refresh();
  }

  /** Reads the status once, and again every 2 s while a scan runs. */
  async refresh() {
    clearTimeout(this.timer);
    let status;
    try { status = await api('/v1/library/status'); } catch (error) {
      $('scan-state').innerHTML = `<p class="error">${esc(error.message)}</p>`;
      return null;
    }
    this.render(status);
    const running = !!status.scan?.running;
    $('scan-badge').hidden = !running;
    $('scan').disabled = running;
    if (running) this.timer = setTimeout(() => this.refresh(), POLL_MS);
    else if (this.wasRunning) this.onScanEnded?.();
    this.wasRunning = running;
    return status;
  }

  render({ library, scan }) {
    const state = $('scan-state');
    state.dataset.running = !!scan?.running;
    if (scan?.running) {
      const p = scan.progress;
      const share = p && p.total ? Math.round(100 * p.done / p.total) : 0;
      state.innerHTML = `<p><strong>Scanning</strong> since ${esc(new Date(scan.startedAt).toLocaleTimeString())}: ${p ? esc(`${p.stage} ${p.done} of ${p.total}`) : 'starting'}`
        + `${p?.failed ? `, ${esc(p.failed)} failed` : ''}${p?.photosPerSecond ? `, ${p.photosPerSecond.toFixed(1)} photos/s` : ''}${p?.eta ? `, about ${esc(eta(p.eta))} left` : ''}</p>`
        + `<progress max="100" value="${share}">${share}%</progress>`;
    } else if (scan?.report) {
      const r = scan.report;
      state.innerHTML = `<p>Last scan: ${esc(r.filesSeen)} files seen, ${esc(r.newPhotos + r.newVideos)} new, ${esc(r.changed)} changed, ${esc(r.failed)} failed, in ${esc(seconds(r.elapsed))}.</p>`;
    } else if (scan?.error) {
      state.innerHTML = `<p class="error">The last scan failed: ${esc(scan.error)}</p>`;
    } else {
      state.innerHTML = '<p class="muted">No scan since the server started.</p>';
    }

    const c = library.counts;
    const tasks = library.settings.tasks.join(', ') || 'thumbnails only';
    $('library-summary').innerHTML = `<dl class="summary">
      <dt>Photos</dt><dd>${esc(formatCount(c.photos, 'photo'))}, ${esc(formatCount(c.videos, 'video'))}, ${esc(formatCount(c.faces, 'face'))}</dd>
      <dt>Files</dt><dd>${esc(c.duplicatePaths)} duplicate paths, ${esc(c.sidecars)} sidecars, ${esc(c.ignored)} ignored, ${esc(c.failed)} failed, ${esc(c.offline)} offline</dd>
      <dt>Analyses</dt><dd>${esc(tasks)}${library.outdatedAnalyses ? ` (${esc(library.outdatedAnalyses)} to run)` : ''}</dd>
      <dt>Folders</dt><dd>${library.folders.map(f => `<code>${esc(f.path)}</code> <span class="muted">${f.scannedAt ? 'scanned ' + esc(new Date(f.scannedAt).toLocaleString()) : 'not scanned yet'}</span>`).join('<br>') || 'none'}</dd>
      <dt>Database</dt><dd><code>${esc(library.database)}</code></dd></dl>`;

    const failures = library.recentFailures;
    $('failures').innerHTML = failures.length
      ? `<table><thead><tr><th>File</th><th>Reason</th></tr></thead><tbody>${failures.map(f => `<tr><td><code>${esc(f.path)}</code></td><td>${esc(f.reason)}</td></tr>`).join('')}</tbody></table>`
      : '<p class="muted">None.</p>';
  }
}

// TimeSpans come as "hh:mm:ss.fffffff" (or "d.hh:mm:ss").
function seconds(span) {
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(span || '');
  if (!m) return span;
  const total = (+(m[1] || 0)) * 86400 + (+m[2]) * 3600 + (+m[3]) * 60 + (+m[4]);
  return total < 90 ? `${total.toFixed(1)} s` : `${Math.round(total / 60)} min`;
}
function eta(span) { return seconds(span); }
