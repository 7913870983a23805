#!/usr/bin/env node
// Parse-back check of rendered manifests against the pod requirements, independent of the C
// code that rendered them: reads the case's values.yaml and its generated/
// tree and checks the pod requirements (args, config volume, security
// contexts, env, probes, scheduling, checksum), labels and selectors, Secret
// key references, the worker Job template, the RBAC rule, the NetworkPolicy
// ports, and that the application config reads back to the values that went
// in (hostile strings included).
//
// usage: node requirements.mjs [--no-secrets] VALUES.yaml GENERATED_DIR
// (--no-secrets: the tree was rendered by export --no-secrets, so R-secrets,
// the R-config Secret and the PostgreSQL password must be absent.)
// With sealed-secrets on and sealed-secrets/certificate set, the secrets are
// SealedSecrets of the same names (their keys are checked; tests/seal
// decrypts them), the PostgreSQL chart reads R-postgresql-auth, and no secret
// value (nor its base64) may appear in any file of the tree.
// Prints `ok DIR` or one `FAIL DIR: reason` line per problem; exit 1 on any.
// Uses the `yaml` package installed for tests/conformance (run its check.sh
// once first, which does `npm ci`).

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(new URL("../conformance/package.json", import.meta.url));
const YAML = require("yaml");

const args = process.argv.slice(2);
const noSecrets = args[0] === "--no-secrets";
if (noSecrets) args.shift();
const [valuesFile, dir] = args;
if (!valuesFile || !dir || args.length !== 2) {
  console.error("usage: node requirements.mjs [--no-secrets] VALUES.yaml GENERATED_DIR");
  process.exit(2);
}

const problems = [];
const fail = (msg) => problems.push(msg);
const check = (cond, msg) => {
  if (!cond) fail(msg);
  return cond;
};
const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- values (YAML 1.2 core: quoted strings stay strings) --------------------
const values = YAML.parse(readFileSync(valuesFile, "utf8"), { version: "1.2", schema: "core" }) ?? {};
const get = (path, dflt) => {
  let v = values;
  for (const seg of path.split("/")) {
    if (v === null || typeof v !== "object" || !(seg in v)) return dflt;
    v = v[seg];
  }
  return v;
};
const comp = (name, dflt) => (values.components && name in values.components ? values.components[name] : dflt);
const R = get("core/release-name", "glyphoxa");
const N = get("core/namespace", "glyphoxa");
const topology = get("core/topology", "shared");
const tag = String(get("core/image-tag", "0.1.0"));
const digest = String(get("core/image-digest", ""));
const mirror = String(get("core/registry-mirror", "")).replace(/\/+$/, "");
const pullSecrets = get("core/image-pull-secrets", []) ?? [];
// the version label: the tag before any '@', other characters than [A-Za-z0-9._-]
// as '-', at most 63, alphanumeric at both ends
const versionLabel = (() => {
  let v = tag.split("@")[0].replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 63);
  return v.replace(/[^A-Za-z0-9]+$/, "");
})();
// the image: the repository below the mirror (its path below its own registry),
// @digest or :tag
const image = (() => {
  let repo = String(get("core/image-repository", "ghcr.io/mrwong99/glyphoxa"));
  if (mirror && !(repo === mirror || repo.startsWith(mirror + "/"))) {
    const first = repo.split("/")[0];
    const hasRegistry = repo.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    const rest = hasRegistry ? repo.slice(first.length + 1) : repo.includes("/") ? repo : `library/${repo}`;
    repo = `${mirror}/${rest}`;
  }
  return digest ? `${repo}@${digest}` : `${repo}:${tag}`;
})();
// ports of a URL (its own, or the scheme's default), of a DSN (5432 by default)
const urlPort = (u) => {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d+))?/i.exec(u);
  if (!m) return 0;
  if (m[3]) return Number(m[3]);
  return { http: 80, https: 443, ws: 80, wss: 443, postgres: 5432, postgresql: 5432 }[m[1].toLowerCase()] ?? 0;
};
const tier = get("core/tier-scheduling", true);
const on = {
  mcp: comp("mcp-gateway", true),
  np: comp("network-policy", true),
  hpa: comp("autoscaling", false),
  pg: comp("postgresql", false),
};
// secrets sealed: every Secret is a SealedSecret
const sealed = !noSecrets && !!comp("sealed-secrets", false) && !!get("sealed-secrets/certificate", "");

// ---- rendered documents ---------------------------------------------------------
function load(file) {
  const path = join(dir, file);
  if (!existsSync(path)) return null;
  return YAML.parseAllDocuments(readFileSync(path, "utf8"), { version: "1.2", schema: "core" }).map((d) => d.toJS());
}
const files = {};
for (const f of ["namespace.yaml", "secrets.yaml", "config.yaml", "serviceaccount.yaml", "gateway.yaml",
  "gateway-pdb.yaml", "worker-job-template.yaml", "mcp-gateway.yaml", "networkpolicy.yaml", "hpa.yaml",
  "postgresql-auth.yaml"]) {
  files[f] = load(f);
}
const all = Object.entries(files).flatMap(([f, docs]) => (docs ?? []).map((d) => ({ f, d })));
const find = (kind, name) => all.find(({ d }) => d.kind === kind && d.metadata?.name === name)?.d;

// ---- which files exist --------------------------------------------------------
const replicas = get("gateway/replica-count", topology === "dedicated" ? 1 : 3);
const expectFiles = {
  "namespace.yaml": get("core/create-namespace", true),
  "secrets.yaml": !noSecrets,
  "config.yaml": true, // checked below: absent only with --no-secrets and credentials
  "serviceaccount.yaml": get("gateway/service-account/create", true),
  "gateway.yaml": true,
  "gateway-pdb.yaml": get("gateway/disruption-budget", true) && (replicas > 1 || on.hpa),
  "worker-job-template.yaml": true,
  "mcp-gateway.yaml": on.mcp,
  "networkpolicy.yaml": on.np,
  "hpa.yaml": on.hpa,
  "postgresql-auth.yaml": sealed && on.pg,
};
for (const [f, want] of Object.entries(expectFiles)) if (f !== "config.yaml") check(!!files[f] === !!want, `${f} ${want ? "missing" : "rendered but should not be"}`);
check(existsSync(join(dir, "infra/postgresql-values.yaml")) === !!on.pg, "infra/postgresql-values.yaml presence");
check(existsSync(join(dir, "infra/sealed-secrets-values.yaml")) === !!comp("sealed-secrets", false), "infra/sealed-secrets-values.yaml presence");

// ---- labels everywhere; selectors name+instance+component --------------------
const common = {
  "app.kubernetes.io/name": "glyphoxa",
  "app.kubernetes.io/instance": R,
  "app.kubernetes.io/part-of": "glyphoxa",
  "app.kubernetes.io/managed-by": "glyphoxa-deploy",
  "app.kubernetes.io/version": versionLabel,
};
const selector = (c) => ({ "app.kubernetes.io/component": c, "app.kubernetes.io/instance": R, "app.kubernetes.io/name": "glyphoxa" });
function checkLabels(where, labels, component) {
  for (const [k, v] of Object.entries(common)) check(labels?.[k] === v, `${where}: label ${k} is ${JSON.stringify(labels?.[k])}, want ${JSON.stringify(v)}`);
  if (component) check(labels?.["app.kubernetes.io/component"] === component, `${where}: component label ${labels?.["app.kubernetes.io/component"]}, want ${component}`);
}
const componentOf = (d) => {
  const n = d.metadata.name;
  if (n === `${R}-default-deny`) return null;
  if (n === `${R}-mcp-gateway`) return "mcp-gateway";
  if (n === `${R}-worker` || n === `${R}-worker-job-template`) return "worker";
  if (["Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceAccount", "Role", "RoleBinding"].includes(d.kind)) return "gateway";
  return null;
};
for (const { f, d } of all) {
  const where = `${f} ${d.kind}/${d.metadata?.name}`;
  checkLabels(where, d.metadata?.labels, componentOf(d));
  if (d.kind !== "Namespace") check(d.metadata?.namespace === N, `${where}: namespace ${d.metadata?.namespace}, want ${N}`);
}
const ns = find("Namespace", N);
if (files["namespace.yaml"] && check(ns, "Namespace N missing")) {
  for (const mode of ["enforce", "audit", "warn"]) check(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`] === "restricted", `Namespace: pod-security ${mode}`);
}

// ---- secrets and the application config ---------------------------------------
// A SealedSecret: the Secret its template makes has the same name, namespace and
// labels; its keys are those of spec.encryptedData.
function checkSealed(d, name) {
  const where = `SealedSecret ${name}`;
  check(d.apiVersion === "bitnami.com/v1alpha1", `${where}: apiVersion ${d.apiVersion}`);
  check(d.metadata?.annotations?.["sealedsecrets.bitnami.com/cluster-wide"] === undefined &&
    d.metadata?.annotations?.["sealedsecrets.bitnami.com/namespace-wide"] === undefined, `${where}: strict scope (no scope annotation)`);
  const t = d.spec?.template?.metadata ?? {};
  check(t.name === name && t.namespace === N, `${where}: template metadata ${t.namespace}/${t.name}`);
  checkLabels(`${where} template`, t.labels, null);
  check(d.spec?.template?.type === "Opaque" && d.spec?.data === undefined, `${where}: an Opaque Secret, no plain data`);
  return d.spec?.encryptedData ?? {};
}
const sealedSecret = sealed ? find("SealedSecret", `${R}-secrets`) : null;
if (sealed && files["secrets.yaml"]) check(sealedSecret && !find("Secret", `${R}-secrets`), "R-secrets is not a SealedSecret");
const secret = find("Secret", `${R}-secrets`);
const sealedKeys = sealedSecret ? Object.keys(checkSealed(sealedSecret, `${R}-secrets`)) : null;
const dsnValue = get("database/dsn", "");
const wantKeys = [];
if (get("gateway/admin-key", "")) wantKeys.push("admin-key");
if (dsnValue || on.pg) wantKeys.push("database-dsn");
if (get("vault/token", "")) wantKeys.push("vault-token");
// the keys the Secret has (or, with --no-secrets, will have when provided otherwise)
const secretKeys = new Set(noSecrets ? wantKeys : sealedKeys ?? Object.keys(secret?.data ?? {}));
check(eq([...secretKeys].sort(), wantKeys.sort()), `Secret keys ${[...secretKeys]} want ${wantKeys}`);
const b64 = (s) => Buffer.from(s, "base64").toString("utf8");
if (secret) {
  if (secretKeys.has("admin-key")) check(b64(secret.data["admin-key"]) === get("gateway/admin-key"), "admin-key does not read back");
  if (secretKeys.has("vault-token")) check(b64(secret.data["vault-token"]) === get("vault/token"), "vault-token does not read back");
  if (secretKeys.has("database-dsn")) {
    const dsn = b64(secret.data["database-dsn"]);
    if (dsnValue) check(dsn === dsnValue, "database-dsn does not read back");
    else {
      const u = new URL(dsn);
      check(u.protocol === "postgres:" && u.username === "postgres", `derived DSN ${dsn}`);
      check(decodeURIComponent(u.password) === get("postgresql/postgres-password"), "DSN password does not decode to postgresql/postgres-password");
      check(u.host === `${R}-postgresql.${N}.svc:5432`, `DSN host ${u.host}`);
      check(decodeURIComponent(u.pathname.slice(1)) === get("postgresql/database", "glyphoxa"), "DSN database");
      check(u.search === "?sslmode=disable", "DSN query");
    }
  }
}
const cfgDoc = find("ConfigMap", `${R}-config`) ?? find("Secret", `${R}-config`) ?? find("SealedSecret", `${R}-config`);
let configText = "";
const providerKinds = ["llm", "stt", "tts", "s2s", "embeddings", "vad", "audio"];
const credentials = providerKinds.some((k) => get(`config/providers/${k}/api-key`, "")) ||
  (get("config/mcp-servers", []) ?? []).some((s) => s.auth || (s.env && Object.keys(s.env).length));
if (noSecrets && credentials) {
  check(!cfgDoc && !files["config.yaml"], "--no-secrets: the R-config Secret holds credentials and must be left out");
} else if (noSecrets && cfgDoc?.kind === "Secret") {
  fail("--no-secrets: R-config rendered as a Secret");
} else if (cfgDoc?.kind === "SealedSecret") {
  check(sealed && credentials, `R-config is a SealedSecret (sealed: ${sealed}, credentials: ${credentials})`);
  check(eq(Object.keys(checkSealed(cfgDoc, `${R}-config`)), ["config.yaml"]), "R-config: the key config.yaml");
} else if (check(cfgDoc, "R-config missing")) {
  check(!(sealed && credentials), "R-config holds credentials and is not sealed");
  check((cfgDoc.kind === "Secret") === credentials, `R-config is a ${cfgDoc.kind} (credentials: ${credentials})`);
  configText = cfgDoc.kind === "Secret" ? b64(cfgDoc.data["config.yaml"]) : cfgDoc.data["config.yaml"];
  // YAML 1.1 and 1.2 readers must agree (Go's yaml.v2 and v3 both read it)
  const c = YAML.parse(configText, { version: "1.2", schema: "core" });
  check(eq(c, YAML.parse(configText, { version: "1.1", schema: "yaml-1.1" })), "config.yaml reads differently under YAML 1.1");
  const allowed = ["server", "providers", "npcs", "memory", "mcp", "campaign", "transcript"];
  check(Object.keys(c).every((k) => allowed.includes(k)), `config.yaml keys ${Object.keys(c)}`);
  check(c.server?.listen_addr === `:${get("gateway/ports/admin", 8081)}`, "server.listen_addr");
  check(c.server?.observe_addr === `:${get("gateway/ports/observe", 9090)}`, "server.observe_addr");
  check(c.server?.log_level === get("config/server/log-level", "info"), "server.log_level");
  check(c.memory?.embedding_dimensions === get("config/memory/embedding-dimensions", 1536), "memory.embedding_dimensions");
  for (const k of ["name", "system"]) {
    const v = get(`config/campaign/${k}`, "");
    check(v ? c.campaign?.[k] === v : c.campaign?.[k] === undefined, `campaign.${k}`);
  }
  check(get("config/transcript/llm-correction", false) ? c.transcript?.llm_correction === true : c.transcript === undefined, "transcript");
  for (const kind of providerKinds) {
    const p = get(`config/providers/${kind}`, {}) ?? {};
    const set = Object.entries(p).filter(([, v]) => v !== "" && v !== null && !(typeof v === "object" && Object.keys(v).length === 0));
    if (!set.length) {
      check(c.providers?.[kind] === undefined, `providers.${kind} rendered but nothing is set`);
      continue;
    }
    const want = Object.fromEntries(set.map(([k, v]) => [k.replace("-", "_"), v]));
    check(eq(c.providers?.[kind], want), `providers.${kind}: ${JSON.stringify(c.providers?.[kind])} want ${JSON.stringify(want)}`);
  }
  const npcs = get("config/npcs", []) ?? [];
  check(npcs.length ? eq(c.npcs, npcs) : c.npcs === undefined, "npcs do not read back");
  const servers = get("config/mcp-servers", []) ?? [];
  check(servers.length ? eq(c.mcp?.servers, servers) : c.mcp === undefined, "mcp.servers do not read back");
}
// the value at a dotted key path of the chart values the user gave (undefined: not given)
const userValue = (path, keys) => keys.split(".").reduce((v, k) => (v && typeof v === "object" ? v[k] : undefined), get(path, {}) ?? {});
const want = (path, keys, tool) => (userValue(path, keys) !== undefined ? userValue(path, keys) : tool);
if (on.pg) {
  const pgv = YAML.parse(readFileSync(join(dir, "infra/postgresql-values.yaml"), "utf8"), { version: "1.2", schema: "core" });
  const P = "postgresql/values";
  if (sealed) {
    check(pgv.auth.postgresPassword === undefined && pgv.auth.existingSecret === `${R}-postgresql-auth` &&
      pgv.auth.secretKeys?.adminPasswordKey === "postgres-password", "postgresql values: the password from R-postgresql-auth");
    const auth = find("SealedSecret", `${R}-postgresql-auth`);
    if (check(auth, "R-postgresql-auth missing")) check(eq(Object.keys(checkSealed(auth, `${R}-postgresql-auth`)), ["postgres-password"]), "R-postgresql-auth: the key postgres-password");
  } else
  check(noSecrets ? pgv.auth.postgresPassword === undefined : pgv.auth.postgresPassword === want(P, "auth.postgresPassword", get("postgresql/postgres-password")), "postgresql values: auth.postgresPassword");
  check(pgv.auth.database === want(P, "auth.database", get("postgresql/database", "glyphoxa")) && pgv.fullnameOverride === want(P, "fullnameOverride", `${R}-postgresql`), "postgresql values: database / fullnameOverride");
  check(String(pgv.primary.persistence.size) === String(want(P, "primary.persistence.size", get("postgresql/persistence-size", "10Gi"))), "postgresql values: persistence size");
  const reg = get("postgresql/image-registry", "") || mirror;
  check(pgv.global?.imageRegistry === want(P, "global.imageRegistry", reg || undefined), "postgresql values: global.imageRegistry");
  check(eq(pgv.global?.imagePullSecrets, want(P, "global.imagePullSecrets", pullSecrets.length ? pullSecrets : undefined)), "postgresql values: global.imagePullSecrets");
  for (const [k, v] of Object.entries(get(P, {}) ?? {})) if (!["auth", "primary", "global", "fullnameOverride"].includes(k)) check(eq(pgv[k], v), `postgresql values: ${k} from postgresql/values`);
  const np = pgv.primary.networkPolicy;
  if (on.np) {
    check(np?.enabled === true && np.allowExternal === false && np.allowExternalEgress === false, "postgresql values: the chart's NetworkPolicy closed");
    const from = np?.extraIngress?.[0]?.from ?? [];
    check(np?.extraIngress?.[0]?.ports?.[0]?.port === 5432 && eq(from.map((f) => f.podSelector.matchLabels), [selector("gateway"), selector("worker")]), "postgresql values: PostgreSQL admits the gateway and the workers");
  } else check(np === undefined, "postgresql values: no networkPolicy without the network-policy component");
}
if (comp("sealed-secrets", false)) {
  const ssv = YAML.parse(readFileSync(join(dir, "infra/sealed-secrets-values.yaml"), "utf8"), { version: "1.2", schema: "core" });
  const S = "sealed-secrets/values";
  check(ssv.fullnameOverride === want(S, "fullnameOverride", "sealed-secrets-controller"), "sealed-secrets values: fullnameOverride");
  check(ssv.image?.registry === want(S, "image.registry", mirror || undefined), "sealed-secrets values: image.registry is the mirror");
  check(eq(ssv.image?.pullSecrets, want(S, "image.pullSecrets", pullSecrets.length ? pullSecrets : undefined)), "sealed-secrets values: image.pullSecrets");
}
const checksum = createHash("sha256").update(configText, "utf8").digest("hex");

// ---- sealed: no secret in clear anywhere -----------------------------------------
if (sealed) {
  const secretsIn = (v) => (typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(secretsIn) : []);
  const secretValues = [
    get("gateway/admin-key", ""), get("database/dsn", ""), get("postgresql/postgres-password", ""), get("vault/token", ""),
    ...providerKinds.map((k) => get(`config/providers/${k}/api-key`, "")),
    ...(get("config/mcp-servers", []) ?? []).flatMap((s) => [...secretsIn(s.auth), ...secretsIn(s.env)]),
  ].filter((v) => typeof v === "string" && v.length >= 8);
  const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  for (const file of walk(dir)) {
    const text = readFileSync(file, "latin1");
    for (const v of secretValues) {
      const forms = [v, Buffer.from(v, "utf8").toString("base64"), encodeURIComponent(v)];
      check(!forms.some((f) => text.includes(f)), `${file} holds a secret value (in clear, base64 or percent-encoded)`);
    }
  }
}

// ---- pods -----------------------------------------------------------------------
function checkPod(where, podTemplate, mode, extra) {
  const spec = podTemplate.spec;
  checkLabels(`${where} pod`, podTemplate.metadata?.labels, mode);
  if (configText) check(podTemplate.metadata?.annotations?.["checksum/config"] === checksum, `${where}: checksum/config is not the SHA-256 of the rendered config`);
  else check(/^[0-9a-f]{64}$/.test(podTemplate.metadata?.annotations?.["checksum/config"] ?? ""), `${where}: checksum/config annotation`);
  const sc = spec.securityContext ?? {};
  check(sc.runAsNonRoot === true && sc.seccompProfile?.type === "RuntimeDefault", `${where}: pod security context`);
  check(sc.runAsUser === get("core/run-as-user", 65532) && sc.runAsGroup === get("core/run-as-group", 65532) && sc.fsGroup === get("core/fs-group", 65532), `${where}: run-as ids`);
  check(eq((spec.imagePullSecrets ?? []).map((s) => s.name), pullSecrets), `${where}: imagePullSecrets`);
  if (mode !== "gateway") check(spec.automountServiceAccountToken === false, `${where}: automountServiceAccountToken must be false`);
  const vol = (spec.volumes ?? []).find((v) => v.name === "config");
  check(vol && (vol.configMap?.name === `${R}-config` || vol.secret?.secretName === `${R}-config`), `${where}: config volume from R-config`);
  check(vol && (vol.secret ? credentials : !credentials), `${where}: config volume kind matches R-config`);
  check(spec.containers?.length === 1, `${where}: one container`);
  const c = spec.containers[0];
  check(c.image === image, `${where}: image ${c.image}, want ${image}`);
  check(c.workingDir === "/var/lib/glyphoxa", `${where}: workingDir`);
  for (const [name, at, limit] of [["tmp", "/tmp", "128Mi"], ["data", "/var/lib/glyphoxa", "64Mi"]]) {
    const v = (spec.volumes ?? []).find((x) => x.name === name);
    check(v?.emptyDir?.sizeLimit === limit, `${where}: emptyDir ${name} with sizeLimit ${limit}`);
    check((c.volumeMounts ?? []).some((m) => m.name === name && m.mountPath === at && !m.readOnly), `${where}: ${name} writable at ${at}`);
  }
  check(c.imagePullPolicy === get("core/image-pull-policy", "IfNotPresent"), `${where}: pull policy`);
  check(eq(c.args, [`--mode=${mode}`, "--config=/etc/glyphoxa/config.yaml"]), `${where}: args ${c.args}`);
  const mount = (c.volumeMounts ?? []).find((m) => m.name === "config");
  check(mount?.mountPath === "/etc/glyphoxa" && mount?.readOnly === true, `${where}: config mounted read-only at /etc/glyphoxa`);
  const csc = c.securityContext ?? {};
  check(csc.allowPrivilegeEscalation === false && csc.readOnlyRootFilesystem === true && eq(csc.capabilities?.drop, ["ALL"]), `${where}: container security context`);
  check(c.startupProbe?.httpGet?.path === "/healthz" && c.startupProbe.httpGet.port === "observe" && c.startupProbe.failureThreshold === 30 && c.startupProbe.periodSeconds === 2, `${where}: startup probe`);
  if (mode !== "worker") {
    check(c.livenessProbe?.httpGet?.path === "/healthz" && c.livenessProbe.httpGet.port === "observe", `${where}: liveness probe`);
    check(c.readinessProbe?.httpGet?.path === "/readyz" && c.readinessProbe.httpGet.port === "observe", `${where}: readiness probe`);
  }
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref && ref.name === `${R}-secrets` && ref.optional !== true) check(secretKeys.has(ref.key), `${where}: ${e.name} refers to missing Secret key ${ref.key}`);
  }
  if (get("gateway/admin-key", "") || dsnValue || on.pg) {
    /* DSN always exists when the configuration validates */
    check(env.GLYPHOXA_DATABASE_DSN?.valueFrom?.secretKeyRef?.key === "database-dsn" || mode === "mcp-gateway", `${where}: GLYPHOXA_DATABASE_DSN via secretKeyRef`);
  }
  if (mode === "mcp-gateway") check(env.GLYPHOXA_DATABASE_DSN === undefined, `${where}: mcp-gateway gets no DSN`);
  const ports = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]));
  extra({ spec, c, env, ports });
}
function scheduling(where, spec, base, tolerationsPath) {
  const sel = { ...(tier ? { "glyphoxa.io/tier": topology } : {}), ...base };
  check(eq(Object.keys(spec.nodeSelector ?? {}).sort(), Object.keys(sel).sort()) && Object.entries(sel).every(([k, v]) => spec.nodeSelector[k] === v), `${where}: nodeSelector ${JSON.stringify(spec.nodeSelector)} want ${JSON.stringify(sel)}`);
  const tol = spec.tolerations ?? [];
  if (tier) check(tol.some((t) => t.key === "glyphoxa.io/tier" && t.value === topology && t.effect === "NoSchedule"), `${where}: tier toleration`);
  for (const t of get(tolerationsPath, []) ?? []) check(tol.some((x) => eq(x, t)), `${where}: toleration ${JSON.stringify(t)} missing`);
}

const gw = find("Deployment", `${R}-gateway`);
if (check(gw, "Deployment R-gateway missing")) {
  check(on.hpa ? gw.spec.replicas === undefined : gw.spec.replicas === replicas, "gateway replicas");
  check(eq(gw.spec.selector.matchLabels, selector("gateway")), "gateway selector");
  checkPod("gateway", gw.spec.template, "gateway", ({ spec, env, ports }) => {
    check(spec.serviceAccountName === get("gateway/service-account/name", `${R}-gateway`), "gateway serviceAccountName");
    check(env.GLYPHOXA_K8S_NAMESPACE?.valueFrom?.fieldRef?.fieldPath === "metadata.namespace", "GLYPHOXA_K8S_NAMESPACE fieldRef");
    check(env.GLYPHOXA_JOB_TEMPLATE_CM?.value === `${R}-worker-job-template`, "GLYPHOXA_JOB_TEMPLATE_CM");
    check(env.GLYPHOXA_GRPC_ADDR?.value === `:${get("gateway/ports/grpc", 50051)}`, "gateway GLYPHOXA_GRPC_ADDR");
    check(get("gateway/admin-key", "") ? env.GLYPHOXA_ADMIN_KEY?.valueFrom?.secretKeyRef?.key === "admin-key" : env.GLYPHOXA_ADMIN_KEY === undefined, "GLYPHOXA_ADMIN_KEY");
    const addr = get("vault/addr", "");
    check(addr ? env.VAULT_ADDR?.value === addr : env.VAULT_ADDR === undefined, "VAULT_ADDR");
    check(addr && get("vault/token", "") ? env.VAULT_TOKEN?.valueFrom?.secretKeyRef?.key === "vault-token" : env.VAULT_TOKEN === undefined, "VAULT_TOKEN");
    check(eq(ports, { admin: get("gateway/ports/admin", 8081), grpc: get("gateway/ports/grpc", 50051), observe: get("gateway/ports/observe", 9090) }), "gateway ports");
    const anti = get("gateway/pod-anti-affinity", topology !== "dedicated");
    const term = spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0];
    check(anti ? term?.weight === 100 && term.podAffinityTerm.topologyKey === "kubernetes.io/hostname" && eq(term.podAffinityTerm.labelSelector.matchLabels, selector("gateway")) : spec.affinity === undefined, "gateway anti-affinity");
    scheduling("gateway", spec, get("gateway/node-selector", {}) ?? {}, "gateway/tolerations");
  });
  const svc = find("Service", `${R}-gateway`);
  check(svc && svc.spec.type === "ClusterIP" && eq(svc.spec.selector, selector("gateway")) && eq(svc.spec.ports.map((p) => p.name), ["admin", "grpc", "observe"]), "Service R-gateway");
}

const jobCm = find("ConfigMap", `${R}-worker-job-template`);
if (check(jobCm, "ConfigMap R-worker-job-template missing")) {
  const text = jobCm.data["job-template.yaml"];
  const job = YAML.parse(text, { version: "1.2", schema: "core" });
  check(eq(job, YAML.parse(text, { version: "1.1", schema: "yaml-1.1" })), "job template reads differently under YAML 1.1");
  check(job.apiVersion === "batch/v1" && job.kind === "Job" && job.metadata.name === `${R}-worker-SESSION_ID`, "worker Job kind/name");
  checkLabels("worker Job", job.metadata.labels, "worker");
  check(job.metadata.namespace === N, "worker Job namespace");
  const s = job.spec;
  check(s.backoffLimit === 0, "worker Job backoffLimit 0 (a failed session is not retried)");
  check(s.parallelism === 1 && s.completions === 1 && s.activeDeadlineSeconds === get("worker/active-deadline-seconds", 14400) && s.ttlSecondsAfterFinished === get("worker/ttl-seconds-after-finished", 300) && s.template.spec.restartPolicy === "Never", "worker Job spec");
  checkPod("worker", s.template, "worker", ({ spec, c, env, ports }) => {
    check(ports.grpc === get("worker/ports/grpc", 50051), "worker container port named grpc");
    check(env.GLYPHOXA_GATEWAY_ADDR?.value === `${R}-gateway.${N}.svc:${get("gateway/ports/grpc", 50051)}`, "GLYPHOXA_GATEWAY_ADDR");
    check(env.GLYPHOXA_GRPC_ADDR?.value === `:${get("worker/ports/grpc", 50051)}`, "worker GLYPHOXA_GRPC_ADDR");
    check(on.mcp ? env.GLYPHOXA_MCP_GATEWAY_URL?.value === `http://${R}-mcp-gateway.${N}.svc:${get("mcp-gateway/ports/mcp", 8080)}/mcp` : env.GLYPHOXA_MCP_GATEWAY_URL === undefined, "GLYPHOXA_MCP_GATEWAY_URL");
    const profile = get("worker/resource-profile", "cloud");
    const defaults = { cloud: ["500m", "384Mi", "2", "768Mi"], "whisper-native": ["1", "1Gi", "4", "2Gi"], "local-llm": ["4", "4Gi", "8", "8Gi"] }[profile];
    const res = [get(`worker/profiles/${profile}/requests/cpu`, defaults[0]), get(`worker/profiles/${profile}/requests/memory`, defaults[1]), get(`worker/profiles/${profile}/limits/cpu`, defaults[2]), get(`worker/profiles/${profile}/limits/memory`, defaults[3])].map(String);
    check(eq([c.resources.requests.cpu, c.resources.requests.memory, c.resources.limits.cpu, c.resources.limits.memory].map(String), res), `worker resources ${JSON.stringify(c.resources)}`);
    const gpu = profile === "local-llm" && get("worker/gpu/enabled", true);
    const count = get("worker/gpu/count", 1);
    check(gpu && count > 0 ? String(c.resources.limits["nvidia.com/gpu"]) === String(count) : c.resources.limits["nvidia.com/gpu"] === undefined, "nvidia.com/gpu limit");
    const gpuSel = gpu ? (get("worker/gpu/node-selector", { "nvidia.com/gpu": "true" }) ?? {}) : {};
    scheduling("worker", spec, { ...gpuSel, ...(get("worker/node-selector", {}) ?? {}) }, "worker/tolerations");
    if (gpu) for (const t of get("worker/gpu/tolerations", [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]) ?? []) check(spec.tolerations.some((x) => eq(x, t)), "GPU toleration merged");
  });
}

if (on.mcp) {
  const mcp = find("Deployment", `${R}-mcp-gateway`);
  if (check(mcp, "Deployment R-mcp-gateway missing")) {
    check(mcp.spec.replicas === get("mcp-gateway/replica-count", 2) && eq(mcp.spec.selector.matchLabels, selector("mcp-gateway")), "mcp-gateway replicas/selector");
    checkPod("mcp-gateway", mcp.spec.template, "mcp-gateway", ({ env }) => {
      check(env.GLYPHOXA_MCP_ADDR?.value === `:${get("mcp-gateway/ports/mcp", 8080)}`, "GLYPHOXA_MCP_ADDR");
    });
    check(find("Service", `${R}-mcp-gateway`), "Service R-mcp-gateway missing");
  }
}

// ---- RBAC, PDB, HPA, NetworkPolicies --------------------------------------------
if (files["serviceaccount.yaml"]) {
  const role = find("Role", `${R}-job-manager`);
  const cmRule = role?.rules.find((r) => r.resources.includes("configmaps"));
  check(cmRule && eq(cmRule.resourceNames, [`${R}-worker-job-template`]) && eq(cmRule.verbs, ["get"]), "Role: configmaps get limited to R-worker-job-template");
  const jobs = role?.rules.find((r) => r.resources.includes("jobs"));
  check(jobs && eq([...jobs.verbs].sort(), ["create", "delete", "get", "list", "watch"]), "Role: jobs verbs");
  const rb = find("RoleBinding", `${R}-job-manager`);
  check(rb && rb.subjects[0].name === get("gateway/service-account/name", `${R}-gateway`), "RoleBinding subject");
}
if (files["gateway-pdb.yaml"]) {
  const pdb = find("PodDisruptionBudget", `${R}-gateway`);
  check(pdb && pdb.spec.maxUnavailable === 1 && eq(pdb.spec.selector.matchLabels, selector("gateway")), "PDB");
}
if (on.hpa) {
  const hpa = find("HorizontalPodAutoscaler", `${R}-gateway`);
  check(hpa && hpa.apiVersion === "autoscaling/v2" && hpa.spec.scaleTargetRef.name === `${R}-gateway` && hpa.spec.minReplicas === get("autoscaling/min-replicas", 2) && hpa.spec.maxReplicas === get("autoscaling/max-replicas", 10) && hpa.spec.metrics[0].resource.target.averageUtilization === get("autoscaling/target-cpu", 70), "HPA");
}
if (on.np) {
  const egressPorts = (np) => np.spec.egress.flatMap((r) => (r.ports ?? []).map((p) => `${p.protocol}/${p.port ?? "*"}`));
  const ingressPorts = (np) => np.spec.ingress.flatMap((r) => (r.ports ?? []).map((p) => `${p.protocol}/${p.port}`));
  const deny = find("NetworkPolicy", `${R}-default-deny`);
  check(deny && eq(deny.spec.podSelector, {}) && eq(deny.spec.policyTypes, ["Ingress", "Egress"]) && !deny.spec.ingress && !deny.spec.egress, "NetworkPolicy R-default-deny: everything in the namespace denied");
  // what the values name, by pod
  const dsn = String(get("database/dsn", ""));
  const dbPorts = dsn ? (/^postgres(ql)?:\/\//.test(dsn) ? [urlPort(dsn) || 5432] : [Number((/port=(\d+)/.exec(dsn) ?? [0, 5432])[1])]) : on.pg ? [5432] : [];
  const vaultPort = get("vault/addr", "") ? urlPort(String(get("vault/addr"))) : 0;
  const providerPorts = ["llm", "stt", "tts", "s2s", "embeddings", "vad", "audio"].map((k) => get(`config/providers/${k}/base-url`, "")).filter((u) => u).map((u) => urlPort(String(u))).filter((p) => p);
  const mcpPorts = (get("config/mcp-servers", []) ?? []).filter((m) => m.transport === "streamable-http" && m.url).map((m) => urlPort(String(m.url))).filter((p) => p);
  const extra = get("network-policy/extra-egress", []) ?? [];
  const from = (() => {
    const peers = (get("network-policy/metrics-from", []) ?? []).map((e) => {
      const p = {};
      if (e["namespace-selector"]) p.namespaceSelector = Object.keys(e["namespace-selector"]).length ? { matchLabels: e["namespace-selector"] } : {};
      if (e["pod-selector"]) p.podSelector = Object.keys(e["pod-selector"]).length ? { matchLabels: e["pod-selector"] } : {};
      return p;
    });
    return peers.length ? peers : [{ podSelector: {} }];
  })();
  const checkCommon = (name, np, observe) => {
    const obs = np.spec.ingress.find((r) => (r.ports ?? []).some((p) => p.port === observe));
    check(obs && eq(obs.from, from), `${name}: observe port open to network-policy/metrics-from only (${JSON.stringify(obs?.from)})`);
    for (const e of extra) {
      const rule = np.spec.egress.find((r) => r.to?.[0]?.ipBlock?.cidr === e.cidr);
      check(rule && eq((rule.ports ?? []).map((p) => p.port), e.ports ?? (e.protocol ? [undefined] : [])), `${name}: extra egress to ${e.cidr}`);
    }
  };
  const gnp = find("NetworkPolicy", `${R}-gateway`);
  if (check(gnp, "NetworkPolicy R-gateway missing")) {
    const e = egressPorts(gnp);
    for (const p of ["UDP/53", "TCP/53", "TCP/443", `TCP/${get("network-policy/api-server-port", 6443)}`, `TCP/${get("worker/ports/grpc", 50051)}`, ...dbPorts.map((p) => `TCP/${p}`), ...(vaultPort ? [`TCP/${vaultPort}`] : [])]) check(e.includes(p), `gateway egress ${p}`);
    for (const p of providerPorts) if (![...dbPorts, 443, vaultPort, get("network-policy/api-server-port", 6443)].includes(p)) check(!e.includes(`TCP/${p}`), `gateway egress ${p}: only the workers use provider endpoints`);
    const i = ingressPorts(gnp);
    for (const p of ["admin", "grpc", "observe"]) check(i.includes(`TCP/${get(`gateway/ports/${p}`, { admin: 8081, grpc: 50051, observe: 9090 }[p])}`), `gateway ingress ${p}`);
    checkCommon("gateway", gnp, get("gateway/ports/observe", 9090));
  }
  const wnp = find("NetworkPolicy", `${R}-worker`);
  if (check(wnp, "NetworkPolicy R-worker missing")) {
    const e = egressPorts(wnp);
    for (const p of ["UDP/53", "TCP/53", "TCP/443", `TCP/${get("gateway/ports/grpc", 50051)}`, ...dbPorts.map((p) => `TCP/${p}`), ...providerPorts.map((p) => `TCP/${p}`), ...mcpPorts.map((p) => `TCP/${p}`)]) check(e.includes(p), `worker egress ${p}`);
    check(e.includes("UDP/*") === get("network-policy/allow-voice-udp", true), "worker UDP egress");
    check(e.includes(`TCP/${get("mcp-gateway/ports/mcp", 8080)}`) === (!!on.mcp || mcpPorts.includes(get("mcp-gateway/ports/mcp", 8080)) || providerPorts.includes(get("mcp-gateway/ports/mcp", 8080))), "worker egress to the mcp port");
    checkCommon("worker", wnp, get("worker/ports/observe", 9090));
  }
  const mnp = find("NetworkPolicy", `${R}-mcp-gateway`);
  check(!!mnp === !!on.mcp, "NetworkPolicy R-mcp-gateway presence");
  if (mnp) {
    const e = egressPorts(mnp);
    for (const p of ["UDP/53", "TCP/53", "TCP/443", ...mcpPorts.map((p) => `TCP/${p}`)]) check(e.includes(p), `mcp-gateway egress ${p}`);
    for (const p of dbPorts) if (p !== 443 && !mcpPorts.includes(p)) check(!e.includes(`TCP/${p}`), `mcp-gateway egress ${p}: the MCP gateway has no database`);
    checkCommon("mcp-gateway", mnp, get("mcp-gateway/ports/observe", 9090));
  }
}

if (problems.length) {
  for (const p of problems) console.log(`FAIL ${dir}: ${p}`);
  process.exit(1);
}
console.log(`ok ${dir}`);
