// glyphoxa-deploy web UI: plain JavaScript over the JSON API (docs/web-api.md).
// Compiled into the binary from web/app.js; loads nothing from elsewhere.
'use strict';

const state = {
  csrf: '', revision: '', targets: [], sections: [], fields: {}, components: [],
  values: {}, dirty: {}, changed: [], results: [], validateTimer: 0, validateSeq: 0, run: null, source: null,
};

// ---- helpers ---------------------------------------------------------------------------

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}

function main() { return document.getElementById('main'); }

function banner(text, bad) {
  const b = document.getElementById('banner');
  b.textContent = '';
  if (!text) { b.hidden = true; return; }
  const t = el('div', { class: 'text' });
  if (typeof text === 'string') t.textContent = text; else t.append(text);
  b.append(t, el('button', { type: 'button', class: 'secondary', 'aria-label': 'Dismiss', text: '×', onclick: () => banner('') }));
  b.className = bad ? 'bad' : '';
  b.hidden = false;
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') {
    opts.headers['Content-Type'] = 'application/json';
    opts.headers['X-CSRF-Token'] = state.csrf;
    opts.body = JSON.stringify(body || {});
  }
  const res = await fetch(path, opts);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  return { status: res.status, data };
}

function setRevision(rev) {
  if (!rev) return;
  state.revision = rev;
  document.getElementById('revision').textContent = 'revision ' + rev.slice(0, 12);
}

function fieldId(path) { return 'f-' + path.replace(/\//g, '--'); }
function inputId(path) { return 'i-' + path.replace(/\//g, '--'); }

// ---- loading ---------------------------------------------------------------------------

async function loadValues() {
  const r = await api('GET', '/api/values');
  if (r.status !== 200) {
    banner('The values could not be read: ' + errorText(r), true);
    return false;
  }
  state.values = {};
  for (const v of r.data.values) state.values[v.path] = v;
  state.components = r.data.components;
  setRevision(r.data.revision);
  return true;
}

function errorText(r) {
  if (r.data && r.data.error) return r.data.error.message;
  return 'HTTP ' + r.status;
}

function componentOn(name) {
  const c = state.components.find((x) => x.name === name);
  return !c || c.enabled;
}

// ---- settings --------------------------------------------------------------------------

function editorFor(f, v) {
  const id = inputId(f.path);
  const common = { id, name: f.path, 'aria-describedby': 'd-' + id + ' m-' + id };
  const current = state.dirty[f.path] !== undefined ? state.dirty[f.path] : (v && v.text) || '';
  let input;
  if (f.secret) {
    input = el('input', Object.assign({ type: 'password', autocomplete: 'new-password',
      placeholder: v && v.set ? 'set (hidden): type to replace' : 'not set' }, common));
    input.value = state.dirty[f.path] || '';
  } else if (f.type === 'enum') {
    input = el('select', common, ...f.choices.map((c) => el('option', { value: c, text: c })));
    input.value = current;
  } else if (f.type === 'bool') {
    input = el('input', Object.assign({ type: 'checkbox', role: 'switch' }, common));
    input.checked = current === 'true';
  } else if (f.type === 'int') {
    input = el('input', Object.assign({ type: 'number', step: 1, min: f.min, max: f.max,
      inputmode: 'numeric' }, common));
    input.value = current;
  } else if (f.type === 'map' || f.type === 'list' || f.type === 'yaml') {
    input = el('textarea', Object.assign({ rows: Math.min(12, Math.max(3, current.split('\n').length + 1)),
      spellcheck: 'false', placeholder: 'YAML' }, common));
    input.value = current;
  } else {
    input = el('input', Object.assign({ type: 'text', spellcheck: 'false',
      placeholder: f.placeholder || (f.pattern ? f.pattern : '') }, common));
    input.value = current;
  }
  const onChange = () => {
    let text;
    if (f.type === 'bool') text = input.checked ? 'true' : 'false';
    else text = input.value;
    const original = f.secret ? '' : ((v && v.text) || '');
    if (text === original || (f.secret && text === '')) delete state.dirty[f.path];
    else state.dirty[f.path] = text;
    document.getElementById(fieldId(f.path)).classList.toggle('dirty', state.dirty[f.path] !== undefined);
    updateBar();
    scheduleValidate();
  };
  input.addEventListener('input', onChange);
  input.addEventListener('change', onChange);
  if (f.component && !componentOn(f.component)) input.disabled = true;
  return input;
}

function fieldRow(f) {
  const v = state.values[f.path];
  const id = inputId(f.path);
  const off = f.component && !componentOn(f.component);
  const defaults = [];
  defaults.push('default ' + (f.default === '' ? '(empty)' : f.default));
  if (f['default-shared'] !== undefined) defaults.push('shared ' + f['default-shared'] + ', dedicated ' + f['default-dedicated']);
  const range = (f.min !== undefined || f.max !== undefined) && f.type === 'int'
    ? ' · range ' + (f.min !== undefined ? f.min : '…') + '–' + (f.max !== undefined ? f.max : '…') : '';
  const meta = f.type + (f.secret ? ', secret (write-only)' : '') + range + ' · ' +
    (f.secret ? '' : defaults.join(' · ') + ' · ') + 'from ' + (v ? v.origin : '?') +
    (f.component ? ' · component ' + f.component : '');
  const row = el('div', { class: 'field' + (off ? ' off' : '') + (state.dirty[f.path] !== undefined ? ' dirty' : '') +
    (state.changed.includes(f.path) ? ' changed' : ''),
    id: fieldId(f.path), 'data-path': f.path, 'data-component': f.component || null },
  el('div', {},
    el('label', { for: id, text: f.display }, el('span', { class: 'path', text: f.path })),
  ),
  el('div', {},
    editorFor(f, v),
    el('p', { class: 'desc', id: 'd-' + id, text: f.description }),
    el('p', { class: 'meta', text: meta }),
    el('ul', { class: 'msgs', id: 'm-' + id, 'aria-live': 'polite' }),
  ));
  return row;
}

function updateBar() {
  const n = Object.keys(state.dirty).length;
  const save = document.getElementById('save');
  if (!save) return;
  save.disabled = n === 0;
  document.getElementById('discard').disabled = n === 0;
  document.getElementById('dirty-count').textContent = n === 0 ? 'no unsaved changes' : n + ' unsaved change' + (n > 1 ? 's' : '');
}

function renderSettings() {
  const m = main();
  m.textContent = '';
  const toc = el('nav', { class: 'toc', 'aria-label': 'Sections' });
  const body = el('div', {});
  body.append(el('div', { class: 'bar' },
    el('button', { id: 'save', type: 'button', onclick: save, text: 'Save' }),
    el('button', { id: 'discard', type: 'button', class: 'secondary', onclick: discard, text: 'Discard changes' }),
    el('span', { id: 'dirty-count', role: 'status' }),
    el('span', { id: 'valid-summary', role: 'status' })));
  body.append(el('section', { class: 'results', id: 'results', 'aria-labelledby': 'results-h' },
    el('h2', { id: 'results-h', text: 'Validation' }), el('ul', { id: 'results-list' })));
  state.sections.forEach((s, i) => {
    const sid = 'sec-' + i;
    toc.append(el('a', { href: '#settings/' + sid, text: s.name, 'data-target': sid,
      onclick: (e) => { e.preventDefault(); document.getElementById(sid).scrollIntoView(); document.getElementById(sid).querySelector('h2').focus(); } }));
    const sec = el('section', { class: 'sec', id: sid, 'aria-labelledby': sid + '-h' },
      el('h2', { id: sid + '-h', tabindex: '-1', text: s.name }));
    for (const f of s.fields) sec.append(fieldRow(f));
    body.append(sec);
  });
  m.append(el('h2', { class: 'skip', text: 'Settings' }), el('div', { class: 'layout' }, toc, body));
  updateBar();
  showResults(state.results);
}

function scheduleValidate() {
  clearTimeout(state.validateTimer);
  state.validateTimer = setTimeout(validateNow, 200);
}

async function validateNow() {
  const seq = ++state.validateSeq;
  const r = await api('POST', '/api/validate', { values: state.dirty });
  if (seq !== state.validateSeq) return; // a later one is on its way
  if (r.status !== 200) { banner('Validation failed: ' + errorText(r), true); return; }
  state.results = r.data.results;
  showResults(r.data.results, r.data);
}

function focusField(path) {
  const input = document.getElementById(inputId(path));
  const row = document.getElementById(fieldId(path));
  if (row) row.scrollIntoView({ block: 'center' });
  if (input) input.focus();
}

function showResults(results, summary) {
  for (const ul of document.querySelectorAll('.msgs')) ul.textContent = '';
  for (const i of document.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const list = document.getElementById('results-list');
  if (!list) return;
  list.textContent = '';
  for (const d of results || []) {
    const where = d.line ? ' [' + (d.file && d.file !== d.path ? d.file + ':' : 'line ') + d.line + (d.column ? ':' + d.column : '') + ']' : '';
    const text = (d.rule ? d.rule + ': ' : '') + d.message + where + (d.hint ? ' (' + d.hint + ')' : '');
    const sev = d.severity;
    if (d.path) {
      const ul = document.getElementById('m-' + inputId(d.path));
      if (ul) ul.append(el('li', { class: sev, text: sev + ': ' + text }));
      const input = document.getElementById(inputId(d.path));
      if (input && sev === 'blocking') input.setAttribute('aria-invalid', 'true');
      list.append(el('li', { class: sev },
        el('a', { href: '#settings/' + fieldId(d.path), text: d.path,
          onclick: (e) => { e.preventDefault(); focusField(d.path); } }),
        ' ' + sev + ': ' + text));
    } else {
      list.append(el('li', { class: sev, text: sev + ': ' + text }));
    }
  }
  const sum = document.getElementById('valid-summary');
  if (sum) {
    const b = (results || []).filter((d) => d.severity === 'blocking').length;
    const w = (results || []).filter((d) => d.severity === 'warning').length;
    sum.textContent = b ? b + ' blocking, ' + w + ' warnings' : (w ? 'valid, ' + w + ' warnings' : 'valid');
    sum.className = b ? 'bad' : 'ok';
  }
  if (!list.children.length) list.append(el('li', { class: 'ok', text: 'No problems found.' }));
}

async function save() {
  banner('');
  const values = Object.assign({}, state.dirty);
  const before = {};
  for (const p in state.values) before[p] = JSON.stringify(state.values[p]);
  const r = await api('POST', '/api/set', { revision: state.revision, values });
  if (r.status === 409 && r.data.error.code === 'stale-revision') {
    await loadValues();
    const changed = Object.keys(state.values).filter((p) => before[p] !== JSON.stringify(state.values[p]));
    state.changed = changed;
    const msg = el('div', {}, el('strong', { text: 'Not saved: the workspace changed since this page read it. ' }),
      'Changed meanwhile: ' + (changed.length ? changed.join(', ') : 'files of the workspace (no value differs)') +
      '. Your edits are kept: check them and save again.');
    banner(msg, true);
    renderSettings();
    scheduleValidate();
    if (changed.length) focusField(changed[0]);
    return;
  }
  if (r.status !== 200) { banner('Not saved: ' + errorText(r), true); if (r.data && r.data.error && r.data.error.diagnostics) showResults(r.data.error.diagnostics); return; }
  state.dirty = {};
  state.changed = [];
  await loadValues();
  state.results = r.data.results;
  renderSettings();
  banner('Saved ' + Object.keys(values).length + ' value(s) to the workspace.');
}

function discard() {
  state.dirty = {};
  banner('');
  renderSettings();
  validateNow();
}

// ---- components ------------------------------------------------------------------------

function renderComponents() {
  const m = main();
  m.textContent = '';
  const rows = state.components.map((c) => {
    const id = 'c-' + c.name;
    const box = el('input', { type: 'checkbox', role: 'switch', id, disabled: c.mandatory,
      'aria-describedby': id + '-d' });
    box.checked = c.enabled;
    box.addEventListener('change', () => toggleComponent(c.name, box.checked, box));
    return el('tr', {},
      el('td', {}, el('label', { class: 'switch', for: id }, box, el('span', { text: c.name }))),
      el('td', { id: id + '-d', text: (c.mandatory ? 'mandatory (always on) · ' : '') + c.description }));
  });
  m.append(el('h2', { text: 'Components' }),
    el('p', { text: 'A component that is off is neither validated nor rendered; its settings are greyed on the settings page.' }),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'Component' }), el('th', { text: 'What it is' }))),
      el('tbody', {}, ...rows)));
}

async function toggleComponent(name, on, box) {
  const body = { revision: state.revision };
  body[on ? 'enable' : 'disable'] = [name];
  box.disabled = true;
  const r = await api('POST', '/api/components', body);
  if (r.status === 409) {
    await loadValues();
    banner('Not changed: the workspace changed since this page read it; the page shows it as it is now.', true);
  } else if (r.status !== 200) {
    banner('Not changed: ' + errorText(r), true);
  } else {
    banner('Component ' + name + (on ? ' enabled.' : ' disabled.'));
    state.results = r.data.results;
  }
  await loadValues();
  renderComponents();
  const again = document.getElementById('c-' + name);
  if (again) again.focus();
}

// ---- preview ---------------------------------------------------------------------------

function diffPre(text) {
  const pre = el('pre', {});
  for (const line of text.split('\n')) {
    const cls = line.startsWith('+') && !line.startsWith('+++') ? 'add'
      : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : null;
    pre.append(cls ? el('span', { class: cls, text: line }) : line, '\n');
  }
  return pre;
}

async function renderPreview() {
  const m = main();
  m.textContent = '';
  m.append(el('h2', { text: 'Preview' }), el('p', { id: 'preview-status', role: 'status', text: 'Rendering…' }));
  const r = await api('GET', '/api/preview');
  const st = document.getElementById('preview-status');
  if (!st) return;
  if (r.status !== 200) {
    st.textContent = 'Nothing to preview: ' + errorText(r);
    st.className = 'bad';
    const diags = (r.data && r.data.error && r.data.error.diagnostics) || [];
    if (diags.length) m.append(el('ul', {}, ...diags.map((d) => el('li', { text: (d.path ? d.path + ': ' : '') + d.message }))));
    return;
  }
  const files = r.data.files;
  const count = (s) => files.filter((f) => f.state === s).length;
  st.textContent = (r.data.exported ? 'Compared with the last export: ' : 'Nothing was exported yet: every file is new. ') +
    count('changed') + ' changed, ' + count('added') + ' added, ' + count('removed') + ' removed, ' + count('unchanged') + ' unchanged. Secret values show as <redacted>.';
  const list = el('div', { id: 'preview-files' });
  for (const f of files) {
    const head = el('summary', {}, el('span', { class: 'badge ' + f.state, text: f.state }), ' ', el('code', { text: f.path }),
      f['holds-secrets'] ? ' (holds secrets)' : '');
    const d = el('details', { class: 'pfile', 'data-state': f.state, open: f.state === 'changed' }, head);
    if (f.note) d.append(el('p', { class: 'meta', text: f.note }));
    if (f.diff) d.append(el('h3', { text: 'Diff against the last export' }), diffPre(f.diff));
    if (f.content !== undefined) {
      d.append(f.diff ? el('details', {}, el('summary', { text: 'Whole file' }), el('pre', { text: f.content }))
        : el('pre', { text: f.content }));
    }
    list.append(d);
  }
  m.append(el('div', { class: 'bar' }, el('button', { type: 'button', id: 'export', onclick: doExport, text: 'Export to the workspace' }),
    el('span', { id: 'export-status', role: 'status' })), list);
}

async function doExport() {
  const r = await api('POST', '/api/export', { revision: state.revision });
  const st = document.getElementById('export-status');
  if (r.status !== 200) { st.textContent = 'Not exported: ' + errorText(r); st.className = 'bad'; return; }
  st.textContent = 'Exported ' + r.data.files + ' files (' + r.data.changed + ' changed).';
  st.className = 'ok';
  setTimeout(renderPreview, 50);
}

// ---- apply -------------------------------------------------------------------------------

function renderApply() {
  const m = main();
  m.textContent = '';
  const sel = el('select', { id: 'target' }, ...state.targets.map((t) => el('option', { value: t.name, text: t.name })));
  const desc = el('p', { id: 'target-desc', class: 'meta' });
  const showDesc = () => { const t = state.targets.find((x) => x.name === sel.value); desc.textContent = t ? t.description : ''; };
  sel.addEventListener('change', showDesc);
  const dry = el('input', { type: 'checkbox', id: 'dry-run' });
  dry.checked = true;
  m.append(el('h2', { text: 'Apply' }),
    el('div', { class: 'form' },
      el('label', { for: 'target' }, 'Target', sel),
      el('label', { class: 'switch', for: 'dry-run' }, dry, 'Dry run (print the commands, run none)'),
      el('button', { type: 'button', id: 'run', onclick: startRun, text: 'Run' }),
      el('button', { type: 'button', id: 'cancel', class: 'secondary', onclick: cancelRun, disabled: true, text: 'Cancel' })),
    desc,
    el('p', { id: 'run-status', role: 'status' }),
    el('pre', { id: 'output', 'aria-label': 'Output', tabindex: '0' }));
  showDesc();
}

async function startRun() {
  const target = document.getElementById('target').value;
  const dry = document.getElementById('dry-run').checked;
  const body = { target, dry_run: dry };
  if (target === 'destroy' && !dry) {
    if (!window.confirm('destroy deletes the running service. Run it for real?')) return;
    body.confirmed = true;
  }
  const out = document.getElementById('output');
  const st = document.getElementById('run-status');
  out.textContent = '';
  st.removeAttribute('data-exit');
  st.textContent = 'Starting ' + target + (dry ? ' (dry run)…' : '…');
  st.className = '';
  const r = await api('POST', '/api/apply', body);
  if (r.status !== 202) {
    st.textContent = 'Did not start: ' + errorText(r);
    st.className = 'bad';
    for (const d of (r.data && r.data.error && r.data.error.diagnostics) || []) line(out, 'err', d.severity + ': ' + (d.path ? d.path + ': ' : '') + d.message);
    return;
  }
  state.run = r.data.run;
  document.getElementById('run').disabled = true;
  document.getElementById('cancel').disabled = false;
  st.textContent = 'Running ' + target + (dry ? ' (dry run)' : '') + '…';
  const src = new EventSource(r.data.events);
  state.source = src;
  src.addEventListener('step', (e) => { const d = JSON.parse(e.data); line(out, 'step', '[step ' + d.step + '/' + d.steps + '] ' + d.title); });
  src.addEventListener('output', (e) => { const d = JSON.parse(e.data); line(out, d.stream === 'stderr' ? 'err' : null, d.line); });
  src.addEventListener('status', (e) => line(out, 'step', JSON.parse(e.data).text));
  src.addEventListener('diagnostic', (e) => { const d = JSON.parse(e.data); line(out, 'err', d.severity + ': ' + d.message); });
  src.addEventListener('done', (e) => {
    const d = JSON.parse(e.data);
    src.close();
    state.source = null;
    state.run = null;
    const s = document.getElementById('run-status');
    if (s) {
      s.textContent = target + (d.cancelled ? ' was cancelled' : ' ended') + ': exit status ' + d.exit;
      s.className = d.exit === 0 ? 'ok' : 'bad';
      s.setAttribute('data-exit', String(d.exit));
    }
    const run = document.getElementById('run');
    if (run) run.disabled = false;
    const c = document.getElementById('cancel');
    if (c) c.disabled = true;
    loadValues();
  });
  src.onerror = () => { if (state.source === src && src.readyState === EventSource.CLOSED) st.textContent = 'The connection to the server was lost.'; };
}

function line(out, cls, text) {
  if (!out) return;
  out.append(cls ? el('span', { class: cls, text }) : text, '\n');
  out.scrollTop = out.scrollHeight;
}

async function cancelRun() {
  if (!state.run) return;
  document.getElementById('cancel').disabled = true;
  const r = await api('POST', '/api/runs/' + state.run + '/cancel', {});
  if (r.status !== 200) banner('Cancel failed: ' + errorText(r), true);
  else document.getElementById('run-status').textContent = 'Cancelling: the target\'s process group is being killed…';
}

// ---- history -------------------------------------------------------------------------------

async function renderHistory() {
  const m = main();
  m.textContent = '';
  m.append(el('h2', { text: 'History' }));
  const r = await api('GET', '/api/history');
  if (r.status !== 200) { m.append(el('p', { class: 'bad', text: errorText(r) })); return; }
  if (!r.data.revisions.length) { m.append(el('p', { text: 'No revision yet: each successful apply (not a dry run) keeps one.' })); return; }
  const revs = r.data.revisions;
  const rows = revs.slice().reverse().map((v) => {
    const prev = revs[revs.indexOf(v) - 1];
    return el('tr', {},
      el('td', { text: String(v.revision) + (v.deployed ? ' (deployed)' : '') }), el('td', { text: v.time }),
      el('td', { text: v.target + (v['rollback-of'] ? ' (rollback of ' + v['rollback-of'] + ')' : '') }),
      el('td', { text: (v.components || []).join(', ') }), el('td', {}, el('code', { text: (v['export-hash'] || '').slice(0, 12) })),
      el('td', {}, prev ? el('button', { type: 'button', class: 'secondary', id: 'diff-' + v.revision,
        text: 'Changes since ' + prev.revision, onclick: () => showHistoryDiff(prev.revision, v.revision) }) : ''));
  });
  m.append(el('table', {}, el('thead', {}, el('tr', {}, ...['Revision', 'Time', 'Target', 'Components', 'Export', ''].map((h) => el('th', { text: h })))),
    el('tbody', {}, ...rows)), el('div', { id: 'history-diff', 'aria-live': 'polite' }));
}

async function showHistoryDiff(a, b) {
  const box = document.getElementById('history-diff');
  const r = await api('GET', '/api/history/diff?a=' + a + '&b=' + b);
  box.textContent = '';
  if (r.status !== 200) { box.append(el('p', { class: 'bad', text: errorText(r) })); return; }
  box.append(el('h3', { text: 'From revision ' + a + ' to ' + b }),
    r.data.diff ? diffPre(r.data.diff) : el('p', { text: 'Nothing changed.' }));
}

// ---- routing -------------------------------------------------------------------------------

const pages = { settings: renderSettings, components: renderComponents, preview: renderPreview, apply: renderApply, history: renderHistory };

async function route() {
  banner('');
  const name = (location.hash.slice(1).split('/')[0]) || 'settings';
  const page = pages[name] ? name : 'settings';
  for (const p of Object.keys(pages)) {
    const a = document.getElementById('nav-' + p);
    if (p === page) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (page === 'settings' || page === 'components') await loadValues();
  pages[page]();
  if (page === 'settings') validateNow();
}

async function start() {
  const s = await api('GET', '/api/session');
  if (s.status !== 200) {
    main().textContent = 'Not logged in: open the URL that `glyphoxa-deploy serve` printed (' + errorText(s) + ').';
    return;
  }
  state.csrf = s.data.csrf;
  state.targets = s.data.targets;
  document.getElementById('workspace').textContent = s.data.workspace;
  document.getElementById('nav-history').hidden = !s.data.history;
  const f = await api('GET', '/api/fields');
  state.sections = f.data.sections;
  for (const sec of state.sections) for (const x of sec.fields) state.fields[x.path] = x;
  window.addEventListener('hashchange', () => { if (!location.hash.startsWith('#settings/')) route(); });
  await route();
}

document.addEventListener('DOMContentLoaded', start);
