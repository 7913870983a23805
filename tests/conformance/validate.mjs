#!/usr/bin/env node
// Conformance checker for rendered Kubernetes manifests.
//
// usage: node validate.mjs FILE_OR_DIR...
//
// Every .yaml/.yml file (directories are walked recursively, in sorted order)
// is parsed as a YAML stream twice: with the YAML 1.2 core schema and with the
// YAML 1.1 schema (what Kubernetes' and Helm's Go decoders effectively use).
// The two readings must be identical. Every document must be a Kubernetes
// object with apiVersion + kind; it is validated against the OpenAPI schema
// compiled into the pinned `kubernetes-models` package, and checked for fields
// the schema does not know (the package's validators do not enforce
// additionalProperties, so unknown fields are found by watching which
// properties the schema's validator reads; see findUnknownFields()).
// A ConfigMap with a data key `job-template.yaml` also has that value parsed
// the same way and validated as the batch/v1 Job it must hold.
//
// Third-party resources come from their own pinned packages of the same
// project: SealedSecret (bitnami.com/v1alpha1) from
// `@kubernetes-models/sealed-secrets` (the Sealed Secrets controller's own
// types). A kustomization (apiVersion kustomize.config.k8s.io/...) is no
// Kubernetes object: it must be a Kustomization whose `resources` name files
// beside it, each once and each existing (only apiVersion, kind and resources
// are expected).
//
// Files under a directory named `infra` are Helm values files, not Kubernetes
// objects: they only get the YAML checks (Helm reads them as YAML 1.1 too).
//
// Output: `ok <file> <kind>/<name>` or `FAIL <file> <kind>/<name>: <reasons>`
// per object, then `N passed, M failed`. Exit 1 on any failure or when no
// object was found at all; 2 on usage errors.

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { parseAllDocuments, isMap, isScalar, visit } from "yaml";

const EMBEDDED_JOB_KEY = "job-template.yaml";
const MAX_REASONS = 12;

// ---------------------------------------------------------------------------
// YAML: parse a stream under 1.2 core and 1.1, demand identical meaning.

const READ_1_2 = { version: "1.2", schema: "core", merge: false, uniqueKeys: true, prettyErrors: false };
const READ_1_1 = { version: "1.1", schema: "yaml-1.1", merge: true, uniqueKeys: true, prettyErrors: false };

function describe(v) {
  if (v === null) return "null";
  if (v instanceof Date) return `timestamp ${v.toISOString()}`;
  if (v instanceof Uint8Array) return "binary";
  if (v instanceof Set) return "set";
  if (v instanceof Map) return "map";
  if (Array.isArray(v)) return "sequence";
  if (typeof v === "object") return "map";
  if (typeof v === "string") return JSON.stringify(v) + " (string)";
  return `${String(v)} (${typeof v})`;
}

function ptr(path) {
  return path.length === 0 ? "/" : "/" + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

function isPlainObject(v) {
  return v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;
}

// Deep comparison of the two readings; collects up to `limit` differences.
function diffValues(a, b, path, out, limit) {
  if (out.length >= limit) return;
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(`${ptr(path)}: 1.2 reads ${a.length} items, 1.1 reads ${b.length}`);
      return;
    }
    for (let i = 0; i < a.length; i++) diffValues(a[i], b[i], [...path, i], out, limit);
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      if (!(k in a)) out.push(`${ptr([...path, k])}: key present only under YAML 1.1`);
      else if (!(k in b)) out.push(`${ptr([...path, k])}: key present only under YAML 1.2`);
      else diffValues(a[k], b[k], [...path, k], out, limit);
      if (out.length >= limit) return;
    }
    return;
  }
  out.push(`${ptr(path)}: YAML 1.2 reads ${describe(a)}, YAML 1.1 reads ${describe(b)}`);
}

// Map keys must be strings under both readings (Kubernetes objects are JSON).
function nonStringKeys(doc) {
  const found = [];
  visit(doc, {
    Pair(_, pair) {
      const k = pair.key;
      if (k === null || k === undefined) {
        found.push("empty map key");
      } else if (isScalar(k)) {
        if (typeof k.value !== "string") found.push(`map key ${describe(k.value)} is not a string`);
      } else {
        found.push("complex (non-scalar) map key");
      }
    },
  });
  return found;
}

function docProblems(doc) {
  const out = [];
  for (const e of doc.errors) out.push(`YAML error: ${e.message.split("\n")[0]}`);
  for (const w of doc.warnings) out.push(`YAML warning: ${w.message.split("\n")[0]}`);
  return out;
}

// Returns { docs: [{ value, problems[] }], streamProblems[] }.
// `value` is the YAML 1.2 core reading (undefined when it could not be read).
function readStream(text) {
  const d12 = parseAllDocuments(text, READ_1_2);
  const d11 = parseAllDocuments(text, READ_1_1);
  // parseAllDocuments returns an EmptyStream (array-like) or an array.
  const a12 = Array.from(d12);
  const a11 = Array.from(d11);
  const streamProblems = [];
  if (a12.length !== a11.length) {
    streamProblems.push(`YAML 1.2 sees ${a12.length} documents, YAML 1.1 sees ${a11.length}`);
  }
  const docs = [];
  for (let i = 0; i < a12.length; i++) {
    const problems = docProblems(a12[i]);
    let value;
    if (a12[i].errors.length === 0) {
      try {
        value = a12[i].toJS({ maxAliasCount: 100 });
      } catch (e) {
        problems.push(`YAML 1.2: ${e.message}`);
      }
      problems.push(...nonStringKeys(a12[i]));
    }
    const o11 = a11[i];
    if (o11) {
      for (const p of docProblems(o11)) problems.push(`(YAML 1.1) ${p}`);
      if (o11.errors.length === 0 && value !== undefined) {
        let v11;
        try {
          v11 = o11.toJS({ maxAliasCount: 100 });
        } catch (e) {
          problems.push(`YAML 1.1: ${e.message}`);
        }
        if (v11 !== undefined) {
          const diffs = [];
          diffValues(value, v11, [], diffs, 5);
          for (const d of diffs) problems.push(`YAML 1.1/1.2 divergence at ${d}`);
        }
      }
    }
    docs.push({ value, problems: [...new Set(problems)] });
  }
  return { docs, streamProblems };
}

// ---------------------------------------------------------------------------
// kubernetes-models: find the model class for apiVersion/kind generically.
// Core group `v1` lives at `kubernetes-models/v1`; group `g/v` at
// `kubernetes-models/g/v`; the module exports one class per kind, carrying
// static apiVersion/kind.

const API_VERSION_RE = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND_RE = /^[A-Z][A-Za-z0-9]*$/;
const moduleCache = new Map();
// API groups of custom resources, and the pinned package that models them.
const THIRD_PARTY = { "bitnami.com": "@kubernetes-models/sealed-secrets" };

async function loadGroupVersion(apiVersion) {
  if (!moduleCache.has(apiVersion)) {
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
    const pkg = THIRD_PARTY[group] ?? "kubernetes-models";
    moduleCache.set(
      apiVersion,
      import(`${pkg}/${apiVersion}`).then(
        (mod) => ({ mod }),
        (err) => ({ err }),
      ),
    );
  }
  return moduleCache.get(apiVersion);
}

async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || !API_VERSION_RE.test(apiVersion)) {
    return { error: `apiVersion ${JSON.stringify(apiVersion)} is not a valid group/version` };
  }
  if (typeof kind !== "string" || !KIND_RE.test(kind)) {
    return { error: `kind ${JSON.stringify(kind)} is not a valid kind` };
  }
  const { mod, err } = await loadGroupVersion(apiVersion);
  if (!mod) {
    const why = err && err.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" ? "not in kubernetes-models" : String(err && err.message);
    return { error: `unknown apiVersion ${apiVersion} (${why})` };
  }
  const cls = Object.prototype.hasOwnProperty.call(mod, kind) ? mod[kind] : undefined;
  if (typeof cls !== "function" || cls.apiVersion !== apiVersion || cls.kind !== kind) {
    return { error: `unknown kind ${kind} in apiVersion ${apiVersion} (kubernetes-models has no such resource)` };
  }
  return { cls };
}

// ---------------------------------------------------------------------------
// Schema validation and unknown-field detection.

function schemaErrors(cls, obj) {
  try {
    new cls(obj).validate();
    return [];
  } catch (e) {
    if (Array.isArray(e.errors)) {
      return e.errors.map((er) => {
        let msg = `${er.instancePath || "/"} ${er.message ?? er.keyword}`;
        if (er.params && er.params.allowedValues) msg += ` ${JSON.stringify(er.params.allowedValues)}`;
        return `schema: ${msg}`;
      });
    }
    return [`schema: ${e.message}`];
  }
}

// The package's validators are ajv code compiled from the OpenAPI schema
// without additionalProperties: false, so unknown fields pass validate().
// The compiled code reads exactly the properties its schema declares
// (`data.spec`, `data.replicas`, …) and enumerates the keys of free-form maps
// (labels, data, nodeSelector …). Running the model's validate function on a
// proxy of the object tells which keys of each object the schema knows: a key
// never read, in an object whose keys were never enumerated, is unknown.
function findUnknownFields(cls, obj) {
  const seen = new Map(); // target -> { read: Set, enumerated: bool }
  const proxies = new WeakMap();
  const wrap = (target) => {
    if (target === null || typeof target !== "object") return target;
    if (proxies.has(target)) return proxies.get(target);
    const info = { read: new Set(), enumerated: false };
    seen.set(target, info);
    const p = new Proxy(target, {
      get(t, key, recv) {
        if (typeof key === "string") info.read.add(key);
        return wrap(Reflect.get(t, key, recv));
      },
      has(t, key) {
        if (typeof key === "string") info.read.add(key);
        return Reflect.has(t, key);
      },
      getOwnPropertyDescriptor(t, key) {
        if (typeof key === "string") info.read.add(key);
        return Reflect.getOwnPropertyDescriptor(t, key);
      },
      ownKeys(t) {
        info.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(target, p);
    return p;
  };
  try {
    // The prototype's validate() runs the schema function on `this`.
    cls.prototype.validate.call(wrap(obj));
  } catch {
    // Schema errors are reported by schemaErrors(); only the reads matter here.
  }
  const unknown = [];
  const walk = (v, path) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i]));
      return;
    }
    if (!isPlainObject(v)) return;
    const info = seen.get(v);
    if (!info) return; // never reached by the validator (parent already unknown / wrong type)
    for (const k of Object.keys(v)) {
      if (!info.enumerated && !info.read.has(k)) unknown.push(`unknown field ${ptr([...path, k])}`);
      else walk(v[k], [...path, k]);
    }
  };
  walk(obj, []);
  return unknown;
}

// ---------------------------------------------------------------------------
// Files.

function isInfraPath(file) {
  return file.split(/[\\/]+/).slice(0, -1).includes("infra");
}

function collectFiles(arg, out, problems) {
  let st;
  try {
    st = statSync(arg);
  } catch (e) {
    problems.push({ file: arg, reason: `cannot read: ${e.code || e.message}` });
    return;
  }
  if (st.isDirectory()) {
    const names = readdirSync(arg).sort();
    for (const n of names) {
      if (n === "node_modules") continue;
      const p = join(arg, n);
      const s = statSync(p);
      if (s.isDirectory()) collectFiles(p, out, problems);
      else if (/\.ya?ml$/.test(n)) out.push(p);
    }
  } else {
    out.push(arg);
  }
}

let passed = 0;
let failed = 0;
let kubeObjects = 0; // Kubernetes objects seen (Helm values files do not count)

function report(file, label, reasons) {
  if (reasons.length === 0) {
    passed++;
    console.log(`ok ${file} ${label}`);
  } else {
    failed++;
    const shown = reasons.slice(0, MAX_REASONS);
    if (reasons.length > MAX_REASONS) shown.push(`… ${reasons.length - MAX_REASONS} more`);
    console.log(`FAIL ${file} ${label}: ${shown.join("; ")}`);
  }
}

function labelOf(obj, index) {
  const kind = obj && typeof obj.kind === "string" ? obj.kind : "?";
  const name = obj && obj.metadata && typeof obj.metadata.name === "string" ? obj.metadata.name : `#${index}`;
  return `${kind}/${name}`;
}

// Validates one Kubernetes object; returns reasons, and reports any embedded Job.
async function checkObject(file, obj, index, yamlProblems, expect) {
  const reasons = [...yamlProblems];
  kubeObjects++;
  if (obj === undefined && reasons.length > 0) return reasons; // unreadable YAML, already said
  if (!isPlainObject(obj)) {
    reasons.push(`document is ${describe(obj)}, not a Kubernetes object`);
    return reasons;
  }
  if (obj.apiVersion === undefined || obj.kind === undefined) {
    reasons.push("document has no apiVersion and kind");
    return reasons;
  }
  if (expect && (obj.apiVersion !== expect.apiVersion || obj.kind !== expect.kind)) {
    reasons.push(`expected ${expect.apiVersion} ${expect.kind}, found ${obj.apiVersion} ${obj.kind}`);
  }
  const { cls, error } = await modelFor(obj.apiVersion, obj.kind);
  if (!cls) {
    reasons.push(error);
    return reasons;
  }
  reasons.push(...schemaErrors(cls, obj));
  reasons.push(...findUnknownFields(cls, obj));
  if (obj.apiVersion === "bitnami.com/v1alpha1" && obj.kind === "SealedSecret") reasons.push(...sealedValueProblems(obj));
  return reasons;
}

// The package types spec.encryptedData as a map of strings; each value must
// also have the controller's layout: standard base64 (padded, no line breaks)
// of uint16 big-endian k || an RSA block of k bytes (2048 bits or more) ||
// the AES-GCM ciphertext || its 16-byte tag.
function sealedValueProblems(obj) {
  const out = [];
  const data = obj.spec && isPlainObject(obj.spec.encryptedData) ? obj.spec.encryptedData : {};
  for (const [k, v] of Object.entries(data)) {
    const where = `/spec/encryptedData/${k}`;
    if (typeof v !== "string") continue; // the schema says so
    const raw = Buffer.from(v, "base64");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || raw.toString("base64") !== v) {
      out.push(`${where} is not standard base64`);
      continue;
    }
    const rsa = raw.length >= 2 ? raw.readUInt16BE(0) : 0;
    if (rsa < 256 || raw.length < 2 + rsa + 16) out.push(`${where} is no sealed value (uint16 k, k >= 256 bytes of RSA, a 16-byte tag)`);
  }
  return out;
}

async function checkEmbeddedJob(file, cm, cmLabel) {
  const text = cm.data[EMBEDDED_JOB_KEY];
  const where = `${file}[${cmLabel}:${EMBEDDED_JOB_KEY}]`;
  if (typeof text !== "string") {
    report(where, "Job/?", [`data.${EMBEDDED_JOB_KEY} is not a string`]);
    return;
  }
  const { docs, streamProblems } = readStream(text);
  const real = docs.filter((d) => d.value !== null || d.problems.length > 0);
  if (real.length !== 1) {
    report(where, "Job/?", [...streamProblems, `must hold exactly one document, found ${real.length}`]);
    return;
  }
  const d = real[0];
  const reasons = await checkObject(where, d.value, 0, [...streamProblems, ...d.problems], {
    apiVersion: "batch/v1",
    kind: "Job",
  });
  report(where, labelOf(d.value, 0), reasons);
}

// A kustomization: not a Kubernetes object, but what `kubectl apply -k`, Argo CD
// and Flux read; its resources must be files beside it.
const KUSTOMIZE_GROUP = "kustomize.config.k8s.io/";
function kustomizationProblems(file, obj) {
  const out = [];
  if (obj.apiVersion !== `${KUSTOMIZE_GROUP}v1beta1`) out.push(`apiVersion ${JSON.stringify(obj.apiVersion)} is not ${KUSTOMIZE_GROUP}v1beta1`);
  if (obj.kind !== "Kustomization") out.push(`kind ${JSON.stringify(obj.kind)} is not Kustomization`);
  for (const k of Object.keys(obj)) if (!["apiVersion", "kind", "resources"].includes(k)) out.push(`unknown field /${k}`);
  if (!Array.isArray(obj.resources) || obj.resources.length === 0) {
    out.push("resources must be a non-empty list of files");
    return out;
  }
  const seen = new Set();
  for (const r of obj.resources) {
    if (typeof r !== "string" || r === "" || r.startsWith("/") || normalize(r).startsWith("..")) {
      out.push(`resource ${JSON.stringify(r)} is not a file path below the kustomization`);
      continue;
    }
    if (seen.has(r)) out.push(`resource ${r} is listed twice`);
    seen.add(r);
    if (!existsSync(join(dirname(file), r))) out.push(`resource ${r} does not exist beside ${file}`);
  }
  return out;
}

async function checkFile(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    report(file, "-", [`cannot read: ${e.code || e.message}`]);
    return;
  }
  let parsed;
  try {
    parsed = readStream(text);
  } catch (e) {
    report(file, "-", [`YAML: ${e.message}`]);
    return;
  }
  const { docs, streamProblems } = parsed;

  if (isInfraPath(file)) {
    // Helm values: no Kubernetes objects, but Helm's decoder is YAML 1.1 too.
    const reasons = [...streamProblems];
    docs.forEach((d, i) => reasons.push(...d.problems.map((p) => (docs.length > 1 ? `document ${i}: ${p}` : p))));
    report(file, "helm-values", reasons);
    return;
  }

  let objects = 0;
  if (streamProblems.length > 0) report(file, "-", streamProblems);
  for (let i = 0; i < docs.length; i++) {
    const { value, problems } = docs[i];
    if ((value === null || value === undefined) && problems.length === 0) continue; // empty document
    objects++;
    if (isPlainObject(value) && typeof value.apiVersion === "string" && value.apiVersion.startsWith(KUSTOMIZE_GROUP)) {
      report(file, "Kustomization/-", [...problems, ...kustomizationProblems(file, value)]);
      continue;
    }
    const label = labelOf(value, i);
    const reasons = await checkObject(file, value, i, problems);
    report(file, label, reasons);
    if (
      isPlainObject(value) &&
      value.apiVersion === "v1" &&
      value.kind === "ConfigMap" &&
      isPlainObject(value.data) &&
      Object.prototype.hasOwnProperty.call(value.data, EMBEDDED_JOB_KEY)
    ) {
      await checkEmbeddedJob(file, value, label);
    }
  }
  if (objects === 0) report(file, "-", ["file holds no Kubernetes object"]);
}

async function main(argv) {
  if (argv.length === 0 || argv.includes("-h") || argv.includes("--help")) {
    console.error("usage: node validate.mjs FILE_OR_DIR...");
    return 2;
  }
  const files = [];
  const missing = [];
  for (const a of argv) collectFiles(a, files, missing);
  for (const m of missing) report(m.file, "-", [m.reason]);
  for (const f of files) await checkFile(f);
  console.log(`${passed} passed, ${failed} failed`);
  if (kubeObjects === 0) console.error("validate.mjs: no Kubernetes object found");
  return failed > 0 || kubeObjects === 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
