/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sink task runner, in-process: a worker on the embedded Kafka
 * (librdkafka's mock cluster) running capture_sink.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kc_test_runner.h"

#include "metrics/kc_metrics.h"
#include "runtime/kc_task.h"

#include <librdkafka/rdkafka.h>

/* Produce "<prefix><i>" for i in [from, to) to @p partition of @p topic. */
static void produce_to(const char *bootstrap, const char *topic, int partition,
                       const char *prefix, int from, int to)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;

    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    for (int i = from; i < to; i++) {
        char *v = kc_asprintf("%s%d", prefix, i);

        if (strcmp(prefix, "BAD") == 0) {
            v[3] = '\0';
        }
        assert_int_equal(
            rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
                              RD_KAFKA_V_PARTITION(partition),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_VALUE(v, strlen(v)),
                              RD_KAFKA_V_HEADER("h", v, -1), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
        kc_free(v);
    }
    assert_int_equal(rd_kafka_flush(rk, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(rk);
}

/* Produce "<prefix><i>" for i in [from, to) to partition 0 of @p topic. */
static void produce(const char *bootstrap, const char *topic,
                    const char *prefix, int from, int to)
{
    produce_to(bootstrap, topic, 0, prefix, from, to);
}

static kc_props_t *sink_config(const char *name, const char *topics_key,
                               const char *topics)
{
    kc_props_t *c = kc_props_new();

    kc_props_set(c, "name", name);
    kc_props_set(c, "connector.class", "CaptureSink");
    kc_props_set(c, topics_key, topics);
    return c;
}

static size_t captured(void)
{
    size_t n;

    pthread_mutex_lock(&T.lock);
    n = T.nvalues;
    pthread_mutex_unlock(&T.lock);
    return n;
}

static bool wait_captured(size_t n, int ms)
{
    for (int i = 0; i < ms / 10 && captured() < n; i++) {
        usleep(10000);
    }
    return captured() >= n;
}

/*
 * The offset committed for partition 0 of @p topic by group connect-<name>,
 * or -1; read with a separate client (the mock cluster's OffsetFetch needs
 * explicit partitions, so GET .../offsets for sinks is covered by the e2e
 * tests against the real broker).
 */
static long committed_at(kc_worker_t *w, const kc_props_t *cfg,
                         const char *topic, int partition)
{
    char errstr[256];
    char *group = kc_asprintf("connect-%s", kc_props_get(cfg, "name"));
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_topic_partition_list_t *parts;
    rd_kafka_t *rk;
    long off = -1;

    rd_kafka_conf_set(conf, "bootstrap.servers", kc_worker_bootstrap(w), NULL,
                      0);
    rd_kafka_conf_set(conf, "group.id", group, NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, topic, partition);
    if (rd_kafka_committed(rk, parts, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        parts->elems[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        off = parts->elems[0].offset >= 0 ? (long)parts->elems[0].offset : -1;
    }
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_destroy(rk);
    kc_free(group);
    return off;
}

static long committed(kc_worker_t *w, const kc_props_t *cfg, const char *topic)
{
    return committed_at(w, cfg, topic, 0);
}

static void test_put_receives_every_record_in_order(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s1");

    produce(kc_worker_bootstrap(w), "s1", "m", 0, 50);
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    assert_true(wait_captured(50, 20000));
    pthread_mutex_lock(&T.lock);
    assert_int_equal(T.nvalues, 50);
    for (int i = 0; i < 50; i++) {
        char expect[32];

        snprintf(expect, sizeof(expect), "m%d|h=m%d", i, i);
        assert_string_equal(T.values[i], expect);
    }
    pthread_mutex_unlock(&T.lock);
    /* Committed after put and flush: the next offset to read is 50. */
    for (int i = 0; i < 100 && committed(w, cfg, "s1") != 50; i++) {
        usleep(50000);
    }
    assert_int_equal(committed(w, cfg, "s1"), 50);
    assert_true(atomic_load(&T.flushes) >= 1);
    kc_worker_stop_tasks(w, "snk");
    assert_int_equal(task_state(), KC_STATE_UNASSIGNED);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_retry_redelivers_the_same_batch(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s2");

    T.retry_first = 2;
    produce(kc_worker_bootstrap(w), "s2", "r", 0, 10);
    start_connector_and_task(w, cfg);
    assert_true(wait_captured(10, 20000));
    usleep(200000);
    pthread_mutex_lock(&T.lock);
    assert_int_equal(T.nvalues, 10); /* no record lost, none twice */
    for (int i = 0; i < 10; i++) {
        char expect[32];

        snprintf(expect, sizeof(expect), "r%d|h=r%d", i, i);
        assert_string_equal(T.values[i], expect);
    }
    pthread_mutex_unlock(&T.lock);
    assert_true(atomic_load(&T.puts) >= 3);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * A backlog far larger than max.poll.records and a put that asks for a
 * retry: the runner used to call rd_kafka_poll() on its consumer while
 * backing off, which librdkafka forbids once the consumer queue is
 * forwarded; with fetched messages waiting the worker aborted
 * (rd_kafka_q_serve: assert res != RD_KAFKA_OP_RES_PASS).
 */
static void
test_retry_with_a_backlog_redelivers_the_batch_then_all(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s7");
    const int total = 50000;

    pthread_mutex_lock(&T.lock);
    T.retry_first = 5;
    T.retry_timeout_ms = 300; /* kc_sink_task_ctx_timeout, each retry */
    pthread_mutex_unlock(&T.lock);
    produce(kc_worker_bootstrap(w), "s7", "b", 0, total);
    start_connector_and_task(w, cfg);
    assert_true(wait_captured((size_t)total, 120000));
    /* committed after the last put: the next offset to read is 50000 */
    for (int i = 0; i < 200 && committed(w, cfg, "s7") != total; i++) {
        usleep(50000);
    }
    assert_int_equal(committed(w, cfg, "s7"), total);
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    pthread_mutex_lock(&T.lock);
    /* every record once, in order */
    assert_int_equal(T.nvalues, total);
    for (int i = 0; i < total; i++) {
        char expect[32];

        snprintf(expect, sizeof(expect), "b%d|h=b%d", i, i);
        assert_string_equal(T.values[i], expect);
    }
    /* the five retries and the put that succeeded got the same batch */
    assert_true(T.nputs > 6);
    assert_int_equal(T.put_first[0], 0);
    assert_true(T.put_len[0] > 1);
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(T.put_first[i], T.put_first[0]);
        assert_int_equal(T.put_last[i], T.put_last[0]);
        assert_int_equal(T.put_len[i], T.put_len[0]);
    }
    /* and the put after them the records that follow */
    assert_int_equal(T.put_first[6], T.put_last[0] + 1);
    pthread_mutex_unlock(&T.lock);
    kc_worker_stop_tasks(w, "snk");
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* A consumer in the sink's group; its client id sorts first. */
static rd_kafka_t *newcomer(kc_worker_t *w, const char *group,
                            const char *topic)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_topic_partition_list_t *subs;
    rd_kafka_t *rk;

    rd_kafka_conf_set(conf, "bootstrap.servers", kc_worker_bootstrap(w), NULL,
                      0);
    rd_kafka_conf_set(conf, "group.id", group, NULL, 0);
    rd_kafka_conf_set(conf, "client.id", "0-newcomer", NULL, 0);
    rd_kafka_conf_set(conf, "session.timeout.ms", "6000", NULL, 0);
    rd_kafka_conf_set(conf, "heartbeat.interval.ms", "500", NULL, 0);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", NULL, 0);
    rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    rd_kafka_poll_set_consumer(rk);
    subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic, RD_KAFKA_PARTITION_UA);
    assert_int_equal(rd_kafka_subscribe(rk, subs), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(subs);
    return rk;
}

/*
 * While a put waits for its retry, another member joins the group: the
 * eager protocol revokes all four partitions, then hands two to the
 * newcomer. The batch (records of all four) must not be put after the
 * revoke: the sink puts only the records of the two partitions it owns
 * now, each once and in order, read again from the committed offsets.
 */
static void test_retry_drops_the_batch_of_revoked_partitions(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s8");
    rd_kafka_topic_partition_list_t *theirs = NULL;
    rd_kafka_t *other;
    int got = 0;
    int next[4] = {0, 0, 0, 0};

    /* the mock cluster's rebalances take up to a session timeout */
    kc_props_set(cfg, "consumer.override.session.timeout.ms", "6000");
    kc_props_set(cfg, "consumer.override.heartbeat.interval.ms", "500");
    pthread_mutex_lock(&T.lock);
    T.retry_first = 1000000;
    T.retry_timeout_ms = 50;
    pthread_mutex_unlock(&T.lock);
    for (int p = 0; p < 4; p++) {
        char prefix[16];

        snprintf(prefix, sizeof(prefix), "p%d-", p);
        produce_to(kc_worker_bootstrap(w), "s8", p, prefix, 0, 10);
    }
    start_connector_and_task(w, cfg);
    for (int i = 0; i < 2000 && atomic_load(&T.puts) < 2; i++) {
        usleep(10000);
    }
    assert_true(atomic_load(&T.puts) >= 2); /* retrying */
    other = newcomer(w, "connect-snk", "s8");
    /* the newcomer gets two partitions and reads their twenty records */
    for (int i = 0; i < 600 && got < 20; i++) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(other, 100);

        if (msg != NULL) {
            if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                got++;
            }
            rd_kafka_message_destroy(msg);
        }
    }
    assert_int_equal(got, 20);
    assert_int_equal(rd_kafka_assignment(other, &theirs),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_int_equal(theirs->cnt, 2);
    /* the sink's puts may succeed from now on */
    pthread_mutex_lock(&T.lock);
    T.retry_first = 0;
    pthread_mutex_unlock(&T.lock);
    assert_true(wait_captured(20, 60000));
    for (int p = 0; p < 4; p++) {
        if (rd_kafka_topic_partition_list_find(theirs, "s8", p) != NULL) {
            continue;
        }
        for (int i = 0; i < 200 && committed_at(w, cfg, "s8", p) != 10; i++) {
            usleep(50000);
        }
        assert_int_equal(committed_at(w, cfg, "s8", p), 10);
    }
    pthread_mutex_lock(&T.lock);
    assert_int_equal(T.nvalues, 20);
    for (size_t i = 0; i < T.nvalues; i++) {
        int p = T.values[i][1] - '0';
        char expect[32];

        assert_true(p >= 0 && p < 4);
        /* nothing of the newcomer's partitions */
        assert_null(rd_kafka_topic_partition_list_find(theirs, "s8", p));
        snprintf(expect, sizeof(expect), "p%d-%d|h=p%d-%d", p, next[p], p,
                 next[p]);
        assert_string_equal(T.values[i], expect);
        next[p]++;
    }
    pthread_mutex_unlock(&T.lock);
    rd_kafka_topic_partition_list_destroy(theirs);
    kc_worker_stop_tasks(w, "snk");
    rd_kafka_consumer_close(other);
    rd_kafka_destroy(other);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_put_error_fails_the_task(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s3");

    T.fail_put = 1;
    produce(kc_worker_bootstrap(w), "s3", "x", 0, 5);
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 20000));
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "the sink broke"));
    pthread_mutex_unlock(&T.lock);
    /* Nothing was put, so nothing may be committed. */
    assert_int_equal(committed(w, cfg, "s3"), -1);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * max.poll.records is checked as Apache's consumer checks it: below 1 the
 * task fails with the ConfigException text (it was 500, silently).
 */
static void test_max_poll_records_below_one_fails_the_task(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s9");

    kc_props_set(cfg, "consumer.override.max.poll.records", "0");
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 20000));
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "Invalid value 0 for configuration "
                                    "max.poll.records: Value must be at "
                                    "least 1"));
    pthread_mutex_unlock(&T.lock);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_converter_error_without_tolerance_fails(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s4");

    produce(kc_worker_bootstrap(w), "s4", "BAD", 0, 1);
    start_connector_and_task(w, cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 20000));
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "Tolerance exceeded in error handler"));
    assert_non_null(strstr(T.trace, "cannot convert BAD"));
    pthread_mutex_unlock(&T.lock);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_converter_error_tolerated_skips(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s5");

    kc_props_set(cfg, "errors.tolerance", "all");
    produce(kc_worker_bootstrap(w), "s5", "a", 0, 3);
    produce(kc_worker_bootstrap(w), "s5", "BAD", 0, 1);
    produce(kc_worker_bootstrap(w), "s5", "b", 0, 3);
    start_connector_and_task(w, cfg);
    assert_true(wait_captured(6, 20000));
    pthread_mutex_lock(&T.lock);
    assert_string_equal(T.values[2], "a2|h=a2");
    assert_string_equal(T.values[3], "b0|h=b0");
    pthread_mutex_unlock(&T.lock);
    /* The skipped record counts as consumed: 7 records, next offset 7. */
    for (int i = 0; i < 100 && committed(w, cfg, "s5") != 7; i++) {
        usleep(50000);
    }
    assert_int_equal(committed(w, cfg, "s5"), 7);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_topics_regex_subscription(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics.regex", "rx-.*");
    json_t *topics = NULL;
    kc_error_t err;

    produce(kc_worker_bootstrap(w), "rx-one", "o", 0, 4);
    produce(kc_worker_bootstrap(w), "other", "n", 0, 4);
    start_connector_and_task(w, cfg);
    assert_true(wait_captured(4, 20000));
    usleep(300000);
    assert_int_equal(captured(), 4);
    assert_int_equal(kc_worker_topics(w, "snk", &topics, &err), KC_OK);
    assert_string_equal(
        json_string_value(json_array_get(
            json_object_get(json_object_get(topics, "snk"), "topics"), 0)),
        "rx-one");
    json_decref(topics);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * topics.regex is a Java regex matched against whole topic names
 * (Pattern.matcher(topic).matches() in Apache's consumer; checked with
 * java.util.regex): la-keep matches; la-skip fails the look-ahead and
 * la-keep.more is longer than \w+ reaches.
 */
static void test_topics_regex_is_a_whole_java_match(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics.regex", "la-(?!skip)\\w+");
    json_t *topics = NULL;
    kc_error_t err;

    produce(kc_worker_bootstrap(w), "la-keep", "k", 0, 3);
    produce(kc_worker_bootstrap(w), "la-skip", "s", 0, 3);
    produce(kc_worker_bootstrap(w), "la-keep.more", "m", 0, 3);
    start_connector_and_task(w, cfg);
    assert_true(wait_captured(3, 20000));
    usleep(1000000);
    assert_int_equal(captured(), 3);
    pthread_mutex_lock(&T.lock);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(T.values[i][0], 'k');
    }
    pthread_mutex_unlock(&T.lock);
    assert_int_equal(kc_worker_topics(w, "snk", &topics, &err), KC_OK);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(topics, "snk"), "topics")),
                     1);
    json_decref(topics);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_pause_holds_records_until_resume(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s6");

    produce(kc_worker_bootstrap(w), "s6", "p", 0, 3);
    start_connector_and_task(w, cfg);
    assert_true(wait_captured(3, 20000));
    kc_worker_set_target(w, "snk", KC_TARGET_PAUSED);
    assert_true(wait_task_state(KC_STATE_PAUSED, 5000));
    produce(kc_worker_bootstrap(w), "s6", "p", 3, 6);
    usleep(1000000);
    assert_int_equal(captured(), 3);
    kc_worker_set_target(w, "snk", KC_TARGET_STARTED);
    assert_true(wait_task_state(KC_STATE_RUNNING, 5000));
    assert_true(wait_captured(6, 20000));
    pthread_mutex_lock(&T.lock);
    assert_string_equal(T.values[5], "p5|h=p5");
    pthread_mutex_unlock(&T.lock);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

static void test_sink_without_topics_is_rejected(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = kc_props_new();
    kc_error_t err;

    kc_props_set(cfg, "name", "snk");
    kc_props_set(cfg, "connector.class", "CaptureSink");
    assert_int_equal(
        kc_worker_start_connector(w, "snk", cfg, KC_TARGET_STARTED, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "Must configure one of topics or "
                                    "topics.regex"));
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* The kbytes a sink's consumer may queue per partition under @p cfg. */
static long consumer_queue_kbytes(kc_worker_t *w, const kc_props_t *cfg)
{
    kc_error_t err;
    char v[32];
    size_t size = sizeof(v);
    rd_kafka_conf_t *conf =
        kc_worker_client_conf(w, KC_CLIENT_CONSUMER, cfg, "c", &err);

    if (conf == NULL) {
        fail_msg("kc_worker_client_conf: %s", err.msg);
    }
    assert_int_equal(
        rd_kafka_conf_get(conf, "queued.max.messages.kbytes", v, &size),
        RD_KAFKA_CONF_OK);
    rd_kafka_conf_destroy(conf);
    return strtol(v, NULL, 10);
}

/*
 * A sink's consumer queues at most 16 MiB per partition, not librdkafka's
 * 64 MiB, so its memory does not grow with the backlog as much (Apache's
 * holds about one 1 MiB max.partition.fetch.bytes); consumer.override.*
 * still wins.
 */
static void test_sink_consumer_queue_is_bounded(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("s", "topics", "t");

    assert_in_range(consumer_queue_kbytes(w, cfg), 1, 16 * 1024);
    kc_props_set(cfg, "consumer.override.queued.max.messages.kbytes", "8192");
    assert_int_equal(consumer_queue_kbytes(w, cfg), 8192);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/*
 * A sink with put_start/put_finish: the next batch is converted while one
 * is pending ('V' between 'S' and 'F'), and nothing else reaches the task
 * in between: no other put_start, no flush (so no offset commit), no
 * stop. A put_finish that asks for a retry gets the same batch again,
 * before the batch converted meanwhile; every record once, in order, and
 * the committed offset is the end.
 */
static void test_pending_put_overlaps_conversion_and_settles_first(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s9");
    const int total = 3000;
    bool open = false;
    bool overlapped = false;

    pthread_mutex_lock(&T.lock);
    T.two_step = true;
    T.finish_retry_first = 2;
    pthread_mutex_unlock(&T.lock);
    kc_props_set(cfg, "consumer.override.max.poll.records", "200");
    produce(kc_worker_bootstrap(w), "s9", "p", 0, total);
    start_connector_and_task(w, cfg);
    assert_true(wait_captured((size_t)total, 120000));
    for (int i = 0; i < 200 && committed(w, cfg, "s9") != total; i++) {
        usleep(50000);
    }
    assert_int_equal(committed(w, cfg, "s9"), total);
    kc_worker_stop_tasks(w, "snk");
    pthread_mutex_lock(&T.lock);
    assert_int_equal(T.nvalues, total);
    for (int i = 0; i < total; i++) {
        char expect[32];

        snprintf(expect, sizeof(expect), "p%d|h=p%d", i, i);
        assert_string_equal(T.values[i], expect);
    }
    /* the two retried put_finish calls and the third: the same batch */
    assert_true(T.nputs > 3);
    assert_int_equal(T.put_first[0], 0);
    assert_int_equal(T.put_first[1], T.put_last[0] + 1);
    for (size_t i = 0; i < T.nevents; i++) {
        char c = T.events[i];

        if (c == 'S') {
            assert_false(open);
            open = true;
        } else if (c == 'F') {
            assert_true(open);
            open = false;
        } else if (c == 'L' || c == 'X') {
            assert_false(open);
        } else if (c == 'V' && open) {
            overlapped = true;
        }
    }
    assert_false(open);
    assert_true(overlapped);
    assert_non_null(strchr(T.events, 'X'));
    pthread_mutex_unlock(&T.lock);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

/* The value of the task metric @p name in @p w's metrics, or -1. */
static double task_metric(kc_worker_t *w, const char *name)
{
    size_t len = 0;
    char *text = kc_metrics_render(kc_worker_metrics(w), &len);
    double v = -1;

    for (char *line = strtok(text, "\n"); line != NULL;
         line = strtok(NULL, "\n")) {
        char *sp = strrchr(line, ' ');

        if (line[0] != '#' && strstr(line, name) != NULL && sp != NULL) {
            v = strtod(sp + 1, NULL);
        }
    }
    kc_free(text);
    return v;
}

/*
 * put-batch-max-time-ms is the time of the put itself, as Apache's (the
 * duration of put()): for a put left pending, put_start's time plus
 * put_finish's, not the next batch's fetch and conversion in between.
 * The value converter sleeps 1.5 s on a record of the second batch, which
 * it converts while the first put is pending; the puts themselves do
 * nothing slow, so the metric stays far below the sleep (the old
 * measure, from put_start to the end of put_finish, held all of it).
 */
static void
test_put_time_of_a_pending_put_leaves_out_the_next_conversion(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_worker_t *w = new_worker(reg);
    kc_props_t *cfg = sink_config("snk", "topics", "s10");
    const int total = 400;
    double max_ms;

    pthread_mutex_lock(&T.lock);
    T.two_step = true;
    T.sleep_at = 300;
    T.sleep_ms = 1500;
    pthread_mutex_unlock(&T.lock);
    kc_props_set(cfg, "consumer.override.max.poll.records", "200");
    produce(kc_worker_bootstrap(w), "s10", "p", 0, total);
    start_connector_and_task(w, cfg);
    assert_true(wait_captured((size_t)total, 120000));
    max_ms = task_metric(w, "put_batch_max_time_ms");
    if (max_ms < 0) {
        max_ms = task_metric(w, "put-batch-max-time-ms");
    }
    assert_true(max_ms >= 0);
    assert_true(max_ms < 1500);
    kc_worker_stop_tasks(w, "snk");
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    kc_props_destroy(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_put_receives_every_record_in_order,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_put_time_of_a_pending_put_leaves_out_the_next_conversion,
            runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(test_retry_redelivers_the_same_batch,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_retry_with_a_backlog_redelivers_the_batch_then_all,
            runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_retry_drops_the_batch_of_revoked_partitions, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(test_put_error_fails_the_task,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_max_poll_records_below_one_fails_the_task, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_converter_error_without_tolerance_fails, runner_setup,
            runner_teardown),
        cmocka_unit_test_setup_teardown(test_converter_error_tolerated_skips,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(test_topics_regex_is_a_whole_java_match,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(test_topics_regex_subscription,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(test_pause_holds_records_until_resume,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(test_sink_without_topics_is_rejected,
                                        runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(
            test_pending_put_overlaps_conversion_and_settles_first,
            runner_setup, runner_teardown),
        cmocka_unit_test_setup_teardown(test_sink_consumer_queue_is_bounded,
                                        runner_setup, runner_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
