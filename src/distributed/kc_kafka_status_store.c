/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The status store on the status topic (see kc_kafka_status_store.h).
 */
#include "kc_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "distributed/kc_kafka_status_store.h"
#include "util/kc_str.h"

#define KC_KSS_LOGGER             "org.apache.kafka.connect.storage.KafkaStatusBackingStore"
#define KC_KSS_DEFAULT_TIMEOUT_MS 30000
#define KC_KSS_TOPIC_SEP          ":connector-"

/* The last record of one status key, read or written. */
typedef struct kc_kss_entry {
    char *key;
    char *worker_id; /* NULL: tombstone or none */
    int generation;
    int pending; /* our writes not read back yet */
} kc_kss_entry_t;

/* A connector the view tracks, with the plugin versions its status
 * records carry (Apache 4.1's optional "version" field). */
typedef struct kc_kss_tracked {
    char *name;
    char *connector_version;
    char *task_version;
} kc_kss_tracked_t;

typedef struct kc_kss_topic {
    char *connector;
    char *topic;
} kc_kss_topic_t;

typedef struct kc_kafka_status_store {
    kc_status_store_t base; /* first: the interface */
    pthread_mutex_t lock;
    kc_status_store_t *view;
    kc_kafka_log_t *log;
    int timeout_ms;
    int generation;
    kc_kss_entry_t *entries;
    size_t nentries;
    kc_kss_topic_t *topics;
    size_t ntopics;
    kc_kss_tracked_t *tracked; /* connectors the view tracks */
    size_t ntracked;
} kc_kafka_status_store_t;

/* The tracked entry of @p name, or NULL. Caller holds the lock. */
static kc_kss_tracked_t *kc_kss_find_tracked(kc_kafka_status_store_t *st,
                                             const char *name)
{
    for (size_t i = 0; i < st->ntracked; i++) {
        if (strcmp(st->tracked[i].name, name) == 0) {
            return &st->tracked[i];
        }
    }
    return NULL;
}

static void kc_kss_tracked_free(kc_kss_tracked_t *t)
{
    kc_free(t->name);
    kc_free(t->connector_version);
    kc_free(t->task_version);
}

/* Whether the view tracks @p name; @p add: it does now. Caller holds the
 * lock. */
static bool kc_kss_tracked(kc_kafka_status_store_t *st, const char *name,
                           bool add)
{
    if (kc_kss_find_tracked(st, name) != NULL) {
        return true;
    }
    if (add) {
        st->tracked =
            kc_realloc(st->tracked, (st->ntracked + 1) * sizeof(*st->tracked));
        memset(&st->tracked[st->ntracked], 0, sizeof(*st->tracked));
        st->tracked[st->ntracked++].name = kc_strdup(name);
    }
    return false;
}

/* Caller holds the lock. */
static void kc_kss_untrack(kc_kafka_status_store_t *st, const char *name)
{
    kc_kss_tracked_t *t = kc_kss_find_tracked(st, name);

    if (t != NULL) {
        kc_kss_tracked_free(t);
        *t = st->tracked[--st->ntracked];
    }
}

/* The plugin version a status record of @p name's connector (@p task < 0)
 * or task carries, or NULL. Caller holds the lock. */
static const char *kc_kss_version(kc_kafka_status_store_t *st, const char *name,
                                  int task)
{
    const kc_kss_tracked_t *t = kc_kss_find_tracked(st, name);

    if (t == NULL) {
        return NULL;
    }
    return task < 0 ? t->connector_version : t->task_version;
}

static char *kc_kss_key(const char *name, int task)
{
    return task < 0 ? kc_asprintf("status-connector-%s", name)
                    : kc_asprintf("status-task-%s-%d", name, task);
}

/* Caller holds the lock. */
static kc_kss_entry_t *kc_kss_entry(kc_kafka_status_store_t *st,
                                    const char *key, bool create)
{
    kc_kss_entry_t *e;

    for (size_t i = 0; i < st->nentries; i++) {
        if (strcmp(st->entries[i].key, key) == 0) {
            return &st->entries[i];
        }
    }
    if (!create) {
        return NULL;
    }
    st->entries =
        kc_realloc(st->entries, (st->nentries + 1) * sizeof(*st->entries));
    e = &st->entries[st->nentries++];
    memset(e, 0, sizeof(*e));
    e->key = kc_strdup(key);
    return e;
}

/* Apache's CacheEntry.canWriteSafely. Caller holds the lock. */
static bool kc_kss_can_write_safely(const kc_kss_entry_t *e,
                                    const char *worker_id, int generation)
{
    return e == NULL || e->worker_id == NULL ||
           strcmp(e->worker_id, worker_id) == 0 || e->generation <= generation;
}

static bool kc_kss_is_safe_write(kc_state_t state)
{
    return state == KC_STATE_UNASSIGNED || state == KC_STATE_FAILED;
}

static void kc_kss_sent(void *opaque, const kc_error_t *err)
{
    char *key = opaque;

    if (err != NULL) {
        kc_log_error(KC_KSS_LOGGER, "Failed to write status update %s: %s", key,
                     err->msg);
    }
    kc_free(key);
}

/* Produce one status record; the entry is updated by the caller. */
static void kc_kss_send(kc_kafka_status_store_t *st, const char *key,
                        kc_state_t state, const char *worker_id,
                        const char *trace, int generation, const char *version)
{
    char *value = NULL;
    kc_error_t err;

    if (state != KC_STATE_DESTROYED) {
        json_t *o = json_object();
        char *tmp;

        /* Apache's STATUS_SCHEMA_V0 field order. */
        json_object_set_new(o, "state", json_string(kc_state_name(state)));
        json_object_set_new(o, "trace",
                            trace != NULL ? json_string(trace) : json_null());
        json_object_set_new(o, "worker_id", json_string(worker_id));
        json_object_set_new(o, "generation", json_integer(generation));
        /* Apache 4.1 workers show this as the status' "version". */
        json_object_set_new(
            o, "version", version != NULL ? json_string(version) : json_null());
        tmp = json_dumps(o, JSON_COMPACT);
        value = kc_strdup(tmp);
        free(tmp); /* allocated by jansson */
        json_decref(o);
    }
    if (kc_kafka_log_send(st->log, key, strlen(key), value,
                          value != NULL ? strlen(value) : 0, kc_kss_sent,
                          kc_strdup(key), &err) != KC_OK) {
        kc_log_error(KC_KSS_LOGGER, "Failed to write status update %s: %s", key,
                     err.msg);
    }
    kc_free(value);
}

/*
 * Note a write of ours in the entry; @returns false when the generation
 * rule drops it. Caller holds the lock.
 */
static bool kc_kss_claim(kc_kafka_status_store_t *st, const char *key,
                         kc_state_t state, const char *worker_id)
{
    kc_kss_entry_t *e = kc_kss_entry(st, key, false);

    if (kc_kss_is_safe_write(state) &&
        !kc_kss_can_write_safely(e, worker_id, st->generation)) {
        kc_log_debug(KC_KSS_LOGGER,
                     "dropped status %s %s of generation %d: a newer "
                     "generation wrote it",
                     key, kc_state_name(state), st->generation);
        return false;
    }
    e = kc_kss_entry(st, key, true);
    kc_free(e->worker_id);
    e->worker_id = state != KC_STATE_DESTROYED ? kc_strdup(worker_id) : NULL;
    e->generation = st->generation;
    e->pending++;
    return true;
}

static void kc_kafka_status_destroy(kc_status_store_t *base)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;

    kc_kafka_log_destroy(st->log);
    kc_status_store_destroy(st->view);
    for (size_t i = 0; i < st->nentries; i++) {
        kc_free(st->entries[i].key);
        kc_free(st->entries[i].worker_id);
    }
    kc_free(st->entries);
    for (size_t i = 0; i < st->ntopics; i++) {
        kc_free(st->topics[i].connector);
        kc_free(st->topics[i].topic);
    }
    kc_free(st->topics);
    for (size_t i = 0; i < st->ntracked; i++) {
        kc_kss_tracked_free(&st->tracked[i]);
    }
    kc_free(st->tracked);
    pthread_mutex_destroy(&st->lock);
    kc_free(st);
}

static void kc_kafka_status_track(kc_status_store_t *base, const char *name,
                                  const char *type,
                                  const char *connector_version,
                                  const char *task_version)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    kc_kss_tracked_t *t;

    pthread_mutex_lock(&st->lock);
    kc_kss_tracked(st, name, true);
    t = kc_kss_find_tracked(st, name);
    kc_free(t->connector_version);
    kc_free(t->task_version);
    t->connector_version =
        connector_version != NULL ? kc_strdup(connector_version) : NULL;
    t->task_version = task_version != NULL ? kc_strdup(task_version) : NULL;
    kc_status_store_track(st->view, name, type, connector_version,
                          task_version);
    pthread_mutex_unlock(&st->lock);
}

static void kc_kafka_status_forget(kc_status_store_t *base, const char *name)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    char *conn_key = kc_kss_key(name, -1);
    char *task_prefix = kc_asprintf("status-task-%s-", name);

    /* Apache's herder writes DESTROYED for the connector and each task
     * it has a status for: tombstones. */
    pthread_mutex_lock(&st->lock);
    for (size_t i = 0; i < st->nentries; i++) {
        kc_kss_entry_t *e = &st->entries[i];
        const char *rest = kc_str_starts_with(e->key, task_prefix)
                               ? e->key + strlen(task_prefix)
                               : NULL;

        if (e->worker_id == NULL) {
            continue;
        }
        if (strcmp(e->key, conn_key) == 0 ||
            (rest != NULL && *rest != '\0' &&
             strspn(rest, "0123456789") == strlen(rest))) {
            kc_free(e->worker_id);
            e->worker_id = NULL;
            e->pending++;
            kc_kss_send(st, e->key, KC_STATE_DESTROYED, NULL, NULL,
                        st->generation, NULL);
        }
    }
    kc_kss_untrack(st, name);
    kc_status_store_forget(st->view, name);
    pthread_mutex_unlock(&st->lock);
    kc_free(conn_key);
    kc_free(task_prefix);
}

static void kc_kafka_status_forget_tasks(kc_status_store_t *base,
                                         const char *name, int task)
{
    /* The view mirrors the status topic, as Apache's cache does: the
     * herder drops tasks when it reconfigures or restarts, but other
     * workers' statuses of them stay until the leader tombstones them
     * (kc_kafka_status_store_delete_tasks_from). */
    (void)base;
    (void)name;
    (void)task;
}

static void kc_kafka_status_put(kc_status_store_t *base, const char *name,
                                int task, kc_state_t state,
                                const char *worker_id, const char *trace)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    char *key = kc_kss_key(name, task);

    if (worker_id == NULL) {
        worker_id = "";
    }
    pthread_mutex_lock(&st->lock);
    if (kc_kss_claim(st, key, state, worker_id)) {
        kc_status_store_put(st->view, name, task, state, worker_id, trace);
        kc_kss_send(st, key, state, worker_id, trace, st->generation,
                    kc_kss_version(st, name, task));
    }
    pthread_mutex_unlock(&st->lock);
    kc_free(key);
}

static bool kc_kafka_status_replace(kc_status_store_t *base, const char *name,
                                    int task, unsigned from, kc_state_t to,
                                    const char *worker_id)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    char *key = kc_kss_key(name, task);
    kc_kss_entry_t *e;
    bool done = false;

    if (worker_id == NULL) {
        worker_id = "";
    }
    pthread_mutex_lock(&st->lock);
    e = kc_kss_entry(st, key, false);
    if ((!kc_kss_is_safe_write(to) ||
         kc_kss_can_write_safely(e, worker_id, st->generation)) &&
        kc_status_store_replace(st->view, name, task, from, to, worker_id)) {
        kc_kss_claim(st, key, to, worker_id);
        kc_kss_send(st, key, to, worker_id, NULL, st->generation,
                    kc_kss_version(st, name, task));
        done = true;
    }
    pthread_mutex_unlock(&st->lock);
    kc_free(key);
    return done;
}

static bool kc_kafka_status_get(kc_status_store_t *base, const char *name,
                                int task, kc_state_t *state)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;

    return kc_status_store_get(st->view, name, task, state);
}

static kc_err_t kc_kafka_status_connector_json(kc_status_store_t *base,
                                               const char *name, json_t **out,
                                               kc_error_t *err)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;

    return kc_status_store_connector_json(st->view, name, out, err);
}

static kc_err_t kc_kafka_status_task_json(kc_status_store_t *base,
                                          const char *name, int task,
                                          json_t **out, kc_error_t *err)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;

    return kc_status_store_task_json(st->view, name, task, out, err);
}

static const kc_status_store_vt_t kc_kafka_status_vt = {
    .destroy = kc_kafka_status_destroy,
    .track = kc_kafka_status_track,
    .forget = kc_kafka_status_forget,
    .forget_tasks = kc_kafka_status_forget_tasks,
    .put = kc_kafka_status_put,
    .replace = kc_kafka_status_replace,
    .get = kc_kafka_status_get,
    .connector_json = kc_kafka_status_connector_json,
    .task_json = kc_kafka_status_task_json,
};

static bool kc_kss_parse_state(const char *s, kc_state_t *out)
{
    for (int i = KC_STATE_UNASSIGNED; i < KC_STATE_DESTROYED; i++) {
        if (strcmp(kc_state_name((kc_state_t)i), s) == 0) {
            *out = (kc_state_t)i;
            return true;
        }
    }
    return false;
}

/* A status-topic-<T>:connector-<C> record. Caller holds the lock. */
static void kc_kss_apply_topic(kc_kafka_status_store_t *st, const char *key,
                               const json_t *value)
{
    const char *rest = key + strlen("status-topic-");
    const char *sep = strstr(rest, KC_KSS_TOPIC_SEP);
    char *topic;
    const char *connector;
    size_t i;

    if (sep == NULL || sep == rest) {
        kc_log_warn(KC_KSS_LOGGER,
                    "Discarding record with invalid topic "
                    "status key %s",
                    key);
        return;
    }
    topic = kc_strndup(rest, (size_t)(sep - rest));
    connector = sep + strlen(KC_KSS_TOPIC_SEP);
    for (i = 0; i < st->ntopics; i++) {
        if (strcmp(st->topics[i].topic, topic) == 0 &&
            strcmp(st->topics[i].connector, connector) == 0) {
            break;
        }
    }
    if (value == NULL || json_is_null(value)) {
        if (i < st->ntopics) {
            kc_free(st->topics[i].topic);
            kc_free(st->topics[i].connector);
            st->topics[i] = st->topics[--st->ntopics];
        }
    } else if (i == st->ntopics) {
        st->topics =
            kc_realloc(st->topics, (st->ntopics + 1) * sizeof(*st->topics));
        st->topics[st->ntopics].topic = topic;
        st->topics[st->ntopics].connector = kc_strdup(connector);
        st->ntopics++;
        topic = NULL;
    }
    kc_free(topic);
}

static void kc_kss_on_record(void *opaque, const char *key, size_t key_len,
                             const uint8_t *value, size_t value_len,
                             int32_t partition, int64_t offset)
{
    kc_kafka_status_store_t *st = opaque;
    json_t *json = NULL;
    char *name = NULL;
    int task = -1;
    kc_kss_entry_t *e;
    const char *state_s;
    const char *worker_id;
    const json_t *trace;
    kc_state_t state = KC_STATE_DESTROYED;
    bool ours;

    (void)key_len;
    (void)partition;
    (void)offset;
    if (value != NULL) {
        json = json_loadb((const char *)value, value_len, 0, NULL);
        if (json == NULL) {
            kc_log_error(KC_KSS_LOGGER,
                         "Failed to convert status data for key %s", key);
            return;
        }
    }
    if (kc_str_starts_with(key, "status-topic-")) {
        pthread_mutex_lock(&st->lock);
        kc_kss_apply_topic(st, key, json_object_get(json, "topic"));
        pthread_mutex_unlock(&st->lock);
        json_decref(json);
        return;
    }
    if (kc_str_starts_with(key, "status-connector-")) {
        name = kc_strdup(key + strlen("status-connector-"));
    } else if (!kc_str_starts_with(key, "status-task-") ||
               !kc_kafka_task_id_parse(key + strlen("status-task-"), &name,
                                       &task)) {
        kc_log_warn(KC_KSS_LOGGER, "Discarding record with invalid key %s",
                    key);
        json_decref(json);
        return;
    }
    state_s = json_string_value(json_object_get(json, "state"));
    worker_id = json_string_value(json_object_get(json, "worker_id"));
    trace = json_object_get(json, "trace");
    if (json != NULL &&
        (state_s == NULL || !kc_kss_parse_state(state_s, &state) ||
         worker_id == NULL ||
         !json_is_integer(json_object_get(json, "generation")))) {
        kc_log_error(KC_KSS_LOGGER, "Failed to deserialize status for %s", key);
        kc_free(name);
        json_decref(json);
        return;
    }
    pthread_mutex_lock(&st->lock);
    e = kc_kss_entry(st, key, true);
    /* Our own write coming back: the view has it already, and a newer
     * one of ours may have followed. */
    ours = e->pending > 0 &&
           (json == NULL
                ? e->worker_id == NULL
                : e->worker_id != NULL && strcmp(e->worker_id, worker_id) == 0);
    if (e->pending > 0) {
        e->pending--;
    }
    if (!ours) {
        kc_free(e->worker_id);
        e->worker_id = json != NULL ? kc_strdup(worker_id) : NULL;
        e->generation =
            json != NULL
                ? (int)json_integer_value(json_object_get(json, "generation"))
                : 0;
        if (json != NULL) {
            if (!kc_kss_tracked(st, name, false)) {
                /* Another worker's connector: shown with the type the
                 * herder gives it once it tracks it. */
                kc_kss_tracked(st, name, true);
                kc_status_store_track(st->view, name, "unknown", NULL, NULL);
            }
            kc_status_store_put(st->view, name, task, state, worker_id,
                                json_string_value(trace));
        } else {
            kc_status_store_put(st->view, name, task, KC_STATE_DESTROYED, "",
                                NULL);
        }
    }
    pthread_mutex_unlock(&st->lock);
    kc_free(name);
    json_decref(json);
}

kc_status_store_t *
kc_kafka_status_store_new(const kc_kafka_status_store_conf_t *conf,
                          kc_error_t *err)
{
    kc_kafka_status_store_t *st = kc_calloc(1, sizeof(*st));
    kc_kafka_log_conf_t lc;

    st->base.vt = &kc_kafka_status_vt;
    pthread_mutex_init(&st->lock, NULL);
    st->view = kc_status_store_new();
    st->timeout_ms =
        conf->timeout_ms > 0 ? conf->timeout_ms : KC_KSS_DEFAULT_TIMEOUT_MS;
    memset(&lc, 0, sizeof(lc));
    lc.topic = conf->topic;
    lc.topic_config = "status.storage.topic";
    lc.purpose = "connector and task statuses";
    lc.partitions = conf->partitions;
    lc.replication_factor = conf->replication_factor;
    lc.client = conf->client;
    lc.on_record = kc_kss_on_record;
    lc.opaque = st;
    st->log = kc_kafka_log_new(&lc, err);
    if (st->log == NULL) {
        kc_kafka_status_destroy(&st->base);
        return NULL;
    }
    return &st->base;
}

kc_err_t kc_kafka_status_store_start(kc_status_store_t *base, kc_error_t *err)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;

    return kc_kafka_log_start(st->log, st->timeout_ms, err);
}

kc_err_t kc_kafka_status_store_refresh(kc_status_store_t *base, int timeout_ms,
                                       kc_error_t *err)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;

    return kc_kafka_log_read_to_end(st->log, timeout_ms, err);
}

kc_kafka_log_t *kc_kafka_status_store_log(kc_status_store_t *base)
{
    return ((kc_kafka_status_store_t *)base)->log;
}

void kc_kafka_status_store_set_generation(kc_status_store_t *base,
                                          int generation)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;

    pthread_mutex_lock(&st->lock);
    st->generation = generation;
    pthread_mutex_unlock(&st->lock);
}

bool kc_kafka_status_store_owner(kc_status_store_t *base, const char *name,
                                 int task, char **worker_id, int *generation)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    char *key = kc_kss_key(name, task);
    kc_kss_entry_t *e;
    bool found = false;

    pthread_mutex_lock(&st->lock);
    e = kc_kss_entry(st, key, false);
    if (e != NULL && e->worker_id != NULL) {
        *worker_id = kc_strdup(e->worker_id);
        *generation = e->generation;
        found = true;
    }
    pthread_mutex_unlock(&st->lock);
    kc_free(key);
    return found;
}

size_t kc_kafka_status_store_delete_tasks_from(kc_status_store_t *base,
                                               const char *name, size_t ntasks)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    char *prefix = kc_asprintf("status-task-%s-", name);
    size_t n = 0;

    pthread_mutex_lock(&st->lock);
    for (size_t i = 0; i < st->nentries; i++) {
        kc_kss_entry_t *e = &st->entries[i];
        const char *rest =
            kc_str_starts_with(e->key, prefix) ? e->key + strlen(prefix) : NULL;
        char *end = NULL;
        unsigned long task;

        if (e->worker_id == NULL || rest == NULL || *rest == '\0' ||
            strspn(rest, "0123456789") != strlen(rest)) {
            continue;
        }
        task = strtoul(rest, &end, 10);
        if (task < ntasks) {
            continue;
        }
        kc_free(e->worker_id);
        e->worker_id = NULL;
        e->pending++;
        kc_kss_send(st, e->key, KC_STATE_DESTROYED, NULL, NULL, st->generation,
                    NULL);
        kc_status_store_forget_tasks(st->view, name, (int)task);
        n++;
    }
    pthread_mutex_unlock(&st->lock);
    kc_free(prefix);
    return n;
}

kc_err_t kc_kafka_status_store_put_topic(kc_status_store_t *base,
                                         const char *topic,
                                         const char *connector, int task,
                                         int64_t discover_ms, kc_error_t *err)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    char *key;
    char *value;
    char *tmp;
    json_t *o;
    kc_err_t rc;

    pthread_mutex_lock(&st->lock);
    for (size_t i = 0; i < st->ntopics; i++) {
        if (strcmp(st->topics[i].topic, topic) == 0 &&
            strcmp(st->topics[i].connector, connector) == 0) {
            pthread_mutex_unlock(&st->lock);
            return KC_OK;
        }
    }
    pthread_mutex_unlock(&st->lock);
    key =
        kc_asprintf("status-topic-%s" KC_KSS_TOPIC_SEP "%s", topic, connector);
    o = json_pack("{s{sssssisI}}", "topic", "name", topic, "connector",
                  connector, "task", task, "discoverTimestamp",
                  (json_int_t)discover_ms);
    tmp = json_dumps(o, JSON_COMPACT);
    value = kc_strdup(tmp);
    free(tmp); /* allocated by jansson */
    json_decref(o);
    rc =
        kc_kafka_log_write(st->log, (const char *const *)&key,
                           (const char *const *)&value, 1, st->timeout_ms, err);
    if (rc == KC_OK) {
        rc = kc_kafka_log_read_to_end(st->log, st->timeout_ms, err);
    }
    kc_free(key);
    kc_free(value);
    return rc;
}

static int kc_kss_cmp_json_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *kc_kafka_status_store_topics(kc_status_store_t *base,
                                     const char *connector)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    const char **names;
    size_t n = 0;
    json_t *arr = json_array();

    pthread_mutex_lock(&st->lock);
    names = kc_calloc(st->ntopics + 1, sizeof(*names));
    for (size_t i = 0; i < st->ntopics; i++) {
        if (strcmp(st->topics[i].connector, connector) == 0) {
            names[n++] = st->topics[i].topic;
        }
    }
    qsort(names, n, sizeof(*names), kc_kss_cmp_json_str);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, json_string(names[i]));
    }
    pthread_mutex_unlock(&st->lock);
    kc_free(names);
    return arr;
}

kc_err_t kc_kafka_status_store_reset_topics(kc_status_store_t *base,
                                            const char *connector,
                                            kc_error_t *err)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;
    char **keys;
    const char **values;
    size_t n = 0;
    kc_err_t rc;

    pthread_mutex_lock(&st->lock);
    keys = kc_calloc(st->ntopics + 1, sizeof(*keys));
    values = kc_calloc(st->ntopics + 1, sizeof(*values));
    for (size_t i = 0; i < st->ntopics; i++) {
        if (strcmp(st->topics[i].connector, connector) == 0) {
            keys[n++] = kc_asprintf("status-topic-%s" KC_KSS_TOPIC_SEP "%s",
                                    st->topics[i].topic, connector);
        }
    }
    pthread_mutex_unlock(&st->lock);
    rc = kc_kafka_log_write(st->log, (const char *const *)keys, values, n,
                            st->timeout_ms, err);
    if (rc == KC_OK) {
        rc = kc_kafka_log_read_to_end(st->log, st->timeout_ms, err);
    }
    for (size_t i = 0; i < n; i++) {
        kc_free(keys[i]);
    }
    kc_free(keys);
    kc_free(values);
    return rc;
}

kc_err_t kc_kafka_status_store_flush(kc_status_store_t *base, int timeout_ms,
                                     kc_error_t *err)
{
    kc_kafka_status_store_t *st = (kc_kafka_status_store_t *)base;

    return kc_kafka_log_flush(st->log, timeout_ms, err);
}
