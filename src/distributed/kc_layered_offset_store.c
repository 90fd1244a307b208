/* SPDX-License-Identifier: Apache-2.0 */
/* See kc_layered_offset_store.h. */
#include "kc_internal.h"

#include "distributed/kc_layered_offset_store.h"
#include "util/kc_log.h"

#include <pthread.h>

#define KC_LOS_LOGGER                                                          \
    "org.apache.kafka.connect.storage.ConnectorOffsetBackingStore"

typedef struct kc_layered_store {
    kc_offset_store_t base;
    kc_offset_store_t *primary;
    kc_offset_store_t *secondary;
    pthread_mutex_t lock;
    bool tombstones; /* a null offset waits for the next flush */
} kc_layered_store_t;

static void kc_los_destroy(kc_offset_store_t *store)
{
    kc_layered_store_t *s = (kc_layered_store_t *)store;

    kc_offset_store_destroy(s->primary);
    pthread_mutex_destroy(&s->lock);
    kc_free(s);
}

static kc_err_t kc_los_get(kc_offset_store_t *store, const char *connector,
                           const json_t *partition, json_t **offset)
{
    kc_layered_store_t *s = (kc_layered_store_t *)store;

    return kc_offset_store_get(s->primary, connector, partition, offset);
}

static kc_err_t kc_los_put(kc_offset_store_t *store, const char *connector,
                           const json_t *partition, const json_t *offset,
                           kc_error_t *err)
{
    kc_layered_store_t *s = (kc_layered_store_t *)store;
    bool tombstone = offset == NULL || json_is_null(offset);

    if (kc_offset_store_put(s->primary, connector, partition, offset, err) !=
        KC_OK) {
        return err->code;
    }
    /* Both topics get every offset (Apache's secondary write). */
    if (kc_offset_store_put(s->secondary, connector, partition, offset, err) !=
        KC_OK) {
        return err->code;
    }
    if (tombstone) {
        pthread_mutex_lock(&s->lock);
        s->tombstones = true;
        pthread_mutex_unlock(&s->lock);
    }
    return KC_OK;
}

static bool kc_los_has(const json_t *arr, const json_t *partition)
{
    size_t i;
    json_t *item;

    json_array_foreach(arr, i, item)
    {
        if (json_equal(json_object_get(item, "partition"), partition)) {
            return true;
        }
    }
    return false;
}

static kc_err_t kc_los_list(kc_offset_store_t *store, const char *connector,
                            json_t **out)
{
    kc_layered_store_t *s = (kc_layered_store_t *)store;
    json_t *mine = NULL;
    json_t *theirs = NULL;
    size_t i;
    json_t *item;
    kc_err_t rc;

    rc = kc_offset_store_list(s->primary, connector, &mine);
    if (rc != KC_OK) {
        return rc;
    }
    rc = kc_offset_store_list(s->secondary, connector, &theirs);
    if (rc != KC_OK) {
        json_decref(mine);
        return rc;
    }
    json_array_foreach(theirs, i, item)
    {
        json_t *p = json_object_get(item, "partition");

        if (p != NULL && !kc_los_has(mine, p)) {
            json_array_append_new(
                mine, json_pack("{sOsn}", "partition", p, "offset"));
        }
    }
    json_decref(theirs);
    *out = mine;
    return KC_OK;
}

static void kc_los_reset(kc_offset_store_t *store, const char *connector)
{
    kc_layered_store_t *s = (kc_layered_store_t *)store;

    /* Apache writes a tombstone for every partition either store knows. */
    kc_offset_store_reset(s->secondary, connector);
    kc_offset_store_reset(s->primary, connector);
    pthread_mutex_lock(&s->lock);
    s->tombstones = true;
    pthread_mutex_unlock(&s->lock);
}

static kc_err_t kc_los_flush(kc_offset_store_t *store, kc_error_t *err)
{
    kc_layered_store_t *s = (kc_layered_store_t *)store;
    kc_error_t serr;
    bool tombstones;

    pthread_mutex_lock(&s->lock);
    tombstones = s->tombstones;
    s->tombstones = false;
    pthread_mutex_unlock(&s->lock);
    if (tombstones && kc_offset_store_flush(s->secondary, err) != KC_OK) {
        /* Not written anywhere: the next flush tries again. */
        pthread_mutex_lock(&s->lock);
        s->tombstones = true;
        pthread_mutex_unlock(&s->lock);
        return err->code;
    }
    if (kc_offset_store_flush(s->primary, err) != KC_OK) {
        return err->code;
    }
    kc_error_clear(&serr);
    if (!tombstones && kc_offset_store_flush(s->secondary, &serr) != KC_OK) {
        kc_log_warn(KC_LOS_LOGGER,
                    "Failed to write offsets to secondary backing store: %s",
                    serr.msg);
    }
    return KC_OK;
}

static const kc_offset_store_vt_t kc_los_vt = {
    .destroy = kc_los_destroy,
    .get = kc_los_get,
    .put = kc_los_put,
    .list = kc_los_list,
    .reset = kc_los_reset,
    .flush = kc_los_flush,
};

kc_offset_store_t *kc_layered_offset_store_new(kc_offset_store_t *primary,
                                               kc_offset_store_t *secondary)
{
    kc_layered_store_t *s = kc_calloc(1, sizeof(*s));

    s->base.vt = &kc_los_vt;
    s->primary = primary;
    s->secondary = secondary;
    pthread_mutex_init(&s->lock, NULL);
    return &s->base;
}
