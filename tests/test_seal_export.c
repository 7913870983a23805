/* Tests of sealed secrets and the GitOps export end to end (issue #10): the real
 * binary (GX_BINARY) in a fresh mkdtemp workspace per test, certificates made
 * with openssl in the test (the private keys stay in the test's folder and go
 * with it), and the recording fakes of tests/fakes as kubectl and helm.
 *
 *   - export seals every Secret (R-secrets, R-config with credentials, the
 *     PostgreSQL password as R-postgresql-auth) into SealedSecrets, files that
 *     hold no secret get their usual modes, and no file of generated/ or
 *     scripts/ holds a secret value (in clear, base64 or percent-encoded);
 *   - the cache of sealed values (.glyphoxa-deploy/sealed-cache, 0600, no
 *     plaintext): the same values export to the same bytes, a changed value
 *     changes only its own ciphertext, a new certificate reseals everything;
 *   - rule V31 through the binary (a missing, unreadable or bogus certificate
 *     blocks and writes nothing; an expired one warns), --no-secrets;
 *   - the GitOps export: generated/kustomization.yaml and export --stdout list
 *     the manifests in apply order, the Namespace first;
 *   - apply from a sealed export (the controller's resource definition is
 *     checked, plain Secrets are handed over, the deploy is recorded as
 *     sealed; the next plain one removes the SealedSecrets, orphaning their
 *     Secrets) and apply infrastructure --fetch-certificate.
 * The ciphertexts themselves are decrypted by an independent implementation
 * in tests/seal/check.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "gx_test_fakes.h"
#include "gx_test_util.h"

#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gx_hash.h"
#include "gx_test_run.h"

#ifndef GX_BINARY
#error "GX_BINARY must name the glyphoxa-deploy executable"
#endif

/* Paths here are short (a /tmp folder and names below it); a truncated one
 * would fail the test, not pass it. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Distinctive secret values: none may show up in generated/, scripts/ or the cache. */
#define ADMIN_KEY "ADMINKEY-sealed-zq81-distinctive"
#define PG_PASS "PGPASS-sealed w8c1/%"
#define VAULT_TOKEN "VAULTTOKEN-sealed-m4p2"
#define API_KEY "APIKEY-sealed-llm-x93"
static const char *const secret_values[] = {ADMIN_KEY, PG_PASS, VAULT_TOKEN, API_KEY};
#define SECRET_COUNT (sizeof secret_values / sizeof *secret_values)

typedef struct fx {
    gx_test_dirs d; /* the test's folder: ws, bin (kubectl and helm wrappers), log */
} fx;

typedef struct result {
    int status;
    char *out, *err;
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

static bool contains(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i + n <= len; i++)
        if (!memcmp(data + i, needle, n))
            return true;
    return false;
}

static char *path_in(const fx *f, const char *rel)
{
    static char buf[4][PATH_MAX];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, PATH_MAX, "%s/%s", f->d.ws, rel);
    return p;
}

static char *ws_file(const fx *f, const char *rel, size_t *len)
{
    return gx_test_read_file(path_in(f, rel), len);
}

static mode_t ws_mode(const fx *f, const char *rel)
{
    struct stat st;
    if (stat(path_in(f, rel), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}

/* ---- the binary, openssl, the fakes ---------------------------------------------------- */

/* Runs GX_BINARY -C ws ARGS... with stdin (may be NULL) and extra environment
 * entries (NULL-terminated, may be NULL). */
static result run_in(fx *f, const char *in, const char *const *env, const char *const *args)
{
    const char *argv[48];
    size_t n = 0;
    argv[n++] = GX_BINARY;
    argv[n++] = "-C";
    argv[n++] = f->d.ws;
    for (size_t i = 0; args[i]; i++) {
        assert_true(n < 46);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    char home[PATH_MAX];
    snprintf(home, sizeof home, "HOME=%s", f->d.dir);
    const char *envp[16] = {f->d.path_env, home, "NO_COLOR=1", "LANG=C", NULL};
    for (size_t i = 4, j = 0; env && env[j] && i < 15; i++, j++)
        envp[i] = env[j], envp[i + 1] = NULL;
    gx_test_run_opts o = {0};
    o.cwd = f->d.dir;
    o.env = envp;
    o.in = in;
    o.in_len = in ? strlen(in) : 0;
    gx_test_run_result r;
    assert_true(gx_test_run(argv, &o, &r));
    assert_false(r.timed_out);
    result res = {r.status, r.out, r.err};
    r.out = r.err = NULL;
    gx_test_run_free(&r);
    return res;
}

#define RUN(f, ...) run_in((f), NULL, NULL, (const char *const[]){__VA_ARGS__, NULL})
#define RUN_ENV(f, env, ...) run_in((f), NULL, (env), (const char *const[]){__VA_ARGS__, NULL})

/* Runs the tool and asserts it succeeds. */
#define MUST(f, ...)                                                                           \
    do {                                                                                       \
        result r_ = RUN(f, __VA_ARGS__);                                                       \
        if (r_.status != 0)                                                                    \
            fail_msg("glyphoxa-deploy exited %d:\n%s%s", r_.status, r_.out, r_.err);           \
        result_free(&r_);                                                                      \
    } while (0)

/* Sets PATH to the secret given on stdin (set PATH -). */
static void set_secret(fx *f, const char *path, const char *value)
{
    result r = run_in(f, value, NULL, (const char *const[]){"set", path, "-", NULL});
    if (r.status != 0)
        fail_msg("set %s - exited %d: %s", path, r.status, r.err);
    result_free(&r);
}

/* openssl ARGS... in f->d.dir; asserts it succeeds. */
static void openssl(fx *f, const char *const *args)
{
    const char *argv[24] = {"openssl"};
    size_t n = 1;
    for (size_t i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    gx_test_run_opts o = {0};
    o.cwd = f->d.dir;
    o.search_path = true;
    gx_test_run_result r;
    assert_true(gx_test_run(argv, &o, &r));
    if (r.status != 0)
        fail_msg("openssl %s exited %d: %s", args[0], r.status, r.err);
    gx_test_run_free(&r);
}

/* Makes a 2048-bit key and a self-signed certificate, as the controller has:
 * f->d.dir/NAME-key.pem and f->d.dir/NAME.pem. */
static void make_cert(fx *f, const char *name)
{
    char key[PATH_MAX], cert[PATH_MAX];
    snprintf(key, sizeof key, "%s/%s-key.pem", f->d.dir, name);
    snprintf(cert, sizeof cert, "%s/%s.pem", f->d.dir, name);
    openssl(f, (const char *const[]){"genpkey", "-algorithm", "RSA", "-pkeyopt",
                                     "rsa_keygen_bits:2048", "-out", key, NULL});
    openssl(f, (const char *const[]){"req", "-x509", "-new", "-key", key, "-sha256", "-days",
                                     "3650", "-subj", "/O=sealed-secret/CN=sealed-secret",
                                     "-out", cert, NULL});
}

/* Copies f->d.dir/NAME.pem into the workspace as REL. */
static void put_cert(fx *f, const char *name, const char *rel)
{
    char src[PATH_MAX];
    snprintf(src, sizeof src, "%s/%s.pem", f->d.dir, name);
    size_t len;
    char *pem = gx_test_read_file(src, &len);
    assert_non_null(pem);
    gx_test_write_file(path_in(f, rel), pem, len, 0644);
    free(pem);
}

/* bin/kubectl and bin/helm: run the recording fakes with GX_FAKE_LOG. kubectl
 * answers like a cluster with the Sealed Secrets controller when crd is set
 * (its resource definition exists), prints Secret NAME for `get secret NAME`
 * when secret_exists, the name of the controller Service's port, and the file
 * served (the certificate: f->d.dir/served.pem) for `get --raw`. */
static void write_wrappers(fx *f, bool crd, bool secret_exists)
{
    char path[PATH_MAX], text[4096];
    snprintf(path, sizeof path, "%s/kubectl", f->d.bin);
    snprintf(text, sizeof text,
             "#!/bin/bash\n"
             "export GX_FAKE_LOG='%s'\n"
             "case \" $* \" in\n"
             "*' customresourcedefinition sealedsecrets.bitnami.com '*)\n"
             "    %s ;;\n"
             "*' get secret '*)\n"
             "    %s ;;\n"
             "*' get service sealed-secrets-controller '*)\n"
             "    export GX_FAKE_STDOUT_KUBECTL_GET=http ;;\n"
             "*' --raw '*)\n"
             "    GX_FAKE_STDOUT_KUBECTL_GET=$(cat '%s/served.pem'); export GX_FAKE_STDOUT_KUBECTL_GET ;;\n"
             "esac\n"
             "exec '%s/tests/fakes/kubectl' \"$@\"\n",
             f->d.log,
             crd ? "export GX_FAKE_STDOUT_KUBECTL_GET="
                   "customresourcedefinition.apiextensions.k8s.io/sealedsecrets.bitnami.com"
                 : ":",
             secret_exists ? "export GX_FAKE_STDOUT_KUBECTL_GET=secret/$3" : ":", f->d.dir,
             gx_test_source_dir());
    gx_test_write_file(path, text, strlen(text), 0755);
    gx_test_write_fake_wrapper(&f->d, "helm", NULL);
}

/* The recorded calls, each as "TOOL ARG ARG..." on a line of its own (the
 * log's fields N, TOOL, CWD, STDIN, ARGS... without N, CWD and STDIN); "" when
 * there were none. Forgets them. */
static char *take_calls(fx *f)
{
    size_t len;
    char *log = gx_test_read_file(f->d.log, &len);
    gx_buf out = GX_BUF_INIT;
    for (char *line = log; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        int field = 0;
        for (char *tok = line, *tab;; tok = tab + 1) {
            tab = strchr(tok, '\t');
            size_t n = tab ? (size_t)(tab - tok) : strlen(tok);
            if (field == 1 || field >= 4) {
                if (field >= 4)
                    gx_buf_putc(&out, ' ');
                gx_buf_put(&out, tok, n);
            }
            field++;
            if (!tab)
                break;
        }
        gx_buf_putc(&out, '\n');
        line = nl ? nl + 1 : NULL;
    }
    gx_buf_putc(&out, '\0');
    free(log);
    char counter[PATH_MAX + 8];
    snprintf(counter, sizeof counter, "%s.count", f->d.log);
    unlink(f->d.log);
    unlink(counter);
    return out.data;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    gx_test_dirs_make(&f->d, "/tmp/gx-seal-export-XXXXXX");
    write_wrappers(f, true, false);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    gx_test_remove_tree(f->d.dir);
    free(f);
    return 0;
}

/* A workspace with every kind of secret: the admin key, the bundled
 * PostgreSQL's password (so a derived DSN), a Vault token and a provider API
 * key (the application config holds credentials), sealed-secrets on. With
 * cert, the controller's certificate "cert" is in place as cert.pem. */
static void init_sealed(fx *f, bool cert)
{
    MUST(f, "init", "--with-postgresql");
    set_secret(f, "gateway/admin-key", ADMIN_KEY);
    set_secret(f, "postgresql/postgres-password", PG_PASS);
    set_secret(f, "vault/token", VAULT_TOKEN);
    set_secret(f, "config/providers/llm/api-key", API_KEY);
    MUST(f, "set", "vault/addr=https://vault.example.internal:8200",
         "config/providers/llm/name=openai");
    MUST(f, "component", "enable", "sealed-secrets");
    if (cert) {
        make_cert(f, "cert");
        put_cert(f, "cert", "cert.pem");
        MUST(f, "set", "sealed-secrets/certificate=cert.pem");
    }
}

/* Asserts that no file below the workspace's generated/ and scripts/ (nor the
 * cache of sealed values) holds a secret value in clear, base64 or
 * percent-encoded. */
static void assert_no_plaintext_in(fx *f, const char *top)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", f->d.ws, top);
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char rel[PATH_MAX];
        snprintf(rel, sizeof rel, "%s/%s", top, e->d_name);
        struct stat st;
        assert_int_equal(stat(path_in(f, rel), &st), 0);
        if (S_ISDIR(st.st_mode)) {
            assert_no_plaintext_in(f, rel);
            continue;
        }
        size_t len;
        char *text = ws_file(f, rel, &len);
        assert_non_null(text);
        for (size_t i = 0; i < SECRET_COUNT; i++) {
            gx_buf b64 = GX_BUF_INIT;
            gx_base64_encode(&b64, secret_values[i], strlen(secret_values[i]));
            gx_buf_putc(&b64, '\0');
            if (contains(text, len, secret_values[i]) || contains(text, len, b64.data))
                fail_msg("%s holds the secret %s", rel, secret_values[i]);
            gx_buf_free(&b64);
        }
        /* the DSN's percent-encoded password */
        assert_false(contains(text, len, "PGPASS-sealed%20w8c1%2F%25"));
        free(text);
    }
    closedir(d);
}

/* ---- export seals every Secret ------------------------------------------------------ */

static void test_export_seals_every_secret(void **state)
{
    fx *f = *state;
    init_sealed(f, true);
    result r = RUN(f, "export");
    assert_int_equal(r.status, 0);
    result_free(&r);

    /* every Secret is a SealedSecret of the same name, strict scope */
    static const struct {
        const char *file, *name, *keys[3];
    } want[] = {
        {"generated/secrets.yaml", "glyphoxa-secrets", {"admin-key:", "database-dsn:", "vault-token:"}},
        {"generated/config.yaml", "glyphoxa-config", {"config.yaml:", NULL, NULL}},
        {"generated/postgresql-auth.yaml", "glyphoxa-postgresql-auth", {"postgres-password:", NULL, NULL}},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        size_t len;
        char *text = ws_file(f, want[i].file, &len);
        assert_non_null(text);
        assert_true(contains(text, len, "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"));
        assert_false(contains(text, len, "kind: Secret\n"));
        assert_false(contains(text, len, "sealedsecrets.bitnami.com/"));   /* no scope annotation */
        assert_true(contains(text, len, "  encryptedData:\n"));
        char name[128];
        snprintf(name, sizeof name, "  name: %s\n", want[i].name);
        assert_true(contains(text, len, name));
        snprintf(name, sizeof name, "      name: %s\n", want[i].name); /* spec.template */
        assert_true(contains(text, len, name));
        for (size_t k = 0; k < 3 && want[i].keys[k]; k++)
            assert_true(contains(text, len, want[i].keys[k]));
        /* no plaintext: the file is an ordinary one now */
        assert_int_equal(ws_mode(f, want[i].file), 0644 & ~(mode_t)022);
        free(text);
    }
    /* the chart reads its password from the unsealed Secret */
    size_t len;
    char *pg = ws_file(f, "generated/infra/postgresql-values.yaml", &len);
    assert_non_null(pg);
    assert_true(contains(pg, len, "existingSecret: glyphoxa-postgresql-auth\n"));
    assert_false(contains(pg, len, "postgresPassword"));
    free(pg);
    /* the pods keep reading the same Secret names */
    char *gw = ws_file(f, "generated/gateway.yaml", &len);
    assert_true(contains(gw, len, "name: glyphoxa-secrets\n"));
    assert_true(contains(gw, len, "secretName: glyphoxa-config\n"));
    free(gw);

    assert_no_plaintext_in(f, "generated");
    assert_no_plaintext_in(f, "scripts");
    /* the cache: owner-only, keys and ciphertexts only */
    assert_int_equal(ws_mode(f, ".glyphoxa-deploy/sealed-cache"), 0600);
    char *cache = ws_file(f, ".glyphoxa-deploy/sealed-cache", &len);
    assert_non_null(cache);
    for (size_t i = 0; i < SECRET_COUNT; i++)
        assert_false(contains(cache, len, secret_values[i]));
    assert_true(contains(cache, len, "\"salt\": \""));
    free(cache);
}

/* ---- the same values, the same bytes ---------------------------------------------------- */

/* The bytes of the files below generated/ that sealing concerns, each after
 * its name (a missing one says so). */
static char *tree_text(fx *f)
{
    static const char *const files[] = {
        "generated/secrets.yaml", "generated/config.yaml", "generated/postgresql-auth.yaml",
        "generated/gateway.yaml", "generated/kustomization.yaml",
        "generated/infra/postgresql-values.yaml", NULL};
    gx_buf b = GX_BUF_INIT;
    for (size_t i = 0; files[i]; i++) {
        size_t len;
        char *t = ws_file(f, files[i], &len);
        gx_buf_printf(&b, "== %s%s\n", files[i], t ? "" : " (none)");
        gx_buf_put(&b, t ? t : "", len);
        free(t);
    }
    gx_buf_putc(&b, '\0');
    return b.data;
}

/* The line of text that starts (after spaces) with key, malloc'd. */
static char *line_of(const char *text, const char *key)
{
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *s = p;
        while (*s == ' ')
            s++;
        if (!strncmp(s, key, strlen(key)))
            return strndup(p, n);
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

static void test_same_values_same_bytes(void **state)
{
    fx *f = *state;
    init_sealed(f, true);
    MUST(f, "export");
    char *first = tree_text(f);
    char *secrets1 = ws_file(f, "generated/secrets.yaml", NULL);
    char *config1 = ws_file(f, "generated/config.yaml", NULL);

    /* again: nothing changes, nothing is written */
    result r = RUN(f, "export");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "files: 0 changed"));
    result_free(&r);
    char *second = tree_text(f);
    assert_string_equal(first, second);
    free(second);

    /* one secret changed: only its ciphertext changes */
    set_secret(f, "gateway/admin-key", "ADMINKEY-sealed-another-one-1234");
    r = RUN(f, "export");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "files: 1 changed"));
    assert_non_null(strstr(r.out, "generated/secrets.yaml"));
    result_free(&r);
    char *secrets2 = ws_file(f, "generated/secrets.yaml", NULL);
    char *a1 = line_of(secrets1, "admin-key:"), *a2 = line_of(secrets2, "admin-key:");
    char *d1 = line_of(secrets1, "database-dsn:"), *d2 = line_of(secrets2, "database-dsn:");
    char *v1 = line_of(secrets1, "vault-token:"), *v2 = line_of(secrets2, "vault-token:");
    assert_string_not_equal(a1, a2);
    assert_string_equal(d1, d2);
    assert_string_equal(v1, v2);
    free(a1), free(a2), free(d1), free(d2), free(v1), free(v2);

    /* and back: the earlier ciphertext comes back from the cache */
    set_secret(f, "gateway/admin-key", ADMIN_KEY);
    MUST(f, "export");
    char *secrets3 = ws_file(f, "generated/secrets.yaml", NULL);
    assert_string_equal(secrets1, secrets3);
    free(secrets3);

    /* a value of the application config: only R-config changes */
    MUST(f, "set", "config/server/log-level=debug");
    MUST(f, "export");
    char *config2 = ws_file(f, "generated/config.yaml", NULL);
    char *secrets4 = ws_file(f, "generated/secrets.yaml", NULL);
    assert_string_not_equal(config1, config2);
    assert_string_equal(secrets1, secrets4);
    free(secrets4);

    /* another certificate (the controller's key was renewed): everything is sealed afresh */
    make_cert(f, "renewed");
    put_cert(f, "renewed", "cert.pem");
    MUST(f, "export");
    char *secrets5 = ws_file(f, "generated/secrets.yaml", NULL);
    char *config3 = ws_file(f, "generated/config.yaml", NULL);
    a1 = line_of(secrets1, "admin-key:"), a2 = line_of(secrets5, "admin-key:");
    d1 = line_of(secrets1, "database-dsn:"), d2 = line_of(secrets5, "database-dsn:");
    assert_string_not_equal(a1, a2);
    assert_string_not_equal(d1, d2);
    assert_string_not_equal(config2, config3);
    free(a1), free(a2), free(d1), free(d2);

    /* without the cache the values are sealed afresh: other bytes, same shape */
    assert_int_equal(unlink(path_in(f, ".glyphoxa-deploy/sealed-cache")), 0);
    MUST(f, "export");
    char *secrets6 = ws_file(f, "generated/secrets.yaml", NULL);
    assert_string_not_equal(secrets5, secrets6);
    assert_int_equal(strlen(secrets5), strlen(secrets6));
    assert_no_plaintext_in(f, "generated");

    free(first), free(secrets1), free(secrets2), free(secrets5), free(secrets6);
    free(config1), free(config2), free(config3);
}

/* ---- V31, no certificate, --no-secrets ------------------------------------------------- */

static void test_certificate_problems(void **state)
{
    fx *f = *state;
    init_sealed(f, false);

    /* on without a certificate: plain Secrets (owner-only), and the export says so */
    result r = RUN(f, "export");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "sealed-secrets/certificate is empty"));
    result_free(&r);
    size_t len;
    char *text = ws_file(f, "generated/secrets.yaml", &len);
    assert_true(contains(text, len, "kind: Secret\n"));
    free(text);
    assert_int_equal(ws_mode(f, "generated/secrets.yaml"), 0600);
    assert_false(gx_test_read_file(path_in(f, "generated/postgresql-auth.yaml"), NULL));
    char *before = tree_text(f);

    /* a certificate that is not there, cannot be read or is none: blocking, nothing written */
    static const char bogus[] = "-----BEGIN CERTIFICATE-----\nnot base64\n"
                                "-----END CERTIFICATE-----\n";
    gx_test_write_file(path_in(f, "bogus.pem"), bogus, strlen(bogus), 0644);
    assert_int_equal(mkdir(path_in(f, "adir.pem"), 0755), 0);
    static const struct {
        const char *value, *says;
    } bad[] = {
        {"missing.pem", "\"missing.pem\" does not exist"},
        {"adir.pem", "\"adir.pem\" cannot be read"},
        {"bogus.pem", "\"bogus.pem\" holds no usable certificate"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char set[128];
        snprintf(set, sizeof set, "sealed-secrets/certificate=%s", bad[i].value);
        MUST(f, "set", set);
        r = RUN(f, "export");
        assert_int_equal(r.status, 1);
        if (!strstr(r.out, "V31") && !strstr(r.err, "V31"))
            fail_msg("no V31 for %s:\n%s%s", bad[i].value, r.out, r.err);
        if (!strstr(r.out, bad[i].says) && !strstr(r.err, bad[i].says))
            fail_msg("V31 for %s does not say '%s':\n%s%s", bad[i].value, bad[i].says, r.out,
                     r.err);
        result_free(&r);
        char *now = tree_text(f);
        assert_string_equal(before, now); /* the previous export stands */
        free(now);
        r = RUN(f, "validate", "--json");
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.out, "\"rule\": \"V31\""));
        result_free(&r);
    }
    free(before);

    /* an expired one warns (kubeseal would refuse it), and it seals all the same */
    char expired[PATH_MAX];
    snprintf(expired, sizeof expired, "%s/tests/seal/testdata/expired-cert.pem", gx_test_source_dir());
    /* an absolute path works too */
    char set[PATH_MAX + 64];
    snprintf(set, sizeof set, "sealed-secrets/certificate=%s", expired);
    MUST(f, "set", set);
    r = RUN(f, "export");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "expired on 2021-01-01"));
    result_free(&r);
    text = ws_file(f, "generated/secrets.yaml", &len);
    assert_true(contains(text, len, "kind: SealedSecret\n"));
    free(text);

    /* --no-secrets: the sealed Secrets are left out like the plain ones */
    r = RUN(f, "export", "--no-secrets");
    assert_int_equal(r.status, 0);
    result_free(&r);
    assert_null(gx_test_read_file(path_in(f, "generated/secrets.yaml"), NULL));
    assert_null(gx_test_read_file(path_in(f, "generated/postgresql-auth.yaml"), NULL));
    assert_null(gx_test_read_file(path_in(f, "generated/config.yaml"), NULL));
    text = ws_file(f, "generated/kustomization.yaml", &len);
    assert_false(contains(text, len, "secrets.yaml"));
    assert_false(contains(text, len, "config.yaml"));
    free(text);
    assert_no_plaintext_in(f, "generated");
}

/* ---- GitOps: kustomization.yaml and the stream in apply order ------------------------- */

static void test_kustomization_and_stream_in_apply_order(void **state)
{
    fx *f = *state;
    init_sealed(f, true);
    MUST(f, "component", "enable", "autoscaling");
    MUST(f, "export");
    size_t len;
    char *k = ws_file(f, "generated/kustomization.yaml", &len);
    assert_non_null(k);
    assert_int_equal(ws_mode(f, "generated/kustomization.yaml"), 0644 & ~(mode_t)022);
    /* apply order (the templates' order): the Namespace first, what reads a Secret after it */
    static const char *const order[] = {
        "namespace.yaml",    "postgresql-auth.yaml",     "serviceaccount.yaml",
        "secrets.yaml",      "config.yaml",              "worker-job-template.yaml",
        "networkpolicy.yaml", "gateway.yaml",            "gateway-pdb.yaml",
        "hpa.yaml",          "mcp-gateway.yaml",         NULL};
    gx_buf want = GX_BUF_INIT;
    gx_buf_puts(&want, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                       "resources:\n");
    for (size_t i = 0; order[i]; i++)
        gx_buf_printf(&want, "  - %s\n", order[i]);
    gx_buf_putc(&want, '\0');
    const char *body = strstr(k, "apiVersion:");
    assert_non_null(body);
    assert_string_equal(body, want.data);
    gx_buf_free(&want);
    free(k);

    /* export --stdout: the same order, document by document */
    result r = RUN(f, "export", "--stdout");
    assert_int_equal(r.status, 0);
    const char *p = r.out;
    for (size_t i = 0; order[i]; i++) {
        char src[128];
        snprintf(src, sizeof src, "---\n# Source: generated/%s\n", order[i]);
        const char *at = strstr(p, src);
        if (!at)
            fail_msg("the stream has no %s after the ones before it:\n%s", order[i], r.out);
        p = at + strlen(src);
    }
    assert_null(strstr(r.out, "kustomization.yaml"));
    assert_null(strstr(r.out, "infra/"));
    /* the stream seals like the files (same cache: same bytes) */
    char *secrets = ws_file(f, "generated/secrets.yaml", NULL);
    assert_non_null(strstr(r.out, secrets));
    free(secrets);
    result_free(&r);
}

/* ---- apply from a sealed export ------------------------------------------------------- */

static bool has_call(const char *calls, const char *call)
{
    size_t n = strlen(call);
    for (const char *p = calls; (p = strstr(p, call)); p++)
        if ((p == calls || p[-1] == '\n') && p[n] == '\n')
            return true;
    return false;
}

#define APPLY_FILE(name)                                                                      \
    "kubectl apply --server-side --field-manager=glyphoxa-deploy --force-conflicts -f generated/" name

static void test_apply_from_sealed_export(void **state)
{
    fx *f = *state;
    init_sealed(f, true);

    /* no controller in the cluster: nothing is applied */
    write_wrappers(f, false, false);
    result r = RUN(f, "apply");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no Sealed Secrets controller is installed"));
    result_free(&r);
    char *calls = take_calls(f);
    assert_null(strstr(calls, "kubectl apply --server-side --field-manager=glyphoxa-deploy "
                              "--force-conflicts -f generated/secrets.yaml"));
    free(calls);

    /* with it: plain Secrets of the release are handed over, the SealedSecrets applied */
    write_wrappers(f, true, true);
    r = RUN(f, "apply");
    if (r.status != 0)
        fail_msg("apply exited %d:\n%s%s", r.status, r.out, r.err);
    result_free(&r);
    calls = take_calls(f);
    assert_true(has_call(calls, "kubectl get customresourcedefinition sealedsecrets.bitnami.com "
                                "--ignore-not-found --output=name"));
    assert_true(has_call(calls, "kubectl annotate secret glyphoxa-secrets --namespace=glyphoxa "
                                "--overwrite sealedsecrets.bitnami.com/managed=true"));
    assert_true(has_call(calls, "kubectl annotate secret glyphoxa-config --namespace=glyphoxa "
                                "--overwrite sealedsecrets.bitnami.com/managed=true"));
    assert_true(has_call(calls, APPLY_FILE("postgresql-auth.yaml")));
    assert_true(has_call(calls, APPLY_FILE("secrets.yaml")));
    assert_true(has_call(calls, APPLY_FILE("config.yaml")));
    assert_null(strstr(calls, "kustomization.yaml"));
    assert_null(strstr(calls, "--cascade=orphan"));
    for (size_t i = 0; i < SECRET_COUNT; i++)
        assert_null(strstr(calls, secret_values[i]));
    free(calls);
    size_t len;
    char *deployed = ws_file(f, ".glyphoxa-deploy/deployed", &len);
    assert_non_null(deployed);
    assert_true(contains(deployed, len, "\"secrets-sealed\": true"));
    free(deployed);

    /* the next deploy is plain: the SealedSecrets go, their Secrets stay for the plain ones */
    MUST(f, "unset", "sealed-secrets/certificate");
    r = RUN(f, "apply");
    assert_int_equal(r.status, 0);
    result_free(&r);
    calls = take_calls(f);
    const char *orphan = strstr(calls, "kubectl delete sealedsecrets.bitnami.com "
                                       "--namespace=glyphoxa --ignore-not-found --cascade=orphan "
                                       "--selector=app.kubernetes.io/instance=glyphoxa,"
                                       "app.kubernetes.io/managed-by=glyphoxa-deploy\n");
    const char *plain = strstr(calls, APPLY_FILE("secrets.yaml"));
    assert_non_null(orphan);
    assert_non_null(plain);
    assert_true(orphan < plain);
    free(calls);
    deployed = ws_file(f, ".glyphoxa-deploy/deployed", &len);
    assert_false(contains(deployed, len, "secrets-sealed"));
    free(deployed);
    /* and the one after it has nothing left to remove */
    r = RUN(f, "apply");
    assert_int_equal(r.status, 0);
    result_free(&r);
    calls = take_calls(f);
    assert_null(strstr(calls, "sealedsecrets.bitnami.com"));
    free(calls);
}

/* ---- apply infrastructure --fetch-certificate ------------------------------------------ */

static void test_fetch_certificate(void **state)
{
    fx *f = *state;
    init_sealed(f, false);
    make_cert(f, "served");
    write_wrappers(f, false, false); /* no controller yet: the run installs it */

    /* a dry run shows how, and fetches nothing */
    result r = RUN(f, "apply", "infrastructure", "--fetch-certificate", "--dry-run");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "the controller's certificate"));
    assert_non_null(strstr(r.out, "get --raw"));
    result_free(&r);
    free(take_calls(f));
    assert_null(gx_test_read_file(path_in(f, "sealed-secrets-cert.pem"), NULL));

    r = RUN(f, "apply", "infrastructure", "--fetch-certificate");
    if (r.status != 0)
        fail_msg("apply infrastructure --fetch-certificate exited %d:\n%s%s", r.status, r.out,
                 r.err);
    assert_non_null(strstr(r.out, "sealed-secrets-cert.pem"));
    result_free(&r);
    /* as kubeseal --fetch-cert: the Service's port, then /v1/cert.pem through the proxy */
    char *calls = take_calls(f);
    const char *port = strstr(calls, "kubectl get service sealed-secrets-controller "
                                     "--namespace=kube-system "
                                     "--output=jsonpath={.spec.ports[0].name}\n");
    const char *raw = strstr(calls, "kubectl get --raw /api/v1/namespaces/kube-system/services/"
                                    "http:sealed-secrets-controller:http/proxy/v1/cert.pem\n");
    const char *helm = strstr(calls, "helm upgrade --install sealed-secrets");
    assert_non_null(port);
    assert_non_null(raw);
    assert_non_null(helm);
    assert_true(helm < port && port < raw);
    free(calls);
    /* the certificate is in the workspace, and the value names it */
    size_t a, b;
    char served_path[PATH_MAX];
    snprintf(served_path, sizeof served_path, "%s/served.pem", f->d.dir);
    char *served = gx_test_read_file(served_path, &a);
    char *fetched = ws_file(f, "sealed-secrets-cert.pem", &b);
    assert_non_null(fetched);
    assert_int_equal(a, b);
    assert_memory_equal(served, fetched, a);
    free(served), free(fetched);
    assert_null(gx_test_read_file(path_in(f, ".glyphoxa-deploy/fetched-certificate.pem"), NULL));
    char *values = ws_file(f, "values.yaml", &a);
    assert_true(contains(values, a, "certificate: sealed-secrets-cert.pem\n"));
    free(values);
    /* the next export seals */
    MUST(f, "export");
    char *text = ws_file(f, "generated/secrets.yaml", &a);
    assert_true(contains(text, a, "kind: SealedSecret\n"));
    free(text);

    /* what the controller serves is no certificate: exit 1, nothing changes */
    char *before = ws_file(f, "values.yaml", NULL);
    static const char html[] = "<html>502 Bad Gateway</html>\n";
    gx_test_write_file(served_path, html, strlen(html), 0644);
    r = RUN(f, "apply", "infrastructure", "--fetch-certificate");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no usable certificate"));
    result_free(&r);
    char *after = ws_file(f, "values.yaml", NULL);
    assert_string_equal(before, after);
    free(before), free(after);
    fetched = ws_file(f, "sealed-secrets-cert.pem", &b);
    assert_true(contains(fetched, b, "BEGIN CERTIFICATE"));
    free(fetched);
    free(take_calls(f));

    /* a certificate path set but missing: the run that fetches it is not blocked, and
     * the certificate lands there */
    MUST(f, "set", "sealed-secrets/certificate=certs/controller.pem");
    assert_int_equal(mkdir(path_in(f, "certs"), 0755), 0);
    make_cert(f, "served");
    r = RUN(f, "apply", "infrastructure", "--fetch-certificate");
    if (r.status != 0)
        fail_msg("exited %d:\n%s%s", r.status, r.out, r.err);
    result_free(&r);
    fetched = ws_file(f, "certs/controller.pem", &b);
    assert_non_null(fetched);
    assert_true(contains(fetched, b, "BEGIN CERTIFICATE"));
    free(fetched);
    values = ws_file(f, "values.yaml", &a);
    assert_true(contains(values, a, "certificate: certs/controller.pem\n"));
    free(values);
    free(take_calls(f));

    /* only for the infrastructure target, and only with sealed-secrets on */
    r = RUN(f, "apply", "--fetch-certificate");
    assert_int_not_equal(r.status, 0);
    result_free(&r);
    MUST(f, "component", "disable", "sealed-secrets");
    r = RUN(f, "apply", "infrastructure", "--fetch-certificate");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "sealed-secrets component is off"));
    result_free(&r);
}

int main(void)
{
    struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_seals_every_secret),
        cmocka_unit_test(test_same_values_same_bytes),
        cmocka_unit_test(test_certificate_problems),
        cmocka_unit_test(test_kustomization_and_stream_in_apply_order),
        cmocka_unit_test(test_apply_from_sealed_export),
        cmocka_unit_test(test_fetch_certificate),
    };
    return GX_TEST_RUN_SUITE("tests", tests, setup, teardown);
}
