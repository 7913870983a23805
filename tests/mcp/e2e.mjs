// End-to-end test of `glyphoxa-deploy mcp` with the official TypeScript SDK
// client (@modelcontextprotocol/sdk, pinned in package.json): the SDK
// negotiates 2025-11-25 with initialize, lists the tools and calls every one
// (the SDK validates each structuredContent against the tool's outputSchema),
// reads every resource and both templates (glyphoxa://schema compared with
// `schema --json-schema` and checked with Ajv), gets every prompt, runs apply
// with the recording fakes and receives its progress, keeps revisions and
// lists them (history), rolls back (a dry run with progress, then a real
// one), sees a destroy without confirmation refused with no command run, and
// cancels a hanging target, checking that the fake's processes are gone.
//
// Run by e2e.sh, which makes the workspaces and the fakes and passes:
//   GX_BIN      the binary
//   GX_WS       a workspace (fixed values, secrets below), GX_WS_HANG another one
//   GX_BIN_DIR  kubectl/helm wrappers that run tests/fakes (first on PATH)
//   GX_OUT      where the servers' stdout is copied (checked by e2e.sh)
//   GX_ERR      where their stderr goes
//   GX_FAKE_LOG, GX_FAKE_LOG_HANG  the fakes' logs of the two servers
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
// Ajv comes with the SDK (it validates structuredContent with it); locked in package-lock.json
import Ajv2020 from "ajv/dist/2020.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const env = process.env;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let checks = 0;
const ok = (what) => {
  checks++;
  console.log(`ok ${checks} - ${what}`);
};

// The server's stdout is also copied to GX_OUT (a second reader of the same
// stream, attached as the transport starts the process), its stderr to GX_ERR.
async function connect(ws, fakeLog, extraEnv = {}) {
  const transport = new StdioClientTransport({
    command: env.GX_BIN,
    args: ["mcp"],
    cwd: ws,
    env: {
      PATH: `${env.GX_BIN_DIR}:${env.PATH}`,
      GX_FAKE_LOG: fakeLog,
      NO_COLOR: "1",
      ...extraEnv,
    },
    stderr: "pipe",
  });
  const start = transport.start.bind(transport);
  transport.start = async () => {
    await start();
    transport._process.stdout.on("data", (chunk) => appendFileSync(env.GX_OUT, chunk));
  };
  transport.stderr.on("data", (chunk) => appendFileSync(env.GX_ERR, chunk));
  const client = new Client({ name: "glyphoxa-e2e", version: "1.0.0" });
  const errors = [];
  client.onerror = (e) => errors.push(String(e?.message ?? e));
  await client.connect(transport);
  return { client, errors };
}

// Calls a tool; the SDK checks structuredContent against the outputSchema.
async function call(client, name, args = {}, options = {}) {
  const r = await client.callTool({ name, arguments: args }, undefined, options);
  if (!r.isError) {
    assert.ok(r.structuredContent, `${name}: structuredContent`);
    assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent, `${name}: text = structured`);
  }
  return r;
}

const expectedTools = [
  "list_paths", "describe_path", "get_values", "set_values", "unset_values", "list_components",
  "enable_component", "disable_component", "validate", "preview_export", "export", "apply",
  "history", "rollback",
];

async function main() {
  const { client, errors } = await connect(env.GX_WS, env.GX_FAKE_LOG);
  const info = client.getServerVersion();
  assert.equal(info.name, "glyphoxa-deploy");
  ok(`initialize: server ${info.name} ${info.version}, protocol 2025-11-25`);

  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name), expectedTools);
  for (const t of tools) {
    assert.equal(t.inputSchema.type, "object");
    assert.equal(t.inputSchema.additionalProperties, false, `${t.name}: additionalProperties`);
    assert.equal(t.outputSchema.type, "object");
    assert.equal(typeof t.annotations.readOnlyHint, "boolean");
    assert.equal(typeof t.annotations.destructiveHint, "boolean");
    assert.equal(typeof t.annotations.idempotentHint, "boolean");
  }
  assert.equal(tools.find((t) => t.name === "apply").annotations.destructiveHint, true);
  assert.equal(tools.find((t) => t.name === "rollback").annotations.destructiveHint, true);
  assert.equal(tools.find((t) => t.name === "history").annotations.readOnlyHint, true);
  assert.equal(tools.find((t) => t.name === "apply").inputSchema.properties.confirm.type, "string");
  ok(`tools/list: ${tools.length} tools with schemas and annotations`);

  // every tool, the SDK validating each result
  let r = await call(client, "list_paths", { section: "gateway" });
  assert.ok(r.structuredContent.count > 5);
  r = await call(client, "describe_path", { path: "gateway/admin-key" });
  assert.equal(r.structuredContent.secret, true);
  r = await call(client, "get_values", { paths: ["gateway", "postgresql/postgres-password"] });
  const rev0 = r.structuredContent.revision;
  for (const v of r.structuredContent.values.filter((v) => v.secret)) assert.equal(v.value, "<redacted>");
  r = await call(client, "set_values", {
    values: [
      { path: "gateway/replica-count", value: 2 },
      { path: "gateway/admin-key", value: env.GX_NEW_SECRET },
    ],
    revision: rev0,
  });
  assert.equal(r.isError, false);
  assert.notEqual(r.structuredContent.revision, rev0);
  assert.equal(r.structuredContent.validation.valid, true);
  r = await call(client, "set_values", { values: [{ path: "gateway/replica-count", value: 4 }], revision: rev0 });
  assert.equal(r.isError, true);
  assert.equal(JSON.parse(r.content[0].text).diagnostics[0].rule, "stale-revision");
  r = await call(client, "unset_values", { paths: ["gateway/replica-count"] });
  assert.equal(r.isError, false);
  r = await call(client, "list_components");
  assert.ok(r.structuredContent.components.some((c) => c.name === "postgresql" && c.enabled));
  r = await call(client, "enable_component", { components: ["autoscaling"] });
  assert.deepEqual(r.structuredContent.changed, ["autoscaling"]);
  r = await call(client, "disable_component", { components: ["autoscaling"] });
  assert.deepEqual(r.structuredContent.changed, ["autoscaling"]);
  r = await call(client, "validate");
  assert.equal(r.structuredContent.valid, true);
  r = await call(client, "preview_export");
  assert.equal(r.structuredContent.exported, false);
  assert.ok(r.structuredContent.files.find((f) => f.path === "generated/secrets.yaml").holds_secrets);
  r = await call(client, "export");
  assert.ok(r.structuredContent.count > 10);
  r = await call(client, "preview_export", { content: false });
  assert.equal(r.structuredContent.summary.changed, 0);
  ok("tools/call: every tool but apply; structuredContent valid against each outputSchema");

  // apply with progress
  const progress = [];
  r = await call(client, "apply", {}, { onprogress: (p) => progress.push(p) });
  assert.equal(r.isError, false);
  assert.equal(r.structuredContent.dry_run, true);
  assert.equal(r.structuredContent.exit_status, 0);
  assert.ok(progress.length >= r.structuredContent.steps.length + 2,
    `a progress message per step and line: ${progress.length} for ${r.structuredContent.steps.length} steps, ${r.structuredContent.output.length} lines; errors: ${errors.join(" | ")}`);
  assert.ok(progress.some((p) => /^\[step 1\/\d+\]/.test(p.message)));
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].progress > progress[i - 1].progress);
  ok(`apply (dry run): ${progress.length} progress notifications, exit status 0`);
  r = await call(client, "apply", { target: "status", dry_run: false }, { onprogress: () => {} });
  assert.equal(r.structuredContent.ok, true);
  const log = readFileSync(env.GX_FAKE_LOG, "utf8");
  assert.match(log, /\tkubectl\t.*\tget\t/);
  ok("apply status (real run): the recording fake kubectl was called");

  // history and rollback: two real applies through the fakes keep revisions 1 and 2
  const calls = () => readFileSync(env.GX_FAKE_LOG, "utf8").split("\n").filter(Boolean).length;
  r = await call(client, "history");
  assert.deepEqual(r.structuredContent, { deployed: null, revisions: [] });
  r = await call(client, "apply", { dry_run: false });
  assert.equal(r.structuredContent.ok, true);
  r = await call(client, "set_values", { values: [{ path: "gateway/replica-count", value: 2 }] });
  assert.equal(r.isError, false);
  r = await call(client, "apply", { dry_run: false });
  assert.equal(r.structuredContent.ok, true);
  r = await call(client, "history", { diff: { from: 1, to: 2 } });
  assert.equal(r.structuredContent.deployed, 2);
  assert.deepEqual(r.structuredContent.revisions.map((x) => [x.revision, x.deployed]), [[1, false], [2, true]]);
  assert.match(r.structuredContent.diff.text, /^-  replicas: 3$/m);
  assert.match(r.structuredContent.diff.text, /^\+  replicas: 2$/m);
  ok("history: two real applies kept as revisions 1 and 2; the diff shows the replica change");
  const beforeDry = calls();
  const rbProgress = [];
  r = await call(client, "rollback", {}, { onprogress: (p) => rbProgress.push(p) });
  assert.equal(r.isError, false);
  assert.equal(r.structuredContent.revision, 1);
  assert.equal(r.structuredContent.dry_run, true);
  assert.equal(r.structuredContent.ok, true);
  assert.ok(rbProgress.some((p) => p.message === "rollback to revision 1: target 'default' of it"));
  assert.ok(rbProgress.some((p) => /^\[step 1\/\d+\]/.test(p.message)));
  assert.equal(calls(), beforeDry, "a dry rollback calls no fake");
  r = await call(client, "rollback", { revision: 1, dry_run: false }, { onprogress: () => {} });
  assert.equal(r.structuredContent.ok, true);
  assert.ok(calls() > beforeDry, "the real rollback called the fakes");
  assert.ok(readFileSync(env.GX_FAKE_LOG, "utf8").includes("/.glyphoxa-deploy/history/1\t"),
    "the rollback ran in revision 1's kept tree");
  r = await call(client, "history");
  assert.deepEqual(r.structuredContent.revisions.map((x) => [x.revision, x["rollback-of"], x.deployed]),
    [[1, null, false], [2, null, false], [3, 1, true]]);
  r = await call(client, "rollback", { revision: 9 });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /no revision 9/);
  ok(`rollback: a dry run with ${rbProgress.length} progress notifications, a real run kept as revision 3`);

  // destroy: refused without confirm (and with another namespace); no command runs
  const beforeDestroy = calls();
  r = await call(client, "apply", { target: "destroy", dry_run: false });
  assert.equal(r.isError, true);
  assert.equal(JSON.parse(r.content[0].text).diagnostics.at(-1).rule, "not-confirmed");
  r = await call(client, "apply", { target: "destroy", dry_run: false, confirm: "not-this-one" });
  assert.equal(r.isError, true);
  assert.equal(JSON.parse(r.content[0].text).diagnostics.at(-1).rule, "not-confirmed");
  assert.equal(calls(), beforeDestroy, "the refused destroys called no fake");
  assert.ok(existsSync(`${env.GX_WS}/.glyphoxa-deploy/deployed`), "the release is still deployed");
  ok("destroy without confirm (or with another namespace) is refused and runs no command");

  // resources and templates
  const { resources } = await client.listResources();
  assert.deepEqual(resources.map((x) => x.uri), ["glyphoxa://values", "glyphoxa://effective",
    "glyphoxa://validation", "glyphoxa://history", "glyphoxa://schema"]);
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.deepEqual(resourceTemplates.map((x) => x.uriTemplate), ["glyphoxa://generated/{file}", "glyphoxa://scripts/{target}"]);
  for (const uri of [
    ...resources.map((x) => x.uri),
    "glyphoxa://generated/gateway.yaml",
    "glyphoxa://generated/secrets.yaml",
    "glyphoxa://scripts/default",
  ]) {
    const res = await client.readResource({ uri });
    assert.equal(res.contents.length, 1);
    assert.equal(res.contents[0].uri, uri);
    assert.ok(res.contents[0].text.length > 0);
  }
  const effective = JSON.parse((await client.readResource({ uri: "glyphoxa://effective" })).contents[0].text);
  assert.equal(effective.values.find((v) => v.path === "gateway/admin-key").value, "<redacted>");
  const history = JSON.parse((await client.readResource({ uri: "glyphoxa://history" })).contents[0].text);
  assert.equal(history.deployed, 3);
  assert.equal(history.revisions.length, 3);
  // the JSON Schema: what `schema --json-schema` prints, and it judges values as the tool does
  const schemaRead = (await client.readResource({ uri: "glyphoxa://schema" })).contents[0];
  assert.equal(schemaRead.mimeType, "application/schema+json");
  const schema = JSON.parse(schemaRead.text);
  const cli = spawnSync(env.GX_BIN, ["schema", "--json-schema"], { encoding: "utf8" });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(schema, JSON.parse(cli.stdout), "glyphoxa://schema = schema --json-schema");
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  const judge = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  assert.ok(judge({ core: { environment: "dev" }, components: { postgresql: true } }), JSON.stringify(judge.errors));
  assert.ok(judge({ gateway: { "admin-key": "k".repeat(32) }, postgresql: { "postgres-password": "pw-12345" } }),
    JSON.stringify(judge.errors));
  assert.ok(!judge({ core: { environment: "staging-x" } }), "a choice that does not exist");
  assert.ok(!judge({ gateway: { "replica-count": 0 } }), "a replica count below 1");
  assert.ok(!judge({ nope: 1 }), "a key that is no path");
  await assert.rejects(client.readResource({ uri: "glyphoxa://generated/nope.yaml" }), /-32002|not found/i);
  ok("resources: list, templates, every read (the schema equals `schema --json-schema` and judges values); an unknown URI is an error");

  // prompts
  const { prompts } = await client.listPrompts();
  assert.deepEqual(prompts.map((p) => p.name), ["explore-workspace", "review-config", "setup-component", "plan-apply"]);
  for (const [name, args] of [
    ["explore-workspace", {}],
    ["review-config", {}],
    ["review-config", { path: "gateway" }],
    ["setup-component", { component: "postgresql" }],
    ["plan-apply", { target: "destroy" }],
  ]) {
    const p = await client.getPrompt({ name, arguments: args });
    assert.equal(p.messages[0].role, "user");
    assert.ok(p.messages[0].content.text.length > 100);
  }
  await assert.rejects(client.getPrompt({ name: "plan-apply", arguments: { target: "nope" } }), /-32602|unknown target/);
  ok("prompts: list and every prompt; a wrong argument is -32602");

  // errors of the protocol
  await assert.rejects(client.callTool({ name: "nope", arguments: {} }), /-32602|Unknown tool/);
  await assert.rejects(client.callTool({ name: "validate", arguments: { extra: 1 } }), /-32602|Invalid arguments/);
  ok("an unknown tool and wrong arguments are -32602");
  // The SDK handles the notifications of one read after its responses; the
  // server writes an answer only once the progress before it was read (at most
  // 200 ms later), so none should come late. Late progress is the only error
  // allowed (a loaded machine can pass the 200 ms), and it is reported.
  const late = errors.filter((e) => e.includes("progress notification for an unknown token"));
  assert.deepEqual(errors.filter((e) => !late.includes(e)), [], "no transport or protocol error so far");
  if (late.length) console.log(`# ${late.length} progress notification(s) handled by the SDK after their answer`);
  await client.close();

  // cancellation: a target that hangs; cancelling kills its process group
  const hang = await connect(env.GX_WS_HANG, env.GX_FAKE_LOG_HANG, { GX_FAKE_HANG_ON: "1" });
  const ac = new AbortController();
  const hangFile = `${env.GX_FAKE_LOG_HANG}.hang.1`;
  let pids = null;
  const started = hang.client.callTool({ name: "apply", arguments: { dry_run: false } }, undefined, {
    signal: ac.signal,
    onprogress: async (p) => {
      if (!p.message.includes("hangs (GX_FAKE_HANG_ON)") || pids) return;
      for (let i = 0; i < 200 && !existsSync(hangFile); i++) await sleep(25);
      for (let i = 0; i < 200 && readFileSync(hangFile, "utf8").trim() === ""; i++) await sleep(25);
      pids = readFileSync(hangFile, "utf8").trim().split(/\s+/).map(Number);
      ac.abort("the operator changed their mind");
    },
  });
  await assert.rejects(started, /abort|cancel|changed their mind/i);
  assert.ok(pids && pids.length === 2, "the fake wrote its pids");
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 200 && pids.some(alive); i++) await sleep(50);
  assert.ok(!pids.some(alive), `the target's processes ${pids} are gone`);
  ok(`cancel: notifications/cancelled killed the target's process group (${pids.join(", ")})`);
  // the server answers (2025-11-25) that the call was cancelled; the SDK drops it
  for (let i = 0; i < 100 && !hang.errors.some((e) => e.includes("unknown message ID")); i++) await sleep(50);
  const answer = hang.errors.find((e) => e.includes("unknown message ID")) ?? "";
  assert.match(answer, /was cancelled; its process group was killed/);
  ok("the late answer says the target was cancelled");
  r = await call(hang.client, "validate");
  assert.equal(r.structuredContent.valid, true);
  ok("the server goes on after the cancellation");
  await hang.client.close();
  console.log(`${checks} checks passed`);
}

main().catch((e) => {
  console.error(`not ok - ${e?.stack ?? e}`);
  process.exit(1);
});
