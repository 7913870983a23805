/* gx_seal — sealing a secret value offline for the Bitnami Sealed Secrets
 * controller, from the controller's certificate, so that the controller (and
 * only it) can decrypt it. Depends on gx_arena, gx_buf, gx_diag, gx_hash
 * (SHA-256, base64) and nettle/hogweed/GMP (ASN.1 DER, SHA-256, AES-256-GCM,
 * the RSA public operation). Does no I/O: the caller reads the certificate
 * and hands in the random source.
 *
 * The layout follows the controller's own code, bitnami-labs/sealed-secrets:
 * pkg/crypto/crypto.go, HybridEncrypt (and singleDecrypt, what the controller
 * runs through HybridDecrypt), and the label from
 * pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go, EncryptionLabel
 * (strict scope) as NewSealedSecret and Unseal use it. For one value:
 *
 *   1. a fresh 32-byte session key (sessionKeyBytes = 32), drawn first;
 *   2. the session key encrypted with RSAES-OAEP (RFC 8017 §7.1.1), hash
 *      SHA-256 and MGF1 with SHA-256, label L = "<namespace>/<name>" of the
 *      Secret; the 32-byte OAEP seed is drawn second. The RSA ciphertext is
 *      k bytes, k the modulus size in bytes;
 *   3. the value encrypted with AES-256-GCM under the session key: nonce of
 *      the standard 12 bytes, all zero (the key is used once), no additional
 *      data, 16-byte tag appended to the ciphertext (Go's cipher.NewGCM,
 *      aead.Seal);
 *   4. sealed = uint16 big-endian k || RSA ciphertext || GCM ciphertext || tag,
 *      so 2 + k + len + 16 bytes;
 *   5. in a SealedSecret (bitnami.com/v1alpha1, no scope annotation = strict)
 *      each spec.encryptedData value is the standard base64 (RFC 4648 §4,
 *      padded, no line breaks) of one sealed value.
 *
 * Certificates: like kubeseal's ParseKey (pkg/kubeseal/kubeseal.go), the
 * first PEM block of type CERTIFICATE without headers is used (other blocks
 * are skipped); its SubjectPublicKeyInfo must be rsaEncryption with NULL
 * parameters (as Go's crypto/x509 requires). Beyond the controller, the
 * modulus must have 2048 to 16384 bits and the exponent be odd, 3 to
 * 2^31 - 1. kubeseal refuses a certificate past its notAfter: the key
 * carries the validity for the caller to compare with the clock.
 *
 * Memory: a gx_seal_key lives in the arena it was parsed into (nothing to
 * free). Secret intermediates (session key, seed, encoded message) are wiped
 * before returning. */
#ifndef GX_SEAL_H
#define GX_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_hash.h"

#define GX_SEAL_SESSION_KEY_SIZE 32 /* AES-256 session key */
#define GX_SEAL_GCM_NONCE_SIZE 12   /* the standard GCM nonce, all zero */
#define GX_SEAL_GCM_TAG_SIZE 16
#define GX_SEAL_MIN_BITS 2048
#define GX_SEAL_MAX_BITS 16384

/* An RSA public key to seal to, with what its certificate said. Opaque. */
typedef struct gx_seal_key gx_seal_key;

/* The random source: fills buf with n unpredictable bytes and returns true,
 * or returns false (and may report through its own context) when it cannot.
 * In the tool: a wrapper of gx_random_bytes (src/os/gx_files.h) with the
 * operation's gx_diags as ctx. Tests may pass a deterministic source. */
typedef bool gx_seal_random_fn(void *ctx, void *buf, size_t n);

/* Parses the PEM text pem[0..len) (the controller's certificate, as
 * `kubeseal --fetch-cert` or the controller's /v1/cert.pem gives it) into
 * *out, allocated in a. On failure returns false, *out untouched, with one
 * blocking diagnostic (code GX_CODE_GENERIC; file names it when not NULL,
 * with the line of the PEM block where known). */
bool gx_seal_cert_parse(gx_arena *a, const char *pem, size_t len, const char *file,
                        gx_seal_key **out, gx_diags *diags);

/* A key from its big-endian modulus n[0..n_len) and public exponent
 * e[0..e_len) (leading zero bytes allowed), with the same checks as a
 * certificate's key. It has no certificate: its fingerprint is the SHA-256
 * of the empty string and its validity is 0..INT64_MAX. For tests and known
 * answers. */
bool gx_seal_key_from_rsa(gx_arena *a, const uint8_t *n, size_t n_len, const uint8_t *e,
                          size_t e_len, gx_seal_key **out, gx_diags *diags);

/* The modulus size in bits, and in bytes (k: the RSA ciphertext's length). */
size_t gx_seal_key_bits(const gx_seal_key *k);
size_t gx_seal_key_size(const gx_seal_key *k);

/* The SHA-256 of the certificate's DER, raw and as 64 lower-case hex digits
 * (NUL-terminated): the cache key of sealed values. Two PEM files holding the
 * same certificate have the same fingerprint. */
const uint8_t *gx_seal_key_fingerprint(const gx_seal_key *k);
const char *gx_seal_key_fingerprint_hex(const gx_seal_key *k);

/* The certificate's notBefore and notAfter as seconds since the Unix epoch
 * (UTC). kubeseal refuses to seal when the current time is after notAfter. */
int64_t gx_seal_key_not_before(const gx_seal_key *k);
int64_t gx_seal_key_not_after(const gx_seal_key *k);

/* The length of one sealed value of len bytes before base64: 2 + k + len +
 * 16; 0 when that overflows size_t. */
size_t gx_seal_sealed_len(const gx_seal_key *k, size_t len);

/* The strict-scope label "<ns>/<name>" (EncryptionLabel) appended to out;
 * false, out unchanged, when ns or name is empty or holds a '/' or a NUL
 * (neither is possible for a Kubernetes namespace or object name). */
bool gx_seal_strict_label(gx_buf *out, const char *ns, const char *name);

/* RSAES-OAEP-ENCRYPT with SHA-256 and MGF1-SHA-256 (RFC 8017 §7.1.1) of
 * msg[0..msg_len) under k with label[0..label_len): draws the 32-byte seed
 * from random and writes exactly gx_seal_key_size(k) bytes to out. False
 * (out unspecified) when msg_len > k - 66 or the random source fails; then
 * nothing is reported: the callers below report. */
bool gx_seal_rsa_oaep_sha256(const gx_seal_key *k, const void *label, size_t label_len,
                             const void *msg, size_t msg_len, gx_seal_random_fn *random,
                             void *rctx, uint8_t *out);

/* HybridEncrypt: appends the sealed bytes (layout above, not base64) of
 * plain[0..len) under k with label[0..label_len) to out_raw (plain may be
 * NULL when len is 0). Draws the session key, then the seed. False, out_raw
 * unchanged, with a blocking diagnostic (GX_CODE_RANDOM when the random
 * source failed, else GX_CODE_GENERIC). Namespace-wide scope is label = the
 * namespace, cluster-wide an empty label. */
bool gx_seal_hybrid(const gx_seal_key *k, const void *label, size_t label_len, const void *plain,
                    size_t len, gx_seal_random_fn *random, void *rctx, gx_buf *out_raw,
                    gx_diags *diags);

/* One value of a Secret ns/name sealed in strict scope, appended to
 * out_base64 as the text of its spec.encryptedData entry (standard base64).
 * False, out_base64 unchanged, with a blocking diagnostic: a bad ns or name
 * (see gx_seal_strict_label), or as gx_seal_hybrid. */
bool gx_seal_value(const gx_seal_key *k, const char *ns, const char *name, const void *plain,
                   size_t len, gx_seal_random_fn *random, void *rctx, gx_buf *out_base64,
                   gx_diags *diags);

#endif
