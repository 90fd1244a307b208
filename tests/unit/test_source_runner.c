/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The source task runner, in-process: a worker on the embedded Kafka
 * (librdkafka's mock cluster) running mock_source.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kc_test_runner.h"

#include <librdkafka/rdkafka.h>
#include <sys/stat.h>

#include <librdkafka/rdkafka_mock.h>

#include "converters/kc_converters.h"
#include "runtime/kc_embedded_kafka.h"
#include "runtime/kc_offset_store.h"
#include "runtime/kc_task.h"
#include "util/kc_log.h"

static kc_props_t *source_config(const char *name, const char *topic)
{
    kc_props_t *c = kc_props_new();

    kc_props_set(c, "name", name);
    kc_props_set(c, "connector.class", "MockSource");
    kc_props_set(c, "topic", topic);
    return c;
}

/* Every value in @p topic, read from the start with a plain consumer, as
 * "<value>|h=<header hname>" for records that carry header @p hname. */
static char **read_topic_h(const char *bootstrap, const char *topic, int want,
                           int *got, const char *hname)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;
    rd_kafka_topic_partition_list_t *parts;
    char **values = kc_calloc((size_t)want + 1, sizeof(*values));

    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, NULL, 0);
    rd_kafka_conf_set(conf, "group.id", "test-reader", NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, topic, 0)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    *got = 0;
    for (int i = 0; i < 200 && *got < want; i++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 50);

        if (m == NULL) {
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_headers_t *hdrs = NULL;
            const void *hv = NULL;
            size_t hlen = 0;

            /* "<value>|h=<header h>" when the record has header h. */
            if (rd_kafka_message_headers(m, &hdrs) ==
                    RD_KAFKA_RESP_ERR_NO_ERROR &&
                rd_kafka_header_get_last(hdrs, hname, &hv, &hlen) ==
                    RD_KAFKA_RESP_ERR_NO_ERROR) {
                values[(*got)++] = kc_asprintf("%.*s|h=%.*s", (int)m->len,
                                               (const char *)m->payload,
                                               (int)hlen, (const char *)hv);
            } else {
                values[(*got)++] = kc_strndup(m->payload, m->len);
            }
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return values;
}

static char **read_topic(const char *bootstrap, const char *topic, int want,
                         int *got)
{
    return read_topic_h(bootstrap, topic, want, got, "h");
}

static void free_values(char **values, int n)
{
    for (int i = 0; i < n; i++) {
        kc_free(values[i]);
    }
    kc_free(values);
}

/* The stored offset "n" of partition {"p":"a"}, -1 if none. */
static long stored_offset(const char *connector)
{
    char *path = kc_asprintf("%s/connect.offsets", tmpdir);
    kc_error_t err;
    kc_offset_store_t *store = kc_offset_store_open(path, &err);
    json_t *part = json_pack("{ss}", "p", "a");
    json_t *off = NULL;
    long n = -1;

    assert_non_null(store);
    if (kc_offset_store_get(store, connector, part, &off) == KC_OK) {
        n = (long)json_integer_value(json_object_get(off, "n"));
    }
    json_decref(off);
    json_decref(part);
    kc_offset_store_destroy(store);
    kc_free(path);
    return n;
}

static void test_records_reach_kafka_in_order(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t1");
    int got = 0;
    char **values;

    T.records = 100;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    values = read_topic(kc_worker_bootstrap(w), "t1", 100, &got);
    assert_int_equal(got, 100);
    for (int i = 0; i < 100; i++) {
        char expect[32];

        /* Headers pass through the (raw) header conversion too. */
        snprintf(expect, sizeof(expect), "v%d|h=v%d", i, i);
        assert_string_equal(values[i], expect);
    }
    free_values(values, got);
    kc_worker_stop_tasks(w, "src");
    /* A clean stop reports UNASSIGNED and leaves the last offset. */
    assert_int_equal(task_state(), KC_STATE_UNASSIGNED);
    assert_int_equal(stored_offset("src"), 99);
    assert_true(atomic_load(&T.commits) >= 1);
    kc_worker_stop_connector(w, "src");
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_restart_resumes_from_stored_offset(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t2");
    int got = 0;
    char **values;

    T.records = 30;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    values = read_topic(kc_worker_bootstrap(w), "t2", 30, &got);
    assert_int_equal(got, 30);
    free_values(values, got);
    kc_worker_stop_tasks(w, "src");
    kc_worker_stop_connector(w, "src");
    kc_worker_destroy(w);
    assert_int_equal(stored_offset("src"), 29);

    /* A new worker (new process in real life) on the same file. */
    pthread_mutex_lock(&T.lock);
    T.next = 0;
    T.records = 40;
    pthread_mutex_unlock(&T.lock);
    w = new_worker(reg);
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    for (int i = 0; i < 200 && stored_offset("src") != 39; i++) {
        usleep(20000);
    }
    pthread_mutex_lock(&T.lock);
    assert_int_equal(T.resumed, 29);
    pthread_mutex_unlock(&T.lock);
    assert_int_equal(stored_offset("src"), 39);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_poll_error_fails_the_task_with_trace(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t3");

    T.records = 100;
    T.fail_poll_at = 20;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 5000));
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "the source broke at 20"));
    pthread_mutex_unlock(&T.lock);
    /* Records before the failure were acknowledged: their offset counts. */
    assert_int_equal(stored_offset("src"), 19);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_converter_error_without_tolerance_fails(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t4");

    T.records = 50;
    T.bad_at = 25;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 5000));
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "Tolerance exceeded in error handler"));
    assert_non_null(strstr(T.trace, "cannot convert BAD"));
    pthread_mutex_unlock(&T.lock);
    /* Nothing at or after the bad record is committed. */
    assert_true(stored_offset("src") < 25);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_converter_error_tolerated_skips_record(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t5");
    int got = 0;
    char **values;

    kc_props_set(cfg, "errors.tolerance", "all");
    kc_props_set(cfg, "errors.log.enable", "true");
    T.records = 20;
    T.bad_at = 5;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    values = read_topic(kc_worker_bootstrap(w), "t5", 19, &got);
    assert_int_equal(got, 19);
    assert_string_equal(values[4], "v4|h=v4");
    assert_string_equal(values[5], "v6|h=v6"); /* v5 was the bad one */
    free_values(values, got);
    kc_worker_stop_tasks(w, "src");
    assert_int_equal(task_state(), KC_STATE_UNASSIGNED);
    assert_int_equal(stored_offset("src"), 19);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* A converter's KC_RETRY is retried within errors.retry.timeout: the record
 * arrives in its place and the task keeps running. */
static void test_retriable_converter_error_is_retried(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t5r");
    int got = 0;
    char **values;

    kc_props_set(cfg, "errors.retry.timeout", "60000");
    T.records = 20;
    T.bad_at = 5;
    atomic_store(&ts_bad_retriable, 1);
    atomic_store(&ts_retries_left, 2);
    start_connector_and_task(w, cfg);
    /* The retries delay the topic's first record by about a second; a
     * reader assigned before the topic exists may not see it for minutes
     * (librdkafka's metadata refresh), so read once everything is acked. */
    for (int i = 0; i < 600 && stored_offset("src") != 19; i++) {
        usleep(50000);
    }
    assert_int_equal(stored_offset("src"), 19);
    values = read_topic(kc_worker_bootstrap(w), "t5r", 20, &got);
    assert_int_equal(got, 20);
    assert_string_equal(values[4], "v4|h=v4");
    assert_string_equal(values[5], "BAD|h=v5");
    assert_string_equal(values[6], "v6|h=v6");
    free_values(values, got);
    assert_int_equal(atomic_load(&ts_retry_calls), 2);
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    kc_worker_stop_tasks(w, "src");
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* Without errors.retry.timeout a KC_RETRY is not retried: it fails the
 * task like any other error, and nothing from that record on is committed. */
static void test_retriable_error_without_retry_timeout_fails(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t5n");

    T.records = 20;
    T.bad_at = 5;
    atomic_store(&ts_bad_retriable, 1);
    atomic_store(&ts_retries_left, 1);
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 5000));
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "BAD: try again"));
    pthread_mutex_unlock(&T.lock);
    assert_int_equal(atomic_load(&ts_retry_calls), 1);
    assert_true(stored_offset("src") < 5);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_pause_stops_polling(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t6");
    int before;

    T.records = 0;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    kc_worker_set_target(w, "src", KC_TARGET_PAUSED);
    assert_true(wait_task_state(KC_STATE_PAUSED, 5000));
    usleep(50000);
    before = atomic_load(&T.polls);
    usleep(300000);
    assert_int_equal(atomic_load(&T.polls), before);
    kc_worker_set_target(w, "src", KC_TARGET_STARTED);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    usleep(100000);
    assert_true(atomic_load(&T.polls) > before);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_active_topics_and_offsets_json(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t7");
    json_t *topics = NULL;
    json_t *offsets = NULL;
    json_t *expect;
    kc_error_t err;

    T.records = 5;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    for (int i = 0; i < 200 && stored_offset("src") != 4; i++) {
        usleep(20000);
    }
    assert_int_equal(kc_worker_topics(w, "src", &topics, &err), KC_OK);
    expect = json_loads("{\"src\":{\"topics\":[\"t7\"]}}", 0, NULL);
    assert_true(json_equal(topics, expect));
    json_decref(expect);
    assert_int_equal(kc_worker_offsets(w, "src", cfg, 0, &offsets, &err),
                     KC_OK);
    expect = json_loads("{\"offsets\":[{\"partition\":{\"p\":\"a\"},"
                        "\"offset\":{\"n\":4}}]}",
                        0, NULL);
    assert_true(json_equal(offsets, expect));
    json_decref(expect);
    json_decref(topics);
    json_decref(offsets);
    kc_worker_topics_reset(w, "src");
    assert_int_equal(kc_worker_topics(w, "src", &topics, &err), KC_OK);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(topics, "src"), "topics")),
                     0);
    json_decref(topics);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_failed_delivery_fails_task_and_holds_offset(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "t8");
    rd_kafka_mock_cluster_t *mock =
        kc_embedded_kafka_mock(kc_worker_embedded(w));
    rd_kafka_resp_err_t refusals[50];

    T.records = 10;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    for (int i = 0; i < 200 && stored_offset("src") != 9; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 9);
    /* Every further Produce request (API key 0) is refused for good. */
    for (size_t i = 0; i < KC_ARRAY_LEN(refusals); i++) {
        refusals[i] = RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED;
    }
    rd_kafka_mock_push_request_errors_array(mock, 0, KC_ARRAY_LEN(refusals),
                                            refusals);
    pthread_mutex_lock(&T.lock);
    T.records = 20;
    pthread_mutex_unlock(&T.lock);
    assert_true(wait_task_state(KC_STATE_FAILED, 10000));
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "Unrecoverable exception from producer "
                                    "send callback"));
    pthread_mutex_unlock(&T.lock);
    /* No offset past the last acknowledged record. */
    assert_int_equal(stored_offset("src"), 9);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_override_policy_none_rejects_overrides(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_props_t *wp = test_worker_props(tmpdir);
    kc_props_t *cfg = source_config("src", "t9");
    kc_worker_t *w;
    kc_error_t err;

    kc_props_set(wp, "connector.client.config.override.policy", "None");
    w = kc_worker_new(wp, reg, &err);
    assert_non_null(w);
    kc_props_set(cfg, "producer.override.linger.ms", "1");
    assert_int_equal(
        kc_worker_start_connector(w, "src", cfg, KC_TARGET_STARTED, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "The 'None' policy does not allow "
                                    "'linger.ms' to be overridden"));
    kc_worker_destroy(w);
    kc_props_destroy(wp);
    kc_props_destroy(cfg);
    kc_registry_destroy(reg);
}

/* The trace of the task's last report contains @p text. */
static bool trace_has(const char *text)
{
    bool yes;

    pthread_mutex_lock(&T.lock);
    yes = strstr(T.trace, text) != NULL;
    pthread_mutex_unlock(&T.lock);
    return yes;
}

/*
 * A record over the producer's max.request.size is refused by librdkafka
 * at once: the task fails with Apache's RecordTooLargeException and its
 * text, and no offset moves past the record. (A record without headers
 * crashed the worker here: headers never made were destroyed.)
 */
static void test_oversized_record_fails_task_with_record_too_large(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w =
        new_worker_with(reg, "producer.max.request.size", "20000", NULL);
    kc_props_t *cfg = source_config("src", "tbig");

    T.records = 20;
    T.no_headers = true;
    T.big_at = 12;
    T.big_len = 50000;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 10000));
    assert_true(trace_has("Unrecoverable exception from producer send "
                          "callback"));
    /* Apache's producer text (tests/golden/producer_errors_golden.jsonl). */
    assert_true(trace_has("org.apache.kafka.common.errors."
                          "RecordTooLargeException: The message is "));
    assert_true(trace_has(" bytes when serialized which is larger than "
                          "20000, which is the value of the max.request.size "
                          "configuration."));
    /* The first batch (0-9) is committed; the second holds the record. */
    assert_int_equal(stored_offset("src"), 9);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* With errors.tolerance=all the oversized record is skipped and the
 * records after it arrive; the offset moves past it. */
static void test_oversized_record_tolerated_is_skipped(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w =
        new_worker_with(reg, "producer.max.request.size", "20000", NULL);
    kc_props_t *cfg = source_config("src", "tbig2");
    int got = 0;
    char **values;

    kc_props_set(cfg, "errors.tolerance", "all");
    T.records = 20;
    T.no_headers = true;
    T.big_at = 12;
    T.big_len = 50000;
    start_connector_and_task(w, cfg);
    for (int i = 0; i < 500 && stored_offset("src") != 19; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 19);
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    values = read_topic(kc_worker_bootstrap(w), "tbig2", 19, &got);
    assert_int_equal(got, 19);
    assert_string_equal(values[11], "v11");
    assert_string_equal(values[12], "v13");
    free_values(values, got);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * The broker refuses a record in the delivery report (RecordTooLarge from
 * a topic with a smaller max.message.bytes): with errors.tolerance=all the
 * record goes to the dead letter queue with the producer's exception, and
 * the stream goes on.
 */
static void test_broker_refused_record_goes_to_dlq(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "tref");
    rd_kafka_mock_cluster_t *mock =
        kc_embedded_kafka_mock(kc_worker_embedded(w));
    int got = 0;
    char **values;

    kc_props_set(cfg, "errors.tolerance", "all");
    kc_props_set(cfg, "errors.deadletterqueue.topic.name", "tref-dlq");
    kc_props_set(cfg, "errors.deadletterqueue.topic.replication.factor", "1");
    kc_props_set(cfg, "errors.deadletterqueue.context.headers.enable", "true");
    T.records = 10;
    start_connector_and_task(w, cfg);
    for (int i = 0; i < 500 && stored_offset("src") != 9; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 9);
    /* The next Produce request (API key 0), record 10's, is refused. */
    rd_kafka_mock_push_request_errors(mock, 0, 1,
                                      RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
    pthread_mutex_lock(&T.lock);
    T.records = 11;
    pthread_mutex_unlock(&T.lock);
    for (int i = 0; i < 500 && stored_offset("src") != 10; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 10);
    pthread_mutex_lock(&T.lock);
    T.records = 12;
    pthread_mutex_unlock(&T.lock);
    for (int i = 0; i < 500 && stored_offset("src") != 11; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 11);
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    values = read_topic_h(kc_worker_bootstrap(w), "tref-dlq", 1, &got,
                          "__connect.errors.exception.class.name");
    assert_int_equal(got, 1);
    assert_string_equal(values[0], "v10|h=org.apache.kafka.common.errors."
                                   "RecordTooLargeException");
    free_values(values, got);
    values = read_topic(kc_worker_bootstrap(w), "tref", 11, &got);
    assert_int_equal(got, 11);
    assert_string_equal(values[9], "v9|h=v9");
    assert_string_equal(values[10], "v11|h=v11");
    free_values(values, got);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* An illegal topic name fails the task with Apache's InvalidTopicException
 * naming the topic (librdkafka alone would report an unknown topic). */
static void test_invalid_topic_fails_task_with_invalid_topic(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "bad topic!");

    T.records = 5;
    T.no_headers = true;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 10000));
    assert_true(trace_has("org.apache.kafka.common.errors."
                          "InvalidTopicException: Invalid topics: "
                          "[bad topic!]"));
    assert_true(stored_offset("src") < 0);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* With errors.tolerance=all each record for the illegal topic goes to the
 * dead letter queue (as JSON) and the offsets move on. */
static void test_invalid_topic_tolerated_goes_to_dlq(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "bad topic!");
    int got = 0;
    char **values;
    kc_error_t err;

    /* The source dead letter queue writes records as JSON. */
    assert_int_equal(kc_registry_add(reg, KC_PLUGIN_CONVERTER,
                                     &kc_json_converter_plugin, &err),
                     KC_OK);
    kc_props_set(cfg, "errors.tolerance", "all");
    kc_props_set(cfg, "errors.deadletterqueue.topic.name", "tinv-dlq");
    kc_props_set(cfg, "errors.deadletterqueue.topic.replication.factor", "1");
    kc_props_set(cfg, "errors.deadletterqueue.context.headers.enable", "true");
    T.records = 5;
    T.no_headers = true;
    start_connector_and_task(w, cfg);
    for (int i = 0; i < 500 && stored_offset("src") != 4; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 4);
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    values = read_topic_h(kc_worker_bootstrap(w), "tinv-dlq", 5, &got,
                          "__connect.errors.exception.class.name");
    assert_int_equal(got, 5);
    assert_string_equal(values[0], "\"v0\"|h=org.apache.kafka.common.errors."
                                   "InvalidTopicException");
    assert_string_equal(values[4], "\"v4\"|h=org.apache.kafka.common.errors."
                                   "InvalidTopicException");
    free_values(values, got);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * Starts "src" on @p w, lets it write 10 records, takes the broker down
 * and waits until the task blocks on a full producer queue, then stops
 * the task. Returns what the worker logged meanwhile (caller frees).
 */
static char *stop_under_back_pressure(kc_worker_t *w, kc_props_t *cfg)
{
    rd_kafka_mock_cluster_t *mock =
        kc_embedded_kafka_mock(kc_worker_embedded(w));
    int got = 0;
    char **values;
    int next = 0;
    char *log = NULL;
    size_t loglen = 0;
    FILE *logfp = open_memstream(&log, &loglen);

    assert_non_null(logfp);
    T.records = 10;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    values = read_topic(kc_worker_bootstrap(w), "tbp", 10, &got);
    assert_int_equal(got, 10);
    free_values(values, got);
    assert_int_equal(rd_kafka_mock_broker_set_down(mock, 1), 0);
    pthread_mutex_lock(&T.lock);
    T.records = 1000;
    pthread_mutex_unlock(&T.lock);
    /* 20 records fill the queue; the task blocks in the batch 30-39. */
    for (int i = 0; i < 500 && next < 40; i++) {
        usleep(20000);
        pthread_mutex_lock(&T.lock);
        next = T.next;
        pthread_mutex_unlock(&T.lock);
    }
    assert_int_equal(next, 40);
    kc_log_set_stream(logfp);
    kc_worker_stop_tasks(w, "src");
    kc_log_set_stream(NULL);
    fclose(logfp);
    return log;
}

/*
 * A stop while the producer queue is full (the broker is down) is not a
 * produce failure: the task ends UNASSIGNED, not FAILED, and the offsets
 * of every acknowledged record are saved at stop (the periodic commit
 * never ran); the restart resumes after them. The log names
 * offset.flush.timeout.ms, the bound that ended the wait here.
 */
static void test_stop_under_back_pressure_saves_offsets(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker_with(
        reg, "offset.flush.interval.ms", "600000", "offset.flush.timeout.ms",
        "300", "producer.queue.buffering.max.messages", "20", NULL);
    kc_props_t *cfg = source_config("src", "tbp");
    char *log = stop_under_back_pressure(w, cfg);

    assert_int_equal(task_state(), KC_STATE_UNASSIGNED);
    assert_int_equal(stored_offset("src"), 9);
    if (strstr(log, "records were not acknowledged within "
                    "offset.flush.timeout.ms, 300 ms;") == NULL) {
        fail_msg("no flush timeout message in:\n%s", log);
    }
    free(log); /* open_memstream's buffer comes from libc */
    kc_worker_stop_connector(w, "src");
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * When task.shutdown.graceful.timeout.ms less 500 ms is shorter than
 * offset.flush.timeout.ms, that stop budget ends the wait for the
 * unacknowledged records, and the message says so instead of blaming
 * offset.flush.timeout.ms.
 */
static void test_stop_budget_end_of_wait_names_graceful_timeout(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker_with(
        reg, "offset.flush.interval.ms", "600000", "offset.flush.timeout.ms",
        "60000", "task.shutdown.graceful.timeout.ms", "1500",
        "producer.queue.buffering.max.messages", "20", NULL);
    kc_props_t *cfg = source_config("src", "tbp");
    char *log = stop_under_back_pressure(w, cfg);

    assert_int_equal(task_state(), KC_STATE_UNASSIGNED);
    assert_int_equal(stored_offset("src"), 9);
    if (strstr(log, "records were not acknowledged within the stop budget "
                    "(task.shutdown.graceful.timeout.ms less 500 ms), "
                    "1000 ms;") == NULL) {
        fail_msg("no stop budget message in:\n%s", log);
    }
    assert_null(strstr(log, "offset.flush.timeout.ms"));
    free(log); /* open_memstream's buffer comes from libc */
    kc_worker_stop_connector(w, "src");
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* The value of @p key in the producer config @p w makes for @p cfg
 * ("(none)" when the config is refused, with the error in @p msg). */
static void producer_setting(kc_worker_t *w, const kc_props_t *cfg,
                             const char *key, char *out, size_t size, char *msg,
                             size_t msg_size)
{
    kc_error_t err;
    rd_kafka_conf_t *conf =
        kc_worker_client_conf(w, KC_CLIENT_PRODUCER, cfg, "p", &err);

    msg[0] = '\0';
    if (conf == NULL) {
        snprintf(out, size, "(none)");
        snprintf(msg, msg_size, "%s", err.msg);
        return;
    }
    assert_int_equal(rd_kafka_conf_get(conf, key, out, &size),
                     RD_KAFKA_CONF_OK);
    rd_kafka_conf_destroy(conf);
}

/* Source producers are idempotent unless the worker or the connector says
 * enable.idempotence=false (Apache's Worker sets false). */
static void test_source_producer_is_idempotent_by_default(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "ti");
    char v[32];
    char msg[512];

    producer_setting(w, cfg, "enable.idempotence", v, sizeof(v), msg,
                     sizeof(msg));
    assert_string_equal(v, "true");
    kc_props_set(cfg, "producer.override.enable.idempotence", "false");
    producer_setting(w, cfg, "enable.idempotence", v, sizeof(v), msg,
                     sizeof(msg));
    assert_string_equal(v, "false");
    kc_worker_destroy(w);

    kc_props_destroy(cfg);
    cfg = source_config("src", "ti");
    w = new_worker_with(reg, "producer.enable.idempotence", "false", NULL);
    producer_setting(w, cfg, "enable.idempotence", v, sizeof(v), msg,
                     sizeof(msg));
    assert_string_equal(v, "false");
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * A setting the idempotent producer cannot work with (acks=1, more than 5
 * requests in flight, retries=0) turns the default idempotence off, as
 * Apache's producer does, so a config Apache accepts still starts; with
 * enable.idempotence=true asked for, it is an error naming the key.
 */
static void test_idempotence_conflicts_are_never_silent(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker_with(reg, "producer.acks", "1", NULL);
    kc_props_t *cfg = source_config("src", "ti");
    char v[32];
    char msg[512];

    producer_setting(w, cfg, "enable.idempotence", v, sizeof(v), msg,
                     sizeof(msg));
    assert_string_equal(v, "false");
    kc_props_set(cfg, "producer.override.enable.idempotence", "true");
    producer_setting(w, cfg, "enable.idempotence", v, sizeof(v), msg,
                     sizeof(msg));
    assert_string_equal(v, "(none)");
    assert_string_equal(msg, "invalid config \"producer.acks\": the "
                             "idempotent producer "
                             "(producer.override.enable.idempotence=true) "
                             "needs acks all");
    kc_worker_destroy(w);

    kc_props_destroy(cfg);
    cfg = source_config("src", "ti");
    w = new_worker_with(reg, "producer.enable.idempotence", "true", NULL);
    kc_props_set(cfg,
                 "producer.override.max.in.flight.requests.per."
                 "connection",
                 "10");
    producer_setting(w, cfg, "enable.idempotence", v, sizeof(v), msg,
                     sizeof(msg));
    assert_string_equal(msg, "invalid config \"producer.override.max.in."
                             "flight.requests.per.connection\": the "
                             "idempotent producer "
                             "(producer.enable.idempotence=true) needs "
                             "max.in.flight.requests.per.connection at "
                             "most 5");
    kc_props_remove(cfg, "producer.override.max.in.flight.requests.per."
                         "connection");
    kc_props_set(cfg, "producer.override.retries", "0");
    producer_setting(w, cfg, "enable.idempotence", v, sizeof(v), msg,
                     sizeof(msg));
    assert_non_null(strstr(msg, "\"producer.override.retries\""));
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * A cluster that refuses the idempotent producer (InitProducerId answers
 * CLUSTER_AUTHORIZATION_FAILED: librdkafka's fatal error) fails the task
 * with a message naming producer.enable.idempotence, even before a record.
 */
static void test_refused_idempotence_fails_task_naming_the_key(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "tidem");
    rd_kafka_mock_cluster_t *mock =
        kc_embedded_kafka_mock(kc_worker_embedded(w));

    /* API key 22: InitProducerId. */
    rd_kafka_mock_push_request_errors(
        mock, 22, 1, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED);
    T.records = 0;
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 10000));
    assert_true(trace_has("producer.enable.idempotence=false"));
    assert_true(trace_has("CLUSTER_AUTHORIZATION_FAILED"));
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* With producer.enable.idempotence=false the same cluster works. */
static void test_idempotence_off_needs_no_producer_id(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w =
        new_worker_with(reg, "producer.enable.idempotence", "false", NULL);
    kc_props_t *cfg = source_config("src", "tnoidem");
    rd_kafka_mock_cluster_t *mock =
        kc_embedded_kafka_mock(kc_worker_embedded(w));

    rd_kafka_mock_push_request_errors(
        mock, 22, 1, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED);
    T.records = 5;
    start_connector_and_task(w, cfg);
    for (int i = 0; i < 500 && stored_offset("src") != 4; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 4);
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * An offsets file that cannot be written (here its temporary file's name
 * is taken by a directory, which stops root too) leaves the task RUNNING
 * with the error, naming the file and the OS error, as the trace of its
 * status; the next flush after the obstacle is gone writes the file and
 * clears the trace.
 */
static void test_unwritable_offsets_file_shows_in_status(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "toff");
    char *tmp = kc_asprintf("%s/connect.offsets.tmp", tmpdir);
    char *file = kc_asprintf("could not write offsets file \"%s/"
                             "connect.offsets\"",
                             tmpdir);

    assert_int_equal(mkdir(tmp, 0755), 0);
    T.records = 10;
    start_connector_and_task(w, cfg);
    for (int i = 0; i < 500 && !trace_has(file); i++) {
        usleep(20000);
    }
    assert_true(trace_has(file));
    assert_true(trace_has("Is a directory"));
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    assert_int_equal(stored_offset("src"), -1);

    assert_int_equal(rmdir(tmp), 0);
    for (int i = 0; i < 500 && stored_offset("src") != 9; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 9);
    for (int i = 0; i < 500 && trace_has(file); i++) {
        usleep(20000);
    }
    assert_false(trace_has(file));
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
    kc_free(tmp);
    kc_free(file);
}

/* A write of the offsets file that waits until the test lets it go. */
static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cond = PTHREAD_COND_INITIALIZER;
static bool hold_entered;
static bool hold_released;

static void hold_write(const char *path)
{
    (void)path;
    pthread_mutex_lock(&hold_lock);
    hold_entered = true;
    while (!hold_released) {
        pthread_cond_wait(&hold_cond, &hold_lock);
    }
    pthread_mutex_unlock(&hold_lock);
}

static bool hold_was_entered(void)
{
    bool entered;

    pthread_mutex_lock(&hold_lock);
    entered = hold_entered;
    pthread_mutex_unlock(&hold_lock);
    return entered;
}

static void hold_release(void)
{
    pthread_mutex_lock(&hold_lock);
    hold_released = true;
    pthread_cond_broadcast(&hold_cond);
    pthread_mutex_unlock(&hold_lock);
}

/*
 * The periodic offset commit hands the offsets file to the store's writer
 * and goes on polling: while a write hangs (a slow fsync on a busy disk)
 * the task keeps polling, and the offsets are in the file once the write
 * is let go.
 */
static void test_offsets_file_write_does_not_stall_polling(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = source_config("src", "tstall");
    int before;
    int after;

    hold_entered = false;
    hold_released = false;
    kc_offset_store_set_write_hook(hold_write);
    T.records = 10;
    start_connector_and_task(w, cfg);
    for (int i = 0; i < 500 && !hold_was_entered(); i++) {
        usleep(20000);
    }
    assert_true(hold_was_entered());
    before = atomic_load(&T.polls);
    for (int i = 0; i < 500 && atomic_load(&T.polls) < before + 20; i++) {
        usleep(20000);
    }
    after = atomic_load(&T.polls);
    hold_release();
    assert_true(after >= before + 20);
    for (int i = 0; i < 500 && stored_offset("src") != 9; i++) {
        usleep(20000);
    }
    assert_int_equal(stored_offset("src"), 9);
    kc_worker_destroy(w);
    kc_offset_store_set_write_hook(NULL);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_records_reach_kafka_in_order,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(test_restart_resumes_from_stored_offset,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_poll_error_fails_the_task_with_trace, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_converter_error_without_tolerance_fails, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_converter_error_tolerated_skips_record, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_retriable_converter_error_is_retried, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_retriable_error_without_retry_timeout_fails, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(test_pause_stops_polling, runner_setup,
                                        runner_teardown),
        cmocka_unit_test_setup_teardown(test_active_topics_and_offsets_json,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_failed_delivery_fails_task_and_holds_offset, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_override_policy_none_rejects_overrides, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_oversized_record_fails_task_with_record_too_large,
            runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_oversized_record_tolerated_is_skipped, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(test_broker_refused_record_goes_to_dlq,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_invalid_topic_fails_task_with_invalid_topic, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_invalid_topic_tolerated_goes_to_dlq, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_stop_under_back_pressure_saves_offsets, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_stop_budget_end_of_wait_names_graceful_timeout, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_source_producer_is_idempotent_by_default, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_idempotence_conflicts_are_never_silent, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_refused_idempotence_fails_task_naming_the_key, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_idempotence_off_needs_no_producer_id, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_unwritable_offsets_file_shows_in_status, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_offsets_file_write_does_not_stall_polling, runner_setup,
            runner_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
