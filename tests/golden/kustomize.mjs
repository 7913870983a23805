#!/usr/bin/env node
// GitOps check of one exported generated/ folder: `kubectl kustomize DIR`
// (what `kubectl apply -k`, Argo CD and Flux build from generated/kustomization.yaml)
// must build exactly the objects of the manifest files in DIR (every *.yaml but
// kustomization.yaml and the Helm values under infra/): the same set, each
// object equal field by field (kustomize may reorder objects and keys, and
// re-quote scalars; nothing else may differ). The kustomization lists its
// resources in apply order, so the Namespace comes first.
//
// usage: node kustomize.mjs GENERATED_DIR     (kubectl on PATH, or $KUBECTL)
// Prints `ok DIR: N objects` or FAIL lines; exit 1 on any difference.
// Uses the `yaml` package installed for tests/conformance.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(new URL("../conformance/package.json", import.meta.url));
const YAML = require("yaml");

const [dir] = process.argv.slice(2);
if (!dir || process.argv.length !== 3) {
  console.error("usage: node kustomize.mjs GENERATED_DIR");
  process.exit(2);
}
const problems = [];
const fail = (m) => problems.push(m);
const READ = { version: "1.2", schema: "core", uniqueKeys: true };
const docsOf = (text) => YAML.parseAllDocuments(text, READ).map((d) => d.toJS()).filter((v) => v !== null && v !== undefined);
const keyOf = (o) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? "-"}/${o.metadata?.name}`;
// a canonical text of an object: keys sorted at every depth
const canon = (v) =>
  Array.isArray(v) ? `[${v.map(canon).join(",")}]`
  : v && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(",")}}`
  : JSON.stringify(v);

// the files: every manifest of the folder (not below infra/), in name order
const kfile = join(dir, "kustomization.yaml");
if (!existsSync(kfile)) {
  console.log(`FAIL ${dir}: no kustomization.yaml`);
  process.exit(1);
}
const manifests = readdirSync(dir).filter((n) => /\.yaml$/.test(n) && n !== "kustomization.yaml").sort();
const fromFiles = new Map();
for (const n of manifests) for (const o of docsOf(readFileSync(join(dir, n), "utf8"))) {
  if (fromFiles.has(keyOf(o))) fail(`${keyOf(o)} is in two files`);
  fromFiles.set(keyOf(o), { o, file: n });
}

// the kustomization lists every manifest file once, the Namespace's first
const k = YAML.parse(readFileSync(kfile, "utf8"), READ);
const listed = k?.resources ?? [];
if (canon([...listed].sort()) !== canon(manifests)) fail(`kustomization.yaml lists ${listed.join(", ")}; the folder holds ${manifests.join(", ")}`);
if (manifests.includes("namespace.yaml") && listed[0] !== "namespace.yaml") fail(`the first resource is ${listed[0]}, not namespace.yaml`);

// what kustomize builds
const kubectl = process.env.KUBECTL || "kubectl";
const r = spawnSync(kubectl, ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 << 20 });
if (r.error || r.status !== 0) {
  console.log(`FAIL ${dir}: ${kubectl} kustomize failed: ${r.error ? r.error.message : r.stderr.trim()}`);
  process.exit(1);
}
const built = new Map();
for (const o of docsOf(r.stdout)) {
  if (built.has(keyOf(o))) fail(`kustomize builds ${keyOf(o)} twice`);
  built.set(keyOf(o), o);
}
for (const [key, { o, file }] of fromFiles) {
  const b = built.get(key);
  if (!b) fail(`${file}: ${key} is not in what kustomize builds`);
  else if (canon(b) !== canon(o)) fail(`${file}: ${key} differs in what kustomize builds`);
}
for (const key of built.keys()) if (!fromFiles.has(key)) fail(`kustomize builds ${key}, which no file holds`);

if (problems.length) {
  for (const p of problems) console.log(`FAIL ${dir}: ${p}`);
  process.exit(1);
}
console.log(`ok ${dir}: ${built.size} objects`);
