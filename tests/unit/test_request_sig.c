/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request signing (kc_request_sig) against Apache's own
 * InternalRequestSignature: tests/golden/request_signature/golden.jsonl
 * holds the headers it wrote for bodies and keys, and what it made of
 * received headers (GenRequestSignatureGolden.java). The checks Apache's
 * DistributedHerder makes before serving a signed request follow.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>
#include <jansson.h>

#include "distributed/kc_request_sig.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/request_signature/golden.jsonl"

static uint8_t *unhex(const char *h, size_t *len)
{
    size_t n = strlen(h) / 2;
    uint8_t *k = kc_malloc(n + 1);

    for (size_t i = 0; i < n; i++) {
        unsigned v;

        assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
        k[i] = (uint8_t)v;
    }
    *len = n;
    return k;
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void test_request_sig_matches_apache_golden(void **state)
{
    FILE *f = fopen(GOLDEN, "r");
    char line[8192];
    int nsign = 0;
    int nverify = 0;

    (void)state;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);
        size_t key_len;
        uint8_t *key;
        const char *body;
        kc_error_t err;

        assert_non_null(c);
        key = unhex(str(c, "key"), &key_len);
        body = str(c, "body");
        kc_error_clear(&err);
        if (strcmp(str(c, "kind"), "sign") == 0) {
            char *hdrs[2];
            char *sig = kc_request_sig_sign(str(c, "algorithm"), key, key_len,
                                            body, strlen(body), &err);
            char want[256];

            assert_non_null(sig);
            assert_string_equal(sig, str(c, "signature_header"));
            kc_free(sig);
            assert_int_equal(kc_request_sig_headers(str(c, "algorithm"), key,
                                                    key_len, body, strlen(body),
                                                    hdrs, &err),
                             KC_OK);
            snprintf(want, sizeof(want), "X-Connect-Authorization: %s",
                     str(c, "signature_header"));
            assert_string_equal(hdrs[0], want);
            snprintf(want, sizeof(want),
                     "X-Connect-Request-Signature-Algorithm: %s",
                     str(c, "algorithm_header"));
            assert_string_equal(hdrs[1], want);
            kc_free(hdrs[0]);
            kc_free(hdrs[1]);
            nsign++;
        } else {
            const char *alg = str(c, "algorithm_header");
            const char *hdr = str(c, "signature_header");
            const char *result = str(c, "result");
            kc_request_sig_t *sig = NULL;
            kc_err_t rc;
            bool ascii = true;

            for (const char *p = hdr; p != NULL && *p; p++) {
                ascii = ascii && (unsigned char)*p < 0x80;
            }
            if (!ascii) {
                /* Java read the header as ISO-8859-1 chars, we get bytes. */
                kc_free(key);
                json_decref(c);
                continue;
            }
            rc = kc_request_sig_from_headers(alg, hdr, body, strlen(body), &sig,
                                             &err);
            if (strcmp(result, "missing") == 0) {
                assert_int_equal(rc, KC_OK);
                assert_null(sig);
            } else if (strcmp(result, "error") == 0) {
                /* BadRequestException: HTTP 400 */
                assert_int_equal(rc, KC_ERR_INVALID);
                assert_null(sig);
                assert_string_equal(err.msg, str(c, "error"));
            } else {
                const char *algs[] = {str(c, "key_algorithm")};

                assert_int_equal(rc, KC_OK);
                assert_non_null(sig);
                assert_string_equal(sig->algorithm, str(c, "key_algorithm"));
                rc = kc_request_sig_verify(sig, algs, 1, key, key_len, &err);
                if (strcmp(result, "valid") == 0) {
                    assert_int_equal(rc, KC_OK);
                } else {
                    assert_int_equal(rc, KC_ERR_UNSUPPORTED);
                    assert_string_equal(err.msg,
                                        "Internal request contained invalid "
                                        "signature.");
                }
                kc_request_sig_destroy(sig);
            }
            nverify++;
        }
        kc_free(key);
        json_decref(c);
    }
    fclose(f);
    assert_true(nsign >= 24);
    assert_true(nverify >= 20);
}

/* DistributedHerder.requestNotSignedProperly's answers, in its order. */
static void
test_request_sig_verify_answers_as_the_distributed_herder(void **state)
{
    static const uint8_t key[] = {1, 2, 3, 4, 5, 6, 7, 8};
    const char *body = "[{\"a\":\"b\"}]";
    const char *algs[] = {"HmacSHA256", "HmacSHA512"};
    char *hdrs[2];
    kc_request_sig_t *sig = NULL;
    kc_error_t err;

    (void)state;
    kc_error_clear(&err);
    assert_int_equal(
        kc_request_sig_verify(NULL, algs, 2, key, sizeof(key), &err),
        KC_ERR_INVALID);
    assert_string_equal(err.msg, "Internal request missing required signature");

    /* Signed with an algorithm the worker does not accept: 400. */
    assert_int_equal(kc_request_sig_headers("HmacSHA1", key, sizeof(key), body,
                                            strlen(body), hdrs, &err),
                     KC_OK);
    assert_int_equal(kc_request_sig_from_headers("HmacSHA1",
                                                 hdrs[0] + strlen("X-Connect-"
                                                                  "Authorizatio"
                                                                  "n: "),
                                                 body, strlen(body), &sig,
                                                 &err),
                     KC_OK);
    assert_int_equal(
        kc_request_sig_verify(sig, algs, 2, key, sizeof(key), &err),
        KC_ERR_INVALID);
    assert_string_equal(
        err.msg, "This worker does not support the 'HmacSHA1' key signing "
                 "algorithm used by other workers. This worker is currently "
                 "configured to use: [HmacSHA256, HmacSHA512]. Check that all "
                 "workers' configuration files permit the same set of "
                 "signature algorithms, and correct any misconfigured worker "
                 "and restart it.");
    kc_request_sig_destroy(sig);
    kc_free(hdrs[0]);
    kc_free(hdrs[1]);

    /* Accepted algorithm: no session key yet (503), then the right key
     * (valid) and a wrong one (403). */
    assert_int_equal(kc_request_sig_headers("HmacSHA512", key, sizeof(key),
                                            body, strlen(body), hdrs, &err),
                     KC_OK);
    assert_int_equal(kc_request_sig_from_headers("HmacSHA512",
                                                 strchr(hdrs[0], ' ') + 1, body,
                                                 strlen(body), &sig, &err),
                     KC_OK);
    assert_int_equal(kc_request_sig_verify(sig, algs, 2, NULL, 0, &err),
                     KC_AGAIN);
    assert_string_equal(err.msg,
                        "This worker is still starting up and has not been "
                        "able to read a session key from the config topic "
                        "yet");
    assert_int_equal(
        kc_request_sig_verify(sig, algs, 2, key, sizeof(key), &err), KC_OK);
    assert_int_equal(
        kc_request_sig_verify(sig, algs, 2, key, sizeof(key) - 1, &err),
        KC_ERR_UNSUPPORTED);
    assert_string_equal(err.msg, "Internal request contained invalid "
                                 "signature.");
    /* Nothing about the key in the message. */
    assert_null(strstr(err.msg, "AQIDBAUGBwg"));
    kc_request_sig_destroy(sig);
    kc_free(hdrs[0]);
    kc_free(hdrs[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_sig_matches_apache_golden),
        cmocka_unit_test(
            test_request_sig_verify_answers_as_the_distributed_herder),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
