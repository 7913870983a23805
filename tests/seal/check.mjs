// Decrypts values that glyphoxa-deploy's gx_seal sealed (through seal_tool)
// with an implementation that shares nothing with it: Node's WebCrypto,
// RSA-OAEP SHA-256 with the scope label for the session key, then AES-256-GCM
// with the all-zero 12-byte nonce, as the Sealed Secrets controller does
// (bitnami-labs/sealed-secrets pkg/crypto/crypto.go, singleDecrypt). The same
// decryption opens a value sealed by @linode/kubeseal-encrypt, so the layouts
// agree. usage: node check.mjs SEAL_TOOL DIR [GLYPHOXA_DEPLOY] (DIR holds
// key.pem, a PKCS#8 RSA private key, its public key pub.pem and its
// self-signed cert.pem).
//
// With GLYPHOXA_DEPLOY, the same code opens what a whole export sealed: a
// workspace in DIR/ws with hostile secrets, the bundled PostgreSQL, a provider
// API key and sealed-secrets/certificate = cert.pem; every SealedSecret of
// generated/ decrypts with its own strict-scope label to exactly the value that
// went in (the DSN and config.yaml as the tool derives them), no file of
// generated/ holds a secret in clear, and a second export writes the same bytes.
import { spawnSync } from 'node:child_process';
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encryptSecretItem } from '@linode/kubeseal-encrypt';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

const { subtle } = webcrypto;
const [tool, dir, binary] = process.argv.slice(2);
if (!tool || !dir) {
  console.error('usage: node check.mjs SEAL_TOOL DIR [GLYPHOXA_DEPLOY]');
  process.exit(2);
}
const certPath = join(dir, 'cert.pem');
const NS = 'glyphoxa';
const NAME = 'gateway-secrets';

let checks = 0;
let failures = 0;
function check(ok, what) {
  checks++;
  if (!ok) {
    failures++;
    console.log(`not ok - ${what}`);
  }
}

function pemBody(pem) {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

const privateKey = await subtle.importKey(
  'pkcs8',
  pemBody(readFileSync(join(dir, 'key.pem'), 'utf8')),
  { name: 'RSA-OAEP', hash: 'SHA-256' },
  false,
  ['decrypt'],
);

// The plaintext of one spec.encryptedData value, or an exception.
async function unseal(b64, label) {
  const raw = Buffer.from(b64, 'base64');
  if (raw.toString('base64') !== b64) throw new Error('not canonical standard base64');
  const k = raw.readUInt16BE(0);
  if (raw.length < 2 + k + 16) throw new Error('too short');
  const sessionKey = await subtle.decrypt(
    { name: 'RSA-OAEP', label: Buffer.from(label, 'utf8') },
    privateKey,
    raw.subarray(2, 2 + k),
  );
  if (sessionKey.byteLength !== 32) throw new Error(`session key of ${sessionKey.byteLength} bytes`);
  const aes = await subtle.importKey('raw', sessionKey, { name: 'AES-GCM' }, false, ['decrypt']);
  const plain = await subtle.decrypt(
    { name: 'AES-GCM', iv: new Uint8Array(12), tagLength: 128 },
    aes,
    raw.subarray(2 + k),
  );
  return { plain: Buffer.from(plain), k, length: raw.length };
}

async function refuses(b64, label) {
  try {
    await unseal(b64, label);
    return false;
  } catch {
    return true;
  }
}

function run(args, input) {
  const r = spawnSync(tool, args, { input: input ?? Buffer.alloc(0), maxBuffer: 64 << 20 });
  return { status: r.status, out: r.stdout.toString('latin1'), err: r.stderr.toString('utf8') };
}

function seal(args, input, what) {
  const r = run(args, input);
  check(r.status === 0 && r.err === '', `${what}: seal_tool exits 0, quietly (${r.status}: ${r.err})`);
  check(/^[A-Za-z0-9+/]+={0,2}\n$/.test(r.out), `${what}: one line of standard base64`);
  return r.out.replace(/\n$/, '');
}

// ---- the certificate as seal_tool reads it ------------------------------------------
const x509 = new X509Certificate(readFileSync(certPath));
const info = run(['info', certPath]).out.trim().split(' ');
check(info[0] === x509.fingerprint256.replaceAll(':', '').toLowerCase(), 'fingerprint = SHA-256 of the DER');
check(Number(info[1]) === x509.publicKey.asymmetricKeyDetails.modulusLength, 'modulus bits');
check(Number(info[2]) === Date.parse(x509.validFrom) / 1000, 'notBefore');
check(Number(info[3]) === Date.parse(x509.validTo) / 1000, 'notAfter');
const kBytes = Number(info[1]) / 8;

// ---- hostile values, strict scope ----------------------------------------------------
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const values = [
  ['empty', Buffer.alloc(0)],
  ['short', Buffer.from('hunter2')],
  ['newlines', Buffer.from('line one\nline two\r\n\n')],
  ['a lone newline', Buffer.from('\n')],
  ['UTF-8', Buffer.from('päßwörd — ключ — 鍵 — 🔑', 'utf8')],
  ['NUL inside', Buffer.from('a\0b\0')],
  ['every byte value', allBytes],
  ['shell and YAML metacharacters', Buffer.from(`'; rm -rf / #"$(id)\`x\` {{ .x }} *&a !!str `)],
  ['64 KiB', randomBytes(64 * 1024)],
  ['64 KiB + 1', randomBytes(64 * 1024 + 1)],
];
for (const [what, value] of values) {
  const b64 = seal(['seal', certPath, NS, NAME], value, what);
  let got;
  try {
    got = await unseal(b64, `${NS}/${NAME}`);
  } catch (e) {
    check(false, `${what}: decrypts with label ${NS}/${NAME} (${e.message})`);
    continue;
  }
  check(got.k === kBytes, `${what}: RSA part is k = ${kBytes} bytes`);
  check(got.length === 2 + kBytes + value.length + 16, `${what}: 2 + k + len + 16 bytes`);
  check(got.plain.equals(value), `${what}: the exact plaintext comes back`);
  for (const wrong of [`${NS}/other`, NS, '', `${NAME}/${NS}`, `${NS}/${NAME} `]) {
    check(await refuses(b64, wrong), `${what}: does not decrypt with label '${wrong}'`);
  }
}

// Fresh randomness: one value sealed twice differs.
const once = seal(['seal', certPath, NS, NAME], Buffer.from('same'), 'twice (1)');
const twice = seal(['seal', certPath, NS, NAME], Buffer.from('same'), 'twice (2)');
check(once !== twice, 'the same value sealed twice gives different bytes');

// A namespace or name that cannot be a label is refused.
check(run(['seal', certPath, 'a/b', NAME], Buffer.from('x')).status === 1, "namespace 'a/b' refused");
check(run(['seal', certPath, NS, ''], Buffer.from('x')).status === 1, 'empty name refused');

// ---- @linode/kubeseal-encrypt: namespace-wide label, same layout ----------------------
const publicPem = readFileSync(join(dir, 'pub.pem'), 'utf8');
for (const text of ['hunter2', 'line one\nline two\n', 'päßwörd 🔑', 'x'.repeat(5000)]) {
  const what = `@linode/kubeseal-encrypt ${JSON.stringify(text.slice(0, 12))}`;
  const theirs = await encryptSecretItem(publicPem, NS, text);
  let got;
  try {
    got = await unseal(theirs, NS);
  } catch (e) {
    check(false, `${what}: decrypts with label ${NS} (${e.message})`);
    continue;
  }
  const bytes = Buffer.from(text, 'utf8');
  check(got.plain.equals(bytes), `${what}: the exact plaintext comes back`);
  check(await refuses(theirs, `${NS}/${NAME}`), `${what}: not strict scope`);
  // Ours with the same (namespace-wide) label: same layout and length.
  const ours = seal(['seal-label', certPath, NS], bytes, `${what}: ours with label ${NS}`);
  let mine;
  try {
    mine = await unseal(ours, NS);
  } catch (e) {
    check(false, `${what}: ours opens with the same code (${e.message})`);
    continue;
  }
  check(mine.plain.equals(bytes), `${what}: ours opens with the same code`);
  check(mine.length === got.length && mine.k === got.k, `${what}: same length and RSA part`);
}

// ---- a whole export: the SealedSecrets of generated/ ----------------------------------
if (binary) {
  const ws = join(dir, 'ws');
  const gx = (args, input) => {
    const r = spawnSync(binary, ['-C', ws, ...args], { input: input ?? '', encoding: 'utf8' });
    check(r.status === 0, `glyphoxa-deploy ${args.join(' ')}: exit ${r.status} (${r.stderr.trim()})`);
    return r;
  };
  const secrets = {
    'gateway/admin-key': `adm'in "key" päß ${randomBytes(12).toString('hex')}`,
    'postgresql/postgres-password': `p@ss:w/rd% #?&=ü ${randomBytes(6).toString('hex')}`,
    'vault/token': `hvs.${randomBytes(16).toString('base64')}`,
    'config/providers/llm/api-key': `sk-${randomBytes(18).toString('hex')}`,
  };
  spawnSync(binary, ['-C', ws, 'init', '--with-postgresql', '--release', 'voice', '--namespace', 'games']);
  gx(['component', 'enable', 'sealed-secrets']);
  gx(['set', 'vault/addr=https://vault.example.internal:8200', 'config/providers/llm/name=openai']);
  for (const [path, value] of Object.entries(secrets)) gx(['set', path, '-'], value);
  copyFileSync(certPath, join(ws, 'cert.pem'));
  gx(['set', 'sealed-secrets/certificate=cert.pem']);
  gx(['export']);

  // what the tool derives: the DSN percent-encodes every byte but A-Z a-z 0-9 - . _ ~
  const pct = (s) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  const want = {
    'voice-secrets': {
      'admin-key': secrets['gateway/admin-key'],
      'database-dsn': `postgres://postgres:${pct(secrets['postgresql/postgres-password'])}@voice-postgresql.games.svc:5432/glyphoxa?sslmode=disable`,
      'vault-token': secrets['vault/token'],
    },
    'voice-postgresql-auth': { 'postgres-password': secrets['postgresql/postgres-password'] },
  };
  const gen = join(ws, 'generated');
  const sealedSecrets = [];
  for (const f of ['secrets.yaml', 'config.yaml', 'postgresql-auth.yaml'])
    for (const d of parseAllDocuments(readFileSync(join(gen, f), 'utf8'))) sealedSecrets.push(d.toJS());
  check(sealedSecrets.length === 3 && sealedSecrets.every((o) => o.kind === 'SealedSecret'), 'export: three SealedSecrets');
  for (const o of sealedSecrets) {
    const { name, namespace } = o.metadata;
    check(namespace === 'games', `${name}: namespace games`);
    check(o.spec.template.metadata.name === name && o.spec.template.metadata.namespace === namespace, `${name}: its Secret has its name`);
    for (const [key, b64] of Object.entries(o.spec.encryptedData)) {
      let got;
      try {
        got = (await unseal(b64, `${namespace}/${name}`)).plain.toString('utf8');
      } catch (e) {
        check(false, `export: ${name}/${key} decrypts with label ${namespace}/${name} (${e.message})`);
        continue;
      }
      if (name === 'voice-config') {
        check(key === 'config.yaml', `${name}: the key config.yaml`);
        check(parseYaml(got)?.providers?.llm?.api_key === secrets['config/providers/llm/api-key'], `export: ${name}/${key} holds the API key`);
      } else {
        check(got === want[name]?.[key], `export: ${name}/${key} decrypts to the value that went in`);
      }
      check(await refuses(b64, `${namespace}/voice-other`), `export: ${name}/${key} is for ${namespace}/${name} only`);
    }
  }
  check(Object.keys(sealedSecrets.find((o) => o.metadata.name === 'voice-secrets')?.spec.encryptedData ?? {}).join() === 'admin-key,database-dsn,vault-token', 'export: R-secrets has its three keys');

  // nothing in clear, anywhere below generated/
  const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  const before = new Map();
  for (const file of walk(gen)) {
    const text = readFileSync(file);
    before.set(file, text);
    for (const v of Object.values(secrets))
      for (const form of [v, Buffer.from(v, 'utf8').toString('base64'), pct(v)])
        check(!text.includes(Buffer.from(form, 'utf8')), `export: ${file} holds no secret in clear`);
  }
  // the same values again: the same bytes (the cache of sealed values)
  const again = gx(['export']);
  check(/0 changed/.test(again.stdout), `export again: nothing changed (${again.stdout.trim()})`);
  for (const [file, text] of before) check(readFileSync(file).equals(text), `export again: ${file} is the same bytes`);
}

if (failures) {
  console.log(`seal check: ${failures} of ${checks} checks failed`);
  process.exit(1);
}
console.log(`seal check: all ${checks} checks hold`);
