/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SCRAM client messages (see kc_scram.h) over GnuTLS's primitives.
 */
#include "kc_internal.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "distributed/kc_scram.h"

#define KC_SCRAM_MAX_HASH       64
#define KC_SCRAM_MIN_ITERATIONS 4096 /* Kafka's ScramMechanism minimum */
/* a bound so that a hostile server cannot make the worker spin */
#define KC_SCRAM_MAX_ITERATIONS (16 * 1024 * 1024)

struct kc_scram {
    gnutls_mac_algorithm_t mac;
    gnutls_digest_algorithm_t dig;
    size_t hlen;
    char *user;
    char *password;
    char *cnonce;
    char *client_first_bare;
    char *auth_message;
    uint8_t server_signature[KC_SCRAM_MAX_HASH];
    int state; /* 0: nothing sent, 1: first sent, 2: final sent, 3: done */
};

bool kc_scram_supports(const char *mechanism)
{
    return mechanism != NULL && (strcmp(mechanism, "SCRAM-SHA-256") == 0 ||
                                 strcmp(mechanism, "SCRAM-SHA-512") == 0);
}

static char *kc_scram_b64(const uint8_t *data, size_t len)
{
    gnutls_datum_t in = {(unsigned char *)data, (unsigned)len};
    gnutls_datum_t out = {NULL, 0};
    char *s;

    if (gnutls_base64_encode2(&in, &out) < 0) {
        return NULL;
    }
    s = kc_strndup((const char *)out.data, out.size);
    gnutls_free(out.data);
    return s;
}

/* Kafka's saslName: ',' and '=' escaped, nothing else changed. */
static char *kc_scram_saslname(const char *user)
{
    kc_buf_t b;
    char *s;

    kc_buf_init(&b, 0);
    for (const char *p = user; *p != '\0'; p++) {
        if (*p == ',') {
            kc_buf_append(&b, "=2C", 3);
        } else if (*p == '=') {
            kc_buf_append(&b, "=3D", 3);
        } else {
            kc_buf_append(&b, p, 1);
        }
    }
    s = kc_strndup(b.len > 0 ? (const char *)b.data : "", b.len);
    kc_buf_release(&b);
    return s;
}

kc_scram_t *kc_scram_new(const char *mechanism, const char *user,
                         const char *password, const char *nonce)
{
    kc_scram_t *s;
    char *name;

    if (!kc_scram_supports(mechanism)) {
        return NULL;
    }
    s = kc_calloc(1, sizeof(*s));
    if (strcmp(mechanism, "SCRAM-SHA-256") == 0) {
        s->mac = GNUTLS_MAC_SHA256;
        s->dig = GNUTLS_DIG_SHA256;
        s->hlen = 32;
    } else {
        s->mac = GNUTLS_MAC_SHA512;
        s->dig = GNUTLS_DIG_SHA512;
        s->hlen = 64;
    }
    s->user = kc_strdup(user);
    s->password = kc_strdup(password);
    if (nonce != NULL) {
        s->cnonce = kc_strdup(nonce);
    } else {
        uint8_t rnd[18]; /* 24 base64 characters, no padding */

        if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0 ||
            (s->cnonce = kc_scram_b64(rnd, sizeof(rnd))) == NULL) {
            kc_scram_destroy(s);
            return NULL;
        }
    }
    name = kc_scram_saslname(user);
    s->client_first_bare = kc_asprintf("n=%s,r=%s", name, s->cnonce);
    kc_free(name);
    return s;
}

void kc_scram_destroy(kc_scram_t *s)
{
    if (s == NULL) {
        return;
    }
    kc_free(s->user);
    if (s->password != NULL) {
        explicit_bzero(s->password, strlen(s->password));
    }
    kc_free(s->password);
    kc_free(s->cnonce);
    kc_free(s->client_first_bare);
    kc_free(s->auth_message);
    explicit_bzero(s, sizeof(*s));
    kc_free(s);
}

/* The value of attribute @p key ("r", "s", ...) in @p msg, or NULL. */
static char *kc_scram_attr(const char *msg, char key)
{
    const char *p = msg;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');

        if (p[0] == key && p[1] == '=') {
            return kc_strndup(p + 2, end != NULL ? (size_t)(end - p - 2)
                                                 : strlen(p + 2));
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

static kc_err_t kc_scram_final(kc_scram_t *s, const char *server_first,
                               char **out, size_t *out_len, kc_error_t *err)
{
    char *nonce = kc_scram_attr(server_first, 'r');
    char *salt_b64 = kc_scram_attr(server_first, 's');
    char *iter_s = kc_scram_attr(server_first, 'i');
    char *mext = kc_scram_attr(server_first, 'm');
    gnutls_datum_t salt_in = {NULL, 0};
    gnutls_datum_t salt = {NULL, 0};
    uint8_t salted[KC_SCRAM_MAX_HASH];
    uint8_t client_key[KC_SCRAM_MAX_HASH];
    uint8_t stored_key[KC_SCRAM_MAX_HASH];
    uint8_t client_sig[KC_SCRAM_MAX_HASH];
    uint8_t server_key[KC_SCRAM_MAX_HASH];
    char *without_proof = NULL;
    char *proof = NULL;
    char *end = NULL;
    long iterations = 0;
    kc_err_t rc = KC_ERR_INVALID;

    if (mext != NULL) {
        kc_error_set(err, rc, "SCRAM: the server demands extension m=%s", mext);
        goto done;
    }
    if (nonce == NULL || salt_b64 == NULL || iter_s == NULL) {
        kc_error_set(err, rc,
                     "SCRAM: the server's first message lacks r=, s= or i=");
        goto done;
    }
    if (strncmp(nonce, s->cnonce, strlen(s->cnonce)) != 0 ||
        strlen(nonce) == strlen(s->cnonce)) {
        kc_error_set(err, rc, "SCRAM: the server's nonce does not extend ours");
        goto done;
    }
    iterations = strtol(iter_s, &end, 10);
    if (end == iter_s || *end != '\0' || iterations < KC_SCRAM_MIN_ITERATIONS ||
        iterations > KC_SCRAM_MAX_ITERATIONS) {
        kc_error_set(err, rc,
                     "SCRAM: iteration count \"%s\" refused (%d to %d)", iter_s,
                     KC_SCRAM_MIN_ITERATIONS, KC_SCRAM_MAX_ITERATIONS);
        goto done;
    }
    salt_in.data = (unsigned char *)salt_b64;
    salt_in.size = (unsigned)strlen(salt_b64);
    if (gnutls_base64_decode2(&salt_in, &salt) < 0) {
        kc_error_set(err, rc, "SCRAM: the server's salt is not base64");
        goto done;
    }
    {
        gnutls_datum_t key = {(unsigned char *)s->password,
                              (unsigned)strlen(s->password)};

        if (gnutls_pbkdf2(s->mac, &key, &salt, (unsigned)iterations, salted,
                          s->hlen) < 0 ||
            gnutls_hmac_fast(s->mac, salted, s->hlen, "Client Key", 10,
                             client_key) < 0 ||
            gnutls_hash_fast(s->dig, client_key, s->hlen, stored_key) < 0 ||
            gnutls_hmac_fast(s->mac, salted, s->hlen, "Server Key", 10,
                             server_key) < 0) {
            kc_error_set(err, KC_ERR, "SCRAM: GnuTLS could not derive keys");
            goto done;
        }
    }
    /* "biws" is base64("n,,"): no channel binding, no authzid */
    without_proof = kc_asprintf("c=biws,r=%s", nonce);
    s->auth_message = kc_asprintf("%s,%s,%s", s->client_first_bare,
                                  server_first, without_proof);
    if (gnutls_hmac_fast(s->mac, stored_key, s->hlen, s->auth_message,
                         strlen(s->auth_message), client_sig) < 0 ||
        gnutls_hmac_fast(s->mac, server_key, s->hlen, s->auth_message,
                         strlen(s->auth_message), s->server_signature) < 0) {
        kc_error_set(err, KC_ERR, "SCRAM: GnuTLS could not sign");
        goto done;
    }
    for (size_t i = 0; i < s->hlen; i++) {
        client_key[i] ^= client_sig[i];
    }
    proof = kc_scram_b64(client_key, s->hlen);
    if (proof == NULL) {
        kc_error_set(err, KC_ERR, "SCRAM: GnuTLS could not encode");
        goto done;
    }
    *out = kc_asprintf("%s,p=%s", without_proof, proof);
    *out_len = strlen(*out);
    rc = KC_OK;
done:
    explicit_bzero(salted, sizeof(salted));
    explicit_bzero(client_key, sizeof(client_key));
    explicit_bzero(stored_key, sizeof(stored_key));
    explicit_bzero(server_key, sizeof(server_key));
    gnutls_free(salt.data);
    kc_free(nonce);
    kc_free(salt_b64);
    kc_free(iter_s);
    kc_free(mext);
    kc_free(without_proof);
    kc_free(proof);
    return rc;
}

static kc_err_t kc_scram_verify(kc_scram_t *s, const char *server_final,
                                kc_error_t *err)
{
    char *e = kc_scram_attr(server_final, 'e');
    char *v = kc_scram_attr(server_final, 'v');
    char *want = kc_scram_b64(s->server_signature, s->hlen);
    kc_err_t rc = KC_OK;

    if (e != NULL) {
        rc = kc_error_set(err, KC_ERR_INVALID, "SCRAM: the server says: %s", e);
    } else if (v == NULL || want == NULL || strlen(v) != strlen(want) ||
               gnutls_memcmp(v, want, strlen(want)) != 0) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "SCRAM: the server's signature is wrong (is it the "
                          "broker we meant?)");
    }
    kc_free(e);
    kc_free(v);
    kc_free(want);
    return rc;
}

kc_err_t kc_scram_step(kc_scram_t *s, const uint8_t *in, size_t in_len,
                       char **out, size_t *out_len, kc_error_t *err)
{
    char *msg;
    kc_err_t rc;

    *out = NULL;
    *out_len = 0;
    if (s->state == 0) {
        *out = kc_asprintf("n,,%s", s->client_first_bare);
        *out_len = strlen(*out);
        s->state = 1;
        return KC_AGAIN;
    }
    if (s->state > 2) {
        return kc_error_set(err, KC_ERR_INVALID, "SCRAM: exchange is over");
    }
    if (in == NULL || memchr(in, '\0', in_len) != NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "SCRAM: the server's message is empty or binary");
    }
    msg = kc_strndup((const char *)in, in_len);
    if (s->state == 1) {
        rc = kc_scram_final(s, msg, out, out_len, err);
        s->state = rc == KC_OK ? 2 : 3;
        rc = rc == KC_OK ? KC_AGAIN : rc;
    } else {
        rc = kc_scram_verify(s, msg, err);
        s->state = 3;
    }
    kc_free(msg);
    return rc;
}
