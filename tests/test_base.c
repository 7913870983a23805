/* Tests of the base modules: gx_utf8 (every boundary, overlongs, surrogates,
 * cut-short sequences, exhaustive over the first three bytes), gx_hash
 * (SHA-256 known vectors, hex, base64 RFC 4648 §10 vectors and round trips,
 * strict decoding), gx_xalloc (basics, and the one out-of-memory message),
 * gx_buf's extend/truncate; and tests/support's run harness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gx_buf.h"
#include "gx_hash.h"
#include "gx_test_run.h"
#include "gx_utf8.h"
#include "gx_xalloc.h"

/* ---- gx_utf8 ------------------------------------------------------------------ */

/* The encoder against bytes written out by hand, at each length's bounds. */
static void test_utf8_encode(void **state)
{
    (void)state;
    static const struct {
        uint32_t cp;
        const char *bytes;
    } cases[] = {
        {0x00, ""},       {0x41, "A"},           {0x7F, "\x7F"},
        {0x80, "\xC2\x80"}, {0xE9, "\xC3\xA9"},     {0x7FF, "\xDF\xBF"},
        {0x800, "\xE0\xA0\x80"}, {0x20AC, "\xE2\x82\xAC"}, {0xD800, "\xED\xA0\x80"},
        {0xFFFF, "\xEF\xBF\xBF"}, {0x10000, "\xF0\x90\x80\x80"},
        {0x1F600, "\xF0\x9F\x98\x80"}, {0x10FFFF, "\xF4\x8F\xBF\xBF"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[GX_UTF8_MAX_LEN];
        size_t n = gx_utf8_encode(cases[i].cp, out);
        size_t want = cases[i].cp ? strlen(cases[i].bytes) : 1;
        if (n != want || memcmp(out, cases[i].cp ? cases[i].bytes : "\0", n) != 0)
            fail_msg("U+%04X: %zu bytes, not the %zu expected", (unsigned)cases[i].cp, n, want);
    }
}

/* gx_utf8_encode into bytes */
static size_t encode(uint32_t cp, unsigned char out[4])
{
    return gx_utf8_encode(cp, (char *)out);
}

static void expect_decode(const char *bytes, size_t len, size_t want_n, uint32_t want_cp)
{
    uint32_t cp = 0xDEADBEEF;
    size_t n = gx_utf8_decode(bytes, len, &cp);
    if (n != want_n)
        fail_msg("decoding %zu bytes starting %02X gave length %zu, want %zu", len,
                 (unsigned char)bytes[0], n, want_n);
    if (n)
        assert_int_equal(cp, want_cp);
    else
        assert_int_equal(cp, 0xDEADBEEF); /* untouched */
    assert_int_equal(gx_utf8_decode(bytes, len, NULL), want_n);
}

#define OK(s, cp) expect_decode(s, sizeof s - 1, sizeof s - 1, cp)
#define BAD(s) expect_decode(s, sizeof s - 1, 0, 0)

static void test_utf8_boundaries(void **state)
{
    (void)state;
    expect_decode("\0", 1, 1, 0);
    OK("\x7F", 0x7F);
    OK("\xC2\x80", 0x80);
    OK("\xDF\xBF", 0x7FF);
    OK("\xE0\xA0\x80", 0x800);
    OK("\xED\x9F\xBF", 0xD7FF);     /* below the surrogates */
    OK("\xEE\x80\x80", 0xE000);     /* above them */
    OK("\xEF\xBF\xBD", 0xFFFD);
    OK("\xEF\xBF\xBF", 0xFFFF);
    OK("\xF0\x90\x80\x80", 0x10000);
    OK("\xF4\x8F\xBF\xBF", 0x10FFFF);
    OK("\xE2\x82\xAC", 0x20AC);
    /* only the first sequence counts */
    expect_decode("a\xFF", 2, 1, 'a');
    expect_decode("\xC3\xA9\xFF", 3, 2, 0xE9);
    expect_decode("", 0, 0, 0); /* nothing to read */
}

static void test_utf8_overlongs(void **state)
{
    (void)state;
    BAD("\xC0\x80"); /* U+0000 in two bytes */
    BAD("\xC0\xAF");
    BAD("\xC1\xBF"); /* U+007F */
    BAD("\xE0\x80\x80");
    BAD("\xE0\x9F\xBF"); /* U+07FF in three bytes */
    BAD("\xF0\x80\x80\x80");
    BAD("\xF0\x8F\xBF\xBF"); /* U+FFFF in four bytes */
}

static void test_utf8_surrogates_and_range(void **state)
{
    (void)state;
    BAD("\xED\xA0\x80"); /* U+D800 */
    BAD("\xED\xAD\xBF"); /* U+DB7F */
    BAD("\xED\xB0\x80"); /* U+DC00 */
    BAD("\xED\xBF\xBF"); /* U+DFFF */
    BAD("\xED\xA0\xBD\xED\xB8\x80"); /* a CESU-8 pair */
    BAD("\xF4\x90\x80\x80"); /* U+110000 */
    BAD("\xF7\xBF\xBF\xBF");
    BAD("\xF5\x80\x80\x80");
    BAD("\xF8\x88\x80\x80\x80"); /* five-byte form */
    BAD("\xFC\x84\x80\x80\x80\x80");
    BAD("\xFE");
    BAD("\xFF");
}

static void test_utf8_truncated_and_stray(void **state)
{
    (void)state;
    BAD("\x80"); /* stray continuation bytes */
    BAD("\xBF");
    BAD("\xC2");
    BAD("\xE0\xA0");
    BAD("\xE2\x82");
    BAD("\xF0\x90\x80");
    BAD("\xF4\x8F\xBF");
    /* the bytes are there, but len stops short of them */
    expect_decode("\xE2\x82\xAC", 2, 0, 0);
    expect_decode("\xF0\x90\x80\x80", 3, 0, 0);
    expect_decode("\xC3\xA9", 1, 0, 0);
    /* a continuation byte that is not one */
    BAD("\xC2\x41");
    BAD("\xC2\xC0");
    BAD("\xE2\x28\xA1");
    BAD("\xE2\x82\x28");
    BAD("\xF0\x90\x28\xBC");
    BAD("\xF0\x90\x80\xC0");
    BAD("\xC3\x00");
}

/* Every code point round-trips through the encoder, surrogates excepted. */
static void test_utf8_every_code_point(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= GX_UTF8_MAX_CP; cp++) {
        unsigned char b[4];
        size_t n = encode(cp, b);
        uint32_t got = 0;
        size_t want = cp >= 0xD800 && cp <= 0xDFFF ? 0 : n;
        if (gx_utf8_decode(b, n, &got) != want)
            fail_msg("U+%04X: length %zu, want %zu", (unsigned)cp, gx_utf8_decode(b, n, NULL), want);
        if (want && got != cp)
            fail_msg("U+%04X decoded as U+%04X", (unsigned)cp, (unsigned)got);
        /* one byte fewer is always cut short */
        if (n > 1)
            assert_int_equal(gx_utf8_decode(b, n - 1, NULL), 0);
    }
}

/* Every 3-byte input: what is accepted is exactly the valid sequences, each
 * read as what it encodes. */
static void test_utf8_exhaustive_three_bytes(void **state)
{
    (void)state;
    size_t accepted[4] = {0};
    for (unsigned v = 0; v < (1u << 24); v++) {
        unsigned char b[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
        uint32_t cp;
        size_t n = gx_utf8_decode(b, 3, &cp);
        assert_true(n <= 3);
        accepted[n]++;
        if (n) {
            unsigned char again[4];
            if (encode(cp, again) != n || memcmp(again, b, n) != 0)
                fail_msg("%02X %02X %02X read as U+%04X", b[0], b[1], b[2], (unsigned)cp);
        }
    }
    assert_int_equal(accepted[1], 128u * 65536);          /* ASCII, then anything */
    assert_int_equal(accepted[2], (0x800u - 0x80) * 256); /* U+0080..U+07FF, then anything */
    assert_int_equal(accepted[3], 0x10000u - 0x800 - 0x800); /* U+0800..U+FFFF, no surrogates */
}

static void test_utf8_continuation(void **state)
{
    (void)state;
    for (int b = 0; b < 256; b++)
        assert_int_equal(gx_utf8_is_continuation((unsigned char)b), b >= 0x80 && b <= 0xBF);
}

static void test_utf8_invalid_at(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        ptrdiff_t want;
    } cases[] = {
        {"", 0, -1},
        {"abc", 3, -1},
        {"a\xC3\xA9" "b\xE2\x82\xAC\xF0\x9F\x98\x80", 11, -1},
        {"a\0b", 3, -1},                 /* NUL is U+0000 */
        {"\xFF", 1, 0},
        {"ab\xFF", 3, 2},
        {"a\xE2\x82", 3, 1},             /* cut short at the end */
        {"\xC3\xA9\xED\xA0\x80", 5, 2},  /* a surrogate after a good character */
        {"\xC3\xA9\xC0\x80", 4, 2},      /* an overlong */
        {"ok\x80", 3, 2},                /* stray continuation */
        {"\xF4\x90\x80\x80", 4, 0},      /* above U+10FFFF */
        {"x\xC3\xA9", 2, 1},             /* len cuts the sequence */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ptrdiff_t got = gx_utf8_invalid_at(cases[i].s, cases[i].len);
        if (got != cases[i].want)
            fail_msg("case %zu: invalid at %td, want %td", i, got, cases[i].want);
        assert_int_equal(gx_utf8_valid(cases[i].s, cases[i].len), cases[i].want < 0);
    }
}

/* ---- gx_hash -------------------------------------------------------------------- */

static void test_sha256_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *in, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char hex[GX_SHA256_HEX_LEN + 1];
        memset(hex, 'x', sizeof hex);
        gx_sha256_hex(v[i].in, strlen(v[i].in), hex);
        assert_string_equal(hex, v[i].hex);
        uint8_t raw[GX_SHA256_SIZE];
        gx_sha256(v[i].in, strlen(v[i].in), raw);
        char again[GX_SHA256_HEX_LEN + 1];
        gx_hex_encode(again, raw, sizeof raw);
        assert_string_equal(again, v[i].hex);
    }
    char hex[GX_SHA256_HEX_LEN + 1];
    gx_sha256_hex(NULL, 0, hex); /* nothing at all is the empty message */
    assert_string_equal(hex, v[0].hex);

    /* a million 'a' (FIPS 180-2 appendix B.3) */
    char *a = gx_xmalloc(1000000);
    memset(a, 'a', 1000000);
    gx_sha256_hex(a, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_hex_encode(void **state)
{
    (void)state;
    char out[16];
    memset(out, 'x', sizeof out);
    gx_hex_encode(out, "\x00\x01\x7f\x80\xab\xff", 6);
    assert_string_equal(out, "00017f80abff");
    gx_hex_encode(out, "", 0);
    assert_string_equal(out, "");
}

/* RFC 4648 §10 */
static const char *const b64_plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
static const char *const b64_coded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                        "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

static void test_base64_vectors(void **state)
{
    (void)state;
    gx_buf b = GX_BUF_INIT;
    for (size_t i = 0; i < 7; i++) {
        size_t len = strlen(b64_plain[i]);
        assert_int_equal(gx_base64_encoded_len(len), strlen(b64_coded[i]));
        gx_buf_reset(&b);
        gx_base64_encode(&b, b64_plain[i], len);
        assert_string_equal(b.data, b64_coded[i]);
        /* the array form writes exactly its length */
        char dst[16];
        memset(dst, '#', sizeof dst);
        gx_base64_encode_to(dst, b64_plain[i], len);
        assert_memory_equal(dst, b64_coded[i], strlen(b64_coded[i]));
        assert_int_equal(dst[strlen(b64_coded[i])], '#');
        gx_buf_reset(&b);
        assert_true(gx_base64_decode(&b, b64_coded[i], strlen(b64_coded[i])));
        assert_int_equal(b.len, len);
        assert_memory_equal(b.data, b64_plain[i], len);
    }
    gx_buf_reset(&b);
    gx_base64_encode(&b, "\xff\xfe\x00", 3);
    assert_string_equal(b.data, "//4A");
    gx_buf_reset(&b);
    gx_base64_encode(&b, "\xfb\xff", 2);
    assert_string_equal(b.data, "+/8=");
    /* appends */
    gx_buf_reset(&b);
    gx_buf_puts(&b, "x:");
    gx_base64_encode(&b, "foo", 3);
    assert_true(gx_base64_decode(&b, "Zg==", 4));
    assert_string_equal(b.data, "x:Zm9vf");
    gx_buf_free(&b);
}

static void test_base64_round_trip(void **state)
{
    (void)state;
    unsigned char bytes[300];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(i * 167 + 13); /* every byte value */
    gx_buf enc = GX_BUF_INIT, dec = GX_BUF_INIT;
    for (size_t len = 0; len <= sizeof bytes; len++) {
        gx_buf_reset(&enc);
        gx_buf_reset(&dec);
        gx_base64_encode(&enc, bytes, len);
        assert_int_equal(enc.len, gx_base64_encoded_len(len));
        assert_true(gx_base64_decode(&dec, enc.data, enc.len));
        assert_int_equal(dec.len, len);
        if (len)
            assert_memory_equal(dec.data, bytes, len);
    }
    gx_buf_free(&enc);
    gx_buf_free(&dec);
}

static void test_base64_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Z", "Zg", "Zg=", "Zm9vY",      /* not a multiple of 4 */
        "Zg=a", "Z===", "====", "=Zg=", /* padding in the wrong place */
        "Zg==Zg==",                     /* padding before the end */
        "Zh==", "Zm9=",                 /* bits left over by the padding not zero */
        "Zm9v\n", "Zm9v Zg==", "Zm-v", "Zm_v", "Zm9\x80", /* not the alphabet */
    };
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, "kept");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (gx_base64_decode(&b, bad[i], strlen(bad[i])))
            fail_msg("'%s' decoded", bad[i]);
        assert_string_equal(b.data, "kept"); /* unchanged */
    }
    /* a NUL inside is not the alphabet either */
    assert_false(gx_base64_decode(&b, "Zm\0v", 4));
    assert_string_equal(b.data, "kept");
    gx_buf_free(&b);
}

/* ---- gx_xalloc -------------------------------------------------------------------- */

static void test_xalloc_basics(void **state)
{
    (void)state;
    void *p = gx_xmalloc(0);
    assert_non_null(p);
    free(p);
    unsigned char *z = gx_xcalloc(1000, 3);
    for (size_t i = 0; i < 3000; i++)
        assert_int_equal(z[i], 0);
    free(z);
    free(gx_xcalloc(0, 0));
    char *r = gx_xrealloc(NULL, 4);
    memcpy(r, "abc", 4);
    r = gx_xrealloc(r, 1 << 20);
    assert_string_equal(r, "abc");
    free(r);

    char *s = gx_xstrdup("hello");
    assert_string_equal(s, "hello");
    free(s);
    assert_null(gx_xstrdup(NULL));
    s = gx_xstrndup("a\0b", 3); /* exactly n bytes, NULs included */
    assert_memory_equal(s, "a\0b\0", 4);
    free(s);
    s = gx_xstrndup("hello", 2);
    assert_string_equal(s, "he");
    free(s);
    s = gx_xstrndup(NULL, 0);
    assert_string_equal(s, "");
    free(s);
    s = gx_xasprintf("%s/%d", "dir", 42);
    assert_string_equal(s, "dir/42");
    free(s);
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    s = gx_xasprintf("<%s>", big);
    assert_int_equal(strlen(s), sizeof big + 1);
    free(s);
}

static volatile size_t huge = SIZE_MAX; /* not folded by the compiler */

static void calloc_overflow(void *ctx) { (void)ctx, free(gx_xcalloc(huge / 2, 3)); }
static void strndup_overflow(void *ctx) { (void)ctx, free(gx_xstrndup("", huge)); }
static void fail_directly(void *ctx) { (void)ctx, gx_xalloc_fail(); }

/* Each way of running out prints the one message and aborts (in a child). */
static void test_xalloc_out_of_memory(void **state)
{
    (void)state;
    void (*const cases[])(void *) = {calloc_overflow, strndup_overflow, fail_directly};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gx_test_run_result r;
        assert_true(gx_test_run_function(cases[i], NULL, NULL, &r));
        assert_int_equal(r.signal, SIGABRT);
        assert_string_equal(r.err, "glyphoxa-deploy: out of memory\n");
        gx_test_run_free(&r);
    }
}

/* ---- gx_buf: extend, truncate ------------------------------------------------- */

static void test_buf_extend_truncate(void **state)
{
    (void)state;
    gx_buf b = GX_BUF_INIT;
    char *at = gx_buf_extend(&b, 0);
    assert_non_null(b.data);
    assert_ptr_equal(at, b.data);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    gx_buf_puts(&b, "ab");
    at = gx_buf_extend(&b, 3);
    memcpy(at, "cde", 3);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.data, "abcde");
    at = gx_buf_extend(&b, 10000); /* grows */
    memset(at, 'z', 10000);
    assert_int_equal(b.len, 10005);
    assert_int_equal(b.data[10005], '\0');
    gx_buf_truncate(&b, 2);
    assert_string_equal(b.data, "ab");
    gx_buf_truncate(&b, 50); /* longer than it is: nothing happens */
    assert_int_equal(b.len, 2);
    gx_buf_indent(&b, 3);
    gx_buf_indent(&b, -1);
    assert_string_equal(b.data, "ab   ");
    gx_buf_printf(&b, "%0300d", 7); /* longer than the small stack buffer */
    assert_int_equal(b.len, 305);
    assert_int_equal(b.data[304], '7');
    gx_buf_reset(&b);
    assert_string_equal(b.data, "");
    gx_buf_free(&b);
    gx_buf_truncate(&b, 0); /* a freed buffer */
    assert_null(b.data);
}

/* ---- tests/support: the run harness ------------------------------------------ */

static void in_child_report(void *ctx)
{
    char cwd[16], in[16] = "";
    ssize_t n = read(0, in, sizeof in - 1);
    printf("%s %s %s", (const char *)ctx, getcwd(cwd, sizeof cwd), n == 2 ? in : "?");
    fputs("to stderr\n", stderr);
}

static void in_child_exit(void *ctx)
{
    (void)ctx;
    _exit(9);
}

static void test_run_harness(void **state)
{
    (void)state;
    /* stdin in, stdout and stderr apart, the exit status */
    const char *const cat[] = {"sh", "-c", "cat; printf 'e\\0rr' >&2; exit 3", NULL};
    static const char text[] = "line 1\nline\0 2\n";
    gx_test_run_opts o = {.in = text, .in_len = sizeof text - 1, .search_path = true};
    gx_test_run_result r;
    assert_true(gx_test_run(cat, &o, &r));
    assert_int_equal(r.status, 3);
    assert_int_equal(r.signal, 0);
    assert_false(r.timed_out);
    assert_int_equal(r.out_len, sizeof text - 1);
    assert_memory_equal(r.out, text, sizeof text); /* and NUL-terminated */
    assert_int_equal(r.err_len, 4);
    assert_memory_equal(r.err, "e\0rr", 5);
    gx_test_run_free(&r);

    /* more stdin than a pipe holds, to a child that reads none of it */
    size_t big = 1 << 20;
    char *in = gx_xmalloc(big);
    memset(in, 'i', big);
    const char *const quit[] = {"/bin/sh", "-c", "exit 0", NULL};
    o = (gx_test_run_opts){.in = in, .in_len = big};
    assert_true(gx_test_run(quit, &o, &r));
    assert_int_equal(r.status, 0);
    assert_int_equal(r.out_len, 0);
    assert_string_equal(r.out, "");
    gx_test_run_free(&r);
    free(in);

    /* working directory and environment */
    const char *const env[] = {"ONLY=1", NULL}, *const more[] = {"ALSO=2", NULL};
    const char *const show[] = {"/bin/sh", "-c", "pwd; echo \"$ONLY$ALSO$HOME\"", NULL};
    o = (gx_test_run_opts){.cwd = "/", .env = env, .set_env = more};
    assert_true(gx_test_run(show, &o, &r));
    assert_string_equal(r.out, "/\n12\n");
    gx_test_run_free(&r);

    /* a program that is not there; one ended by a signal */
    const char *const missing[] = {"/nonexistent/gx-none", NULL};
    assert_true(gx_test_run(missing, NULL, &r));
    assert_int_equal(r.status, GX_TEST_RUN_EXEC_FAILED);
    assert_non_null(strstr(r.err, "cannot execute /nonexistent/gx-none"));
    gx_test_run_free(&r);
    const char *const killed[] = {"/bin/sh", "-c", "kill -TERM $$", NULL};
    assert_true(gx_test_run(killed, NULL, &r));
    assert_int_equal(r.status, -1);
    assert_int_equal(r.signal, SIGTERM);
    gx_test_run_free(&r);

    /* a function in a forked child, set up like a program */
    o = (gx_test_run_opts){.cwd = "/", .in = "in", .in_len = 2};
    assert_true(gx_test_run_function(in_child_report, "ctx", &o, &r));
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "ctx / in");
    assert_string_equal(r.err, "to stderr\n");
    gx_test_run_free(&r);
    assert_true(gx_test_run_function(in_child_exit, NULL, NULL, &r));
    assert_int_equal(r.status, 9);
    gx_test_run_free(&r);
}

/* At the timeout the whole process group goes, a grandchild holding the
 * pipes included. */
static void test_run_harness_timeout(void **state)
{
    (void)state;
    const char *const hang[] = {"/bin/sh", "-c", "echo started; sleep 30 & sleep 30", NULL};
    gx_test_run_opts o = {.timeout_s = 1};
    gx_test_run_result r;
    assert_true(gx_test_run(hang, &o, &r));
    assert_true(r.timed_out);
    assert_int_equal(r.status, -1);
    assert_int_equal(r.signal, SIGKILL);
    assert_string_equal(r.out, "started\n");
    gx_test_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_boundaries),
        cmocka_unit_test(test_utf8_overlongs),
        cmocka_unit_test(test_utf8_surrogates_and_range),
        cmocka_unit_test(test_utf8_truncated_and_stray),
        cmocka_unit_test(test_utf8_encode),
        cmocka_unit_test(test_utf8_every_code_point),
        cmocka_unit_test(test_utf8_exhaustive_three_bytes),
        cmocka_unit_test(test_utf8_continuation),
        cmocka_unit_test(test_utf8_invalid_at),
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_hex_encode),
        cmocka_unit_test(test_base64_vectors),
        cmocka_unit_test(test_base64_round_trip),
        cmocka_unit_test(test_base64_rejects),
        cmocka_unit_test(test_xalloc_basics),
        cmocka_unit_test(test_xalloc_out_of_memory),
        cmocka_unit_test(test_buf_extend_truncate),
        cmocka_unit_test(test_run_harness),
        cmocka_unit_test(test_run_harness_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
