/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The distributed mode's Kafka-topic stores (src/distributed/kc_kafka_*)
 * on librdkafka's mock cluster (kc_embedded_kafka): what each writes is
 * Apache's record, byte for byte where Apache's readers care, and what a
 * second store on the same topic reads back is what the first wrote. The
 * expected records are Apache's (KafkaConfigBackingStore,
 * KafkaStatusBackingStore, OffsetStorageWriter; reference §4); the e2e
 * test tests/e2e/test_distributed_stores.py checks the same against a
 * Java worker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <stdio.h>
#include <string.h>

#include "distributed/kc_kafka_config_store.h"
#include "distributed/kc_kafka_log.h"
#include "distributed/kc_kafka_offset_store.h"
#include "distributed/kc_kafka_status_store.h"
#include "runtime/kc_embedded_kafka.h"
#include "util/kc_opq.h"

#define TIMEOUT_MS 20000

static kc_embedded_kafka_t *ek;
static kc_props_t *client;
static int topic_seq;

/* ---- a raw reader/writer of a topic, to see and forge records -------- */

typedef struct raw {
    kc_kafka_log_t *log;
    char *keys[256];
    char *values[256]; /* NULL: tombstone */
    size_t n;
} raw_t;

static void raw_on_record(void *opaque, const char *key, size_t key_len,
                          const uint8_t *value, size_t value_len,
                          int32_t partition, int64_t offset)
{
    raw_t *r = opaque;

    (void)key_len;
    (void)partition;
    (void)offset;
    assert_true(r->n < 256);
    r->keys[r->n] = kc_strdup(key);
    r->values[r->n] =
        value != NULL ? kc_strndup((const char *)value, value_len) : NULL;
    r->n++;
}

static raw_t *raw_open(const char *topic, int partitions)
{
    raw_t *r = kc_calloc(1, sizeof(*r));
    kc_kafka_log_conf_t lc = {0};
    kc_error_t err = {0};

    lc.topic = topic;
    lc.partitions = partitions;
    lc.client = client;
    lc.on_record = raw_on_record;
    lc.opaque = r;
    r->log = kc_kafka_log_new(&lc, &err);
    assert_non_null(r->log);
    if (kc_kafka_log_start(r->log, TIMEOUT_MS, &err) != KC_OK) {
        fail_msg("%s", err.msg);
    }
    return r;
}

static void raw_clear(raw_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        kc_free(r->keys[i]);
        kc_free(r->values[i]);
    }
    r->n = 0;
}

/* Read what was written since; r keeps every record read. */
static void raw_read(raw_t *r)
{
    kc_error_t err = {0};

    if (kc_kafka_log_read_to_end(r->log, TIMEOUT_MS, &err) != KC_OK) {
        fail_msg("%s", err.msg);
    }
}

static void raw_write(raw_t *r, const char *key, const char *value)
{
    kc_error_t err = {0};

    if (kc_kafka_log_write(r->log, &key, &value, 1, TIMEOUT_MS, &err) !=
        KC_OK) {
        fail_msg("%s", err.msg);
    }
}

/* The value of the last record with @p key among those read; "<none>"
 * when there is none, "<null>" for a tombstone. */
static const char *raw_last(const raw_t *r, const char *key)
{
    for (size_t i = r->n; i-- > 0;) {
        if (strcmp(r->keys[i], key) == 0) {
            return r->values[i] != NULL ? r->values[i] : "<null>";
        }
    }
    return "<none>";
}

static void raw_close(raw_t *r)
{
    raw_clear(r);
    kc_kafka_log_destroy(r->log);
    kc_free(r);
}

/* The mock cluster has no CreateTopics: the topic is made here, and the
 * stores find it (creation is tested on a real broker, e2e). */
static char *new_topic(const char *what, int partitions)
{
    char *topic = kc_asprintf("kc-test-%s-%d", what, ++topic_seq);
    kc_error_t err = {0};

    if (kc_embedded_kafka_create_topic(ek, topic, partitions, &err) != KC_OK) {
        fail_msg("%s", err.msg);
    }
    return topic;
}

static int setup(void **state)
{
    kc_error_t err = {0};

    (void)state;
    /* The mock cluster never answers DescribeConfigs. */
    kc_kafka_log_set_verify_timeout(100);
    ek = kc_embedded_kafka_start(1, &err);
    if (ek == NULL) {
        fail_msg("%s", err.msg);
    }
    client = kc_props_new();
    kc_props_set(client, "bootstrap.servers", kc_embedded_kafka_bootstraps(ek));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kc_props_destroy(client);
    kc_embedded_kafka_destroy(ek);
    return 0;
}

/* ---- config store ---------------------------------------------------- */

typedef struct changes {
    int n;
    kc_config_change_kind_t kinds[32];
    char names[32][64];
} changes_t;

static void on_change(void *opaque, const kc_config_change_t *change)
{
    changes_t *c = opaque;

    if (c->n < 32) {
        c->kinds[c->n] = change->kind;
        snprintf(c->names[c->n], sizeof(c->names[0]), "%s",
                 change->connector != NULL ? change->connector : "");
        c->n++;
    }
}

static kc_config_store_t *config_open(const char *topic, changes_t *changes)
{
    kc_kafka_config_store_conf_t conf = {0};
    kc_error_t err = {0};
    kc_config_store_t *cs;

    conf.topic = topic;
    conf.client = client;
    conf.timeout_ms = TIMEOUT_MS;
    conf.listener = changes != NULL ? on_change : NULL;
    conf.opaque = changes;
    cs = kc_kafka_config_store_new(&conf, &err);
    assert_non_null(cs);
    if (kc_kafka_config_store_start(cs, &err) != KC_OK) {
        fail_msg("%s", err.msg);
    }
    return cs;
}

static kc_props_t *props1(const char *k, const char *v)
{
    kc_props_t *p = kc_props_new();

    kc_props_set(p, k, v);
    return p;
}

static void
config_store_writes_apache_records_and_a_second_worker_reads_them(void **state)
{
    char *topic = new_topic("configs", 1);
    kc_config_store_t *a;
    kc_config_store_t *b;
    raw_t *raw;
    kc_props_t *config = props1("connector.class", "FileStreamSource");
    kc_props_t *tasks[2];
    kc_props_t **got = NULL;
    kc_props_t *got_config = NULL;
    size_t ngot = 0;
    kc_target_state_t target;
    kc_error_t err = {0};

    (void)state;
    a = config_open(topic, NULL);
    assert_int_equal(kc_kafka_config_store_offset(a), -1);
    kc_props_set(config, "file", "/tmp/in.txt");
    assert_int_equal(kc_config_store_put_connector(a, "fs-1", config,
                                                   KC_TARGET_PAUSED, &err),
                     KC_OK);
    tasks[0] = props1("file", "/tmp/in.txt");
    tasks[1] = props1("file", "/tmp/in2.txt");
    assert_int_equal(kc_config_store_put_tasks(a, "fs-1", tasks, 2, &err),
                     KC_OK);

    raw = raw_open(topic, 1);
    raw_read(raw);
    /* Apache's order: target state before the config, tasks before
     * their commit. */
    assert_int_equal(raw->n, 5);
    assert_string_equal(raw->keys[0], "target-state-fs-1");
    assert_string_equal(raw->values[0],
                        "{\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}");
    assert_string_equal(raw->keys[1], "connector-fs-1");
    assert_string_equal(raw->values[1],
                        "{\"properties\":{\"connector.class\":"
                        "\"FileStreamSource\",\"file\":\"/tmp/in.txt\"}}");
    assert_string_equal(raw->keys[2], "task-fs-1-0");
    assert_string_equal(raw->values[2],
                        "{\"properties\":{\"file\":\"/tmp/in.txt\"}}");
    assert_string_equal(raw->keys[3], "task-fs-1-1");
    assert_string_equal(raw->keys[4], "commit-fs-1");
    assert_string_equal(raw->values[4], "{\"tasks\":2}");
    assert_int_equal(kc_kafka_config_store_offset(a), 5);

    /* STOPPED is PAUSED for readers that only know "state". */
    assert_int_equal(
        kc_config_store_put_target(a, "fs-1", KC_TARGET_STOPPED, &err), KC_OK);
    raw_read(raw);
    assert_string_equal(raw_last(raw, "target-state-fs-1"),
                        "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}");

    b = config_open(topic, NULL);
    assert_int_equal(kc_config_store_config(b, "fs-1", &got_config), KC_OK);
    assert_true(kc_props_equal(got_config, config));
    assert_int_equal(kc_kafka_config_store_target(b, "fs-1", &target), KC_OK);
    assert_int_equal(target, KC_TARGET_STOPPED);
    assert_int_equal(kc_config_store_tasks(b, "fs-1", &got, &ngot), KC_OK);
    assert_int_equal(ngot, 2);
    assert_string_equal(kc_props_get(got[1], "file"), "/tmp/in2.txt");
    assert_int_equal(kc_kafka_config_store_offset(b), 6);

    /* Delete: tombstones for the config and the target state. */
    assert_int_equal(kc_config_store_remove_connector(a, "fs-1", &err), KC_OK);
    raw_read(raw);
    assert_string_equal(raw_last(raw, "connector-fs-1"), "<null>");
    assert_string_equal(raw_last(raw, "target-state-fs-1"), "<null>");
    assert_int_equal(kc_kafka_config_store_refresh(b, TIMEOUT_MS, &err), KC_OK);
    kc_props_destroy(got_config);
    got_config = NULL;
    assert_int_equal(kc_config_store_config(b, "fs-1", &got_config),
                     KC_ERR_NOT_FOUND);
    assert_int_equal(kc_config_store_remove_connector(a, "fs-1", &err),
                     KC_ERR_NOT_FOUND);

    for (size_t i = 0; i < ngot; i++) {
        kc_props_destroy(got[i]);
    }
    kc_free(got);
    kc_props_destroy(tasks[0]);
    kc_props_destroy(tasks[1]);
    kc_props_destroy(config);
    raw_close(raw);
    kc_config_store_destroy(b);
    kc_config_store_destroy(a);
    kc_free(topic);
}

static size_t ntasks_of(kc_config_store_t *cs, const char *name)
{
    kc_props_t **got = NULL;
    size_t n = 0;

    assert_int_equal(kc_config_store_tasks(cs, name, &got, &n), KC_OK);
    for (size_t i = 0; i < n; i++) {
        kc_props_destroy(got[i]);
    }
    kc_free(got);
    return n;
}

static void
config_store_applies_task_configs_only_at_a_complete_commit(void **state)
{
    char *topic = new_topic("commits", 1);
    raw_t *raw = raw_open(topic, 1);
    changes_t changes = {0};
    kc_config_store_t *cs;
    kc_target_state_t target;
    kc_error_t err = {0};
    json_t *key;

    (void)state;
    raw_write(raw, "connector-my-conn",
              "{\"properties\":{\"connector.class\":\"X\"}}");
    /* Written by a pre-STOPPED worker: "state" only. */
    raw_write(raw, "target-state-my-conn", "{\"state\":\"PAUSED\"}");
    raw_write(raw, "task-my-conn-0", "{\"properties\":{\"t\":\"0\"}}");
    raw_write(raw, "task-my-conn-1", "{\"properties\":{\"t\":\"1\"}}");
    cs = config_open(topic, &changes);
    /* Held until their commit. */
    assert_int_equal(ntasks_of(cs, "my-conn"), 0);
    assert_int_equal(kc_kafka_config_store_target(cs, "my-conn", &target),
                     KC_OK);
    assert_int_equal(target, KC_TARGET_PAUSED);
    assert_int_equal(changes.n, 0); /* nothing told before start ends */

    /* A commit of 3 with ids 0 and 1 held: inconsistent, nothing. */
    raw_write(raw, "commit-my-conn", "{\"tasks\":3}");
    assert_int_equal(kc_kafka_config_store_refresh(cs, TIMEOUT_MS, &err),
                     KC_OK);
    assert_int_equal(ntasks_of(cs, "my-conn"), 0);
    assert_true(kc_kafka_config_store_inconsistent(cs, "my-conn"));

    /* The held set was dropped: a complete new one applies. */
    raw_write(raw, "task-my-conn-2", "{\"properties\":{\"t\":\"2\"}}");
    raw_write(raw, "commit-my-conn", "{\"tasks\":3}");
    assert_int_equal(kc_kafka_config_store_refresh(cs, TIMEOUT_MS, &err),
                     KC_OK);
    assert_true(kc_kafka_config_store_inconsistent(cs, "my-conn"));
    raw_write(raw, "task-my-conn-0", "{\"properties\":{\"t\":\"a\"}}");
    raw_write(raw, "task-my-conn-1", "{\"properties\":{\"t\":\"b\"}}");
    raw_write(raw, "task-my-conn-2", "{\"properties\":{\"t\":\"c\"}}");
    raw_write(raw, "commit-my-conn", "{\"tasks\":3}");
    assert_int_equal(kc_kafka_config_store_refresh(cs, TIMEOUT_MS, &err),
                     KC_OK);
    assert_false(kc_kafka_config_store_inconsistent(cs, "my-conn"));
    assert_int_equal(ntasks_of(cs, "my-conn"), 3);

    /* A commit for a connector without config is dropped. */
    raw_write(raw, "task-gone-0", "{\"properties\":{}}");
    raw_write(raw, "commit-gone", "{\"tasks\":1}");
    /* A target state of "state.v2" wins; then the session key. */
    raw_write(raw, "target-state-my-conn",
              "{\"state\":\"PAUSED\",\"state.v2\":\"STARTED\"}");
    raw_write(raw, "session-key",
              "{\"key\":\"c2VjcmV0\",\"algorithm\":\"HmacSHA256\","
              "\"creation-timestamp\":1700000000000}");
    raw_write(raw, "restart-connector-my-conn",
              "{\"include-tasks\":true,\"only-failed\":false}");
    assert_int_equal(kc_kafka_config_store_refresh(cs, TIMEOUT_MS, &err),
                     KC_OK);
    assert_int_equal(kc_config_store_tasks(cs, "gone", NULL, NULL),
                     KC_ERR_NOT_FOUND);
    assert_int_equal(kc_kafka_config_store_target(cs, "my-conn", &target),
                     KC_OK);
    assert_int_equal(target, KC_TARGET_STARTED);
    key = kc_kafka_config_store_session_key(cs);
    assert_non_null(key);
    assert_string_equal(json_string_value(json_object_get(key, "algorithm")),
                        "HmacSHA256");
    json_decref(key);
    /* 16 records: the offset after the last one. */
    assert_int_equal(kc_kafka_config_store_offset(cs), 16);

    /* The listener heard: the commits, target state, key, restart. */
    assert_int_equal(changes.n, 6);
    assert_int_equal(changes.kinds[0], KC_CONFIG_CHANGE_TASKS);
    assert_int_equal(changes.kinds[1], KC_CONFIG_CHANGE_TASKS);
    assert_int_equal(changes.kinds[2], KC_CONFIG_CHANGE_TASKS);
    assert_int_equal(changes.kinds[3], KC_CONFIG_CHANGE_TARGET);
    assert_int_equal(changes.kinds[4], KC_CONFIG_CHANGE_SESSION_KEY);
    assert_int_equal(changes.kinds[5], KC_CONFIG_CHANGE_RESTART);
    assert_string_equal(changes.names[5], "my-conn");

    kc_config_store_destroy(cs);
    raw_close(raw);
    kc_free(topic);
}

/* ---- status store ---------------------------------------------------- */

static kc_status_store_t *status_open(const char *topic)
{
    kc_kafka_status_store_conf_t conf = {0};
    kc_error_t err = {0};
    kc_status_store_t *st;

    conf.topic = topic;
    conf.partitions = 5;
    conf.client = client;
    conf.timeout_ms = TIMEOUT_MS;
    st = kc_kafka_status_store_new(&conf, &err);
    assert_non_null(st);
    if (kc_kafka_status_store_start(st, &err) != KC_OK) {
        fail_msg("%s", err.msg);
    }
    return st;
}

static void status_sync(kc_status_store_t *st)
{
    kc_error_t err = {0};

    assert_int_equal(kc_kafka_status_store_flush(st, TIMEOUT_MS, &err), KC_OK);
    assert_int_equal(kc_kafka_status_store_refresh(st, TIMEOUT_MS, &err),
                     KC_OK);
}

static void
status_store_writes_apache_records_and_keeps_the_newer_generation(void **state)
{
    char *topic = new_topic("status", 5);
    kc_status_store_t *a = status_open(topic);
    kc_status_store_t *b;
    raw_t *raw;
    kc_state_t s;
    json_t *j = NULL;
    json_t *topics;
    kc_error_t err = {0};
    char *wid = NULL;
    int gen = -1;

    (void)state;
    kc_kafka_status_store_set_generation(a, 3);
    /* Apache 4.1 writes the connector's and the task's plugin version
     * last ("version", optional); its workers show it in their status. */
    kc_status_store_track(a, "fs-1", "source", "4.1.1-c", "4.1.1-t");
    kc_status_store_put(a, "fs-1", -1, KC_STATE_RUNNING, "10.0.0.1:8083", NULL);
    kc_status_store_put(a, "fs-1", 0, KC_STATE_FAILED, "10.0.0.1:8083",
                        "java.lang.Exception: boom");
    kc_status_store_track(a, "nov", "sink", NULL, NULL);
    kc_status_store_put(a, "nov", 1, KC_STATE_RUNNING, "10.0.0.1:8083", NULL);
    status_sync(a);

    raw = raw_open(topic, 5);
    raw_read(raw);
    assert_string_equal(raw_last(raw, "status-connector-fs-1"),
                        "{\"state\":\"RUNNING\",\"trace\":null,"
                        "\"worker_id\":\"10.0.0.1:8083\",\"generation\":3,"
                        "\"version\":\"4.1.1-c\"}");
    assert_string_equal(raw_last(raw, "status-task-fs-1-0"),
                        "{\"state\":\"FAILED\",\"trace\":\"java.lang."
                        "Exception: boom\",\"worker_id\":\"10.0.0.1:8083\","
                        "\"generation\":3,\"version\":\"4.1.1-t\"}");
    assert_string_equal(raw_last(raw, "status-task-nov-1"),
                        "{\"state\":\"RUNNING\",\"trace\":null,"
                        "\"worker_id\":\"10.0.0.1:8083\",\"generation\":3,"
                        "\"version\":null}");

    /* Another worker reads them. */
    b = status_open(topic);
    assert_true(kc_status_store_get(b, "fs-1", 0, &s));
    assert_int_equal(s, KC_STATE_FAILED);
    assert_int_equal(kc_status_store_connector_json(b, "fs-1", &j, &err),
                     KC_OK);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "connector"), "worker_id")),
                        "10.0.0.1:8083");
    json_decref(j);
    assert_true(kc_kafka_status_store_owner(b, "fs-1", -1, &wid, &gen));
    assert_int_equal(gen, 3);
    kc_free(wid);

    /* A stale worker (generation 2) cannot mark it UNASSIGNED ... */
    kc_kafka_status_store_set_generation(b, 2);
    kc_status_store_put(b, "fs-1", 0, KC_STATE_UNASSIGNED, "10.0.0.2:8083",
                        NULL);
    status_sync(b);
    status_sync(a);
    assert_true(kc_status_store_get(a, "fs-1", 0, &s));
    assert_int_equal(s, KC_STATE_FAILED);
    /* ... but RUNNING is not a "safe" write: it always goes. */
    kc_status_store_put(b, "fs-1", 0, KC_STATE_RUNNING, "10.0.0.2:8083", NULL);
    status_sync(b);
    status_sync(a);
    assert_true(kc_status_store_get(a, "fs-1", 0, &s));
    assert_int_equal(s, KC_STATE_RUNNING);
    /* Generation 4 of the first worker may mark it UNASSIGNED. */
    kc_kafka_status_store_set_generation(a, 4);
    kc_status_store_put(a, "fs-1", 0, KC_STATE_UNASSIGNED, "10.0.0.1:8083",
                        NULL);
    status_sync(a);
    status_sync(b);
    assert_true(kc_status_store_get(b, "fs-1", 0, &s));
    assert_int_equal(s, KC_STATE_UNASSIGNED);

    /* Active topics. */
    assert_int_equal(kc_kafka_status_store_put_topic(a, "orders", "fs-1", 0,
                                                     1700000000000LL, &err),
                     KC_OK);
    raw_read(raw);
    assert_string_equal(
        raw_last(raw, "status-topic-orders:connector-fs-1"),
        "{\"topic\":{\"name\":\"orders\",\"connector\":\"fs-1\",\"task\":0,"
        "\"discoverTimestamp\":1700000000000}}");
    status_sync(b);
    topics = kc_kafka_status_store_topics(b, "fs-1");
    assert_int_equal(json_array_size(topics), 1);
    json_decref(topics);

    /* A worker that drops its tasks (a restart, a reconfigure) still
     * shows the statuses the topic holds, as Apache's cache does; the
     * leader's tombstones remove the tasks a new config no longer has. */
    kc_status_store_put(a, "fs-1", 1, KC_STATE_RUNNING, "10.0.0.1:8083", NULL);
    status_sync(a);
    status_sync(b);
    kc_status_store_forget_tasks(b, "fs-1", -1);
    assert_true(kc_status_store_get(b, "fs-1", 1, &s));
    assert_int_equal(kc_kafka_status_store_delete_tasks_from(a, "fs-1", 1), 1);
    assert_int_equal(kc_kafka_status_store_delete_tasks_from(a, "fs-1", 1), 0);
    status_sync(a);
    raw_read(raw);
    assert_string_equal(raw_last(raw, "status-task-fs-1-1"), "<null>");
    assert_false(kc_status_store_get(a, "fs-1", 1, &s));
    status_sync(b);
    assert_false(kc_status_store_get(b, "fs-1", 1, &s));
    assert_true(kc_status_store_get(b, "fs-1", 0, &s));

    /* Deleting the connector tombstones its statuses. */
    kc_status_store_forget(a, "fs-1");
    status_sync(a);
    raw_read(raw);
    assert_string_equal(raw_last(raw, "status-connector-fs-1"), "<null>");
    assert_string_equal(raw_last(raw, "status-task-fs-1-0"), "<null>");
    status_sync(b);
    assert_false(kc_status_store_get(b, "fs-1", -1, &s));
    assert_false(kc_status_store_get(b, "fs-1", 0, &s));

    raw_close(raw);
    kc_status_store_destroy(b);
    kc_status_store_destroy(a);
    kc_free(topic);
}

/* ---- offset store ---------------------------------------------------- */

static kc_offset_store_t *offsets_open(const char *topic)
{
    kc_kafka_offset_store_conf_t conf = {0};
    kc_error_t err = {0};
    kc_offset_store_t *os;

    conf.topic = topic;
    conf.partitions = 25;
    conf.client = client;
    conf.timeout_ms = TIMEOUT_MS;
    os = kc_kafka_offset_store_new(&conf, &err);
    assert_non_null(os);
    if (kc_kafka_offset_store_start(os, &err) != KC_OK) {
        fail_msg("%s", err.msg);
    }
    return os;
}

/* Apache's KafkaOffsetBackingStore.set completes on the producer's
 * acknowledgement; reading the topic to the end after every flush made a
 * distributed task stop take seconds. */
static void offset_store_flush_does_not_read_the_topic_to_the_end(void **state)
{
    char *topic = new_topic("offsets-flush", 25);
    kc_offset_store_t *a = offsets_open(topic);
    kc_offset_store_t *b;
    json_t *part = json_pack("{ss}", "filename", "/tmp/in.txt");
    json_t *off = json_pack("{sI}", "position", (json_int_t)42);
    json_t *got = NULL;
    kc_error_t err;
    uint64_t reads;

    (void)state;
    assert_int_equal(kc_offset_store_put(a, "file-src", part, off, &err),
                     KC_OK);
    reads = kc_kafka_log_reads_to_end(kc_kafka_offset_store_log(a));
    assert_int_equal(kc_offset_store_flush(a, &err), KC_OK);
    assert_int_equal(kc_kafka_log_reads_to_end(kc_kafka_offset_store_log(a)),
                     reads);
    /* The write itself is complete: a second worker reads it. */
    b = offsets_open(topic);
    assert_int_equal(kc_offset_store_get(b, "file-src", part, &got), KC_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "position")), 42);
    json_decref(got);
    /* And the writer still answers with what it wrote. */
    assert_int_equal(kc_offset_store_get(a, "file-src", part, &got), KC_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "position")), 42);
    json_decref(got);
    json_decref(part);
    json_decref(off);
    kc_offset_store_destroy(b);
    kc_offset_store_destroy(a);
    kc_free(topic);
}

static void
offset_store_writes_apache_keys_and_a_second_worker_resumes(void **state)
{
    char *topic = new_topic("offsets", 25);
    kc_offset_store_t *a = offsets_open(topic);
    kc_offset_store_t *b;
    raw_t *raw;
    json_t *part = json_pack("{ss}", "filename", "/tmp/in.txt");
    json_t *off = json_pack("{si}", "position", 30);
    json_t *got = NULL;
    json_t *list = NULL;
    kc_error_t err = {0};

    (void)state;
    /* A partition a Java worker wrote with its own field order. */
    raw = raw_open(topic, 25);
    raw_write(raw, "[\"jdbc\",{\"table\":\"t\",\"protocol\":\"1\"}]",
              "{\"incrementing\":7}");
    assert_int_equal(kc_offset_store_put(a, "file-src", part, off, &err),
                     KC_OK);
    /* Seen at once, written at flush. */
    assert_int_equal(kc_offset_store_get(a, "file-src", part, &got), KC_OK);
    json_decref(got);
    assert_int_equal(kc_offset_store_flush(a, &err), KC_OK);
    raw_read(raw);
    assert_string_equal(raw_last(raw, "[\"file-src\",{\"filename\":\"/tmp/"
                                      "in.txt\"}]"),
                        "{\"position\":30}");

    /* Another worker resumes from it, and from the Java one's. */
    b = offsets_open(topic);
    assert_int_equal(kc_offset_store_get(b, "file-src", part, &got), KC_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "position")), 30);
    json_decref(got);
    json_decref(part);
    part = json_pack("{ssss}", "protocol", "1", "table", "t");
    assert_int_equal(kc_offset_store_get(b, "jdbc", part, &got), KC_OK);
    json_decref(got);
    /* Written back under the Java worker's key bytes. */
    json_decref(off);
    off = json_pack("{si}", "incrementing", 9);
    assert_int_equal(kc_offset_store_put(b, "jdbc", part, off, &err), KC_OK);
    assert_int_equal(kc_offset_store_flush(b, &err), KC_OK);
    raw_read(raw);
    assert_string_equal(
        raw_last(raw, "[\"jdbc\",{\"table\":\"t\",\"protocol\":\"1\"}]"),
        "{\"incrementing\":9}");
    assert_int_equal(kc_offset_store_get(a, "jdbc", part, &got), KC_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "incrementing")),
                     9);
    json_decref(got);

    /* A reset is a tombstone. */
    kc_offset_store_reset(a, "file-src");
    assert_int_equal(kc_offset_store_flush(a, &err), KC_OK);
    raw_read(raw);
    assert_string_equal(raw_last(raw, "[\"file-src\",{\"filename\":\"/tmp/"
                                      "in.txt\"}]"),
                        "<null>");
    assert_int_equal(kc_offset_store_list(b, "file-src", &list), KC_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);

    json_decref(part);
    json_decref(off);
    raw_close(raw);
    kc_offset_store_destroy(b);
    kc_offset_store_destroy(a);
    kc_free(topic);
}

/* ---- the log wakes an op queue --------------------------------------- */

static void log_record_wakes_the_op_queue_and_serve_hands_it_over(void **state)
{
    char *topic = new_topic("wake", 1);
    raw_t *reader = raw_open(topic, 1);
    raw_t *writer = raw_open(topic, 1);
    kc_error_t err = {0};
    kc_opq_t *q = kc_opq_new(KC_OPQ_F_EVENTFD, &err);

    (void)state;
    assert_non_null(q);
    kc_kafka_log_wake_fd(reader->log, kc_opq_fd(q));
    /* Whatever start left queued (EOF events) is served first, so the
     * queue is empty and the next record raises the event. */
    kc_kafka_log_serve(reader->log);
    assert_int_equal(reader->n, 0);
    raw_write(writer, "k", "v");
    /* No deadline: only the record's event can end this wait (a broken
     * wake-up hangs here and the test times out). */
    while (reader->n == 0) {
        assert_null(kc_opq_pop(q, -1));
        kc_kafka_log_serve(reader->log);
    }
    assert_string_equal(reader->keys[0], "k");
    assert_string_equal(reader->values[0], "v");
    kc_opq_unref(q);
    raw_close(writer);
    raw_close(reader);
    kc_free(topic);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            config_store_writes_apache_records_and_a_second_worker_reads_them),
        cmocka_unit_test(
            config_store_applies_task_configs_only_at_a_complete_commit),
        cmocka_unit_test(
            status_store_writes_apache_records_and_keeps_the_newer_generation),
        cmocka_unit_test(
            offset_store_writes_apache_keys_and_a_second_worker_resumes),
        cmocka_unit_test(offset_store_flush_does_not_read_the_topic_to_the_end),
        cmocka_unit_test(log_record_wakes_the_op_queue_and_serve_hands_it_over),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
