// The web UI in Debian's headless Chromium, driven by puppeteer-core (pinned
// in package-lock.json; no browser download): what an operator does with the
// page, checked in the page and in the workspace's files. Run by browser.sh,
// which sets up the workspaces, the fakes and two servers.
//
// Environment (from browser.sh):
//   GX_BIN         the binary (for the command-line set while the page is open)
//   GX_WS, GX_URL  the workspace and the login URL its server printed
//   GX_WS_HANG, GX_URL_HANG  the same for a server whose fakes hang on the first call
//   GX_FAKE_LOG, GX_FAKE_LOG_HANG  the recording fakes' logs of the two servers
//   GX_SHOTS       where the screenshots go
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const env = process.env;
let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 4).join('\n     ')}`);
  }
}

const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const errors = [];
async function newPage(width = 1280, height = 800) {
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) errors.push(m.text()); });
  // every failed response but the browser's own favicon request and the
  // stale-revision conflict the test provokes
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && r.status() !== 409) errors.push(`${r.status()} ${r.url()}`);
  });
  return page;
}
const shot = (page, name) => page.screenshot({ path: `${env.GX_SHOTS}/${name}.png`, fullPage: false });
const id = (path) => '#i-' + path.replace(/\//g, '--');
const row = (path) => '#f-' + path.replace(/\//g, '--');
const values = () => readFileSync(`${env.GX_WS}/values.yaml`, 'utf8');

async function typeInto(page, sel, text) {
  await page.focus(sel);
  await page.keyboard.down('Control');
  await page.keyboard.press('a');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}
async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

const page = await newPage();

await step('the printed URL logs in and shows every section with its fields and descriptions', async () => {
  await page.goto(env.GX_URL, { waitUntil: 'networkidle0' });
  assert.equal(new URL(page.url()).pathname, '/'); // the token is gone from the address bar
  await page.waitForSelector(id('gateway/replica-count'));
  const n = await page.$$eval('.field', (a) => a.length);
  assert.ok(n > 100, `${n} fields`);
  const label = await page.$eval(`label[for="${id('gateway/replica-count').slice(1)}"]`, (l) => l.textContent);
  assert.match(label, /gateway\/replica-count/);
  const desc = await page.$eval(row('gateway/replica-count') + ' .desc', (p) => p.textContent);
  assert.ok(desc.length > 10);
  // type-fitting editors
  assert.equal(await page.$eval(id('core/topology'), (e) => e.tagName), 'SELECT');
  assert.equal(await page.$eval(id('core/create-namespace'), (e) => e.type), 'checkbox');
  assert.equal(await page.$eval(id('gateway/replica-count'), (e) => e.type), 'number');
  assert.equal(await page.$eval(id('gateway/admin-key'), (e) => e.type + ':' + e.value), 'password:');
  assert.equal(await page.$eval(id('gateway/node-selector'), (e) => e.tagName), 'TEXTAREA');
  // every input has a label
  const unlabelled = await page.$$eval('main input, main select, main textarea',
    (a) => a.filter((e) => !document.querySelector(`label[for="${e.id}"]`) && !e.closest('label')).map((e) => e.id));
  assert.deepEqual(unlabelled, []);
  await shot(page, '1-settings');
});

await step('an invalid value shows its error next to the field, and the results list links to it', async () => {
  await typeInto(page, id('gateway/replica-count'), '0');
  await page.waitForSelector(`#m-${id('gateway/replica-count').slice(1)} li.blocking`, { timeout: 15000 });
  const msg = await page.$eval(`#m-${id('gateway/replica-count').slice(1)}`, (u) => u.textContent);
  assert.match(msg, /blocking/);
  assert.equal(await page.$eval(id('gateway/replica-count'), (e) => e.getAttribute('aria-invalid')), 'true');
  await shot(page, '2-invalid-value');
  // the results list: a link that moves the focus to the field (by keyboard)
  const link = await page.$('#results-list a');
  assert.equal(await link.evaluate((a) => a.textContent), 'gateway/replica-count');
  await link.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), id('gateway/replica-count').slice(1));
  assert.doesNotMatch(values(), /replica-count/); // nothing saved while typing
});

await step('fixed and saved: values.yaml has the change and keeps its comments', async () => {
  await typeInto(page, id('gateway/replica-count'), '2');
  await page.waitForFunction((s) => !document.querySelector(s + ' li'), { timeout: 15000 },
    `#m-${id('gateway/replica-count').slice(1)}`);
  await page.click('#save');
  await page.waitForFunction(() => /Saved/.test(document.getElementById('banner').textContent), { timeout: 15000 });
  const v = values();
  assert.match(v, /^ {2}replica-count: 2$/m);
  assert.match(v, /The operator's own comment/);
  assert.match(v, /inline comment kept too/);
  await shot(page, '3-saved');
});

await step('a secret is write-only: set from the page, shown only as set', async () => {
  await typeInto(page, id('vault/token'), 'browserVaultTokenValue123');
  await page.click('#save');
  await page.waitForFunction(() => /Saved/.test(document.getElementById('banner').textContent), { timeout: 15000 });
  assert.match(readFileSync(`${env.GX_WS}/secrets.yaml`, 'utf8'), /browserVaultTokenValue123/);
  assert.equal(await page.$eval(id('vault/token'), (e) => e.value), '');
  assert.match(await page.$eval(id('vault/token'), (e) => e.placeholder), /^set/);
  const html = await page.content();
  assert.ok(!html.includes('browserVaultTokenValue123'));
});

await step('components: a component switched off greys its fields; a mandatory one is locked', async () => {
  await go(page, 'components');
  await page.waitForSelector('#c-mcp-gateway');
  assert.equal(await page.$eval('#c-gateway', (e) => e.disabled), true);
  assert.equal(await page.$eval('#c-mcp-gateway', (e) => e.checked), true);
  await page.click('#c-mcp-gateway');
  await page.waitForFunction(() => /mcp-gateway disabled/.test(document.getElementById('banner').textContent), { timeout: 15000 });
  assert.match(values(), /mcp-gateway: false/);
  await shot(page, '4-components');
  await go(page, 'settings');
  await page.waitForSelector(row('mcp-gateway/replica-count'));
  assert.equal(await page.$eval(row('mcp-gateway/replica-count'), (e) => e.classList.contains('off')), true);
  assert.equal(await page.$eval(id('mcp-gateway/replica-count'), (e) => e.disabled), true);
  assert.equal(await page.$eval(row('gateway/replica-count'), (e) => e.classList.contains('off')), false);
  await page.$eval(row('mcp-gateway/replica-count'), (e) => e.scrollIntoView({ block: 'center' }));
  await shot(page, '5-greyed-fields');
});

await step('preview: the files with their diff against the last export', async () => {
  await go(page, 'preview');
  await page.waitForSelector('details.pfile[data-state="changed"] pre span.add', { timeout: 10000 });
  const status = await page.$eval('#preview-status', (p) => p.textContent);
  assert.match(status, /Compared with the last export/);
  const diff = await page.$eval('details.pfile[data-state="changed"]', (d) => d.textContent);
  assert.match(diff, /replicas: 2/);
  assert.ok(!(await page.content()).includes('browserVaultTokenValue123'));
  await shot(page, '6-preview');
});

async function run(p, target, dry) {
  await p.waitForSelector('#run');
  await p.select('#target', target);
  const checked = await p.$eval('#dry-run', (e) => e.checked);
  if (checked !== dry) await p.click('#dry-run');
  await p.click('#run');
}

await step('apply: a dry run by default, its lines streamed, exit status 0, nothing run', async () => {
  await go(page, 'apply');
  await page.waitForSelector('#dry-run');
  assert.equal(await page.$eval('#dry-run', (e) => e.checked), true);
  await run(page, 'default', true);
  await page.waitForSelector('#run-status[data-exit]', { timeout: 30000 });
  assert.equal(await page.$eval('#run-status', (e) => e.dataset.exit), '0');
  const out = await page.$eval('#output', (e) => e.textContent);
  assert.match(out, /\[step 1\//);
  assert.match(out, /kubectl/);
  assert.ok(!existsSync(env.GX_FAKE_LOG) || readFileSync(env.GX_FAKE_LOG, 'utf8') === '');
  await shot(page, '7-apply-dry-run');
});

await step('apply for real with the recording fakes: streamed lines, exit status 0, kubectl called', async () => {
  await run(page, 'default', false);
  await page.waitForFunction(() => document.getElementById('run-status').dataset.exit !== undefined &&
    !document.getElementById('run').disabled, { timeout: 30000 });
  assert.equal(await page.$eval('#run-status', (e) => e.dataset.exit), '0');
  const log = readFileSync(env.GX_FAKE_LOG, 'utf8');
  assert.match(log, /\tkubectl\t/);
  const out = await page.$eval('#output', (e) => e.textContent);
  assert.match(out, /done/);
  await shot(page, '8-apply');
});

await step('history lists the applied revision', async () => {
  await go(page, 'history');
  await page.waitForSelector('main table td');
  assert.match(await page.$eval('main table', (t) => t.textContent), /1 \(deployed\)/);
});

await step('a set from the command line while the page is open: the save is refused and the page says what changed', async () => {
  await go(page, 'settings');
  await page.waitForSelector(id('core/image-tag'));
  await typeInto(page, id('core/image-tag'), '0.2.0');
  execFileSync(env.GX_BIN, ['-C', env.GX_WS, 'set', 'gateway/replica-count=5']);
  await page.click('#save');
  await page.waitForFunction(() => /Not saved/.test(document.getElementById('banner').textContent), { timeout: 15000 });
  const banner = await page.$eval('#banner', (b) => b.textContent);
  assert.match(banner, /changed since/);
  assert.match(banner, /gateway\/replica-count/);
  assert.match(values(), /^ {2}replica-count: 5$/m); // the command line's set stands
  assert.doesNotMatch(values(), /0\.2\.0/);
  assert.equal(await page.$eval(id('gateway/replica-count'), (e) => e.value), '5');
  assert.equal(await page.$eval(id('core/image-tag'), (e) => e.value), '0.2.0'); // the edit is kept
  await shot(page, '9-stale-revision');
  await page.click('#save'); // saved against the new revision
  await page.waitForFunction(() => /Saved/.test(document.getElementById('banner').textContent), { timeout: 15000 });
  assert.match(values(), /0\.2\.0/);
  assert.match(values(), /^ {2}replica-count: 5$/m);
});

await step('a second apply: the history page shows what changed between the two revisions', async () => {
  await go(page, 'apply');
  await run(page, 'default', false);
  await page.waitForFunction(() => document.getElementById('run-status').dataset.exit !== undefined &&
    !document.getElementById('run').disabled, { timeout: 30000 });
  assert.equal(await page.$eval('#run-status', (e) => e.dataset.exit), '0');
  await go(page, 'history');
  await page.waitForSelector('#diff-2');
  assert.match(await page.$eval('main table', (t) => t.textContent), /2 \(deployed\)/);
  await page.click('#diff-2');
  await page.waitForSelector('#history-diff pre span.add', { timeout: 15000 });
  const diff = await page.$eval('#history-diff', (d) => d.textContent);
  assert.match(diff, /0\.2\.0/); // the image tag saved after the conflict
  await shot(page, '10-history-diff');
});

await step('readable on a narrow window', async () => {
  const narrow = await newPage(420, 800);
  await narrow.goto(new URL('/', env.GX_URL).href, { waitUntil: 'networkidle0' });
  await narrow.waitForSelector(id('gateway/replica-count'));
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
  await shot(narrow, '11-narrow');
  await narrow.close();
});

await step('cancel a hanging target: the page says so with its exit status, its process group is gone', async () => {
  const p = await newPage();
  await p.goto(env.GX_URL_HANG, { waitUntil: 'networkidle0' });
  await go(p, 'apply');
  await run(p, 'default', false);
  const hang = `${env.GX_FAKE_LOG_HANG}.hang.1`;
  for (let i = 0; i < 200 && !existsSync(hang); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(hang), 'the fake hangs');
  await p.waitForFunction(() => !document.getElementById('cancel').disabled, { timeout: 15000 });
  await shot(p, '12-running');
  await p.click('#cancel');
  await p.waitForSelector('#run-status[data-exit]', { timeout: 30000 });
  const status = await p.$eval('#run-status', (e) => e.textContent);
  assert.match(status, /was cancelled: exit status \d+/);
  assert.notEqual(await p.$eval('#run-status', (e) => e.dataset.exit), '0');
  const [fakePid, sleepPid] = readFileSync(hang, 'utf8').trim().split(/\s+/).map(Number);
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  // a killed process may stay a zombie for a moment until it is reaped
  for (let i = 0; i < 200 && (alive(fakePid) || alive(sleepPid)); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(fakePid), false, `the fake ${fakePid} is gone`);
  assert.equal(alive(sleepPid), false, `its sleep ${sleepPid} is gone`);
  await shot(p, '13-cancelled');
  await p.close();
});

await step('no error in the pages', async () => {
  assert.deepEqual(errors, [], errors.join('\n'));
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
