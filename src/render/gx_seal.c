/* gx_seal — sealing for the Sealed Secrets controller. See gx_seal.h. */
#include "gx_seal.h"

#include <limits.h>
#include <string.h>

#include <gmp.h>
#include <nettle/asn1.h>
#include <nettle/bignum.h>
#include <nettle/gcm.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>

_Static_assert(GX_SEAL_GCM_NONCE_SIZE == GCM_IV_SIZE, "the standard GCM nonce");
_Static_assert(GX_SEAL_GCM_TAG_SIZE == GCM_DIGEST_SIZE, "the GCM tag");
_Static_assert(GX_SEAL_SESSION_KEY_SIZE == AES256_KEY_SIZE, "AES-256");
_Static_assert(GX_SEAL_MAX_BITS / 8 <= 0xFFFF, "k fits the 2-byte length");

#define OAEP_HLEN SHA256_DIGEST_SIZE
#define MAX_K (GX_SEAL_MAX_BITS / 8)
/* GCM encrypts at most 2^39 - 256 bits (NIST SP 800-38D §5.2.1.1). */
#define GCM_MAX_PLAIN (((uint64_t)1 << 36) - 32)

struct gx_seal_key {
    uint8_t *n; /* k bytes, big-endian, first byte non-zero */
    size_t k, bits;
    uint8_t *e; /* e_len bytes, big-endian, first byte non-zero */
    size_t e_len;
    uint8_t fp[GX_SHA256_SIZE];
    char fp_hex[GX_SHA256_HEX_LEN + 1];
    int64_t not_before, not_after;
};

/* ---- the key -------------------------------------------------------------------- */

static const uint8_t *skip_zeros(const uint8_t *p, size_t *len)
{
    while (*len && *p == 0) {
        p++;
        (*len)--;
    }
    return p;
}

/* The checks every key passes, then a copy in the arena. why: NULL, or what is
 * wrong with the key. */
static gx_seal_key *key_build(gx_arena *a, const uint8_t *n, size_t n_len, const uint8_t *e,
                              size_t e_len, const char **why)
{
    n = skip_zeros(n, &n_len);
    e = skip_zeros(e, &e_len);
    if (n_len == 0 || n_len > MAX_K) {
        *why = n_len ? "the RSA modulus has more than 16384 bits" : "the RSA modulus is zero";
        return NULL;
    }
    size_t bits = 8 * n_len;
    for (uint8_t top = n[0]; !(top & 0x80); top <<= 1)
        bits--;
    if (bits < GX_SEAL_MIN_BITS || bits > GX_SEAL_MAX_BITS) {
        *why = bits < GX_SEAL_MIN_BITS ? "the RSA key has fewer than 2048 bits"
                                       : "the RSA modulus has more than 16384 bits";
        return NULL;
    }
    if (!(n[n_len - 1] & 1)) {
        *why = "the RSA modulus is even";
        return NULL;
    }
    uint64_t ev = 0;
    if (e_len > 4) {
        *why = "the RSA public exponent is larger than 2^31 - 1";
        return NULL;
    }
    for (size_t i = 0; i < e_len; i++)
        ev = ev << 8 | e[i];
    if (ev < 3 || ev > INT32_MAX || !(ev & 1)) {
        *why = ev > INT32_MAX ? "the RSA public exponent is larger than 2^31 - 1"
                              : "the RSA public exponent is not an odd number of at least 3";
        return NULL;
    }
    gx_seal_key *key = gx_arena_alloc(a, sizeof *key);
    key->n = gx_arena_alloc(a, n_len);
    memcpy(key->n, n, n_len);
    key->k = n_len;
    key->bits = bits;
    key->e = gx_arena_alloc(a, e_len);
    memcpy(key->e, e, e_len);
    key->e_len = e_len;
    return key;
}

bool gx_seal_key_from_rsa(gx_arena *a, const uint8_t *n, size_t n_len, const uint8_t *e,
                          size_t e_len, gx_seal_key **out, gx_diags *diags)
{
    const char *why = NULL;
    gx_seal_key *key = key_build(a, n, n_len, e, e_len, &why);
    if (!key) {
        gx_diags_add(diags, GX_CODE_GENERIC, NULL, 0, 0, NULL, "cannot seal to this key: %s", why);
        return false;
    }
    gx_sha256("", 0, key->fp);
    gx_hex_encode(key->fp_hex, key->fp, sizeof key->fp);
    key->not_before = 0;
    key->not_after = INT64_MAX;
    *out = key;
    return true;
}

size_t gx_seal_key_bits(const gx_seal_key *k) { return k->bits; }
size_t gx_seal_key_size(const gx_seal_key *k) { return k->k; }
const uint8_t *gx_seal_key_fingerprint(const gx_seal_key *k) { return k->fp; }
const char *gx_seal_key_fingerprint_hex(const gx_seal_key *k) { return k->fp_hex; }
int64_t gx_seal_key_not_before(const gx_seal_key *k) { return k->not_before; }
int64_t gx_seal_key_not_after(const gx_seal_key *k) { return k->not_after; }

/* ---- the certificate: DER --------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool digits(const uint8_t *p, size_t n, int *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        *v = *v * 10 + (p[i] - '0');
    }
    return true;
}

/* A Time of RFC 5280 §4.1.2.5 as Go's crypto/x509 reads it: UTCTime
 * YYMMDDHHMMSSZ (YY >= 50 is 19YY) or GeneralizedTime YYYYMMDDHHMMSSZ. */
static bool der_time(const struct asn1_der_iterator *i, int64_t *t)
{
    const uint8_t *p = i->data;
    size_t ylen;
    if (i->type == ASN1_UTC && i->length == 13)
        ylen = 2;
    else if ((unsigned)i->type == 24 /* GeneralizedTime */ && i->length == 15)
        ylen = 4;
    else
        return false;
    int y, mo, d, h, mi, s;
    if (p[i->length - 1] != 'Z' || !digits(p, ylen, &y) || !digits(p + ylen, 2, &mo) ||
        !digits(p + ylen + 2, 2, &d) || !digits(p + ylen + 4, 2, &h) ||
        !digits(p + ylen + 6, 2, &mi) || !digits(p + ylen + 8, 2, &s))
        return false;
    if (ylen == 2)
        y += y >= 50 ? 1900 : 2000;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || s > 59)
        return false;
    *t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

#define ASN1_CONTEXT0 (ASN1_CLASS_CONTEXT_SPECIFIC | ASN1_TYPE_CONSTRUCTED | 0)

static bool is(enum asn1_iterator_result r, const struct asn1_der_iterator *i, unsigned type)
{
    if ((unsigned)i->type != type)
        return false;
    return (type & ASN1_TYPE_CONSTRUCTED) ? r == ASN1_ITERATOR_CONSTRUCTED
                                          : r == ASN1_ITERATOR_PRIMITIVE;
}

/* rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017 Appendix C) */
static const uint8_t rsa_encryption_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};

/* Walks the DER of an X.509 certificate (RFC 5280 §4.1) to its validity and
 * its SubjectPublicKeyInfo, and reads the RSA key there. */
static gx_seal_key *cert_key(gx_arena *a, const uint8_t *der, size_t len, const char **why)
{
    struct asn1_der_iterator top, cert, tbs, in, alg;
    enum asn1_iterator_result r;

    *why = "it is not a DER X.509 certificate";
    r = asn1_der_iterator_first(&top, len, der);
    if (!is(r, &top, ASN1_SEQUENCE))
        return NULL;
    r = asn1_der_decode_constructed(&top, &cert);
    if (asn1_der_iterator_next(&top) != ASN1_ITERATOR_END) {
        *why = "the certificate is followed by other bytes";
        return NULL;
    }
    /* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } */
    if (!is(r, &cert, ASN1_SEQUENCE))
        return NULL;
    r = asn1_der_decode_constructed(&cert, &tbs);
    if (!is(asn1_der_iterator_next(&cert), &cert, ASN1_SEQUENCE) ||
        !is(asn1_der_iterator_next(&cert), &cert, ASN1_BITSTRING) ||
        asn1_der_iterator_next(&cert) != ASN1_ITERATOR_END)
        return NULL;

    /* TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber,
     *   signature, issuer, validity, subject, subjectPublicKeyInfo, ... } */
    if (is(r, &tbs, ASN1_CONTEXT0)) {
        uint32_t version;
        if (!is(asn1_der_decode_constructed(&tbs, &in), &in, ASN1_INTEGER) ||
            !asn1_der_get_uint32(&in, &version) || version > 2 ||
            asn1_der_iterator_next(&in) != ASN1_ITERATOR_END)
            return NULL;
        r = asn1_der_iterator_next(&tbs);
    }
    if (!is(r, &tbs, ASN1_INTEGER) /* serialNumber */ ||
        !is(asn1_der_iterator_next(&tbs), &tbs, ASN1_SEQUENCE) /* signature */ ||
        !is(asn1_der_iterator_next(&tbs), &tbs, ASN1_SEQUENCE) /* issuer */ ||
        !is(asn1_der_iterator_next(&tbs), &tbs, ASN1_SEQUENCE) /* validity */)
        return NULL;

    /* Validity ::= SEQUENCE { notBefore Time, notAfter Time } */
    int64_t not_before, not_after;
    *why = "the certificate's validity is not a valid UTCTime or GeneralizedTime";
    r = asn1_der_decode_constructed(&tbs, &in);
    if (r != ASN1_ITERATOR_PRIMITIVE || !der_time(&in, &not_before) ||
        asn1_der_iterator_next(&in) != ASN1_ITERATOR_PRIMITIVE || !der_time(&in, &not_after) ||
        asn1_der_iterator_next(&in) != ASN1_ITERATOR_END)
        return NULL;

    *why = "it is not a DER X.509 certificate";
    if (!is(asn1_der_iterator_next(&tbs), &tbs, ASN1_SEQUENCE) /* subject */ ||
        !is(asn1_der_iterator_next(&tbs), &tbs, ASN1_SEQUENCE) /* subjectPublicKeyInfo */)
        return NULL;

    /* SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
     *   subjectPublicKey BIT STRING } with AlgorithmIdentifier ::= SEQUENCE {
     *   algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } */
    if (!is(asn1_der_decode_constructed(&tbs, &in), &in, ASN1_SEQUENCE))
        return NULL;
    *why = "the certificate's key is not an RSA key (rsaEncryption)";
    if (!is(asn1_der_decode_constructed(&in, &alg), &alg, ASN1_IDENTIFIER) ||
        alg.length != sizeof rsa_encryption_oid ||
        memcmp(alg.data, rsa_encryption_oid, sizeof rsa_encryption_oid) != 0)
        return NULL;
    *why = "the parameters of the certificate's RSA key are not NULL";
    if (!is(asn1_der_iterator_next(&alg), &alg, ASN1_NULL) || alg.length != 0 ||
        asn1_der_iterator_next(&alg) != ASN1_ITERATOR_END)
        return NULL;
    *why = "the certificate's RSA public key cannot be read";
    if (!is(asn1_der_iterator_next(&in), &in, ASN1_BITSTRING) ||
        asn1_der_decode_bitstring_last(&in) != ASN1_ITERATOR_CONSTRUCTED)
        return NULL;

    /* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
    struct rsa_public_key pub;
    rsa_public_key_init(&pub);
    gx_seal_key *key = NULL;
    if (rsa_public_key_from_der_iterator(&pub, 0, &in)) {
        uint8_t n[MAX_K + 1], e[8];
        size_t n_len = nettle_mpz_sizeinbase_256_u(pub.n);
        size_t e_len = nettle_mpz_sizeinbase_256_u(pub.e);
        if (n_len > sizeof n) {
            *why = "the RSA modulus has more than 16384 bits";
        } else if (e_len > sizeof e) {
            *why = "the RSA public exponent is larger than 2^31 - 1";
        } else {
            nettle_mpz_get_str_256(n_len, n, pub.n);
            nettle_mpz_get_str_256(e_len, e, pub.e);
            key = key_build(a, n, n_len, e, e_len, why);
        }
    }
    rsa_public_key_clear(&pub);
    if (key) {
        key->not_before = not_before;
        key->not_after = not_after;
    }
    return key;
}

/* ---- the certificate: PEM ---------------------------------------------------------- */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The next line of p[*pos..len) without its '\n' (and trailing white space). */
static bool next_line(const char *p, size_t len, size_t *pos, const char **line, size_t *n)
{
    if (*pos >= len)
        return false;
    const char *s = p + *pos;
    const char *nl = memchr(s, '\n', len - *pos);
    size_t l = nl ? (size_t)(nl - s) : len - *pos;
    *pos += l + (nl != NULL);
    while (l && is_space(s[l - 1]))
        l--;
    *line = s;
    *n = l;
    return true;
}

static bool starts(const char *s, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    return n >= pl && memcmp(s, prefix, pl) == 0;
}

/* "-----BEGIN TYPE-----" or "-----END TYPE-----": TYPE's place. */
static bool pem_boundary(const char *s, size_t n, const char *kind, const char **type, size_t *tlen)
{
    if (!starts(s, n, kind) || n < strlen(kind) + 5 || memcmp(s + n - 5, "-----", 5) != 0)
        return false;
    *type = s + strlen(kind);
    *tlen = n - strlen(kind) - 5;
    return true;
}

bool gx_seal_cert_parse(gx_arena *a, const char *pem, size_t len, const char *file,
                        gx_seal_key **out, gx_diags *diags)
{
    size_t pos = 0;
    int lineno = 0;
    const char *line;
    size_t n;
    while (next_line(pem, len, &pos, &line, &n)) {
        lineno++;
        const char *type;
        size_t tlen;
        if (!pem_boundary(line, n, "-----BEGIN ", &type, &tlen))
            continue;
        int begin = lineno;
        bool headers = false, ended = false;
        gx_buf b64 = GX_BUF_INIT;
        while (next_line(pem, len, &pos, &line, &n)) {
            lineno++;
            const char *etype;
            size_t elen;
            if (pem_boundary(line, n, "-----END ", &etype, &elen)) {
                ended = elen == tlen && memcmp(etype, type, tlen) == 0;
                break;
            }
            if (memchr(line, ':', n))
                headers = true;
            for (size_t i = 0; i < n; i++)
                if (!is_space(line[i]))
                    gx_buf_putc(&b64, line[i]);
        }
        bool cert = tlen == 11 && memcmp(type, "CERTIFICATE", 11) == 0;
        if (!ended) {
            gx_buf_free(&b64);
            gx_diags_add(diags, GX_CODE_GENERIC, file, begin, 0, NULL,
                         "the PEM block that starts here has no matching END line");
            return false;
        }
        if (!cert || headers) { /* as kubeseal: other blocks are skipped */
            gx_buf_free(&b64);
            continue;
        }
        gx_buf der = GX_BUF_INIT;
        bool ok = b64.len && gx_base64_decode(&der, b64.data, b64.len);
        gx_buf_free(&b64);
        if (!ok) {
            gx_buf_free(&der);
            gx_diags_add(diags, GX_CODE_GENERIC, file, begin, 0, NULL,
                         "the CERTIFICATE block is not valid base64");
            return false;
        }
        const char *why = NULL;
        gx_seal_key *key = cert_key(a, (const uint8_t *)der.data, der.len, &why);
        if (key) {
            gx_sha256(der.data, der.len, key->fp);
            gx_hex_encode(key->fp_hex, key->fp, sizeof key->fp);
            *out = key;
        } else {
            gx_diags_add(diags, GX_CODE_GENERIC, file, begin, 0,
                         "the Sealed Secrets controller's certificate is an X.509 certificate "
                         "with an RSA key, as its /v1/cert.pem gives it",
                         "cannot seal with this certificate: %s", why);
        }
        gx_buf_free(&der);
        return key != NULL;
    }
    gx_diags_add(diags, GX_CODE_GENERIC, file, 0, 0,
                 "the Sealed Secrets controller's certificate is a PEM file with a "
                 "-----BEGIN CERTIFICATE----- block",
                 "no certificate found: the text holds no PEM CERTIFICATE block");
    return false;
}

/* ---- sealing ------------------------------------------------------------------------- */

size_t gx_seal_sealed_len(const gx_seal_key *k, size_t len)
{
    size_t fixed = 2 + k->k + GX_SEAL_GCM_TAG_SIZE;
    return len > SIZE_MAX - fixed ? 0 : fixed + len;
}

bool gx_seal_strict_label(gx_buf *out, const char *ns, const char *name)
{
    if (!ns || !name || !*ns || !*name || strchr(ns, '/') || strchr(name, '/'))
        return false;
    gx_buf_puts(out, ns);
    gx_buf_putc(out, '/');
    gx_buf_puts(out, name);
    return true;
}

/* dst[0..dst_len) ^= MGF1-SHA-256(seed[0..seed_len), dst_len) (RFC 8017 B.2.1). */
static void mgf1_sha256_xor(uint8_t *dst, size_t dst_len, const uint8_t *seed, size_t seed_len)
{
    uint8_t block[SHA256_DIGEST_SIZE];
    for (uint32_t counter = 0; dst_len; counter++) {
        uint8_t c[4] = {(uint8_t)(counter >> 24), (uint8_t)(counter >> 16),
                        (uint8_t)(counter >> 8), (uint8_t)counter};
        struct sha256_ctx h;
        sha256_init(&h);
        sha256_update(&h, seed_len, seed);
        sha256_update(&h, sizeof c, c);
        sha256_digest(&h, sizeof block, block);
        size_t n = dst_len < sizeof block ? dst_len : sizeof block;
        for (size_t i = 0; i < n; i++)
            dst[i] ^= block[i];
        dst += n;
        dst_len -= n;
    }
    explicit_bzero(block, sizeof block);
}

static void mpz_wipe_clear(mpz_t x)
{
    size_t n = mpz_size(x);
    if (n)
        explicit_bzero(mpz_limbs_modify(x, (mp_size_t)n), n * sizeof(mp_limb_t));
    mpz_clear(x);
}

bool gx_seal_rsa_oaep_sha256(const gx_seal_key *k, const void *label, size_t label_len,
                             const void *msg, size_t msg_len, gx_seal_random_fn *random,
                             void *rctx, uint8_t *out)
{
    size_t kk = k->k;
    if (kk < 2 * OAEP_HLEN + 2 || msg_len > kk - 2 * OAEP_HLEN - 2)
        return false;
    /* EM = 0x00 || maskedSeed || maskedDB, DB = lHash || PS || 0x01 || M */
    uint8_t em[MAX_K];
    uint8_t *seed = em + 1, *db = em + 1 + OAEP_HLEN;
    size_t db_len = kk - OAEP_HLEN - 1;
    em[0] = 0;
    struct sha256_ctx h;
    sha256_init(&h);
    if (label_len)
        sha256_update(&h, label_len, label);
    sha256_digest(&h, OAEP_HLEN, db);
    memset(db + OAEP_HLEN, 0, db_len - OAEP_HLEN - msg_len - 1);
    db[db_len - msg_len - 1] = 0x01;
    if (msg_len)
        memcpy(db + db_len - msg_len, msg, msg_len);
    if (!random(rctx, seed, OAEP_HLEN)) {
        explicit_bzero(em, kk);
        return false;
    }
    mgf1_sha256_xor(db, db_len, seed, OAEP_HLEN);
    mgf1_sha256_xor(seed, OAEP_HLEN, db, db_len);

    /* c = m^e mod n, written as k bytes (RSAEP and I2OSP, RFC 8017 §5.1.1, §4.1) */
    mpz_t m, n, e;
    mpz_init(m);
    mpz_init(n);
    mpz_init(e);
    nettle_mpz_set_str_256_u(m, kk, em);
    nettle_mpz_set_str_256_u(n, kk, k->n);
    nettle_mpz_set_str_256_u(e, k->e_len, k->e);
    explicit_bzero(em, kk);
    mpz_powm(m, m, e, n);
    nettle_mpz_get_str_256(kk, out, m);
    mpz_wipe_clear(m);
    mpz_clear(n);
    mpz_clear(e);
    return true;
}

bool gx_seal_hybrid(const gx_seal_key *k, const void *label, size_t label_len, const void *plain,
                    size_t len, gx_seal_random_fn *random, void *rctx, gx_buf *out_raw,
                    gx_diags *diags)
{
    size_t total = gx_seal_sealed_len(k, len);
    if (!total || (uint64_t)len > GCM_MAX_PLAIN) {
        gx_diags_add(diags, GX_CODE_GENERIC, NULL, 0, 0, NULL,
                     "cannot seal a value of %zu bytes: AES-GCM encrypts at most 2^36 - 32", len);
        return false;
    }
    uint8_t session[GX_SEAL_SESSION_KEY_SIZE];
    if (!random(rctx, session, sizeof session)) {
        gx_diags_add(diags, GX_CODE_RANDOM, NULL, 0, 0, NULL,
                     "cannot seal: no random bytes for the session key");
        return false;
    }
    size_t start = out_raw->len;
    uint8_t *dst = (uint8_t *)gx_buf_extend(out_raw, total);
    dst[0] = (uint8_t)(k->k >> 8);
    dst[1] = (uint8_t)k->k;
    if (!gx_seal_rsa_oaep_sha256(k, label, label_len, session, sizeof session, random, rctx,
                                 dst + 2)) {
        explicit_bzero(session, sizeof session);
        gx_buf_truncate(out_raw, start);
        gx_diags_add(diags, GX_CODE_RANDOM, NULL, 0, 0, NULL,
                     "cannot seal: no random bytes for the RSA-OAEP seed");
        return false;
    }
    static const uint8_t zero_nonce[GX_SEAL_GCM_NONCE_SIZE];
    struct gcm_aes256_ctx gcm;
    gcm_aes256_set_key(&gcm, session);
    gcm_aes256_set_iv(&gcm, sizeof zero_nonce, zero_nonce);
    if (len)
        gcm_aes256_encrypt(&gcm, len, dst + 2 + k->k, plain);
    gcm_aes256_digest(&gcm, GX_SEAL_GCM_TAG_SIZE, dst + 2 + k->k + len);
    explicit_bzero(&gcm, sizeof gcm);
    explicit_bzero(session, sizeof session);
    return true;
}

bool gx_seal_value(const gx_seal_key *k, const char *ns, const char *name, const void *plain,
                   size_t len, gx_seal_random_fn *random, void *rctx, gx_buf *out_base64,
                   gx_diags *diags)
{
    gx_buf label = GX_BUF_INIT;
    if (!gx_seal_strict_label(&label, ns, name)) {
        gx_diags_add(diags, GX_CODE_GENERIC, NULL, 0, 0, NULL,
                     "cannot seal for the Secret '%s/%s': a namespace and a name, neither empty "
                     "nor holding '/', are needed",
                     ns ? ns : "", name ? name : "");
        gx_buf_free(&label);
        return false;
    }
    gx_buf raw = GX_BUF_INIT;
    bool ok = gx_seal_hybrid(k, label.data, label.len, plain, len, random, rctx, &raw, diags);
    if (ok)
        gx_base64_encode(out_base64, raw.data, raw.len);
    gx_buf_free(&raw);
    gx_buf_free(&label);
    return ok;
}
