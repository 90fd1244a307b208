/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connector offsets for REST: read, alter and reset, for sink
 * connectors through their consumer group, for source connectors through
 * the offset store.
 */
#include "kc_internal.h"

#include "runtime/kc_worker_int.h"

#include "data/kc_value_json.h"
#include "util/kc_clock.h"

/* ---- offsets -------------------------------------------------------- */

static bool is_sink_config(kc_worker_t *w, const kc_props_t *config)
{
    const char *cls = kc_props_get(config, "connector.class");
    kc_plugin_kind_t kind = KC_PLUGIN_SOURCE;

    return cls != NULL &&
           kc_registry_find_connector(w->reg, cls, &kind) != NULL &&
           kind == KC_PLUGIN_SINK;
}

/* Java AdminClientConfig's default.api.timeout.ms. */
#define KC_ADMIN_API_TIMEOUT_MS 60000

/*
 * How long one admin call may take: the worker's
 * admin.default.api.timeout.ms, never past @p timeout_ms (> 0).
 */
static int64_t admin_call_timeout(kc_worker_t *w, int64_t timeout_ms,
                                  const char **what)
{
    const char *text = kc_props_get(w->props, "admin.default.api.timeout.ms");
    int64_t ms = text != NULL ? atoll(text) : KC_ADMIN_API_TIMEOUT_MS;

    *what = "admin.default.api.timeout.ms";
    if (timeout_ms > 0 && timeout_ms < ms) {
        ms = timeout_ms;
        *what = "the REST request timeout";
    }
    return ms > 0 ? ms : 1;
}

/*
 * The client that lists group offsets. librdkafka (2.0.2 here; still open
 * upstream as confluentinc/librdkafka#5040) crashes when an OffsetFetch
 * of ListConsumerGroupOffsets is answered "not coordinator" on a client
 * without a consumer group of its own (a fresh broker answers so): it
 * asks that group to look up its coordinator again. A consumer client
 * with a group.id it never joins has one.
 */
static rd_kafka_t *offsets_reader(kc_worker_t *w, kc_error_t *err)
{
    rd_kafka_t *rk;

    pthread_mutex_lock(&w->reader_lock);
    if (w->reader == NULL) {
        char errstr[256];
        rd_kafka_conf_t *conf = kc_worker_client_conf(
            w, KC_CLIENT_ADMIN, NULL, "connect-worker-offsets-reader", err);

        if (conf != NULL &&
            (!kc_worker_set_conf(conf, "group.id",
                                 "connect-worker-offsets-reader", err) ||
             !kc_worker_set_conf(conf, "enable.auto.commit", "false", err))) {
            rd_kafka_conf_destroy(conf);
            conf = NULL;
        }
        if (conf != NULL) {
            w->reader =
                rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
            if (w->reader == NULL) {
                rd_kafka_conf_destroy(conf);
                kc_error_set(err, KC_ERR_KAFKA,
                             "could not create a Kafka client: %s", errstr);
            }
        }
    }
    rk = w->reader;
    pthread_mutex_unlock(&w->reader_lock);
    return rk;
}

/* {"partition":{..},"offset":{..}} of each committed partition. */
static json_t *group_offsets_json(rd_kafka_event_t *ev)
{
    json_t *arr = json_array();
    size_t cnt = 0;
    const rd_kafka_group_result_t **groups =
        rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &cnt);

    for (size_t g = 0; g < cnt; g++) {
        const rd_kafka_topic_partition_list_t *parts =
            rd_kafka_group_result_partitions(groups[g]);

        for (int i = 0; parts != NULL && i < parts->cnt; i++) {
            const rd_kafka_topic_partition_t *tp = &parts->elems[i];

            if (tp->offset < 0) {
                continue;
            }
            json_array_append_new(
                arr,
                json_pack("{s{sssi}s{sI}}", "partition", "kafka_topic",
                          tp->topic, "kafka_partition", (int)tp->partition,
                          "offset", "kafka_offset", (json_int_t)tp->offset));
        }
    }
    return arr;
}

/* One ListConsumerGroupOffsets of @p group that librdkafka ends after
 * @p ms: its result event, or NULL when none came. */
static rd_kafka_event_t *list_group_offsets(rd_kafka_t *rk, const char *group,
                                            int64_t ms)
{
    rd_kafka_ListConsumerGroupOffsets_t *req =
        rd_kafka_ListConsumerGroupOffsets_new(group, NULL);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(
        rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
    rd_kafka_event_t *ev;
    char errstr[256];

    rd_kafka_AdminOptions_set_request_timeout(opts, (int)ms, errstr,
                                              sizeof(errstr));
    rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, opts, q);
    /* The extra second only covers the hand-over of librdkafka's answer. */
    ev = rd_kafka_queue_poll(q, (int)ms + 1000);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    rd_kafka_queue_destroy(q);
    return ev;
}

/* The error of a ListConsumerGroupOffsets result: the request's, else
 * the group's. */
static rd_kafka_resp_err_t group_offsets_error(rd_kafka_event_t *ev,
                                               const char **msg)
{
    size_t cnt = 0;
    const rd_kafka_group_result_t **groups;
    const rd_kafka_error_t *e;

    *msg = rd_kafka_event_error_string(ev);
    if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return rd_kafka_event_error(ev);
    }
    groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(ev), &cnt);
    e = cnt > 0 ? rd_kafka_group_result_error(groups[0]) : NULL;
    if (e == NULL) {
        return RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    *msg = rd_kafka_error_string(e);
    return rd_kafka_error_code(e);
}

/* A broker that is loading or moving the group: Java's admin retries. */
static bool coordinator_busy(rd_kafka_resp_err_t code)
{
    return code == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           code == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
           code == RD_KAFKA_RESP_ERR_NOT_COORDINATOR;
}

static kc_err_t sink_offsets(kc_worker_t *w, const char *connector,
                             int64_t timeout_ms, json_t **out, kc_error_t *err)
{
    char *group = kc_asprintf("connect-%s", connector);
    const char *what = NULL;
    int64_t bound = admin_call_timeout(w, timeout_ms, &what);
    int64_t deadline = kc_clock_now_ms() + bound;
    rd_kafka_t *rk = offsets_reader(w, err);
    rd_kafka_event_t *ev = NULL;
    rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR__TIMED_OUT;
    const char *msg = NULL;
    kc_err_t rc = KC_OK;

    if (rk == NULL) {
        kc_free(group);
        return err->code;
    }
    for (;;) {
        int64_t left = deadline - kc_clock_now_ms();

        if (left <= 0) {
            break;
        }
        ev = list_group_offsets(rk, group, left);
        if (ev == NULL) {
            break;
        }
        code = group_offsets_error(ev, &msg);
        if (!coordinator_busy(code) || kc_clock_now_ms() + 200 >= deadline) {
            break;
        }
        rd_kafka_event_destroy(ev);
        ev = NULL;
        code = RD_KAFKA_RESP_ERR__TIMED_OUT;
        kc_clock_sleep_ms(200);
    }
    if (ev == NULL || code == RD_KAFKA_RESP_ERR__TIMED_OUT) {
        /* Apache: ConnectException "Failed to retrieve consumer group
         * offsets for sink connector <name>", with the cause. */
        rc = kc_error_set(err, KC_ERR_TIMEOUT,
                          "Failed to retrieve consumer group offsets for "
                          "sink connector %s: the Kafka cluster at %s did "
                          "not answer within %lld ms (%s)",
                          connector, w->bootstrap, (long long)bound, what);
    } else if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rc = kc_error_set(err, KC_ERR_KAFKA,
                          "Failed to retrieve consumer group offsets for "
                          "sink connector %s: could not read the offsets of "
                          "consumer group \"%s\" from %s: %s",
                          connector, group, w->bootstrap, msg);
    }
    if (ev != NULL) {
        if (rc == KC_OK) {
            *out = json_pack("{so}", "offsets", group_offsets_json(ev));
        }
        rd_kafka_event_destroy(ev);
    }
    kc_free(group);
    return rc;
}

kc_err_t kc_worker_offsets(kc_worker_t *w, const char *connector,
                           const kc_props_t *config, int64_t timeout_ms,
                           json_t **out, kc_error_t *err)
{
    json_t *arr = NULL;
    kc_offset_store_t *store;

    if (is_sink_config(w, config)) {
        return sink_offsets(w, connector, timeout_ms, out, err);
    }
    store = kc_worker_offset_store_for(w, config, err);
    if (store == NULL) {
        return err->code;
    }
    kc_offset_store_list(store, connector, &arr);
    *out = json_pack("{so}", "offsets", arr);
    return KC_OK;
}

/* Wait for one admin result; fills @p err from the event's error. */
static rd_kafka_event_t *admin_wait(rd_kafka_queue_t *q, const char *what,
                                    kc_error_t *err)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);

    if (ev == NULL) {
        kc_error_set(err, KC_ERR_TIMEOUT, "could not %s: timed out", what);
        return NULL;
    }
    if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        kc_error_set(err, KC_ERR_KAFKA, "could not %s: %s", what,
                     rd_kafka_event_error_string(ev));
        rd_kafka_event_destroy(ev);
        return NULL;
    }
    return ev;
}

/* The first partition error of a group result, or NULL. */
static const char *group_result_error(const rd_kafka_group_result_t *g)
{
    const rd_kafka_error_t *e = rd_kafka_group_result_error(g);
    const rd_kafka_topic_partition_list_t *parts =
        rd_kafka_group_result_partitions(g);

    if (e != NULL) {
        return rd_kafka_error_string(e);
    }
    for (int i = 0; parts != NULL && i < parts->cnt; i++) {
        if (parts->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return rd_kafka_err2str(parts->elems[i].err);
        }
    }
    return NULL;
}

static kc_err_t sink_alter(kc_worker_t *w, const char *connector,
                           json_t *offsets, kc_error_t *err)
{
    char *group = kc_asprintf("connect-%s", connector);
    rd_kafka_topic_partition_list_t *set = rd_kafka_topic_partition_list_new(4);
    rd_kafka_topic_partition_list_t *del = rd_kafka_topic_partition_list_new(4);
    rd_kafka_queue_t *q = rd_kafka_queue_new(w->admin);
    kc_err_t rc = KC_OK;
    size_t i;
    json_t *item;

    json_array_foreach(offsets, i, item)
    {
        json_t *part = json_object_get(item, "partition");
        json_t *topic = json_object_get(part, "kafka_topic");
        json_t *pnum = json_object_get(part, "kafka_partition");
        json_t *off = json_object_get(item, "offset");
        json_t *onum = json_object_get(off, "kafka_offset");

        if (!json_is_string(topic) || !json_is_integer(pnum) ||
            json_integer_value(pnum) < 0) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Partitions of sink connectors need a "
                              "\"kafka_topic\" string and a non-negative "
                              "\"kafka_partition\" integer");
            goto out;
        }
        if (off == NULL || json_is_null(off)) {
            rd_kafka_topic_partition_list_add(
                del, json_string_value(topic),
                (int32_t)json_integer_value(pnum));
        } else if (!json_is_integer(onum) || json_integer_value(onum) < 0) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Offsets of sink connectors need a "
                              "non-negative \"kafka_offset\" integer");
            goto out;
        } else {
            rd_kafka_topic_partition_list_add(set, json_string_value(topic),
                                              (int32_t)json_integer_value(pnum))
                ->offset = json_integer_value(onum);
        }
    }
    if (set->cnt > 0) {
        rd_kafka_AlterConsumerGroupOffsets_t *req =
            rd_kafka_AlterConsumerGroupOffsets_new(group, set);
        rd_kafka_event_t *ev;

        rd_kafka_AlterConsumerGroupOffsets(w->admin, &req, 1, NULL, q);
        rd_kafka_AlterConsumerGroupOffsets_destroy(req);
        ev = admin_wait(q, "alter the consumer group offsets", err);
        if (ev == NULL) {
            rc = err->code;
            goto out;
        }
        {
            size_t cnt = 0;
            const rd_kafka_group_result_t **res =
                rd_kafka_AlterConsumerGroupOffsets_result_groups(
                    rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &cnt);
            const char *msg = cnt > 0 ? group_result_error(res[0]) : NULL;

            if (msg != NULL) {
                rc = kc_error_set(err, KC_ERR_KAFKA,
                                  "could not alter the offsets of consumer "
                                  "group \"%s\": %s",
                                  group, msg);
            }
        }
        rd_kafka_event_destroy(ev);
    }
    if (rc == KC_OK && del->cnt > 0) {
        rd_kafka_DeleteConsumerGroupOffsets_t *req =
            rd_kafka_DeleteConsumerGroupOffsets_new(group, del);
        rd_kafka_event_t *ev;

        rd_kafka_DeleteConsumerGroupOffsets(w->admin, &req, 1, NULL, q);
        rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
        ev = admin_wait(q, "reset the consumer group offsets", err);
        if (ev == NULL) {
            rc = err->code;
            goto out;
        }
        {
            size_t cnt = 0;
            const rd_kafka_group_result_t **res =
                rd_kafka_DeleteConsumerGroupOffsets_result_groups(
                    rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &cnt);
            const char *msg = cnt > 0 ? group_result_error(res[0]) : NULL;

            if (msg != NULL) {
                rc = kc_error_set(err, KC_ERR_KAFKA,
                                  "could not reset the offsets of consumer "
                                  "group \"%s\": %s",
                                  group, msg);
            }
        }
        rd_kafka_event_destroy(ev);
    }
out:
    rd_kafka_topic_partition_list_destroy(set);
    rd_kafka_topic_partition_list_destroy(del);
    rd_kafka_queue_destroy(q);
    kc_free(group);
    return rc;
}

/*
 * The connector's own say on an alter request (Apache's
 * Connector.alterOffsets), before anything is written: a refusal is a
 * 500 with the connector's message, as Apache's ConnectException.
 */
static kc_err_t connector_alter_check(kc_worker_t *w, const kc_props_t *config,
                                      json_t *offsets, kc_error_t *err)
{
    const char *cls = kc_props_get(config, "connector.class");
    const struct kc_connector_plugin *plugin =
        cls != NULL ? kc_registry_find_connector(w->reg, cls, NULL) : NULL;
    size_t n = json_array_size(offsets);
    kc_arena_t *arena;
    kc_value_t *parts;
    kc_value_t *offs;
    kc_err_t rc = KC_OK;

    if (plugin == NULL ||
        plugin->struct_size <
            offsetof(struct kc_connector_plugin, alter_offsets) +
                sizeof(plugin->alter_offsets) ||
        plugin->alter_offsets == NULL) {
        return KC_OK;
    }
    arena = kc_arena_new(0);
    parts = kc_arena_calloc(arena, n, sizeof(*parts));
    offs = kc_arena_calloc(arena, n, sizeof(*offs));
    for (size_t i = 0; i < n && rc == KC_OK; i++) {
        json_t *item = json_array_get(offsets, i);
        json_t *off = json_object_get(item, "offset");

        rc = kc_value_from_json(arena, json_object_get(item, "partition"),
                                &parts[i]);
        if (rc == KC_OK && off != NULL) {
            rc = kc_value_from_json(arena, off, &offs[i]);
        }
        if (rc != KC_OK) {
            kc_error_set(err, KC_ERR_INVALID,
                         "offsets[%zu] cannot be read as Connect data", i);
        }
    }
    if (rc == KC_OK) {
        rc = plugin->alter_offsets(config, parts, offs, n, err);
        if (rc != KC_OK) {
            err->code = rc = KC_ERR;
        }
    }
    kc_arena_destroy(arena);
    return rc;
}

kc_err_t kc_worker_alter_offsets(kc_worker_t *w, const char *connector,
                                 const kc_props_t *config, json_t *body,
                                 kc_error_t *err)
{
    json_t *offsets = json_object_get(body, "offsets");
    kc_offset_store_t *store;
    size_t i;
    json_t *item;

    if (!json_is_array(offsets) || json_array_size(offsets) == 0) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Partitions / offsets need to be provided for "
                            "an alter offsets request");
    }
    json_array_foreach(offsets, i, item)
    {
        json_t *part = json_object_get(item, "partition");
        json_t *off = json_object_get(item, "offset");

        if (!json_is_object(part) || json_object_size(part) == 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Partitions cannot be null or empty");
        }
        if (off != NULL && !json_is_null(off) && !json_is_object(off)) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "offset of partition %zu must be an object "
                                "or null",
                                i);
        }
    }
    if (connector_alter_check(w, config, offsets, err) != KC_OK) {
        return err->code;
    }
    if (is_sink_config(w, config)) {
        return sink_alter(w, connector, offsets, err);
    }
    store = kc_worker_offset_store_for(w, config, err);
    if (store == NULL) {
        return err->code;
    }
    json_array_foreach(offsets, i, item)
    {
        if (kc_offset_store_put(
                store, connector, json_object_get(item, "partition"),
                json_object_get(item, "offset"), err) != KC_OK) {
            return err->code;
        }
    }
    return kc_offset_store_flush(store, err);
}

kc_err_t kc_worker_reset_offsets(kc_worker_t *w, const char *connector,
                                 const kc_props_t *config, kc_error_t *err)
{
    if (is_sink_config(w, config)) {
        /* Apache deletes the connector's consumer group. */
        char *group = kc_asprintf("connect-%s", connector);
        rd_kafka_DeleteGroup_t *req = rd_kafka_DeleteGroup_new(group);
        rd_kafka_queue_t *q = rd_kafka_queue_new(w->admin);
        rd_kafka_event_t *ev;
        kc_err_t rc = KC_OK;

        rd_kafka_DeleteGroups(w->admin, &req, 1, NULL, q);
        rd_kafka_DeleteGroup_destroy(req);
        ev = admin_wait(q, "delete the consumer group", err);
        if (ev == NULL) {
            rc = err->code;
        } else {
            size_t cnt = 0;
            const rd_kafka_group_result_t **res =
                rd_kafka_DeleteGroups_result_groups(
                    rd_kafka_event_DeleteGroups_result(ev), &cnt);
            const rd_kafka_error_t *e =
                cnt > 0 ? rd_kafka_group_result_error(res[0]) : NULL;

            if (e != NULL && rd_kafka_error_code(e) !=
                                 RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
                rc = kc_error_set(err, KC_ERR_KAFKA,
                                  "could not delete consumer group \"%s\": "
                                  "%s",
                                  group, rd_kafka_error_string(e));
            }
            rd_kafka_event_destroy(ev);
        }
        rd_kafka_queue_destroy(q);
        kc_free(group);
        return rc;
    }
    {
        kc_offset_store_t *store = kc_worker_offset_store_for(w, config, err);

        if (store == NULL) {
            return err->code;
        }
        kc_offset_store_reset(store, connector);
        return kc_offset_store_flush(store, err);
    }
}
