// Checks the JSON Schema that `glyphoxa-deploy schema --json-schema` prints
// with Ajv (draft 2020-12, strict), and values files against it:
//   1. the schema is a valid draft 2020-12 schema and compiles in strict mode
//      (no unknown keyword, no ignored one);
//   2. every golden values file (tests/golden/*/values.yaml) validates;
//   3. a workspace that init writes: values.yaml starts with the
//      yaml-language-server line naming .glyphoxa-deploy/values.schema.json,
//      that file holds exactly what the command prints, and values.yaml and
//      secrets.yaml validate;
//   4. documents the tool refuses (unknown keys, wrong types, choices, shapes)
//      are refused by the schema too;
//   5. the patterns agree with the tool: sample quantities and DNS labels,
//      each checked by the schema and by `validate` of the tool.
// usage: node check.mjs BINARY REPO_ROOT
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { parse } from "yaml";

const [bin, root] = process.argv.slice(2);
if (!bin || !root) {
  console.error("usage: node check.mjs BINARY REPO_ROOT");
  process.exit(2);
}
let failures = 0;
const fail = (msg) => {
  failures++;
  console.log(`FAIL ${msg}`);
};
const pass = (msg) => console.log(`ok   ${msg}`);

const text = execFileSync(bin, ["schema", "--json-schema"], { encoding: "utf8" });
const schema = JSON.parse(text);
const warnings = [];
const ajv = new Ajv2020({
  strict: true,
  allowUnionTypes: true,
  allErrors: true,
  logger: { log: () => {}, warn: (m) => warnings.push(String(m)), error: (m) => warnings.push(String(m)) },
});
if (!ajv.validateSchema(schema)) fail(`not a draft 2020-12 schema: ${ajv.errorsText(ajv.errors)}`);
else pass("the schema is a valid draft 2020-12 schema");
let validate;
try {
  validate = ajv.compile(schema);
  if (warnings.length) fail(`strict mode warnings: ${warnings.join("; ")}`);
  else pass("the schema compiles in strict mode");
} catch (e) {
  fail(`the schema does not compile: ${e.message}`);
  process.exit(1);
}
const again = execFileSync(bin, ["schema"], { encoding: "utf8" });
if (again !== text) fail("schema and schema --json-schema differ");

// every path of the tool is in the schema, with its type's shape
const paths = JSON.parse(execFileSync(bin, ["list", "paths", "--json"], { encoding: "utf8" }));
const list = Array.isArray(paths) ? paths : paths.paths || paths.fields;
let missing = 0;
for (const f of list) {
  let node = schema;
  for (const seg of f.path.split("/")) node = node && node.properties && node.properties[seg];
  if (!node) {
    fail(`path ${f.path} is not in the schema`);
    missing++;
    continue;
  }
  if (node.title !== f.display) fail(`${f.path}: title ${node.title} is not ${f.display}`);
  if (f.secret && node.writeOnly !== true) fail(`${f.path}: a secret without writeOnly`);
  if (f.choices && JSON.stringify(node.enum) !== JSON.stringify(f.choices))
    fail(`${f.path}: enum ${JSON.stringify(node.enum)} is not ${JSON.stringify(f.choices)}`);
  if (f.min !== undefined && f.type === "int" && node.minimum !== f.min) fail(`${f.path}: minimum`);
  if (f.max !== undefined && f.type === "int" && node.maximum !== f.max) fail(`${f.path}: maximum`);
  if (!("default" in node)) fail(`${f.path}: no default`);
}
if (!missing) pass(`all ${list.length} paths are in the schema`);

const check = (what, doc, expectValid) => {
  const ok = validate(doc);
  if (ok === expectValid) pass(what);
  else fail(`${what}: ${expectValid ? ajv.errorsText(validate.errors) : "accepted, but the tool refuses it"}`);
};
const yaml = (file) => parse(readFileSync(file, "utf8"), { version: "1.2", schema: "core" });

// 2. golden values files
const golden = join(root, "tests", "golden");
for (const name of readdirSync(golden).sort()) {
  const file = join(golden, name, "values.yaml");
  if (existsSync(file)) check(`golden ${name}/values.yaml validates`, yaml(file), true);
}

// 3. init's workspace
const tmp = mkdtempSync(join(tmpdir(), "import-schema-"));
try {
  for (const [name, args] of [
    ["bundled", ["init", "--environment", "dev"]],
    ["dsn", ["init", "--topology", "dedicated", "--dsn", "postgres://g:pw@db.example:5432/g"]],
  ]) {
    const ws = join(tmp, name);
    execFileSync(bin, ["-C", ws, ...args], { stdio: "ignore" });
    const values = readFileSync(join(ws, "values.yaml"), "utf8");
    const first = values.split("\n")[0];
    if (first === "# yaml-language-server: $schema=.glyphoxa-deploy/values.schema.json")
      pass(`init (${name}): values.yaml names the schema on its first line`);
    else fail(`init (${name}): the first line of values.yaml is ${JSON.stringify(first)}`);
    const copy = readFileSync(join(ws, ".glyphoxa-deploy", "values.schema.json"), "utf8");
    if (copy === text) pass(`init (${name}): .glyphoxa-deploy/values.schema.json is the schema`);
    else fail(`init (${name}): .glyphoxa-deploy/values.schema.json differs from the command's`);
    check(`init (${name}): values.yaml validates`, yaml(join(ws, "values.yaml")), true);
    check(`init (${name}): secrets.yaml validates`, yaml(join(ws, "secrets.yaml")), true);
  }

  // 4. documents the tool refuses
  const refused = [
    ["an unknown top-level key", { replicaCount: 3 }],
    ["an unknown nested key", { gateway: { replicaCount: 3 } }],
    ["a string for an int", { gateway: { "replica-count": "three" } }],
    ["an int below its minimum", { gateway: { "replica-count": 0 } }],
    ["a port above 65535", { gateway: { ports: { admin: 70000 } } }],
    ["an enum outside its choices", { core: { topology: "hybrid" } }],
    ["a bad quantity", { gateway: { requests: { cpu: "lots" } } }],
    ["a map for a bool", { core: { "create-namespace": { a: 1 } } }],
    ["an unknown component", { components: { sealedsecrets: true } }],
    ["a mandatory component off", { components: { gateway: false } }],
    ["a toleration with a bad operator", { gateway: { tolerations: [{ key: "a", operator: "In" }] } }],
    ["a toleration with an unknown key", { gateway: { tolerations: [{ key: "a", tolerate: true }] } }],
    ["a node selector with a bad key", { gateway: { "node-selector": { "-bad": "x" } } }],
    ["an NPC with an unknown key", { config: { npcs: [{ name: "a", mood: "x" }] } }],
    ["an NPC without a name", { config: { npcs: [{ personality: "x" }] } }],
    ["an NPC engine outside its choices", { config: { npcs: [{ name: "a", engine: "turbo" }] } }],
    ["a speed factor above 2", { config: { npcs: [{ name: "a", voice: { speed_factor: 3 } }] } }],
    ["an MCP server without a transport", { config: { "mcp-servers": [{ name: "dice" }] } }],
    ["an MCP server transport outside its choices", { config: { "mcp-servers": [{ name: "d", transport: "grpc" }] } }],
    ["provider options that are a list", { config: { providers: { llm: { options: [1] } } } }],
    ["an egress rule without cidr", { "network-policy": { "extra-egress": [{ ports: [80] }] } }],
  ];
  for (const [what, doc] of refused) check(`refused: ${what}`, doc, false);
  const accepted = [
    ["empty values", null],
    ["an empty map and list", { gateway: { "node-selector": null, tolerations: null } }],
    ["a numeric image tag (read as text)", { core: { "image-tag": 1.1 } }],
    ["a quantity written as a number", { gateway: { limits: { cpu: 2 } } }],
    ["an Exists toleration without key", { gateway: { tolerations: [{ operator: "Exists" }] } }],
  ];
  for (const [what, doc] of accepted) check(`accepted: ${what}`, doc, true);

  // 5. the patterns, against the tool's own verdict
  const ws = join(tmp, "patterns");
  execFileSync(bin, ["-C", ws, "init", "--environment", "dev", "--dsn", "postgres://g:pw@db:5432/g"], {
    stdio: "ignore",
  });
  const toolRefuses = (overlay, path) => {
    const file = join(tmp, "overlay.yaml");
    writeFileSync(file, overlay);
    const r = spawnSync(bin, ["-C", ws, "-f", file, "validate", "--json"], { encoding: "utf8" });
    const out = JSON.parse(r.stdout);
    return out.results.some((x) => x.path === path && (x.rule === "V1" || x.code));
  };
  const quantities = ["500m", "1", "0.5", ".5", "1e3", "1E-2", "256Mi", "1Ki", "+1", "1.", "2Gi",
    "lots", "1mi", "1 Gi", "Mi", "1Mi2", "0x10", "1.5.5", "1e", "10Zi"];
  let agreeQ = true;
  for (const q of quantities) {
    const doc = { gateway: { requests: { cpu: q } } };
    const schemaOk = validate(doc);
    const toolOk = !toolRefuses(`gateway:\n  requests:\n    cpu: ${JSON.stringify(q)}\n  limits:\n    cpu: "100"\n`, "gateway/requests/cpu");
    if (schemaOk !== toolOk) {
      agreeQ = false;
      fail(`quantity ${JSON.stringify(q)}: the schema says ${schemaOk}, the tool ${toolOk}`);
    }
  }
  if (agreeQ) pass(`the quantity pattern agrees with the tool on ${quantities.length} samples`);
  const labels = ["kube-system", "a", "a1", "1a", "-a", "a-", "A", "a.b", "a_b", "x".repeat(63), "x".repeat(64)];
  let agreeL = true;
  for (const l of labels) {
    const doc = { "sealed-secrets": { namespace: l } };
    const schemaOk = validate(doc);
    const toolOk = !toolRefuses(
      `sealed-secrets:\n  namespace: ${JSON.stringify(l)}\ncomponents:\n  sealed-secrets: true\n`,
      "sealed-secrets/namespace",
    );
    if (schemaOk !== toolOk) {
      agreeL = false;
      fail(`DNS label ${JSON.stringify(l)}: the schema says ${schemaOk}, the tool ${toolOk}`);
    }
  }
  if (agreeL) pass(`the DNS-label pattern agrees with the tool on ${labels.length} samples`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(failures ? `${failures} failed` : "all passed");
process.exit(failures ? 1 : 0);
