/* Tests of gx_seal (render/gx_seal.h): certificates (the test certificates
 * of tests/seal/testdata, what is refused, PEM framing, every truncation of
 * the DER), RSA-OAEP SHA-256 known answers (Wycheproof vectors: the seed is
 * recovered with the private key, and the encoder must then give the
 * official ciphertext), and the sealed layout: lengths, base64, the label's
 * effect, and a full decryption here with the Wycheproof private key (raw
 * RSA, nettle's own MGF1 and AES-GCM), like the controller's singleDecrypt.
 * tests/seal/check.sh decrypts with a second, independent implementation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/gcm.h>
#include <nettle/pss-mgf1.h>
#include <nettle/sha2.h>

#include "gx_hash.h"
#include "gx_seal.h"
#include "gx_test_fixture.h"
#include "gx_test_util.h"

/* ---- the Wycheproof 2048-bit key (C2SP/wycheproof,
 * testvectors/rsa_oaep_2048_sha256_mgf1sha256_test.json: n, e, d) ------------- */

static const char wp_n[] =
    "a2b451a07d0aa5f96e455671513550514a8a5b462ebef717094fa1fee82224e637f9746d3f7cafd31878d803"
    "25b6ef5a1700f65903b469429e89d6eac8845097b5ab393189db92512ed8a7711a1253facd20f79c15e8247f"
    "3d3e42e46e48c98e254a2fe9765313a03eff8f17e1a029397a1fa26a8dce26f490ed81299615d9814c22da61"
    "0428e09c7d9658594266f5c021d0fceca08d945a12be82de4d1ece6b4c03145b5d3495d4ed5411eb878daf05"
    "fd7afc3e09ada0f1126422f590975a1969816f48698bcbba1b4d9cae79d460d8f9f85e7975005d9bc22c4e5a"
    "c0f7c1a45d12569a62807d3b9a02e5a530e773066f453d1f5b4c2e9cf7820283f742b9d5";
static const char wp_d[] =
    "7627eef3567b2a27268e52053ecd31c3a7172ccb9ddcee819b306a5b3c66b7573ca4fa88efc6f3c4a00bfa0a"
    "e7139f64543a4dac3d05823f6ff477cfcec84fe2ac7a68b17204b390232e110310c4e899c4e7c10967db4acd"
    "e042dbbf19dbe00b4b4741de1020aaaaffb5054c797c9f136f7d93ac3fc8caff6654242d7821ebee517bf537"
    "f44366a0fdd45ae05b9909c2e6cc1ed9281eff4399f76c96b96233ec29ae0bbf0d752b234fc197389f51050a"
    "a1acd01c074c3ac8fbdb9ea8b651a95995e8db4ad5c43b6c8673e5a126e7ee94b8dff4c5afc01259bc8da769"
    "50bae6f8bae715f50985b0d6f66d04c6fef3b700720eecdcdf171bb7b1ecbe7289c467c1";

/* Some of the file's valid vectors: tcId, msg, label, ct (hex). */
static const struct {
    int tc;
    const char *msg, *label, *ct;
} wp_vectors[] = {
    {1, "", "",
     "6e62bf24d95aff6868afec2a92a445b6458f16f688c19fe1212f66a63137831653cedd359d8cff4dd485d77d"
     "fd55812c181373201f54aafd65730d2a304e623455d51125d891e65d97fce52341cae45fb64c38a384a1c621"
     "e2713ee6794633f029a9fd4d774f56551eac2176162e162640f25eab873a3451c475570f19228bcede4c67c3"
     "70a75ed7fabccd538c9819eff182481b10d42f1a9f6a05373b8cf9b71818d467bd3b8ebacb619e8ad42916e6"
     "00c043effceb3855bc48a629e60ae886f51b2a7876b0e623fb2ce68af4b039242f963adb0e4240aed0ed07f6"
     "5f1ee7c0cc77d210d0c2d1dc10c81b881aa0c9c9e9499665cf2970d2ccfeeb3191531765"},
    {3, "54657374", "",
     "5eab3f0741e63986ed647d53e1cd71df041986900803d0f99c68355d249a15a47dc5b4f70a191477654299e5"
     "a2731f3b4eec76dea18262fc696ac794e5f66cbfcddac4472c578e246c26707598055584540b839836b1404c"
     "5611ae558a984cee8fd036cea924e0be2474a940f61e0acc14fcae95ebdc59942a9ce9af9a9c81999f7f6815"
     "f057ffdc2533cb15d6391d1e2d95f16f9c04209c889a4c359c7d2926d28a66e2b030a416b928d2825627998e"
     "5191fb4983a6e65024262d94fc09187a2d78162122433251d1bfcc8e507d06eba2d229c10031261da32ab8cc"
     "d15f1c5f9fbf07ed158483d736a110af4b44d6a4da60d6cb519b4454213cf9f0dc560f2b"},
    /* a 32-byte message, as a session key is */
    {7, "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", "",
     "096958786ee7972050d67a9e4b69d6c6af7db7cc674386df725770dd29129b826e39552330104c8d71e6cc3a"
     "3014dd2f61b54153af51b0438d447ee939f9e3c13bb8b00a37dea6a068f6c9d27e848b1be7a1eeeb3ee50b78"
     "036fba95ae46948ca5b13f356ea24db10f60dc09e4b8bad8f766b668ef72524432080a0ce00ed676d6d5e354"
     "984b1078520412525848156d06f0652469f95791baa3d9a798ae537094f76f976faecd5c9ce0c930a75910c6"
     "3dacf63485cb4b5e7bdbcf4d80e74037eaa1a8fe4b52930bec6be99cf6ac88cf5878dbf6859d456a95dbc346"
     "54eec425de84ca2a535d517403a9aada827e7d0093ecfc97ed056a7652825e9a45cb2dcb"},
    /* with a label */
    {9, "313233343030", "000102030405060708090a0b0c0d0e0f10111213",
     "a0443ba434156d0b503ec662f5eb5b10e20ad0cb8233720ee187ba986e4811dd312844d3edb26bfaf51b4b92"
     "68dc3c76072dd47c199d713c91824da23ff00481ee69e9d4cc543120fc33b7244bf0c1ad5fdd1ae9cbada7fe"
     "9a70ad0afaaaad8361e8dc4b3198ae661a84e275b60bf2ebb85e512da785d2fc3482294fa11967681d7bceff"
     "c08ce0e36f0a8af7fcfb1337186863c2c1c1b94c9ec9785cd3d94d15437c23b775677f3d29a4c9e52f13398f"
     "d14661160e5868bca97625aa6c7ecb07bbb479644def353f1f01a4c4100f9adb82c4f6a265a5ee962da58c3c"
     "042aa549c9d2de3008e7448e0c4b9b4ac8f5e4d8629873909bb995ccc0825fe87d81d596"},
};

/* openssl x509 -noout -fingerprint -sha256 of the certificate made from that key */
static const char wp_cert_fp[] = "8db4a462d6c98e847079674a489dbae030870e3fa6769069a34583fdc6ff430f";

static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

static char *testdata(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/seal/testdata/%s", GX_SOURCE_DIR, name);
    char *text = gx_test_read_file(path, len);
    assert_non_null(text);
    return text;
}

static gx_seal_key *parse_file(gx_test_fx *fx, const char *name)
{
    size_t len;
    char *pem = testdata(name, &len);
    gx_seal_key *key = NULL;
    bool ok = gx_seal_cert_parse(fx->arena, pem, len, name, &key, &fx->diags);
    free(pem);
    if (!ok) {
        gx_diags_print(&fx->diags, stderr);
        fail_msg("%s did not parse", name);
    }
    return key;
}

/* Parsing must fail with one blocking diagnostic whose message holds want. */
static void expect_refused(gx_test_fx *fx, const char *pem, size_t len, const char *want)
{
    gx_seal_key *key = (gx_seal_key *)&key; /* must stay untouched */
    gx_seal_key *before = key;
    size_t count = fx->diags.count;
    assert_false(gx_seal_cert_parse(fx->arena, pem, len, "cert.pem", &key, &fx->diags));
    assert_ptr_equal(key, before);
    assert_int_equal(fx->diags.count, count + 1);
    const gx_diag *d = &fx->diags.items[count];
    assert_int_equal(d->severity, GX_BLOCKING);
    assert_int_equal(d->code, GX_CODE_GENERIC);
    if (!strstr(d->message, want))
        fail_msg("message '%s' lacks '%s'", d->message, want);
}

/* ---- deterministic random sources ------------------------------------------------ */

typedef struct fake_random {
    uint8_t next;           /* bytes are next, next + 1, ... */
    int calls, fail_at;     /* fail_at: 1-based call that fails (0: none) */
    const uint8_t *fixed;   /* when set: the bytes given, once */
    size_t fixed_len;
} fake_random;

static bool fake(void *ctx, void *buf, size_t n)
{
    fake_random *r = ctx;
    r->calls++;
    if (r->fail_at == r->calls)
        return false;
    if (r->fixed) {
        assert_int_equal(n, r->fixed_len);
        memcpy(buf, r->fixed, n);
        return true;
    }
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = r->next++;
    return true;
}

/* ---- the private-key side, for the tests -------------------------------------------- */

/* m = c^d mod n, as k bytes. */
static void rsa_raw_decrypt(const uint8_t *c, size_t k, uint8_t *em)
{
    mpz_t m, n, d;
    mpz_init(m);
    mpz_init_set_str(n, wp_n, 16);
    mpz_init_set_str(d, wp_d, 16);
    nettle_mpz_set_str_256_u(m, k, c);
    mpz_powm(m, m, d, n);
    nettle_mpz_get_str_256(k, em, m);
    mpz_clear(m);
    mpz_clear(n);
    mpz_clear(d);
}

/* dst ^= MGF1-SHA-256(src), through nettle's pss_mgf1 (not gx_seal's). */
static void mgf1_xor(uint8_t *dst, size_t dst_len, const uint8_t *src, size_t src_len)
{
    uint8_t mask[4096];
    assert_true(dst_len <= sizeof mask);
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, src_len, src);
    pss_mgf1(&h, &nettle_sha256, dst_len, mask);
    for (size_t i = 0; i < dst_len; i++)
        dst[i] ^= mask[i];
}

/* RSAES-OAEP-DECRYPT (RFC 8017 §7.1.2) with the Wycheproof key: the message
 * length, or -1 when the encoding (or the label) does not check out. The
 * seed, when asked for, is written to seed_out. */
static int oaep_decrypt(const uint8_t *c, size_t k, const void *label, size_t label_len,
                        uint8_t *msg, uint8_t *seed_out)
{
    uint8_t em[512];
    assert_true(k <= sizeof em);
    rsa_raw_decrypt(c, k, em);
    uint8_t *seed = em + 1, *db = em + 33;
    size_t db_len = k - 33;
    mgf1_xor(seed, 32, db, db_len);
    if (seed_out)
        memcpy(seed_out, seed, 32);
    mgf1_xor(db, db_len, seed, 32);
    uint8_t lhash[32];
    gx_sha256(label, label_len, lhash);
    if (em[0] != 0 || memcmp(db, lhash, 32) != 0)
        return -1;
    size_t i = 32;
    while (i < db_len && db[i] == 0)
        i++;
    if (i == db_len || db[i] != 1)
        return -1;
    i++;
    memcpy(msg, db + i, db_len - i);
    return (int)(db_len - i);
}

/* singleDecrypt: the plaintext of a sealed value (len bytes at sealed) with
 * label, appended to out; false when it does not decrypt. */
static bool unseal(const uint8_t *sealed, size_t len, const char *label, gx_buf *out,
                   uint8_t session_out[32])
{
    if (len < 2)
        return false;
    size_t rsa_len = (size_t)sealed[0] << 8 | sealed[1];
    if (len < 2 + rsa_len + 16 || rsa_len != 256)
        return false;
    uint8_t session[512];
    if (oaep_decrypt(sealed + 2, rsa_len, label, strlen(label), session, NULL) != 32)
        return false;
    if (session_out)
        memcpy(session_out, session, 32);
    const uint8_t *ct = sealed + 2 + rsa_len;
    size_t ct_len = len - 2 - rsa_len - 16;
    static const uint8_t zero[12];
    struct gcm_aes256_ctx g;
    gcm_aes256_set_key(&g, session);
    gcm_aes256_set_iv(&g, sizeof zero, zero);
    uint8_t *p = (uint8_t *)gx_buf_extend(out, ct_len);
    if (ct_len)
        gcm_aes256_decrypt(&g, ct_len, p, ct);
    uint8_t tag[16];
    gcm_aes256_digest(&g, sizeof tag, tag);
    return memcmp(tag, ct + ct_len, 16) == 0;
}

/* ---- certificates ------------------------------------------------------------------ */

static void test_cert_wycheproof(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = parse_file(fx, "wycheproof-rsa2048-cert.pem");
    assert_int_equal(gx_seal_key_bits(key), 2048);
    assert_int_equal(gx_seal_key_size(key), 256);
    assert_string_equal(gx_seal_key_fingerprint_hex(key), wp_cert_fp);
    uint8_t raw[32];
    unhex(wp_cert_fp, raw);
    assert_memory_equal(gx_seal_key_fingerprint(key), raw, 32);
    /* notBefore UTCTime 261201154123Z, notAfter GeneralizedTime 21261107154123Z */
    assert_int_equal(gx_seal_key_not_before(key), 1796139683);
    assert_int_equal(gx_seal_key_not_after(key), 4949739683);
    assert_int_equal(fx->diags.count, 0);

    /* the key is the Wycheproof key: a sealed value decrypts with its d */
    fake_random r = {0};
    gx_buf raw_sealed = GX_BUF_INIT, plain = GX_BUF_INIT;
    assert_true(gx_seal_hybrid(key, "ns/name", 7, "x", 1, fake, &r, &raw_sealed, &fx->diags));
    assert_true(unseal((uint8_t *)raw_sealed.data, raw_sealed.len, "ns/name", &plain, NULL));
    assert_int_equal(plain.len, 1);
    assert_int_equal(plain.data[0], 'x');
    gx_buf_free(&raw_sealed);
    gx_buf_free(&plain);
}

/* A v1 certificate has no version field; same key, another fingerprint. */
static void test_cert_v1(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = parse_file(fx, "wycheproof-rsa2048-v1-cert.pem");
    assert_int_equal(gx_seal_key_bits(key), 2048);
    assert_string_not_equal(gx_seal_key_fingerprint_hex(key), wp_cert_fp);
    assert_true(gx_seal_key_not_after(key) > gx_seal_key_not_before(key));
}

static void test_cert_refused_keys(void **state)
{
    gx_test_fx *fx = *state;
    static const struct {
        const char *file, *want;
    } cases[] = {
        {"ec-p256-cert.pem", "not an RSA key"},
        {"rsa-pss-cert.pem", "not an RSA key"},
        {"rsa1024-cert.pem", "fewer than 2048 bits"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *pem = testdata(cases[i].file, &len);
        expect_refused(fx, pem, len, cases[i].want);
        free(pem);
    }
}

/* The certificate's DER, from the Wycheproof certificate's PEM. */
static void cert_der(gx_buf *der)
{
    size_t len;
    char *pem = testdata("wycheproof-rsa2048-cert.pem", &len);
    gx_buf b64 = GX_BUF_INIT;
    const char *p = strchr(pem, '\n') + 1;
    const char *end = strstr(p, "-----END");
    for (; p < end; p++)
        if (*p != '\n')
            gx_buf_putc(&b64, *p);
    assert_true(gx_base64_decode(der, b64.data, b64.len));
    gx_buf_free(&b64);
    free(pem);
}

/* PEM text around a DER, in lines of 64. */
static void to_pem(gx_buf *out, const char *type, const void *der, size_t len)
{
    gx_buf b64 = GX_BUF_INIT;
    gx_base64_encode(&b64, der, len);
    gx_buf_printf(out, "-----BEGIN %s-----\n", type);
    for (size_t i = 0; i < b64.len; i += 64) {
        gx_buf_put(out, b64.data + i, b64.len - i < 64 ? b64.len - i : 64);
        gx_buf_putc(out, '\n');
    }
    gx_buf_printf(out, "-----END %s-----\n", type);
    gx_buf_free(&b64);
}

static void test_cert_pem_framing(void **state)
{
    gx_test_fx *fx = *state;
    gx_buf der = GX_BUF_INIT, pem = GX_BUF_INIT;
    cert_der(&der);
    gx_seal_key *key;

    /* text and other blocks before it are skipped; CRLF line ends are fine */
    gx_buf_puts(&pem, "sealed-secrets controller certificate\r\n");
    to_pem(&pem, "PUBLIC KEY", "abc", 3);
    gx_buf cert = GX_BUF_INIT;
    to_pem(&cert, "CERTIFICATE", der.data, der.len);
    for (size_t i = 0; i < cert.len; i++) {
        if (cert.data[i] == '\n')
            gx_buf_putc(&pem, '\r');
        gx_buf_putc(&pem, cert.data[i]);
    }
    assert_true(gx_seal_cert_parse(fx->arena, pem.data, pem.len, NULL, &key, &fx->diags));
    assert_string_equal(gx_seal_key_fingerprint_hex(key), wp_cert_fp);

    /* a CERTIFICATE block with headers is skipped, as kubeseal does */
    gx_buf_reset(&pem);
    gx_buf_printf(&pem, "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n%.*s",
                  (int)(cert.len - 28), cert.data + 28);
    expect_refused(fx, pem.data, pem.len, "no PEM CERTIFICATE block");
    /* nothing at all, and only other blocks */
    expect_refused(fx, "", 0, "no PEM CERTIFICATE block");
    gx_buf_reset(&pem);
    to_pem(&pem, "RSA PUBLIC KEY", "abc", 3);
    expect_refused(fx, pem.data, pem.len, "no PEM CERTIFICATE block");
    /* no END line, a mismatched END line */
    expect_refused(fx, cert.data, cert.len - 26, "no matching END");
    gx_buf_reset(&pem);
    gx_buf_put(&pem, cert.data, cert.len - 17);
    gx_buf_puts(&pem, "X509 CRL-----\n");
    expect_refused(fx, pem.data, pem.len, "no matching END");
    /* bad base64, an empty block */
    gx_buf_reset(&pem);
    gx_buf_puts(&pem, "-----BEGIN CERTIFICATE-----\nMIIB*A==\n-----END CERTIFICATE-----\n");
    expect_refused(fx, pem.data, pem.len, "not valid base64");
    gx_buf_reset(&pem);
    gx_buf_puts(&pem, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    expect_refused(fx, pem.data, pem.len, "not valid base64");
    /* the second of two certificates is not looked at */
    gx_buf_reset(&pem);
    gx_buf_put(&pem, cert.data, cert.len);
    gx_buf_puts(&pem, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assert_true(gx_seal_cert_parse(fx->arena, pem.data, pem.len, NULL, &key, &fx->diags));

    gx_buf_free(&cert);
    gx_buf_free(&pem);
    gx_buf_free(&der);
}

/* Every truncation of the DER, the DER with a byte appended, and every
 * single-byte change in its first 400 bytes (structure, names, validity and
 * the key's header): never a crash, and the truncations all refused. */
static void test_cert_broken_der(void **state)
{
    gx_test_fx *fx = *state;
    gx_buf der = GX_BUF_INIT, pem = GX_BUF_INIT;
    cert_der(&der);
    for (size_t n = 0; n < der.len; n++) {
        gx_buf_reset(&pem);
        to_pem(&pem, "CERTIFICATE", der.data, n);
        expect_refused(fx, pem.data, pem.len, n ? "cannot seal with this certificate" : "base64");
        gx_diags_free(&fx->diags);
    }
    gx_buf_reset(&pem);
    gx_buf_putc(&der, 0);
    to_pem(&pem, "CERTIFICATE", der.data, der.len);
    expect_refused(fx, pem.data, pem.len, "followed by other bytes");
    gx_buf_truncate(&der, der.len - 1);

    for (size_t i = 0; i < 400 && i < der.len; i++) {
        for (unsigned bit = 0; bit < 8; bit += 3) {
            der.data[i] ^= (char)(1u << bit);
            gx_buf_reset(&pem);
            to_pem(&pem, "CERTIFICATE", der.data, der.len);
            gx_seal_key *key;
            if (gx_seal_cert_parse(fx->arena, pem.data, pem.len, NULL, &key, &fx->diags))
                assert_true(gx_seal_key_bits(key) >= 2048);
            gx_diags_free(&fx->diags);
            der.data[i] ^= (char)(1u << bit);
        }
    }
    gx_buf_free(&pem);
    gx_buf_free(&der);
}

static void test_key_from_rsa_checks(void **state)
{
    gx_test_fx *fx = *state;
    uint8_t n[257], e3[] = {0x00, 0x01, 0x00, 0x01};
    n[0] = 0;
    unhex(wp_n, n + 1);
    gx_seal_key *key = NULL;
    /* leading zeros allowed */
    assert_true(gx_seal_key_from_rsa(fx->arena, n, sizeof n, e3, sizeof e3, &key, &fx->diags));
    assert_int_equal(gx_seal_key_bits(key), 2048);
    assert_int_equal(gx_seal_key_not_before(key), 0);
    assert_int_equal(gx_seal_key_not_after(key), INT64_MAX);
    char empty_fp[GX_SHA256_HEX_LEN + 1];
    gx_sha256_hex("", 0, empty_fp);
    assert_string_equal(gx_seal_key_fingerprint_hex(key), empty_fp);

    static const struct {
        uint8_t e[5];
        size_t e_len;
    } bad_e[] = {{{1}, 1}, {{2}, 1}, {{0}, 1}, {{0x01, 0x00, 0x00}, 3}, {{0x80, 0, 0, 1}, 4},
                 {{1, 0, 0, 0, 1}, 5}};
    for (size_t i = 0; i < sizeof bad_e / sizeof bad_e[0]; i++) {
        assert_false(gx_seal_key_from_rsa(fx->arena, n, sizeof n, bad_e[i].e, bad_e[i].e_len,
                                          &key, &fx->diags));
        assert_non_null(strstr(fx->diags.items[fx->diags.count - 1].message, "exponent"));
    }
    n[256] ^= 1; /* even */
    assert_false(gx_seal_key_from_rsa(fx->arena, n, sizeof n, e3, sizeof e3, &key, &fx->diags));
    n[256] ^= 1;
    /* 2047 bits */
    n[1] = 0x7f;
    assert_false(gx_seal_key_from_rsa(fx->arena, n, sizeof n, e3, sizeof e3, &key, &fx->diags));
    assert_non_null(strstr(fx->diags.items[fx->diags.count - 1].message, "fewer than 2048"));
    /* 16385 bits */
    static uint8_t big[2049];
    big[0] = 1;
    big[2048] = 1;
    assert_false(
        gx_seal_key_from_rsa(fx->arena, big, sizeof big, e3, sizeof e3, &key, &fx->diags));
    assert_non_null(strstr(fx->diags.items[fx->diags.count - 1].message, "more than 16384"));
    /* 16384 bits is fine (k = 2048 still fits the 2-byte length) */
    big[1] = 0x80;
    assert_true(
        gx_seal_key_from_rsa(fx->arena, big + 1, 2048, e3, sizeof e3, &key, &fx->diags));
    assert_int_equal(gx_seal_key_bits(key), 16384);
    assert_int_equal(gx_seal_sealed_len(key, 0), 2 + 2048 + 16);
    assert_int_equal(gx_seal_sealed_len(key, SIZE_MAX - 10), 0);
}

/* ---- RSA-OAEP known answers ---------------------------------------------------------- */

static gx_seal_key *wp_key(gx_test_fx *fx)
{
    uint8_t n[256], e[] = {0x01, 0x00, 0x01};
    unhex(wp_n, n);
    gx_seal_key *key = NULL;
    assert_true(gx_seal_key_from_rsa(fx->arena, n, sizeof n, e, sizeof e, &key, &fx->diags));
    return key;
}

static void test_oaep_wycheproof(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = wp_key(fx);
    for (size_t v = 0; v < sizeof wp_vectors / sizeof wp_vectors[0]; v++) {
        uint8_t ct[256], msg[256], label[64], seed[32], got_msg[256], out[256];
        assert_int_equal(unhex(wp_vectors[v].ct, ct), 256);
        size_t msg_len = unhex(wp_vectors[v].msg, msg);
        size_t label_len = unhex(wp_vectors[v].label, label);
        /* the seed the vector was made with, and the decryption checks out */
        int n = oaep_decrypt(ct, 256, label, label_len, got_msg, seed);
        assert_int_equal(n, (int)msg_len);
        assert_memory_equal(got_msg, msg, msg_len);
        /* the encoder, given that seed, gives the official ciphertext */
        fake_random r = {.fixed = seed, .fixed_len = 32};
        assert_true(gx_seal_rsa_oaep_sha256(key, label, label_len, msg, msg_len, fake, &r, out));
        assert_int_equal(r.calls, 1);
        if (memcmp(out, ct, 256) != 0)
            fail_msg("Wycheproof tcId %d: the ciphertext differs", wp_vectors[v].tc);
    }
}

static void test_oaep_limits(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = wp_key(fx);
    uint8_t msg[256] = {0}, out[256], back[256];
    fake_random r = {0};
    /* k - 2 hLen - 2 = 190 bytes is the longest message */
    assert_true(gx_seal_rsa_oaep_sha256(key, NULL, 0, msg, 190, fake, &r, out));
    assert_int_equal(oaep_decrypt(out, 256, NULL, 0, back, NULL), 190);
    assert_false(gx_seal_rsa_oaep_sha256(key, NULL, 0, msg, 191, fake, &r, out));
    r.fail_at = r.calls + 1;
    assert_false(gx_seal_rsa_oaep_sha256(key, NULL, 0, msg, 32, fake, &r, out));
}

/* ---- the sealed layout ----------------------------------------------------------------- */

static void decode(const gx_buf *b64, gx_buf *raw)
{
    assert_true(gx_base64_decode(raw, b64->data, b64->len));
}

static void test_seal_value_layout(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = parse_file(fx, "wycheproof-rsa2048-cert.pem");
#define V(s) {s, sizeof s - 1}
    static const struct {
        const char *v;
        size_t len;
    } cases[] = {V(""), V("hunter2"), V("line one\nline two\r\n\n"),
                 V("p\xc3\xa4\xc3\x9f \xf0\x9f\x94\x91"), V("\x00\xff\x00")};
#undef V
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *value = cases[i].v;
        size_t len = cases[i].len;
        fake_random r = {.next = (uint8_t)(17 * i)};
        gx_buf out = GX_BUF_INIT, raw = GX_BUF_INIT, plain = GX_BUF_INIT;
        gx_buf_puts(&out, "encryptedData: "); /* appended to, never replaced */
        assert_true(gx_seal_value(key, "glyphoxa", "gateway-secrets", value, len, fake, &r, &out,
                                  &fx->diags));
        assert_int_equal(r.calls, 2); /* the session key, then the OAEP seed */
        assert_memory_equal(out.data, "encryptedData: ", 15);
        gx_buf b64 = {out.data + 15, out.len - 15, 0};
        size_t sealed_len = 2 + 256 + len + 16;
        assert_int_equal(b64.len, gx_base64_encoded_len(sealed_len));
        assert_null(memchr(b64.data, '\n', b64.len));
        decode(&b64, &raw);
        assert_int_equal(raw.len, sealed_len);
        assert_int_equal(gx_seal_sealed_len(key, len), sealed_len);
        assert_int_equal((uint8_t)raw.data[0], 0x01); /* 256, big-endian */
        assert_int_equal((uint8_t)raw.data[1], 0x00);
        uint8_t session[32], want_session[32];
        assert_true(unseal((uint8_t *)raw.data, raw.len, "glyphoxa/gateway-secrets", &plain,
                           session));
        assert_int_equal(plain.len, len);
        if (len)
            assert_memory_equal(plain.data, value, len);
        for (int j = 0; j < 32; j++)
            want_session[j] = (uint8_t)(17 * i + (size_t)j);
        assert_memory_equal(session, want_session, 32); /* the first bytes drawn */
        /* another label does not decrypt: strict scope */
        gx_buf_reset(&plain);
        assert_false(unseal((uint8_t *)raw.data, raw.len, "glyphoxa/other", &plain, NULL));
        assert_false(unseal((uint8_t *)raw.data, raw.len, "glyphoxa", &plain, NULL));
        assert_false(unseal((uint8_t *)raw.data, raw.len, "", &plain, NULL));
        gx_buf_free(&out);
        gx_buf_free(&raw);
        gx_buf_free(&plain);
    }
    assert_int_equal(fx->diags.count, 0);
}

/* The label goes into the RSA part only: with the same random bytes, two
 * labels give different RSA ciphertexts and the same AES-GCM part; other
 * random bytes change both. */
static void test_seal_label_effect(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = wp_key(fx);
    gx_buf a = GX_BUF_INIT, b = GX_BUF_INIT, c = GX_BUF_INIT;
    fake_random ra = {0}, rb = {0}, rc = {.next = 1};
    assert_true(gx_seal_hybrid(key, "ns/a", 4, "secret", 6, fake, &ra, &a, &fx->diags));
    assert_true(gx_seal_hybrid(key, "ns/b", 4, "secret", 6, fake, &rb, &b, &fx->diags));
    assert_true(gx_seal_hybrid(key, "ns/a", 4, "secret", 6, fake, &rc, &c, &fx->diags));
    assert_int_equal(a.len, b.len);
    assert_memory_not_equal(a.data + 2, b.data + 2, 256);
    assert_memory_equal(a.data + 258, b.data + 258, 6 + 16);
    assert_memory_not_equal(a.data + 2, c.data + 2, 256);
    assert_memory_not_equal(a.data + 258, c.data + 258, 6 + 16);
    /* gx_seal_value's label is ns/name */
    gx_buf v = GX_BUF_INIT, raw = GX_BUF_INIT;
    fake_random rv = {0};
    assert_true(gx_seal_value(key, "ns", "a", "secret", 6, fake, &rv, &v, &fx->diags));
    decode(&v, &raw);
    assert_int_equal(raw.len, a.len);
    assert_memory_equal(raw.data, a.data, a.len);
    gx_buf_free(&a);
    gx_buf_free(&b);
    gx_buf_free(&c);
    gx_buf_free(&v);
    gx_buf_free(&raw);
}

static void test_seal_large(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = parse_file(fx, "wycheproof-rsa2048-cert.pem");
    size_t len = 64 * 1024 + 1;
    uint8_t *big = malloc(len);
    assert_non_null(big);
    for (size_t i = 0; i < len; i++)
        big[i] = (uint8_t)(i * 131 + (i >> 8));
    fake_random r = {0};
    gx_buf out = GX_BUF_INIT, raw = GX_BUF_INIT, plain = GX_BUF_INIT;
    assert_true(gx_seal_value(key, "ns", "big", big, len, fake, &r, &out, &fx->diags));
    decode(&out, &raw);
    assert_int_equal(raw.len, 2 + 256 + len + 16);
    assert_true(unseal((uint8_t *)raw.data, raw.len, "ns/big", &plain, NULL));
    assert_int_equal(plain.len, len);
    assert_memory_equal(plain.data, big, len);
    /* a flipped ciphertext bit fails the tag */
    raw.data[1000] ^= 4;
    gx_buf_reset(&plain);
    assert_false(unseal((uint8_t *)raw.data, raw.len, "ns/big", &plain, NULL));
    free(big);
    gx_buf_free(&out);
    gx_buf_free(&raw);
    gx_buf_free(&plain);
}

static void test_seal_failures(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = wp_key(fx);
    gx_buf out = GX_BUF_INIT;
    gx_buf_puts(&out, "kept");
    for (int fail_at = 1; fail_at <= 2; fail_at++) {
        fake_random r = {.fail_at = fail_at};
        size_t count = fx->diags.count;
        assert_false(gx_seal_value(key, "ns", "name", "v", 1, fake, &r, &out, &fx->diags));
        assert_int_equal(out.len, 4);
        assert_string_equal(out.data, "kept");
        assert_int_equal(fx->diags.count, count + 1);
        assert_int_equal(fx->diags.items[count].code, GX_CODE_RANDOM);
        assert_false(gx_seal_hybrid(key, "l", 1, "v", 1, fake, &(fake_random){.fail_at = fail_at},
                                    &out, &fx->diags));
        assert_int_equal(out.len, 4);
    }
    static const char *bad[][2] = {{"", "name"}, {"ns", ""}, {"a/b", "name"}, {"ns", "x/y"},
                                   {NULL, "name"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fake_random r = {0};
        size_t count = fx->diags.count;
        assert_false(gx_seal_value(key, bad[i][0], bad[i][1], "v", 1, fake, &r, &out, &fx->diags));
        assert_int_equal(r.calls, 0);
        assert_int_equal(out.len, 4);
        assert_int_equal(fx->diags.count, count + 1);
        assert_int_equal(fx->diags.items[count].code, GX_CODE_GENERIC);
    }
    gx_buf label = GX_BUF_INIT;
    assert_true(gx_seal_strict_label(&label, "kube-system", "sealed"));
    assert_string_equal(label.data, "kube-system/sealed");
    gx_buf_free(&label);
    gx_buf_free(&out);
}

/* Fresh random bytes each time: two seals of one value differ throughout. */
static bool counter_random(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    static uint64_t ctr = 0x9e3779b97f4a7c15u;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        ctr = ctr * 6364136223846793005u + 1442695040888963407u;
        p[i] = (uint8_t)(ctr >> 56);
    }
    return true;
}

static void test_seal_fresh(void **state)
{
    gx_test_fx *fx = *state;
    gx_seal_key *key = wp_key(fx);
    gx_buf a = GX_BUF_INIT, b = GX_BUF_INIT;
    assert_true(gx_seal_value(key, "ns", "n", "same", 4, counter_random, NULL, &a, &fx->diags));
    assert_true(gx_seal_value(key, "ns", "n", "same", 4, counter_random, NULL, &b, &fx->diags));
    assert_int_equal(a.len, b.len);
    assert_memory_not_equal(a.data, b.data, a.len);
    gx_buf_free(&a);
    gx_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        GX_TEST_FX(test_cert_wycheproof),   GX_TEST_FX(test_cert_v1),
        GX_TEST_FX(test_cert_refused_keys), GX_TEST_FX(test_cert_pem_framing),
        GX_TEST_FX(test_cert_broken_der),   GX_TEST_FX(test_key_from_rsa_checks),
        GX_TEST_FX(test_oaep_wycheproof),   GX_TEST_FX(test_oaep_limits),
        GX_TEST_FX(test_seal_value_layout), GX_TEST_FX(test_seal_label_effect),
        GX_TEST_FX(test_seal_large),        GX_TEST_FX(test_seal_failures),
        GX_TEST_FX(test_seal_fresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
