/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The source offset store on the offsets topic (see
 * kc_kafka_offset_store.h). Each entry keeps two values: the one the topic
 * holds (from records read back) and this worker's put not yet read back,
 * which wins while it exists.
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "distributed/kc_kafka_offset_store.h"
#include "util/kc_clock.h"

#define KC_KOS_LOGGER             "org.apache.kafka.connect.storage.KafkaOffsetBackingStore"
#define KC_KOS_DEFAULT_TIMEOUT_MS 30000

typedef struct kc_kos_entry {
    char *key; /* the record key as written (JSON text) */
    char *connector;
    json_t *partition;
    char *canon;    /* sorted-key JSON of the key, for lookups */
    char *value;    /* the topic's value; NULL: tombstone or none */
    bool has_local; /* a put not yet read back */
    char *local;    /* its value; NULL: reset */
    bool dirty;     /* put since the last flush sent it */
} kc_kos_entry_t;

typedef struct kc_kafka_offset_store {
    kc_offset_store_t base; /* first: the interface */
    pthread_mutex_t lock;
    pthread_mutex_t flush_lock; /* one flush at a time */
    kc_kafka_log_t *log;
    int timeout_ms;
    kc_kos_entry_t *entries;
    size_t count;
} kc_kafka_offset_store_t;

static char *kc_kos_dump(const json_t *json, size_t flags)
{
    char *tmp = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY | flags);
    char *out = tmp != NULL ? kc_strdup(tmp) : NULL;

    free(tmp); /* allocated by jansson */
    return out;
}

static char *kc_kos_canon(const char *connector, const json_t *partition)
{
    json_t *key = json_pack("[sO]", connector, (json_t *)partition);
    char *canon = kc_kos_dump(key, JSON_SORT_KEYS);

    json_decref(key);
    return canon;
}

/* Caller holds the lock. */
static kc_kos_entry_t *kc_kos_find(kc_kafka_offset_store_t *st,
                                   const char *canon)
{
    for (size_t i = 0; i < st->count; i++) {
        if (strcmp(st->entries[i].canon, canon) == 0) {
            return &st->entries[i];
        }
    }
    return NULL;
}

/* Caller holds the lock; takes @p key, @p canon and @p partition. */
static kc_kos_entry_t *kc_kos_add(kc_kafka_offset_store_t *st, char *key,
                                  const char *connector, json_t *partition,
                                  char *canon)
{
    kc_kos_entry_t *e;

    st->entries =
        kc_realloc(st->entries, (st->count + 1) * sizeof(*st->entries));
    e = &st->entries[st->count++];
    memset(e, 0, sizeof(*e));
    e->key = key;
    e->connector = kc_strdup(connector);
    e->partition = partition;
    e->canon = canon;
    return e;
}

static void kc_kos_on_record(void *opaque, const char *key, size_t key_len,
                             const uint8_t *value, size_t value_len,
                             int32_t partition, int64_t offset)
{
    kc_kafka_offset_store_t *st = opaque;
    json_t *k = json_loadb(key, key_len, JSON_DECODE_ANY, NULL);
    kc_kos_entry_t *e;
    char *canon;

    (void)partition;
    (void)offset;
    /* Apache skips keys that are not [connector, {partition}]. */
    if (!json_is_array(k) || json_array_size(k) != 2 ||
        !json_is_string(json_array_get(k, 0)) ||
        !json_is_object(json_array_get(k, 1))) {
        kc_log_warn(KC_KOS_LOGGER, "Ignoring offset record with key %s", key);
        json_decref(k);
        return;
    }
    canon = kc_kos_canon(json_string_value(json_array_get(k, 0)),
                         json_array_get(k, 1));
    pthread_mutex_lock(&st->lock);
    e = kc_kos_find(st, canon);
    if (e == NULL) {
        e = kc_kos_add(st, kc_strdup(key),
                       json_string_value(json_array_get(k, 0)),
                       json_incref(json_array_get(k, 1)), canon);
        canon = NULL;
    }
    kc_free(e->value);
    e->value =
        value != NULL ? kc_strndup((const char *)value, value_len) : NULL;
    /* A null JSON value is a tombstone too. */
    if (e->value != NULL && strcmp(e->value, "null") == 0) {
        kc_free(e->value);
        e->value = NULL;
    }
    if (e->has_local && !e->dirty) {
        /* Our put was sent: from now on the topic says what holds (our
         * record, or a later one of the worker that owns the task now). */
        kc_free(e->local);
        e->local = NULL;
        e->has_local = false;
    }
    pthread_mutex_unlock(&st->lock);
    kc_free(canon);
    json_decref(k);
}

static void kc_kafka_offset_destroy(kc_offset_store_t *base)
{
    kc_kafka_offset_store_t *st = (kc_kafka_offset_store_t *)base;

    kc_kafka_log_destroy(st->log);
    for (size_t i = 0; i < st->count; i++) {
        kc_kos_entry_t *e = &st->entries[i];

        kc_free(e->key);
        kc_free(e->connector);
        json_decref(e->partition);
        kc_free(e->canon);
        kc_free(e->value);
        kc_free(e->local);
    }
    kc_free(st->entries);
    pthread_mutex_destroy(&st->flush_lock);
    pthread_mutex_destroy(&st->lock);
    kc_free(st);
}

/* Catch up with what other workers flushed; failures only logged (the
 * reader then sees what it saw before, as Apache's after a timeout). */
static void kc_kos_refresh(kc_kafka_offset_store_t *st)
{
    kc_error_t err;

    if (kc_kafka_log_read_to_end(st->log, st->timeout_ms, &err) != KC_OK) {
        kc_log_warn(KC_KOS_LOGGER, "%s", err.msg);
    }
}

static const char *kc_kos_current(const kc_kos_entry_t *e)
{
    return e->has_local ? e->local : e->value;
}

static kc_err_t kc_kafka_offset_get(kc_offset_store_t *base,
                                    const char *connector,
                                    const json_t *partition, json_t **offset)
{
    kc_kafka_offset_store_t *st = (kc_kafka_offset_store_t *)base;
    char *canon = kc_kos_canon(connector, partition);
    kc_kos_entry_t *e;
    kc_err_t rc = KC_ERR_NOT_FOUND;

    *offset = NULL;
    kc_kos_refresh(st);
    pthread_mutex_lock(&st->lock);
    e = kc_kos_find(st, canon);
    if (e != NULL && kc_kos_current(e) != NULL) {
        *offset = json_loads(kc_kos_current(e), JSON_DECODE_ANY, NULL);
        rc = *offset != NULL ? KC_OK : KC_ERR_NOT_FOUND;
    }
    pthread_mutex_unlock(&st->lock);
    kc_free(canon);
    return rc;
}

static kc_err_t kc_kafka_offset_put(kc_offset_store_t *base,
                                    const char *connector,
                                    const json_t *partition,
                                    const json_t *offset, kc_error_t *err)
{
    kc_kafka_offset_store_t *st = (kc_kafka_offset_store_t *)base;
    char *value = NULL;
    char *canon;
    kc_kos_entry_t *e;

    if (!json_is_object(partition)) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "source partition of connector \"%s\" is not a "
                            "map",
                            connector);
    }
    if (offset != NULL && !json_is_null(offset)) {
        value = kc_kos_dump(offset, 0);
        if (value == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not encode the source offset of "
                                "connector \"%s\"",
                                connector);
        }
    }
    canon = kc_kos_canon(connector, partition);
    pthread_mutex_lock(&st->lock);
    e = kc_kos_find(st, canon);
    if (e == NULL) {
        json_t *key = json_pack("[sO]", connector, (json_t *)partition);

        e = kc_kos_add(st, kc_kos_dump(key, 0), connector,
                       json_deep_copy(partition), canon);
        json_decref(key);
        canon = NULL;
    }
    kc_free(e->local);
    e->local = value;
    e->has_local = true;
    e->dirty = true;
    pthread_mutex_unlock(&st->lock);
    kc_free(canon);
    return KC_OK;
}

static kc_err_t kc_kafka_offset_list(kc_offset_store_t *base,
                                     const char *connector, json_t **out)
{
    kc_kafka_offset_store_t *st = (kc_kafka_offset_store_t *)base;
    json_t *arr = json_array();

    kc_kos_refresh(st);
    pthread_mutex_lock(&st->lock);
    for (size_t i = 0; i < st->count; i++) {
        kc_kos_entry_t *e = &st->entries[i];
        json_t *value;

        if (strcmp(e->connector, connector) != 0 || kc_kos_current(e) == NULL) {
            continue;
        }
        value = json_loads(kc_kos_current(e), JSON_DECODE_ANY, NULL);
        if (value == NULL || json_is_null(value)) {
            json_decref(value);
            continue;
        }
        json_array_append_new(arr, json_pack("{sOso}", "partition",
                                             e->partition, "offset", value));
    }
    pthread_mutex_unlock(&st->lock);
    *out = arr;
    return KC_OK;
}

static void kc_kafka_offset_reset(kc_offset_store_t *base,
                                  const char *connector)
{
    kc_kafka_offset_store_t *st = (kc_kafka_offset_store_t *)base;

    kc_kos_refresh(st);
    pthread_mutex_lock(&st->lock);
    for (size_t i = 0; i < st->count; i++) {
        kc_kos_entry_t *e = &st->entries[i];

        if (strcmp(e->connector, connector) == 0 && kc_kos_current(e) != NULL) {
            kc_free(e->local);
            e->local = NULL;
            e->has_local = true;
            e->dirty = true;
        }
    }
    pthread_mutex_unlock(&st->lock);
}

static kc_err_t kc_kafka_offset_flush(kc_offset_store_t *base, kc_error_t *err)
{
    kc_kafka_offset_store_t *st = (kc_kafka_offset_store_t *)base;
    char **keys;
    char **values;
    size_t n = 0;
    kc_err_t rc;
    int64_t asked = kc_clock_now_ms();
    int64_t locked;

    pthread_mutex_lock(&st->flush_lock);
    locked = kc_clock_now_ms();
    pthread_mutex_lock(&st->lock);
    keys = kc_calloc(st->count + 1, sizeof(*keys));
    values = kc_calloc(st->count + 1, sizeof(*values));
    for (size_t i = 0; i < st->count; i++) {
        kc_kos_entry_t *e = &st->entries[i];

        if (e->dirty) {
            keys[n] = kc_strdup(e->key);
            values[n] = e->local != NULL ? kc_strdup(e->local) : NULL;
            e->dirty = false;
            n++;
        }
    }
    pthread_mutex_unlock(&st->lock);
    rc = n > 0 ? kc_kafka_log_write(st->log, (const char *const *)keys,
                                    (const char *const *)values, n,
                                    st->timeout_ms, err)
               : KC_OK;
    if (rc != KC_OK) {
        /* Sent again by the next flush, unless put again meanwhile. */
        pthread_mutex_lock(&st->lock);
        for (size_t i = 0; i < st->count; i++) {
            for (size_t j = 0; j < n; j++) {
                if (strcmp(st->entries[i].key, keys[j]) == 0 &&
                    st->entries[i].has_local) {
                    st->entries[i].dirty = true;
                }
            }
        }
        pthread_mutex_unlock(&st->lock);
        kc_error_prefix(err, "could not flush source offsets");
    }
    /* Where a task stop's time goes (issue 13): waiting for another
     * flush, or the write itself. */
    kc_log_debug(KC_KOS_LOGGER,
                 "Flushed %zu offset(s) to topic %s: %" PRId64
                 " ms waiting for another flush, %" PRId64 " ms writing",
                 n, kc_kafka_log_topic(st->log), locked - asked,
                 kc_clock_now_ms() - locked);
    /* Done once the broker acknowledged the batch, as Apache's
     * KafkaOffsetBackingStore.set: no read to the end here (a round trip
     * per partition of a 25-partition topic on every task stop and commit).
     * Our values stay local until a get/list reads them back. */
    pthread_mutex_unlock(&st->flush_lock);
    for (size_t i = 0; i < n; i++) {
        kc_free(keys[i]);
        kc_free(values[i]);
    }
    kc_free(keys);
    kc_free(values);
    return rc;
}

static const kc_offset_store_vt_t kc_kafka_offset_vt = {
    .destroy = kc_kafka_offset_destroy,
    .get = kc_kafka_offset_get,
    .put = kc_kafka_offset_put,
    .list = kc_kafka_offset_list,
    .reset = kc_kafka_offset_reset,
    .flush = kc_kafka_offset_flush,
};

kc_offset_store_t *
kc_kafka_offset_store_new(const kc_kafka_offset_store_conf_t *conf,
                          kc_error_t *err)
{
    kc_kafka_offset_store_t *st = kc_calloc(1, sizeof(*st));
    kc_kafka_log_conf_t lc;

    st->base.vt = &kc_kafka_offset_vt;
    pthread_mutex_init(&st->lock, NULL);
    pthread_mutex_init(&st->flush_lock, NULL);
    st->timeout_ms =
        conf->timeout_ms > 0 ? conf->timeout_ms : KC_KOS_DEFAULT_TIMEOUT_MS;
    memset(&lc, 0, sizeof(lc));
    lc.topic = conf->topic;
    lc.topic_config = conf->topic_config != NULL ? conf->topic_config
                                                 : "offset.storage.topic";
    lc.purpose = "source connector offsets";
    lc.partitions = conf->partitions;
    lc.replication_factor = conf->replication_factor;
    lc.client = conf->client;
    lc.on_record = kc_kos_on_record;
    lc.opaque = st;
    st->log = kc_kafka_log_new(&lc, err);
    if (st->log == NULL) {
        kc_kafka_offset_destroy(&st->base);
        return NULL;
    }
    return &st->base;
}

kc_err_t kc_kafka_offset_store_start(kc_offset_store_t *store, kc_error_t *err)
{
    kc_kafka_offset_store_t *st = (kc_kafka_offset_store_t *)store;

    return kc_kafka_log_start(st->log, st->timeout_ms, err);
}

kc_kafka_log_t *kc_kafka_offset_store_log(kc_offset_store_t *store)
{
    return ((kc_kafka_offset_store_t *)store)->log;
}
