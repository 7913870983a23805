/* fuzz_render — libFuzzer target for rendering fuzzed values: the input is read
 * as a values.yaml (as in fuzz_values), the model built and validated, and the
 * full manifest set rendered in memory (gx_render_set_run), with or without
 * secrets (a bit of the input picks).
 *
 * The input is layered as a -f overlay over a values.yaml that sets what the
 * defaults leave blocking (admin key, database DSN), so that most inputs reach
 * the parse-back checks; an input that sets those values itself still wins.
 *
 * Rendering must never crash, whatever validation says. While validation has
 * blocking results, the overlay's values they name are dropped and the rest is
 * validated and rendered again (up to four rounds). When validation has no
 * blocking result, the parse-back oracles hold:
 *  - every non-blank document of every YAML output (split at "---" lines)
 *    parses with gx_node_parse and is a map; each manifest under generated/
 *    (but not generated/infra/) has apiVersion and kind;
 *  - metadata.namespace, wherever present, is core/namespace exactly, and the
 *    Namespace's metadata.name too;
 *  - the config document (generated/config.yaml) is named release-name
 *    "-config" and its data["config.yaml"] (literal block, or base64 in the
 *    Secret form) is exactly derived/app-config, which parses, and whose
 *    campaign.name is config/campaign/name exactly (absent when empty);
 *  - the Job inside the worker job template ConfigMap parses and carries the
 *    namespace;
 *  - every document of the --stdout stream parses. */
#include "fuzz_model.h"
#include "gx_derived.h"
#include "gx_export.h"
#include "gx_rules.h"
#include "gx_templates.h"

typedef struct ctx {
    gx_arena *arena;
    const struct gx_config *cfg;
    const char *output; /* the output being checked */
    const gx_buf *text;
} ctx;

static void fail_in(const ctx *c, const gx_diags *diags, const char *what)
    __attribute__((noreturn));
static void fail_in(const ctx *c, const gx_diags *diags, const char *what)
{
    gx_fuzz_dump(c->output, c->text->data, c->text->len);
    gx_fuzz_fail(diags, "%s: %s", c->output, what);
}

static bool scalar_is(const gx_node *n, const char *s)
{
    size_t len = strlen(s);
    return n && n->kind == GX_NODE_SCALAR && n->len == len && memcmp(n->text, s, len) == 0;
}

static const gx_node *parse_or_fail(const ctx *c, const char *what, const char *s, size_t len)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_node *doc = NULL;
    if (!gx_node_parse(c->arena, what, s, len, &doc, &diags)) {
        gx_fuzz_dump(what, s, len);
        fail_in(c, &diags, "a rendered document does not parse back");
    }
    gx_diags_free(&diags);
    return doc;
}

static int b64_value(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

/* Standard base64 with padding into a fresh buffer; false when malformed. */
static bool b64_decode(const char *s, size_t len, gx_buf *out)
{
    if (len % 4)
        return false;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char ch = (unsigned char)s[i + k];
            if (ch == '=' && i + 4 == len && k >= 2) {
                v[k] = 0;
                pad++;
            } else if (pad || (v[k] = b64_value(ch)) < 0) {
                return false;
            }
        }
        unsigned long bits = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) |
                             ((unsigned long)v[2] << 6) | (unsigned long)v[3];
        char bytes[3] = {(char)(bits >> 16), (char)(bits >> 8), (char)bits};
        gx_buf_put(out, bytes, (size_t)(3 - pad));
    }
    return true;
}

static void check_namespace(const ctx *c, const gx_node *doc)
{
    const gx_node *meta = gx_node_get(doc, "metadata");
    const gx_node *ns = gx_node_get(meta, "namespace");
    if (ns && !scalar_is(ns, c->cfg->core.namespace))
        fail_in(c, NULL, "metadata.namespace is not core/namespace");
    if (scalar_is(gx_node_get(doc, "kind"), "Namespace") &&
        !scalar_is(gx_node_get(meta, "name"), c->cfg->core.namespace))
        fail_in(c, NULL, "the Namespace is not named core/namespace");
}

static void check_app_config(const ctx *c, const gx_node *doc, const struct gx_derived *d)
{
    const gx_node *meta = gx_node_get(doc, "metadata");
    char *name = gx_arena_printf(c->arena, "%s-config", c->cfg->core.release_name);
    if (!scalar_is(gx_node_get(meta, "name"), name))
        fail_in(c, NULL, "the config is not named release-name-config");
    if (scalar_is(gx_node_get(doc, "kind"), "SealedSecret")) {
        /* sealed: nothing to read back here (the placeholder of a render without a key) */
        if (!gx_node_get(gx_node_get(gx_node_get(doc, "spec"), "encryptedData"), "config.yaml"))
            fail_in(c, NULL, "no spec.encryptedData.config.yaml");
        return;
    }
    const gx_node *text = gx_node_get(gx_node_get(doc, "data"), "config.yaml");
    if (!text || text->kind != GX_NODE_SCALAR)
        fail_in(c, NULL, "no data.config.yaml");
    gx_buf app = GX_BUF_INIT;
    if (scalar_is(gx_node_get(doc, "kind"), "Secret")) {
        if (!b64_decode(text->text, text->len, &app))
            fail_in(c, NULL, "data.config.yaml is not base64");
    } else {
        gx_buf_put(&app, text->text, text->len);
    }
    size_t want = strlen(d->app_config);
    if (app.len != want || (want && memcmp(app.data, d->app_config, want) != 0)) {
        gx_fuzz_dump("config.yaml read back", app.data ? app.data : "", app.len);
        gx_fuzz_dump("derived/app-config", d->app_config, want);
        fail_in(c, NULL, "data.config.yaml is not derived/app-config");
    }
    const gx_node *cfgdoc = parse_or_fail(c, "config.yaml", d->app_config, want);
    const gx_node *campaign = gx_node_get(gx_node_get(cfgdoc, "campaign"), "name");
    const char *expect = c->cfg->config.campaign.name;
    if (expect && *expect) {
        if (!scalar_is(campaign, expect))
            fail_in(c, NULL, "campaign.name in config.yaml is not config/campaign/name");
    } else if (campaign) {
        fail_in(c, NULL, "campaign.name written though config/campaign/name is empty");
    }
    gx_buf_free(&app);
}

static void check_job_template(const ctx *c, const gx_node *doc)
{
    const gx_node *data = gx_node_get(doc, "data");
    for (size_t i = 0; data && data->kind == GX_NODE_MAP && i < data->count; i++) {
        const gx_node *v = data->items[i];
        if (v->kind != GX_NODE_SCALAR)
            fail_in(c, NULL, "a ConfigMap value is not a string");
        const gx_node *job = parse_or_fail(c, "job-template.yaml", v->text, v->len);
        if (!job || job->kind != GX_NODE_MAP)
            fail_in(c, NULL, "the embedded Job is not a map");
        check_namespace(c, job);
    }
}

/* Calls fn on each non-blank "---"-separated document of text. */
static size_t each_document(const ctx *c, const char *s, size_t len,
                            void (*fn)(const ctx *, const char *, size_t, void *), void *arg)
{
    size_t docs = 0, start = 0, i = 0;
    while (i <= len) {
        size_t eol = i;
        while (eol < len && s[eol] != '\n')
            eol++;
        bool marker = eol - i == 3 && memcmp(s + i, "---", 3) == 0;
        if (marker || eol >= len) {
            size_t end = marker ? i : len;
            if (!gx_render_blank(s + start, end - start)) {
                fn(c, s + start, end - start, arg);
                docs++;
            }
            start = eol + 1;
        }
        i = eol + 1;
    }
    return docs;
}

typedef struct doc_arg {
    const gx_rendered *item;
    const struct gx_derived *derived;
} doc_arg;

static void check_document(const ctx *c, const char *s, size_t len, void *varg)
{
    const doc_arg *a = varg;
    const gx_node *doc = parse_or_fail(c, c->output, s, len);
    if (!doc || doc->kind != GX_NODE_MAP)
        fail_in(c, NULL, "a rendered document is not a map");
    if (strncmp(c->output, "generated/infra/", 16) == 0)
        return;
    if (!gx_node_get(doc, "apiVersion") || !gx_node_get(doc, "kind"))
        fail_in(c, NULL, "a manifest without apiVersion or kind");
    check_namespace(c, doc);
    if (strcmp(c->output, "generated/config.yaml") == 0)
        check_app_config(c, doc, a->derived);
    if (strcmp(c->output, "generated/worker-job-template.yaml") == 0)
        check_job_template(c, doc);
}

static void check_stream_document(const ctx *c, const char *s, size_t len, void *arg)
{
    (void)arg;
    const gx_node *doc = parse_or_fail(c, "--stdout stream", s, len);
    if (!doc || doc->kind != GX_NODE_MAP)
        fail_in(c, NULL, "a stream document is not a map");
}

static bool is_yaml(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcmp(path + n - 5, ".yaml") == 0;
}

static const char base_values[] = "gateway:\n"
                                  "  admin-key: fuzz-admin-key-0123456789abcdef\n"
                                  "database:\n"
                                  "  dsn: postgres://glyphoxa@db.example:5432/glyphoxa\n";

/* Renders cfg and, when checked, runs every parse-back oracle on the set. */
static void render_and_check(gx_arena *arena, const struct gx_config *cfg, bool no_secrets,
                             bool checked)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_render_set set;
    gx_render_set_init(&set, NULL, 0);
    set.seal_placeholders = true; /* sealed secrets render "<sealed>": no key here */
    bool ok = gx_render_set_run(&set, cfg, no_secrets, &diags);
    GX_FUZZ_CHECK(ok || diags.count > 0, NULL, "render failed without a diagnostic");

    if (ok && checked) {
        size_t documents = 0;
        for (size_t i = 0; i < set.count; i++) {
            const gx_rendered *item = &set.items[i];
            if (item->skipped || !is_yaml(item->tmpl->output))
                continue;
            ctx c = {arena, cfg, item->tmpl->output, &item->text};
            doc_arg a = {item, set.derived};
            size_t n = each_document(&c, item->text.data ? item->text.data : "", item->text.len,
                                     check_document, &a);
            if (gx_rendered_in_stream(item))
                documents += n;
        }
        /* the stream is a run of its own (rendered straight into one buffer):
         * it holds the documents of the streamed outputs of the full run */
        gx_buf stream = GX_BUF_INIT;
        gx_render_set streamed;
        gx_render_set_init(&streamed, NULL, 0);
        streamed.seal_placeholders = true;
        streamed.stream = &stream;
        GX_FUZZ_CHECK(gx_render_set_run(&streamed, cfg, no_secrets, &diags), NULL,
                      "the stream failed to render where the full set rendered");
        gx_render_set_free(&streamed);
        ctx c = {arena, cfg, "--stdout stream", &stream};
        size_t n = each_document(&c, stream.data ? stream.data : "", stream.len,
                                 check_stream_document, NULL);
        if (n != documents) {
            gx_fuzz_dump("stream", stream.data ? stream.data : "", stream.len);
            gx_fuzz_fail(NULL, "the stream holds %zu documents, the outputs %zu", n, documents);
        }
        gx_buf_free(&stream);
    }
    gx_render_set_free(&set);
    gx_diags_free(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > GX_VALUES_MAX_BYTES)
        return -1;
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_layer *base = gx_arena_alloc(arena, sizeof *base);
    gx_layer_init(base, GX_LAYER_VALUES, "values.yaml");
    GX_FUZZ_CHECK(gx_layer_read(arena, base, base_values, strlen(base_values), &diags), &diags,
                  "the base values do not read");
    gx_layer *layer = gx_arena_alloc(arena, sizeof *layer);
    gx_layer_init(layer, GX_LAYER_OVERLAY, "overlay.yaml");
    if (!gx_layer_read(arena, layer, (const char *)data, size, &diags)) {
        gx_diags_free(&diags);
        gx_arena_free(arena);
        return 0;
    }
    uint32_t seed = 0;
    for (size_t i = 0; i < size; i++)
        seed = seed * 31u + data[i];
    bool no_secrets = (seed >> 7) & 1;

    /* Validate; while something blocks, render as is (must not crash), drop
     * the overlay's values the blocking results name and try again, so that
     * the rest of a hostile input still reaches the parse-back checks. */
    const gx_layer *layers[] = {base, layer};
    for (int round = 0; round < 4; round++) {
        gx_model *model = gx_arena_alloc(arena, sizeof *model);
        gx_model_build(model, layers, 2);
        gx_diags results;
        memset(&results, 0, sizeof results);
        gx_validate(&model->cfg, arena, &results);
        GX_FUZZ_CHECK(results.blocking + results.warnings == results.count, NULL,
                      "result counts do not add up");
        render_and_check(arena, &model->cfg, no_secrets, results.blocking == 0);
        if (results.blocking == 0)
            break;
        bool dropped = false;
        for (size_t i = 0; i < results.count; i++) {
            if (results.items[i].severity != GX_BLOCKING || !results.items[i].path)
                continue;
            int f = gx_field_find(results.items[i].path);
            if (f >= 0 && layer->present[f]) {
                layer->present[f] = false;
                dropped = true;
            }
        }
        if (!dropped)
            break;
    }

    gx_diags_free(&diags);
    gx_arena_free(arena);
    return 0;
}
