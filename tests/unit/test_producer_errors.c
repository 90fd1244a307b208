/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/runtime/kc_producer_errors.c against Apache's own
 * producer (tests/golden/GenProducerErrors.java, run against a broker:
 * tests/golden/producer_errors_golden.jsonl): the exception class and
 * message of a refused record, and the serialized size its message quotes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <jansson.h>

#include "runtime/kc_producer_errors.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/producer_errors_golden.jsonl"

static json_t *golden_case(const char *id)
{
    FILE *f = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    json_t *found = NULL;

    assert_non_null(f);
    while (found == NULL && getline(&line, &cap, f) > 0) {
        json_error_t jerr;
        json_t *c = json_loads(line, 0, &jerr);

        assert_non_null(c);
        if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0) {
            found = c;
        } else {
            json_decref(c);
        }
    }
    free(line); /* allocated by getline */
    fclose(f);
    if (found == NULL) {
        fail_msg("no golden case %s", id);
    }
    return found;
}

/* A buffer of @p len bytes, or NULL for a JSON null (a Kafka null). */
static void *buffer_or_null(const json_t *len, size_t *out_len)
{
    if (json_is_null(len)) {
        *out_len = 0;
        return NULL;
    }
    *out_len = (size_t)json_integer_value(len);
    return kc_calloc(1, *out_len + 1);
}

static void test_record_size_is_the_one_apache_quotes(void **state)
{
    static const char *const ids[] = {"size_value_only", "size_small",
                                      "size_null_value", "size_headers"};

    (void)state;
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        json_t *c = golden_case(ids[i]);
        size_t klen;
        size_t vlen;
        void *key = buffer_or_null(json_object_get(c, "key_len"), &klen);
        void *value = buffer_or_null(json_object_get(c, "value_len"), &vlen);
        const json_t *hs = json_object_get(c, "headers");
        rd_kafka_headers_t *hdrs = NULL;
        size_t idx;
        const json_t *h;

        if (json_array_size(hs) > 0) {
            hdrs = rd_kafka_headers_new(json_array_size(hs));
            json_array_foreach(hs, idx, h)
            {
                size_t hlen;
                void *hv = buffer_or_null(json_array_get(h, 1), &hlen);

                rd_kafka_header_add(hdrs,
                                    json_string_value(json_array_get(h, 0)), -1,
                                    hv, (ssize_t)hlen);
                kc_free(hv);
            }
        }
        assert_int_equal(
            kc_producer_record_size(key, klen, value, vlen, hdrs),
            (size_t)json_integer_value(json_object_get(c, "size")));
        if (hdrs != NULL) {
            rd_kafka_headers_destroy(hdrs);
        }
        kc_free(key);
        kc_free(value);
        json_decref(c);
    }
}

static void check_text(rd_kafka_t *rk, const char *id, rd_kafka_resp_err_t err,
                       size_t size)
{
    json_t *c = golden_case(id);
    bool fatal = true;
    char *text = kc_producer_failure_text(
        rk, false, err, json_string_value(json_object_get(c, "topic")), size,
        &fatal);

    assert_false(fatal);
    assert_string_equal(kc_producer_exception(err),
                        json_string_value(json_object_get(c, "error_class")));
    assert_string_equal(text,
                        json_string_value(json_object_get(c, "error_message")));
    kc_free(text);
    json_decref(c);
}

static void test_refused_records_carry_apaches_exception_texts(void **state)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[256];
    rd_kafka_t *rk;
    json_t *c = golden_case("local_too_large");
    const char *max = json_string_value(json_object_get(c, "max_request_size"));
    size_t vlen = (size_t)json_integer_value(json_object_get(c, "value_len"));
    void *value = kc_calloc(1, vlen);

    (void)state;
    /* kconnect maps max.request.size to librdkafka's message.max.bytes. */
    assert_int_equal(rd_kafka_conf_set(conf, "message.max.bytes", max, errstr,
                                       sizeof(errstr)),
                     RD_KAFKA_CONF_OK);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    /* Refused by the producer itself: the size is Apache's estimate. */
    check_text(rk, "local_too_large", RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE,
               kc_producer_record_size(NULL, 0, value, vlen, NULL));
    /* Refused by the broker: no size. */
    check_text(rk, "broker_too_large", RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, 0);
    check_text(rk, "bad_topic_name", RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION, 0);
    rd_kafka_destroy(rk);
    kc_free(value);
    json_decref(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_size_is_the_one_apache_quotes),
        cmocka_unit_test(test_refused_records_carry_apaches_exception_texts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
