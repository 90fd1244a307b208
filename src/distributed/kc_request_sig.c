/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request signatures: GnuTLS computes the HMACs and compares them in
 * constant time. The receiving side decodes base64 with its own few lines:
 * it must accept and refuse exactly what Java's Base64 decoder does and
 * answer with its messages (kc_base64_decode follows Jackson's rules).
 */
#include "kc_internal.h"

#include "data/kc_base64.h"
#include "distributed/kc_request_sig.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <strings.h>

static const struct {
    const char *name;
    gnutls_mac_algorithm_t mac;
} kc_macs[] = {
    {"HmacSHA256", GNUTLS_MAC_SHA256}, {"HmacSHA1", GNUTLS_MAC_SHA1},
    {"HmacSHA224", GNUTLS_MAC_SHA224}, {"HmacSHA384", GNUTLS_MAC_SHA384},
    {"HmacSHA512", GNUTLS_MAC_SHA512}, {"HmacMD5", GNUTLS_MAC_MD5},
};

static gnutls_mac_algorithm_t kc_mac_of(const char *algorithm)
{
    for (size_t i = 0; algorithm != NULL && i < KC_ARRAY_LEN(kc_macs); i++) {
        if (strcasecmp(algorithm, kc_macs[i].name) == 0) {
            return kc_macs[i].mac;
        }
    }
    return GNUTLS_MAC_UNKNOWN;
}

bool kc_request_sig_algorithm_known(const char *algorithm)
{
    return kc_mac_of(algorithm) != GNUTLS_MAC_UNKNOWN;
}

static const char kc_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int kc_b64_value(unsigned char c)
{
    const char *p = c != '\0' ? strchr(kc_b64, c) : NULL;

    return p != NULL ? (int)(p - kc_b64) : c == '=' ? -2 : -1;
}

/* The rules of java.util.Base64.Decoder (RFC 4648 basic alphabet). */
kc_err_t kc_base64_decode_java(const char *s, uint8_t **out, size_t *len,
                               kc_error_t *err)
{
    size_t sl = strlen(s);
    size_t sp = 0;
    size_t dp = 0;
    uint32_t bits = 0;
    int shiftto = 18;
    uint8_t *dst;

    *out = NULL;
    *len = 0;
    if (sl == 0) {
        *out = kc_malloc(1);
        return KC_OK;
    }
    if (sl < 2) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Input byte[] should at least have 2 bytes for "
                            "base64 bytes");
    }
    dst = kc_malloc(sl);
    while (sp < sl) {
        int b = kc_b64_value((unsigned char)s[sp++]);

        if (b < 0) {
            if (b == -2) {
                /* '=': only as the end of a 2- or 3-character unit */
                if ((shiftto == 6 && (sp == sl || s[sp++] != '=')) ||
                    shiftto == 18) {
                    kc_free(dst);
                    return kc_error_set(err, KC_ERR_INVALID,
                                        "Input byte array has wrong 4-byte "
                                        "ending unit");
                }
                break;
            }
            kc_free(dst);
            /* Java prints the byte signed, in hex. */
            b = (signed char)s[sp - 1];
            return kc_error_set(err, KC_ERR_INVALID,
                                "Illegal base64 character %s%x",
                                b < 0 ? "-" : "", (unsigned)(b < 0 ? -b : b));
        }
        bits |= (uint32_t)b << shiftto;
        shiftto -= 6;
        if (shiftto < 0) {
            dst[dp++] = (uint8_t)(bits >> 16);
            dst[dp++] = (uint8_t)(bits >> 8);
            dst[dp++] = (uint8_t)bits;
            shiftto = 18;
            bits = 0;
        }
    }
    if (shiftto == 6) {
        dst[dp++] = (uint8_t)(bits >> 16);
    } else if (shiftto == 0) {
        dst[dp++] = (uint8_t)(bits >> 16);
        dst[dp++] = (uint8_t)(bits >> 8);
    } else if (shiftto == 12) {
        kc_free(dst);
        return kc_error_set(err, KC_ERR_INVALID,
                            "Last unit does not have enough valid bits");
    }
    if (sp < sl) {
        kc_free(dst);
        return kc_error_set(err, KC_ERR_INVALID,
                            "Input byte array has incorrect ending byte at %zu",
                            sp);
    }
    *out = dst;
    *len = dp;
    return KC_OK;
}

/* HMAC of @p body into @p mac (64 bytes at most); its length. */
static size_t kc_hmac(gnutls_mac_algorithm_t alg, const uint8_t *key,
                      size_t key_len, const void *body, size_t body_len,
                      uint8_t mac[64])
{
    static const uint8_t none;
    size_t n = gnutls_hmac_get_len(alg);

    if (n == 0 || n > 64 ||
        gnutls_hmac_fast(alg, key_len > 0 ? key : &none, key_len,
                         body_len > 0 ? body : &none, body_len, mac) < 0) {
        return 0;
    }
    return n;
}

char *kc_request_sig_sign(const char *algorithm, const uint8_t *key,
                          size_t key_len, const void *body, size_t body_len,
                          kc_error_t *err)
{
    gnutls_mac_algorithm_t alg = kc_mac_of(algorithm);
    uint8_t mac[64];
    kc_buf_t out;
    size_t n;

    if (alg == GNUTLS_MAC_UNKNOWN) {
        kc_error_set(err, KC_ERR_INVALID, "Algorithm %s not available",
                     algorithm != NULL ? algorithm : "null");
        return NULL;
    }
    n = kc_hmac(alg, key, key_len, body, body_len, mac);
    if (n == 0) {
        kc_error_set(err, KC_ERR, "could not compute a %s signature",
                     algorithm);
        return NULL;
    }
    kc_buf_init(&out, 0);
    kc_base64_encode(mac, n, &out);
    return kc_buf_detach(&out, NULL);
}

kc_err_t kc_request_sig_headers(const char *algorithm, const uint8_t *key,
                                size_t key_len, const void *body,
                                size_t body_len, char *headers[2],
                                kc_error_t *err)
{
    char *sig =
        kc_request_sig_sign(algorithm, key, key_len, body, body_len, err);

    headers[0] = NULL;
    headers[1] = NULL;
    if (sig == NULL) {
        return err->code != KC_OK ? err->code : KC_ERR;
    }
    headers[0] = kc_asprintf("%s: %s", KC_REQUEST_SIG_HEADER, sig);
    headers[1] =
        kc_asprintf("%s: %s", KC_REQUEST_SIG_ALGORITHM_HEADER, algorithm);
    kc_free(sig);
    return KC_OK;
}

kc_err_t kc_request_sig_from_headers(const char *algorithm,
                                     const char *signature, const void *body,
                                     size_t body_len, kc_request_sig_t **out,
                                     kc_error_t *err)
{
    kc_request_sig_t *sig;
    uint8_t *mac = NULL;
    size_t mac_len = 0;

    *out = NULL;
    if (algorithm == NULL || signature == NULL) {
        return KC_OK;
    }
    if (!kc_request_sig_algorithm_known(algorithm)) {
        char *safe = kc_str_escape_log(algorithm);

        kc_error_set(err, KC_ERR_INVALID, "Algorithm %s not available", safe);
        kc_free(safe);
        return KC_ERR_INVALID;
    }
    if (kc_base64_decode_java(signature, &mac, &mac_len, err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    sig = kc_calloc(1, sizeof(*sig));
    sig->algorithm = kc_strdup(algorithm);
    sig->mac = mac;
    sig->mac_len = mac_len;
    sig->body = kc_malloc(body_len + 1);
    if (body_len > 0) {
        memcpy(sig->body, body, body_len);
    }
    sig->body_len = body_len;
    *out = sig;
    return KC_OK;
}

kc_request_sig_t *kc_request_sig_dup(const kc_request_sig_t *sig)
{
    kc_request_sig_t *c;

    if (sig == NULL) {
        return NULL;
    }
    c = kc_calloc(1, sizeof(*c));
    c->algorithm = kc_strdup(sig->algorithm);
    c->mac = kc_malloc(sig->mac_len + 1);
    memcpy(c->mac, sig->mac, sig->mac_len);
    c->mac_len = sig->mac_len;
    c->body = kc_malloc(sig->body_len + 1);
    if (sig->body_len > 0) {
        memcpy(c->body, sig->body, sig->body_len);
    }
    c->body_len = sig->body_len;
    return c;
}

void kc_request_sig_destroy(kc_request_sig_t *sig)
{
    if (sig == NULL) {
        return;
    }
    kc_free(sig->algorithm);
    kc_free(sig->mac);
    kc_free(sig->body);
    kc_free(sig);
}

kc_err_t kc_request_sig_verify(const kc_request_sig_t *sig,
                               const char *const *algorithms, size_t n,
                               const uint8_t *key, size_t key_len,
                               kc_error_t *err)
{
    uint8_t mac[64];
    size_t mac_len;
    bool listed = false;

    if (sig == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Internal request missing required signature");
    }
    /* Java's List.contains: the name exactly as the request spelt it. */
    for (size_t i = 0; i < n && !listed; i++) {
        listed = strcmp(algorithms[i], sig->algorithm) == 0;
    }
    if (!listed) {
        kc_buf_t list;
        char *safe = kc_str_escape_log(sig->algorithm);

        kc_buf_init(&list, 0);
        for (size_t i = 0; i < n; i++) {
            kc_buf_printf(&list, "%s%s", i > 0 ? ", " : "", algorithms[i]);
        }
        kc_error_set(err, KC_ERR_INVALID,
                     "This worker does not support the '%s' key signing "
                     "algorithm used by other workers. This worker is "
                     "currently configured to use: [%s]. Check that all "
                     "workers' configuration files permit the same set of "
                     "signature algorithms, and correct any misconfigured "
                     "worker and restart it.",
                     safe, kc_buf_cstr(&list));
        kc_buf_release(&list);
        kc_free(safe);
        return KC_ERR_INVALID;
    }
    if (key == NULL) {
        return kc_error_set(err, KC_AGAIN,
                            "This worker is still starting up and has not "
                            "been able to read a session key from the config "
                            "topic yet");
    }
    mac_len = kc_hmac(kc_mac_of(sig->algorithm), key, key_len, sig->body,
                      sig->body_len, mac);
    if (mac_len == 0 || mac_len != sig->mac_len ||
        gnutls_memcmp(mac, sig->mac, mac_len) != 0) {
        return kc_error_set(err, KC_ERR_UNSUPPORTED,
                            "Internal request contained invalid signature.");
    }
    return KC_OK;
}
