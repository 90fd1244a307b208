/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The topics each connector used (REST /topics) and topic creation by
 * topic.creation.* groups.
 */
#include "kc_internal.h"

#include "runtime/kc_worker_int.h"

#include "util/kc_java_regex.h"
#include "util/kc_log.h"

/* ---- topics --------------------------------------------------------- */

void kc_worker_topic_used(kc_worker_t *w, const char *connector,
                          const char *topic)
{
    wtopics_t *entry = NULL;

    if (!w->conf.topic_tracking_enable) {
        return;
    }
    pthread_mutex_lock(&w->topics_lock);
    for (size_t i = 0; i < w->ntopics; i++) {
        if (strcmp(w->topics[i].connector, connector) == 0) {
            entry = &w->topics[i];
        }
    }
    if (entry == NULL) {
        w->topics =
            kc_realloc(w->topics, (w->ntopics + 1) * sizeof(*w->topics));
        entry = &w->topics[w->ntopics++];
        memset(entry, 0, sizeof(*entry));
        entry->connector = kc_strdup(connector);
    }
    for (size_t i = 0; i < entry->topics.count; i++) {
        if (strcmp(entry->topics.items[i], topic) == 0) {
            pthread_mutex_unlock(&w->topics_lock);
            return;
        }
    }
    kc_strlist_push(&entry->topics, topic);
    pthread_mutex_unlock(&w->topics_lock);
}

kc_err_t kc_worker_topics(kc_worker_t *w, const char *connector, json_t **out,
                          kc_error_t *err)
{
    json_t *list = json_array();

    pthread_mutex_lock(&w->topics_lock);
    for (size_t i = 0; i < w->ntopics; i++) {
        if (strcmp(w->topics[i].connector, connector) == 0) {
            for (size_t j = 0; j < w->topics[i].topics.count; j++) {
                json_array_append_new(
                    list, json_string(w->topics[i].topics.items[j]));
            }
        }
    }
    pthread_mutex_unlock(&w->topics_lock);
    *out = json_pack("{s{so}}", connector, "topics", list);
    return KC_OK;
}

void kc_worker_topics_reset(kc_worker_t *w, const char *connector)
{
    pthread_mutex_lock(&w->topics_lock);
    for (size_t i = 0; i < w->ntopics; i++) {
        if (strcmp(w->topics[i].connector, connector) == 0) {
            kc_strlist_release(&w->topics[i].topics);
        }
    }
    pthread_mutex_unlock(&w->topics_lock);
}

/*
 * Whether @p topic matches the include or exclude list of a topic.creation
 * group: Apache joins the list's patterns with '|' into one Java regex
 * (TopicCreationGroup) and needs a whole match; an empty list is the
 * empty pattern.
 */
static bool creation_list_matches(const kc_props_t *cc, const char *group,
                                  const char *kind, const char *topic)
{
    char *key = kc_asprintf("topic.creation.%s.%s", group, kind);
    const char *value = kc_props_get(cc, key);
    kc_strlist_t pats = {0};
    kc_buf_t joined;
    kc_error_t err = {0};
    kc_java_regex_t *re;
    bool match = false;

    kc_str_split_comma(value != NULL ? value : "", &pats);
    kc_buf_init(&joined, 0);
    for (size_t p = 0; p < pats.count; p++) {
        kc_buf_printf(&joined, "%s%s", p > 0 ? "|" : "", pats.items[p]);
    }
    re = kc_java_regex_new(kc_buf_cstr(&joined), &err);
    if (re != NULL) {
        match = kc_java_regex_matches(re, topic, &err) == KC_OK;
    } else {
        /* Validation refuses such a config; say why the group is skipped. */
        kc_log_warn(LOGGER, "ignoring %s: %s", key, err.msg);
    }
    kc_java_regex_destroy(re);
    kc_buf_release(&joined);
    kc_strlist_release(&pats);
    kc_free(key);
    return match;
}

/* The first topic.creation group whose include/exclude lists take @p topic. */
static char *creation_group(const kc_props_t *cc, const char *topic)
{
    kc_strlist_t groups = {0};
    const char *list = kc_props_get(cc, "topic.creation.groups");
    char *found = NULL;

    if (list != NULL) {
        kc_str_split_comma(list, &groups);
    }
    for (size_t g = 0; g < groups.count && found == NULL; g++) {
        if (!creation_list_matches(cc, groups.items[g], "exclude", topic) &&
            creation_list_matches(cc, groups.items[g], "include", topic)) {
            found = kc_strdup(groups.items[g]);
        }
    }
    kc_strlist_release(&groups);
    return found != NULL ? found : kc_strdup("default");
}

static bool topic_exists(rd_kafka_t *rk, const char *topic)
{
    const struct rd_kafka_metadata *md = NULL;
    bool found = false;

    if (rd_kafka_metadata(rk, 1, NULL, &md, 10000) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
        return false;
    }
    for (int i = 0; i < md->topic_cnt; i++) {
        if (strcmp(md->topics[i].topic, topic) == 0 &&
            md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            found = true;
        }
    }
    rd_kafka_metadata_destroy(md);
    return found;
}

kc_err_t kc_worker_create_topic(kc_worker_t *w, rd_kafka_t *rk,
                                const char *topic, int partitions, int rf,
                                const kc_props_t *topic_config, kc_error_t *err)
{
    char errstr[512];
    rd_kafka_NewTopic_t *nt;
    rd_kafka_queue_t *q;
    rd_kafka_event_t *ev;
    kc_err_t rc = KC_OK;

    if (w->embedded != NULL) {
        return kc_embedded_kafka_create_topic(
            w->embedded, topic, partitions > 0 ? partitions : 1, err);
    }
    nt = rd_kafka_NewTopic_new(topic, partitions, rf, errstr, sizeof(errstr));
    if (nt == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not create topic \"%s\": %s", topic, errstr);
    }
    for (size_t i = 0; topic_config != NULL && i < kc_props_count(topic_config);
         i++) {
        rd_kafka_NewTopic_set_config(nt, kc_props_key_at(topic_config, i),
                                     kc_props_value_at(topic_config, i));
    }
    q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    ev = rd_kafka_queue_poll(q, 30000);
    if (ev == NULL) {
        rc = kc_error_set(err, KC_ERR_TIMEOUT,
                          "could not create topic \"%s\": timed out", topic);
    } else {
        const rd_kafka_CreateTopics_result_t *res =
            rd_kafka_event_CreateTopics_result(ev);
        size_t cnt = 0;
        const rd_kafka_topic_result_t **tr =
            res != NULL ? rd_kafka_CreateTopics_result_topics(res, &cnt) : NULL;
        rd_kafka_resp_err_t terr =
            rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR
                ? rd_kafka_event_error(ev)
                : (cnt > 0 ? rd_kafka_topic_result_error(tr[0])
                           : RD_KAFKA_RESP_ERR_NO_ERROR);

        if (terr == RD_KAFKA_RESP_ERR_NO_ERROR) {
            kc_log_info(LOGGER,
                        "Created topic (name=%s, numPartitions=%d, "
                        "replicationFactor=%d) on brokers at %s",
                        topic, partitions, rf, w->bootstrap);
        } else if (terr != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            rc = kc_error_set(
                err, KC_ERR_KAFKA, "could not create topic \"%s\": %s", topic,
                cnt > 0 && rd_kafka_topic_result_error_string(tr[0]) != NULL
                    ? rd_kafka_topic_result_error_string(tr[0])
                    : rd_kafka_err2str(terr));
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

kc_err_t kc_worker_ensure_topic(kc_worker_t *w, rd_kafka_t *rk,
                                const kc_props_t *cc, const char *topic,
                                kc_error_t *err)
{
    bool configured =
        kc_props_get(cc, "topic.creation.default.replication.factor") != NULL &&
        w->conf.topic_creation_enable;
    char *group;
    char *prefix;
    kc_props_t *sub;
    kc_topic_creation_conf_t tc;
    int partitions;
    int rf;
    kc_err_t rc;

    if (w->embedded != NULL && !configured) {
        /* Like a real broker's auto-creation: one partition. */
        return kc_embedded_kafka_create_topic(w->embedded, topic, 1, err);
    }
    if (!configured || (w->embedded == NULL && topic_exists(rk, topic))) {
        return KC_OK; /* the broker's auto-creation applies, as in Apache */
    }
    group = creation_group(cc, topic);
    if (kc_topic_creation_bind(cc, group, &tc, err) != KC_OK) {
        kc_free(group);
        return err->code;
    }
    partitions = tc.partitions;
    rf = tc.replication_factor;
    /* Every other topic.creation.<group>.<x> is a topic config. */
    prefix = kc_asprintf("topic.creation.%s.", group);
    sub = kc_props_with_prefix(cc, prefix);
    kc_props_remove(sub, "partitions");
    kc_props_remove(sub, "replication.factor");
    kc_props_remove(sub, "include");
    kc_props_remove(sub, "exclude");
    rc = kc_worker_create_topic(w, rk, topic, partitions, rf, sub, err);
    kc_props_destroy(sub);
    kc_free(prefix);
    kc_free(group);
    return rc;
}

/* ---- offsets -------------------------------------------------------- */
