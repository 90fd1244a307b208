/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_store_tool: drive the distributed worker's Kafka-topic stores from a
 * test (tests/e2e/test_distributed_stores.py checks them against a Java
 * worker on the same topics).
 *
 *   kc_store_tool dump BOOTSTRAP CONFIG_TOPIC STATUS_TOPIC OFFSET_TOPIC
 *       prints {"config_offset":n,"connectors":{name:{"config","target",
 *       "tasks","status","offsets"}}} as the three stores read them
 *   kc_store_tool write BOOTSTRAP CONFIG_TOPIC STATUS_TOPIC OFFSET_TOPIC SPEC
 *       writes the connector described by the JSON file SPEC through them:
 *       {"name","config","target","tasks":[..],"worker_id","generation",
 *        "status":{"connector":STATE,"tasks":[STATE..]}[,"status_only"],
 *        "offsets":[{"partition","offset"}..]}
 *   kc_store_tool delete-topics BOOTSTRAP TOPIC...
 *   kc_store_tool create-topic BOOTSTRAP TOPIC CLEANUP_POLICY
 */
#include "kc_internal.h"

#include <stdio.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "distributed/kc_kafka_config_store.h"
#include "distributed/kc_kafka_offset_store.h"
#include "distributed/kc_kafka_status_store.h"

static const char *const targets[] = {"STARTED", "PAUSED", "STOPPED"};

typedef struct stores {
    kc_props_t *client;
    kc_config_store_t *cs;
    kc_status_store_t *st;
    kc_offset_store_t *os;
} stores_t;

static int die(const char *what, const kc_error_t *err)
{
    fprintf(stderr, "kc_store_tool: %s: %s\n", what, err->msg);
    return 1;
}

static int open_stores(stores_t *s, char **argv)
{
    kc_kafka_config_store_conf_t cc = {0};
    kc_kafka_status_store_conf_t sc = {0};
    kc_kafka_offset_store_conf_t oc = {0};
    kc_error_t err = {0};

    s->client = kc_props_new();
    kc_props_set(s->client, "bootstrap.servers", argv[0]);
    cc.topic = argv[1];
    cc.replication_factor = 1;
    cc.client = s->client;
    sc.topic = argv[2];
    sc.partitions = 5;
    sc.replication_factor = 1;
    sc.client = s->client;
    oc.topic = argv[3];
    oc.partitions = 25;
    oc.replication_factor = 1;
    oc.client = s->client;
    s->cs = kc_kafka_config_store_new(&cc, &err);
    if (s->cs == NULL || kc_kafka_config_store_start(s->cs, &err) != KC_OK) {
        return die("config store", &err);
    }
    s->st = kc_kafka_status_store_new(&sc, &err);
    if (s->st == NULL || kc_kafka_status_store_start(s->st, &err) != KC_OK) {
        return die("status store", &err);
    }
    s->os = kc_kafka_offset_store_new(&oc, &err);
    if (s->os == NULL || kc_kafka_offset_store_start(s->os, &err) != KC_OK) {
        return die("offset store", &err);
    }
    return 0;
}

static void close_stores(stores_t *s)
{
    kc_offset_store_destroy(s->os);
    kc_status_store_destroy(s->st);
    kc_config_store_destroy(s->cs);
    kc_props_destroy(s->client);
}

static json_t *props_json(const kc_props_t *p)
{
    json_t *o = json_object();

    for (size_t i = 0; i < kc_props_count(p); i++) {
        json_object_set_new(o, kc_props_key_at(p, i),
                            json_string(kc_props_value_at(p, i)));
    }
    return o;
}

static kc_props_t *json_props(const json_t *o)
{
    kc_props_t *p = kc_props_new();
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)o, k, v)
    {
        kc_props_set(p, k, json_string_value(v));
    }
    return p;
}

static int dump(char **argv)
{
    stores_t s = {0};
    char **names = NULL;
    size_t n = 0;
    json_t *out;
    json_t *conns = json_object();
    char *text;

    if (open_stores(&s, argv) != 0) {
        return 1;
    }
    kc_kafka_config_store_connectors(s.cs, &names, &n);
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_object();
        kc_props_t *config = NULL;
        kc_props_t **tasks = NULL;
        size_t ntasks = 0;
        kc_target_state_t target = KC_TARGET_STARTED;
        json_t *arr = json_array();
        json_t *status = NULL;
        json_t *offsets = NULL;
        kc_error_t err = {0};

        kc_config_store_config(s.cs, names[i], &config);
        json_object_set_new(c, "config", props_json(config));
        kc_props_destroy(config);
        kc_kafka_config_store_target(s.cs, names[i], &target);
        json_object_set_new(c, "target", json_string(targets[target]));
        kc_config_store_tasks(s.cs, names[i], &tasks, &ntasks);
        for (size_t t = 0; t < ntasks; t++) {
            json_array_append_new(arr, props_json(tasks[t]));
            kc_props_destroy(tasks[t]);
        }
        kc_free(tasks);
        json_object_set_new(c, "tasks", arr);
        if (kc_status_store_connector_json(s.st, names[i], &status, &err) ==
            KC_OK) {
            json_object_set_new(c, "status", status);
        }
        kc_offset_store_list(s.os, names[i], &offsets);
        json_object_set_new(c, "offsets", offsets);
        json_object_set_new(conns, names[i], c);
        kc_free(names[i]);
    }
    kc_free(names);
    out = json_pack("{sIso}", "config_offset",
                    (json_int_t)kc_kafka_config_store_offset(s.cs),
                    "connectors", conns);
    text = json_dumps(out, JSON_COMPACT);
    printf("%s\n", text);
    free(text); /* allocated by jansson */
    json_decref(out);
    close_stores(&s);
    return 0;
}

static kc_state_t parse_state(const char *s)
{
    for (int i = KC_STATE_UNASSIGNED; i < KC_STATE_DESTROYED; i++) {
        if (strcmp(kc_state_name((kc_state_t)i), s) == 0) {
            return (kc_state_t)i;
        }
    }
    return KC_STATE_UNASSIGNED;
}

static int write_spec(char **argv)
{
    stores_t s = {0};
    json_error_t jerr;
    json_t *spec = json_load_file(argv[4], 0, &jerr);
    const char *name = json_string_value(json_object_get(spec, "name"));
    const char *worker = json_string_value(json_object_get(spec, "worker_id"));
    json_t *status = json_object_get(spec, "status");
    json_t *v;
    size_t i;
    kc_error_t err = {0};
    int rc = 0;

    if (spec == NULL || name == NULL || worker == NULL) {
        fprintf(stderr, "kc_store_tool: bad spec %s\n", argv[4]);
        return 1;
    }
    if (open_stores(&s, argv) != 0) {
        json_decref(spec);
        return 1;
    }
    if (!json_is_true(json_object_get(spec, "status_only"))) {
        kc_props_t *config = json_props(json_object_get(spec, "config"));
        kc_target_state_t target = KC_TARGET_STARTED;
        json_t *tasks = json_object_get(spec, "tasks");
        kc_props_t **tp = kc_calloc(json_array_size(tasks) + 1, sizeof(*tp));

        for (int t = 0; t < 3; t++) {
            if (strcmp(targets[t], json_string_value(
                                       json_object_get(spec, "target"))) == 0) {
                target = (kc_target_state_t)t;
            }
        }
        json_array_foreach(tasks, i, v)
        {
            tp[i] = json_props(v);
        }
        if (kc_config_store_put_connector(s.cs, name, config, target, &err) !=
                KC_OK ||
            kc_config_store_put_tasks(s.cs, name, tp, json_array_size(tasks),
                                      &err) != KC_OK) {
            rc = die("config", &err);
        }
        for (i = 0; i < json_array_size(tasks); i++) {
            kc_props_destroy(tp[i]);
        }
        kc_free(tp);
        kc_props_destroy(config);
        json_array_foreach(json_object_get(spec, "offsets"), i, v)
        {
            if (kc_offset_store_put(s.os, name, json_object_get(v, "partition"),
                                    json_object_get(v, "offset"),
                                    &err) != KC_OK) {
                rc = die("offsets", &err);
            }
        }
        if (kc_offset_store_flush(s.os, &err) != KC_OK) {
            rc = die("offsets", &err);
        }
    }
    kc_kafka_status_store_set_generation(
        s.st, (int)json_integer_value(json_object_get(spec, "generation")));
    kc_status_store_track(s.st, name, "source", NULL, NULL);
    if (json_is_string(json_object_get(status, "connector"))) {
        kc_status_store_put(
            s.st, name, -1,
            parse_state(
                json_string_value(json_object_get(status, "connector"))),
            worker, json_string_value(json_object_get(status, "trace")));
    }
    json_array_foreach(json_object_get(status, "tasks"), i, v)
    {
        kc_status_store_put(s.st, name, (int)i,
                            parse_state(json_string_value(v)), worker, NULL);
    }
    if (kc_kafka_status_store_flush(s.st, 30000, &err) != KC_OK) {
        rc = die("status", &err);
    }
    close_stores(&s);
    json_decref(spec);
    return rc;
}

static int delete_topics(int argc, char **argv)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;
    rd_kafka_DeleteTopic_t **dt;
    rd_kafka_queue_t *q;
    rd_kafka_event_t *ev;

    rd_kafka_conf_set(conf, "bootstrap.servers", argv[0], errstr,
                      sizeof(errstr));
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (rk == NULL) {
        fprintf(stderr, "kc_store_tool: %s\n", errstr);
        return 1;
    }
    dt = kc_calloc((size_t)argc, sizeof(*dt));
    for (int i = 1; i < argc; i++) {
        dt[i - 1] = rd_kafka_DeleteTopic_new(argv[i]);
    }
    q = rd_kafka_queue_new(rk);
    rd_kafka_DeleteTopics(rk, dt, (size_t)(argc - 1), NULL, q);
    ev = rd_kafka_queue_poll(q, 30000);
    if (ev != NULL) {
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_DeleteTopic_destroy_array(dt, (size_t)(argc - 1));
    kc_free(dt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return ev != NULL ? 0 : 1;
}

static int create_topic(char **argv)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;
    rd_kafka_NewTopic_t *nt;
    rd_kafka_queue_t *q;
    rd_kafka_event_t *ev;
    int rc = 1;

    rd_kafka_conf_set(conf, "bootstrap.servers", argv[0], errstr,
                      sizeof(errstr));
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (rk == NULL) {
        fprintf(stderr, "kc_store_tool: %s\n", errstr);
        return 1;
    }
    nt = rd_kafka_NewTopic_new(argv[1], 1, 1, errstr, sizeof(errstr));
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", argv[2]);
    q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    ev = rd_kafka_queue_poll(q, 30000);
    if (ev != NULL) {
        size_t n = 0;
        const rd_kafka_topic_result_t **tr =
            rd_kafka_CreateTopics_result_topics(
                rd_kafka_event_CreateTopics_result(ev), &n);

        rc = n == 1 && rd_kafka_topic_result_error(tr[0]) == 0 ? 0 : 1;
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "create-topic") == 0) {
        return create_topic(argv + 2);
    }
    if (argc == 6 && strcmp(argv[1], "dump") == 0) {
        return dump(argv + 2);
    }
    if (argc == 7 && strcmp(argv[1], "write") == 0) {
        return write_spec(argv + 2);
    }
    if (argc >= 4 && strcmp(argv[1], "delete-topics") == 0) {
        return delete_topics(argc - 2, argv + 2);
    }
    fprintf(stderr, "usage: kc_store_tool dump|write|delete-topics ...\n");
    return 2;
}
