/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config store on the config topic (see kc_kafka_config_store.h).
 * The snapshot is rebuilt only from records read back, never from what
 * this worker meant to write, so every worker sees the same order.
 */
#include "kc_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "distributed/kc_kafka_config_store.h"
#include "util/kc_str.h"

#define KC_KCS_LOGGER             "org.apache.kafka.connect.storage.KafkaConfigBackingStore"
#define KC_KCS_DEFAULT_TIMEOUT_MS 30000

typedef struct kc_kcs_task {
    int id;
    kc_props_t *props;
} kc_kcs_task_t;

typedef struct kc_kcs_conn {
    char *name;
    kc_props_t *config; /* NULL: no config (deleted or not yet seen) */
    bool has_target;
    kc_target_state_t target;
    int task_count; /* -1: no commit seen */
    bool inconsistent;
    kc_props_t **tasks; /* committed, by id; size ntasks_cap */
    size_t ntasks_cap;
    kc_kcs_task_t *held; /* read but not yet committed */
    size_t nheld;
} kc_kcs_conn_t;

typedef struct kc_kafka_config_store {
    kc_config_store_t base; /* first: the interface */
    pthread_mutex_t lock;
    kc_kafka_log_t *log;
    int timeout_ms;
    kc_config_listener_fn listener;
    void *opaque;
    bool started;
    int64_t offset;
    kc_kcs_conn_t **conns;
    size_t nconns;
    json_t *session_key;
} kc_kafka_config_store_t;

static void kc_kcs_tasks_clear(kc_kcs_conn_t *c)
{
    for (size_t i = 0; i < c->ntasks_cap; i++) {
        kc_props_destroy(c->tasks[i]);
    }
    kc_free(c->tasks);
    c->tasks = NULL;
    c->ntasks_cap = 0;
}

static void kc_kcs_held_clear(kc_kcs_conn_t *c)
{
    for (size_t i = 0; i < c->nheld; i++) {
        kc_props_destroy(c->held[i].props);
    }
    kc_free(c->held);
    c->held = NULL;
    c->nheld = 0;
}

static void kc_kcs_conn_free(kc_kcs_conn_t *c)
{
    kc_props_destroy(c->config);
    kc_kcs_tasks_clear(c);
    kc_kcs_held_clear(c);
    kc_free(c->name);
    kc_free(c);
}

/* Caller holds the lock. */
static kc_kcs_conn_t *kc_kcs_find(kc_kafka_config_store_t *st, const char *name,
                                  bool create)
{
    kc_kcs_conn_t *c;

    for (size_t i = 0; i < st->nconns; i++) {
        if (strcmp(st->conns[i]->name, name) == 0) {
            return st->conns[i];
        }
    }
    if (!create) {
        return NULL;
    }
    c = kc_calloc(1, sizeof(*c));
    c->name = kc_strdup(name);
    c->task_count = -1;
    st->conns = kc_realloc(st->conns, (st->nconns + 1) * sizeof(*st->conns));
    st->conns[st->nconns++] = c;
    return c;
}

/* Caller holds the lock. The entry of a connector that has a
 * configuration now: NULL for one never seen or since deleted. */
static kc_kcs_conn_t *kc_kcs_configured(kc_kafka_config_store_t *st,
                                        const char *name)
{
    kc_kcs_conn_t *c = kc_kcs_find(st, name, false);

    return c != NULL && c->config != NULL ? c : NULL;
}

/* kc_kcs_configured under the lock, for a check before a write. */
static bool kc_kcs_is_configured(kc_kafka_config_store_t *st, const char *name)
{
    bool out;

    pthread_mutex_lock(&st->lock);
    out = kc_kcs_configured(st, name) != NULL;
    pthread_mutex_unlock(&st->lock);
    return out;
}

/* Apache's processConnectorRemoval; the target state stays. */
static void kc_kcs_remove(kc_kcs_conn_t *c)
{
    kc_props_destroy(c->config);
    c->config = NULL;
    c->task_count = -1;
    c->inconsistent = false;
    kc_kcs_tasks_clear(c);
    kc_kcs_held_clear(c);
}

/* {"properties":{...}} -> props; NULL when the shape is wrong. Null
 * values (allowed by Apache's schema) are left out. */
static kc_props_t *kc_kcs_props_from(const json_t *value)
{
    json_t *props = json_object_get(value, "properties");
    kc_props_t *out;
    const char *k;
    json_t *v;

    if (!json_is_object(props)) {
        return NULL;
    }
    out = kc_props_new();
    json_object_foreach(props, k, v)
    {
        if (json_is_string(v)) {
            kc_props_set(out, k, json_string_value(v));
        }
    }
    return out;
}

static bool kc_kcs_parse_target(const json_t *value, kc_target_state_t *out)
{
    const json_t *v = json_object_get(value, "state.v2");
    const char *s;

    if (!json_is_string(v)) {
        /* Written by an older worker: only "state". */
        v = json_object_get(value, "state");
    }
    if (!json_is_string(v)) {
        return false;
    }
    s = json_string_value(v);
    if (strcmp(s, "STARTED") == 0) {
        *out = KC_TARGET_STARTED;
    } else if (strcmp(s, "PAUSED") == 0) {
        *out = KC_TARGET_PAUSED;
    } else if (strcmp(s, "STOPPED") == 0) {
        *out = KC_TARGET_STOPPED;
    } else {
        return false;
    }
    return true;
}

/* Apache's completeTaskIdSet: every id 0..count-1 is held. */
static bool kc_kcs_held_complete(const kc_kcs_conn_t *c, int count)
{
    for (int id = 0; id < count; id++) {
        bool found = false;

        for (size_t i = 0; i < c->nheld && !found; i++) {
            found = c->held[i].id == id;
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

static void kc_kcs_commit(kc_kcs_conn_t *c, int count)
{
    if (!kc_kcs_held_complete(c, count)) {
        kc_log_debug(KC_KCS_LOGGER,
                     "incomplete task configs for connector \"%s\" "
                     "(compacted?): not applied",
                     c->name);
        c->inconsistent = true;
    } else {
        for (size_t i = 0; i < c->nheld; i++) {
            size_t id = (size_t)c->held[i].id;

            if (id >= c->ntasks_cap) {
                c->tasks = kc_realloc(c->tasks, (id + 1) * sizeof(*c->tasks));
                memset(&c->tasks[c->ntasks_cap], 0,
                       (id + 1 - c->ntasks_cap) * sizeof(*c->tasks));
                c->ntasks_cap = id + 1;
            }
            kc_props_destroy(c->tasks[id]);
            c->tasks[id] = c->held[i].props;
            c->held[i].props = NULL;
        }
        c->inconsistent = false;
    }
    /* Held configs go either way: an inconsistent set must be written
     * again whole. */
    kc_kcs_held_clear(c);
    c->task_count = count;
}

/*
 * Apply one record; caller holds the lock. @returns whether @p change
 * was filled for the listener.
 */
static bool kc_kcs_apply(kc_kafka_config_store_t *st, const char *key,
                         const json_t *value, kc_config_change_t *change)
{
    kc_kcs_conn_t *c;

    memset(change, 0, sizeof(*change));
    if (kc_str_starts_with(key, "target-state-")) {
        kc_target_state_t target;
        bool changed;

        c = kc_kcs_find(st, key + strlen("target-state-"), true);
        if (value == NULL || json_is_null(value)) {
            /* A connector that is still configured goes back to STARTED;
             * the listener hears of the removal with the config's. */
            c->has_target = false;
            return false;
        }
        if (!kc_kcs_parse_target(value, &target)) {
            kc_log_error(KC_KCS_LOGGER,
                         "Invalid target state for connector '%s'", c->name);
            return false;
        }
        changed = !c->has_target || c->target != target;
        c->has_target = true;
        c->target = target;
        change->kind = KC_CONFIG_CHANGE_TARGET;
        change->connector = c->name;
        return changed && c->config != NULL;
    }
    if (kc_str_starts_with(key, "connector-")) {
        c = kc_kcs_find(st, key + strlen("connector-"), true);
        change->connector = c->name;
        if (value == NULL || json_is_null(value)) {
            kc_kcs_remove(c);
            change->kind = KC_CONFIG_CHANGE_CONNECTOR_REMOVED;
        } else {
            kc_props_t *props = kc_kcs_props_from(value);

            if (props == NULL) {
                kc_log_error(KC_KCS_LOGGER,
                             "Ignoring configuration for connector '%s' "
                             "because it is in the wrong format",
                             c->name);
                return false;
            }
            kc_props_destroy(c->config);
            c->config = props;
            change->kind = KC_CONFIG_CHANGE_CONNECTOR;
        }
        return true;
    }
    if (kc_str_starts_with(key, "task-")) {
        char *name = NULL;
        int id = 0;
        kc_props_t *props;

        if (!kc_kafka_task_id_parse(key + strlen("task-"), &name, &id)) {
            kc_log_error(KC_KCS_LOGGER,
                         "Ignoring task configuration because %s couldn't "
                         "be parsed as a task config key",
                         key);
            return false;
        }
        props = value != NULL ? kc_kcs_props_from(value) : NULL;
        if (props == NULL) {
            kc_log_error(KC_KCS_LOGGER,
                         "Ignoring task configuration for task %s-%d: "
                         "null or in the wrong format",
                         name, id);
            kc_free(name);
            return false;
        }
        c = kc_kcs_find(st, name, true);
        kc_free(name);
        for (size_t i = 0; i < c->nheld; i++) {
            if (c->held[i].id == id) {
                kc_props_destroy(c->held[i].props);
                c->held[i].props = props;
                return false;
            }
        }
        c->held = kc_realloc(c->held, (c->nheld + 1) * sizeof(*c->held));
        c->held[c->nheld].id = id;
        c->held[c->nheld].props = props;
        c->nheld++;
        return false;
    }
    if (kc_str_starts_with(key, "commit-")) {
        const json_t *tasks = json_object_get(value, "tasks");

        c = kc_kcs_find(st, key + strlen("commit-"), true);
        if (c->config == NULL) {
            /* Deleted before, and compaction took the tombstone. */
            kc_kcs_remove(c);
            return false;
        }
        if (!json_is_integer(tasks) || json_integer_value(tasks) < 0 ||
            json_integer_value(tasks) > 1000000) {
            kc_log_error(KC_KCS_LOGGER,
                         "Ignoring connector tasks configuration commit "
                         "for connector '%s' because it is in the wrong "
                         "format",
                         c->name);
            return false;
        }
        kc_kcs_commit(c, (int)json_integer_value(tasks));
        change->kind = KC_CONFIG_CHANGE_TASKS;
        change->connector = c->name;
        return true;
    }
    if (strcmp(key, "session-key") == 0) {
        if (!json_is_object(value) ||
            !json_is_string(json_object_get(value, "key")) ||
            !json_is_string(json_object_get(value, "algorithm")) ||
            !json_is_integer(json_object_get(value, "creation-timestamp"))) {
            kc_log_error(KC_KCS_LOGGER, "Ignoring session key: null or in "
                                        "the wrong format");
            return false;
        }
        json_decref(st->session_key);
        st->session_key = json_deep_copy(value);
        change->kind = KC_CONFIG_CHANGE_SESSION_KEY;
        return true;
    }
    if (kc_str_starts_with(key, "restart-connector-")) {
        const json_t *tasks = json_object_get(value, "include-tasks");
        const json_t *failed = json_object_get(value, "only-failed");

        if (!json_is_object(value)) {
            return false;
        }
        change->kind = KC_CONFIG_CHANGE_RESTART;
        change->connector = key + strlen("restart-connector-");
        change->include_tasks = json_is_true(tasks);
        change->only_failed = json_is_true(failed);
        /* Requests written before this worker started are history. */
        return true;
    }
    if (kc_str_starts_with(key, "tasks-fencing-") ||
        kc_str_starts_with(key, "logger-cluster-")) {
        /* Exactly-once fencing and cluster log levels: later issues. */
        return false;
    }
    kc_log_error(KC_KCS_LOGGER,
                 "Discarding config update record with invalid key: %s", key);
    return false;
}

static void kc_kcs_on_record(void *opaque, const char *key, size_t key_len,
                             const uint8_t *value, size_t value_len,
                             int32_t partition, int64_t offset)
{
    kc_kafka_config_store_t *st = opaque;
    json_t *json = NULL;
    kc_config_change_t change;
    bool notify;
    char *name = NULL;

    (void)key_len;
    (void)partition;
    if (value != NULL) {
        json_error_t jerr;

        json =
            json_loadb((const char *)value, value_len, JSON_DECODE_ANY, &jerr);
        if (json == NULL) {
            kc_log_error(KC_KCS_LOGGER,
                         "Failed to convert config data to Kafka Connect "
                         "format: %s",
                         jerr.text);
        }
    }
    pthread_mutex_lock(&st->lock);
    st->offset = offset + 1;
    if (value != NULL && json == NULL) {
        pthread_mutex_unlock(&st->lock);
        return;
    }
    notify = kc_kcs_apply(st, key, json, &change) && st->started &&
             st->listener != NULL;
    if (notify && change.connector != NULL) {
        /* The entry may go before the listener runs unlocked. */
        name = kc_strdup(change.connector);
        change.connector = name;
    }
    pthread_mutex_unlock(&st->lock);
    json_decref(json);
    if (notify) {
        st->listener(st->opaque, &change);
    }
    kc_free(name);
}

static char *kc_kcs_dump(json_t *json)
{
    char *tmp = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    char *out = kc_strdup(tmp);

    free(tmp); /* allocated by jansson */
    json_decref(json);
    return out;
}

static char *kc_kcs_props_value(const kc_props_t *props)
{
    json_t *o = json_object();

    for (size_t i = 0; i < kc_props_count(props); i++) {
        json_object_set_new(o, kc_props_key_at(props, i),
                            json_string(kc_props_value_at(props, i)));
    }
    return kc_kcs_dump(json_pack("{so}", "properties", o));
}

static char *kc_kcs_target_value(kc_target_state_t target)
{
    static const char *const names[] = {"STARTED", "PAUSED", "STOPPED"};

    /* Older readers know only "state": STOPPED reads as PAUSED there. */
    return kc_kcs_dump(json_pack(
        "{ssss}", "state",
        names[target == KC_TARGET_STOPPED ? KC_TARGET_PAUSED : target],
        "state.v2", names[target]));
}

/* Write the records, then read back to the end. */
static kc_err_t kc_kcs_write(kc_kafka_config_store_t *st,
                             const char *const *keys, const char *const *values,
                             size_t n, const char *what, kc_error_t *err)
{
    kc_err_t rc =
        kc_kafka_log_write(st->log, keys, values, n, st->timeout_ms, err);

    if (rc == KC_OK) {
        rc = kc_kafka_log_read_to_end(st->log, st->timeout_ms, err);
    }
    if (rc != KC_OK) {
        kc_log_error(KC_KCS_LOGGER, "Failed to write %s to Kafka: %s", what,
                     err->msg);
        kc_error_prefix(err, "Error writing %s to Kafka", what);
    }
    return rc;
}

static void kc_kafka_config_destroy(kc_config_store_t *base)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)base;

    kc_kafka_log_destroy(st->log);
    for (size_t i = 0; i < st->nconns; i++) {
        kc_kcs_conn_free(st->conns[i]);
    }
    kc_free(st->conns);
    json_decref(st->session_key);
    pthread_mutex_destroy(&st->lock);
    kc_free(st);
}

static kc_err_t kc_kcs_unknown(const char *name, kc_error_t *err)
{
    return kc_error_set(err, KC_ERR_NOT_FOUND, "Connector %s not found", name);
}

static kc_err_t kc_kafka_config_put_connector(kc_config_store_t *base,
                                              const char *name,
                                              const kc_props_t *config,
                                              kc_target_state_t target,
                                              kc_error_t *err)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)base;

    kc_kcs_conn_t *c;
    kc_target_state_t cur = KC_TARGET_STARTED;
    bool exists;
    char *keys[2];
    char *values[2];
    size_t n = 0;
    kc_err_t rc;

    pthread_mutex_lock(&st->lock);
    c = kc_kcs_find(st, name, false);
    exists = c != NULL && c->config != NULL;
    if (c != NULL && c->has_target) {
        cur = c->target;
    }
    pthread_mutex_unlock(&st->lock);
    /* As Apache's herder: a target state record only when it is not
     * what readers would assume anyway; it goes first, so the
     * connector never starts in the wrong state. */
    if (exists ? target != cur : target != KC_TARGET_STARTED) {
        keys[n] = kc_asprintf("target-state-%s", name);
        values[n++] = kc_kcs_target_value(target);
    }
    keys[n] = kc_asprintf("connector-%s", name);
    values[n++] = kc_kcs_props_value(config);
    rc =
        kc_kcs_write(st, (const char *const *)keys, (const char *const *)values,
                     n, "connector configuration", err);
    for (size_t i = 0; i < n; i++) {
        kc_free(keys[i]);
        kc_free(values[i]);
    }
    return rc;
}

static kc_err_t kc_kafka_config_remove_connector(kc_config_store_t *base,
                                                 const char *name,
                                                 kc_error_t *err)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)base;

    char *keys[2];
    const char *values[2] = {NULL, NULL};
    kc_err_t rc;

    if (!kc_kcs_is_configured(st, name)) {
        return kc_kcs_unknown(name, err);
    }
    keys[0] = kc_asprintf("connector-%s", name);
    keys[1] = kc_asprintf("target-state-%s", name);
    rc = kc_kcs_write(st, (const char *const *)keys, values, 2,
                      "connector configuration removal", err);
    kc_free(keys[0]);
    kc_free(keys[1]);
    return rc;
}

static kc_err_t kc_kafka_config_put_target(kc_config_store_t *base,
                                           const char *name,
                                           kc_target_state_t target,
                                           kc_error_t *err)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)base;

    char *key;
    char *value;
    kc_err_t rc;

    if (!kc_kcs_is_configured(st, name)) {
        return kc_kcs_unknown(name, err);
    }
    key = kc_asprintf("target-state-%s", name);
    value = kc_kcs_target_value(target);
    rc = kc_kcs_write(st, (const char *const *)&key,
                      (const char *const *)&value, 1, "target state", err);
    kc_free(key);
    kc_free(value);
    return rc;
}

static kc_err_t kc_kafka_config_put_tasks(kc_config_store_t *base,
                                          const char *name,
                                          kc_props_t *const *tasks,
                                          size_t ntasks, kc_error_t *err)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)base;

    char **keys = kc_calloc(ntasks + 1, sizeof(*keys));
    char **values = kc_calloc(ntasks + 1, sizeof(*values));
    kc_err_t rc;

    for (size_t i = 0; i < ntasks; i++) {
        keys[i] = kc_asprintf("task-%s-%zu", name, i);
        values[i] = kc_kcs_props_value(tasks[i]);
    }
    /* The tasks first and read back, then the commit that applies them
     * (Apache's order: a reader never sees a commit before its tasks). */
    rc =
        kc_kcs_write(st, (const char *const *)keys, (const char *const *)values,
                     ntasks, "task configurations", err);
    if (rc == KC_OK) {
        char *key = kc_asprintf("commit-%s", name);
        char *value =
            kc_kcs_dump(json_pack("{si}", "tasks", (json_int_t)ntasks));

        rc = kc_kcs_write(st, (const char *const *)&key,
                          (const char *const *)&value, 1, "task configurations",
                          err);
        kc_free(key);
        kc_free(value);
    }
    for (size_t i = 0; i < ntasks; i++) {
        kc_free(keys[i]);
        kc_free(values[i]);
    }
    kc_free(keys);
    kc_free(values);
    return rc;
}

static kc_err_t kc_kafka_config_config(kc_config_store_t *base,
                                       const char *name, kc_props_t **out)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)base;

    kc_kcs_conn_t *c;
    kc_err_t rc = KC_ERR_NOT_FOUND;

    pthread_mutex_lock(&st->lock);
    c = kc_kcs_configured(st, name);
    if (c != NULL) {
        *out = kc_props_copy(c->config);
        rc = KC_OK;
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

static kc_err_t kc_kafka_config_tasks(kc_config_store_t *base, const char *name,
                                      kc_props_t ***tasks, size_t *ntasks)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)base;

    kc_kcs_conn_t *c;
    size_t n = 0;

    pthread_mutex_lock(&st->lock);
    c = kc_kcs_configured(st, name);
    if (c == NULL) {
        pthread_mutex_unlock(&st->lock);
        return KC_ERR_NOT_FOUND;
    }
    /* Apache's ClusterConfigState.tasks: none while inconsistent. */
    if (!c->inconsistent && c->task_count > 0) {
        n = (size_t)c->task_count;
    }
    *tasks = kc_calloc(n > 0 ? n : 1, sizeof(**tasks));
    for (size_t i = 0; i < n; i++) {
        (*tasks)[i] = i < c->ntasks_cap && c->tasks[i] != NULL
                          ? kc_props_copy(c->tasks[i])
                          : kc_props_new();
    }
    *ntasks = n;
    pthread_mutex_unlock(&st->lock);
    return KC_OK;
}

static const kc_config_store_vt_t kc_kafka_config_vt = {
    .destroy = kc_kafka_config_destroy,
    .put_connector = kc_kafka_config_put_connector,
    .remove_connector = kc_kafka_config_remove_connector,
    .put_target = kc_kafka_config_put_target,
    .put_tasks = kc_kafka_config_put_tasks,
    .config = kc_kafka_config_config,
    .tasks = kc_kafka_config_tasks,
};

kc_config_store_t *
kc_kafka_config_store_new(const kc_kafka_config_store_conf_t *conf,
                          kc_error_t *err)
{
    kc_kafka_config_store_t *st = kc_calloc(1, sizeof(*st));
    kc_kafka_log_conf_t lc;

    st->base.vt = &kc_kafka_config_vt;
    pthread_mutex_init(&st->lock, NULL);
    st->timeout_ms =
        conf->timeout_ms > 0 ? conf->timeout_ms : KC_KCS_DEFAULT_TIMEOUT_MS;
    st->listener = conf->listener;
    st->opaque = conf->opaque;
    st->offset = -1;
    memset(&lc, 0, sizeof(lc));
    lc.topic = conf->topic;
    lc.topic_config = "config.storage.topic";
    lc.purpose = "connector configurations";
    lc.partitions = 1;
    lc.replication_factor = conf->replication_factor;
    lc.single_partition = true;
    lc.client = conf->client;
    lc.on_record = kc_kcs_on_record;
    lc.opaque = st;
    st->log = kc_kafka_log_new(&lc, err);
    if (st->log == NULL) {
        kc_kafka_config_destroy(&st->base);
        return NULL;
    }
    return &st->base;
}

kc_err_t kc_kafka_config_store_start(kc_config_store_t *cs, kc_error_t *err)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;
    kc_err_t rc = kc_kafka_log_start(st->log, st->timeout_ms, err);

    if (rc == KC_OK) {
        pthread_mutex_lock(&st->lock);
        st->started = true;
        pthread_mutex_unlock(&st->lock);
    }
    return rc;
}

kc_err_t kc_kafka_config_store_refresh(kc_config_store_t *cs, int timeout_ms,
                                       kc_error_t *err)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;

    return kc_kafka_log_read_to_end(st->log, timeout_ms, err);
}

kc_kafka_log_t *kc_kafka_config_store_log(kc_config_store_t *cs)
{
    return ((kc_kafka_config_store_t *)cs)->log;
}

int64_t kc_kafka_config_store_offset(kc_config_store_t *cs)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;
    int64_t offset;

    pthread_mutex_lock(&st->lock);
    offset = st->offset;
    pthread_mutex_unlock(&st->lock);
    return offset;
}

static int kc_kcs_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void kc_kafka_config_store_connectors(kc_config_store_t *cs, char ***names,
                                      size_t *count)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;
    size_t n = 0;

    pthread_mutex_lock(&st->lock);
    *names = kc_calloc(st->nconns > 0 ? st->nconns : 1, sizeof(**names));
    for (size_t i = 0; i < st->nconns; i++) {
        if (st->conns[i]->config != NULL) {
            (*names)[n++] = kc_strdup(st->conns[i]->name);
        }
    }
    pthread_mutex_unlock(&st->lock);
    qsort(*names, n, sizeof(**names), kc_kcs_cmp_names);
    *count = n;
}

kc_err_t kc_kafka_config_store_target(kc_config_store_t *cs, const char *name,
                                      kc_target_state_t *target)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;
    kc_kcs_conn_t *c;
    kc_err_t rc = KC_ERR_NOT_FOUND;

    pthread_mutex_lock(&st->lock);
    c = kc_kcs_configured(st, name);
    if (c != NULL) {
        *target = c->has_target ? c->target : KC_TARGET_STARTED;
        rc = KC_OK;
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

bool kc_kafka_config_store_inconsistent(kc_config_store_t *cs, const char *name)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;
    kc_kcs_conn_t *c;
    bool out;

    pthread_mutex_lock(&st->lock);
    c = kc_kcs_find(st, name, false);
    out = c != NULL && c->inconsistent;
    pthread_mutex_unlock(&st->lock);
    return out;
}

json_t *kc_kafka_config_store_session_key(kc_config_store_t *cs)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;
    json_t *out;

    pthread_mutex_lock(&st->lock);
    out = st->session_key != NULL ? json_deep_copy(st->session_key) : NULL;
    pthread_mutex_unlock(&st->lock);
    return out;
}

kc_err_t kc_kafka_config_store_put_session_key(kc_config_store_t *cs,
                                               const char *key_base64,
                                               const char *algorithm,
                                               int64_t creation_ms,
                                               kc_error_t *err)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;
    const char *key = "session-key";
    char *value = kc_kcs_dump(
        json_pack("{sssssI}", "key", key_base64, "algorithm", algorithm,
                  "creation-timestamp", (json_int_t)creation_ms));
    kc_err_t rc = kc_kcs_write(st, &key, (const char *const *)&value, 1,
                               "session key", err);

    kc_free(value);
    return rc;
}

kc_err_t kc_kafka_config_store_put_restart(kc_config_store_t *cs,
                                           const char *name, bool only_failed,
                                           bool include_tasks, kc_error_t *err)
{
    kc_kafka_config_store_t *st = (kc_kafka_config_store_t *)cs;
    char *key = kc_asprintf("restart-connector-%s", name);
    char *value = kc_kcs_dump(json_pack(
        "{sbsb}", "include-tasks", include_tasks, "only-failed", only_failed));
    kc_err_t rc =
        kc_kcs_write(st, (const char *const *)&key, (const char *const *)&value,
                     1, "restart request", err);

    kc_free(key);
    kc_free(value);
    return rc;
}
