/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Two open-addressing hash tables in front of the partition indexes:
 *
 *  - exact: the partition as the task built it, compared with
 *    kc_value_equals. A hit needs neither JSON nor allocation; this is the
 *    path of every record after a partition's first.
 *  - canon: the JSON form with sorted keys, which decides identity (what
 *    the offsets file keys on). Consulted only when the exact table
 *    misses, so values that differ as kc_values but not as JSON (an INT32
 *    and an INT64 42, a map in another key order) still share a partition;
 *    the new representation then joins the exact table.
 *
 * Values holding a STRUCT are never put in the exact table (their schema
 * lives elsewhere); they take the canon path every time.
 */
#include "kc_internal.h"

#include "runtime/kc_part_index.h"

#include <math.h>

#include "data/kc_value_json.h"

typedef struct slot {
    uint64_t hash;
    size_t idx1;     /* partition index + 1; 0: empty */
    const void *key; /* kc_value_t * (exact) or char * (canon) */
} slot_t;

typedef struct table {
    slot_t *slots;
    size_t cap; /* a power of two */
    size_t len;
} table_t;

struct kc_part_index {
    table_t exact;
    table_t canon;
    kc_arena_t *keys; /* the exact table's kc_value copies */
    size_t count;
    size_t null_idx1; /* index + 1 of the NULL partition; 0: not seen */
    uint64_t probes;
};

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME  1099511628211ULL

static uint64_t mix_bytes(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * FNV_PRIME;
    }
    return h;
}

static uint64_t mix_u64(uint64_t h, uint64_t v)
{
    return mix_bytes(h, &v, sizeof(v));
}

/* A hash that agrees with kc_value_equals; false for values holding a
 * STRUCT. */
static bool value_hash(const kc_value_t *v, uint64_t *h)
{
    *h = mix_u64(*h, (uint64_t)v->type);
    switch (v->type) {
    case KC_TYPE_NULL:
        return true;
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        *h = mix_u64(*h, (uint64_t)v->u.i);
        return true;
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64: {
        uint64_t bits = 0;

        /* Equal doubles with different bits: 0.0 and -0.0, the NaNs. */
        if (isnan(v->u.f)) {
            bits = 1;
        } else if (v->u.f != 0.0) {
            memcpy(&bits, &v->u.f, sizeof(bits));
        }
        *h = mix_u64(*h, bits);
        return true;
    }
    case KC_TYPE_BOOLEAN:
        *h = mix_u64(*h, v->u.b ? 1 : 0);
        return true;
    case KC_TYPE_STRING:
        *h = mix_bytes(mix_u64(*h, v->u.str.len), v->u.str.data, v->u.str.len);
        return true;
    case KC_TYPE_BYTES:
        if (v->flags & KC_VALUE_F_SCALE) {
            *h = mix_u64(*h, (uint64_t)(int64_t)v->u.bytes.scale + 1);
        }
        *h = mix_bytes(mix_u64(*h, v->u.bytes.len), v->u.bytes.data,
                       v->u.bytes.len);
        return true;
    case KC_TYPE_ARRAY:
        *h = mix_u64(*h, v->u.array.len);
        for (size_t i = 0; i < v->u.array.len; i++) {
            if (!value_hash(&v->u.array.items[i], h)) {
                return false;
            }
        }
        return true;
    case KC_TYPE_MAP:
        *h = mix_u64(*h, v->u.map.len);
        for (size_t i = 0; i < v->u.map.len; i++) {
            if (!value_hash(&v->u.map.keys[i], h) ||
                !value_hash(&v->u.map.values[i], h)) {
                return false;
            }
        }
        return true;
    case KC_TYPE_STRUCT:
        return false;
    }
    return false;
}

static void table_put(table_t *t, uint64_t hash, const void *key, size_t idx);

static void table_grow(table_t *t)
{
    table_t old = *t;

    t->cap = old.cap ? old.cap * 2 : 64;
    t->slots = kc_calloc(t->cap, sizeof(*t->slots));
    t->len = 0;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.slots[i].idx1 != 0) {
            table_put(t, old.slots[i].hash, old.slots[i].key,
                      old.slots[i].idx1 - 1);
        }
    }
    kc_free(old.slots);
}

static void table_put(table_t *t, uint64_t hash, const void *key, size_t idx)
{
    size_t i;

    /* At most half full: probe runs stay short. */
    if ((t->len + 1) * 2 > t->cap) {
        table_grow(t);
    }
    i = (size_t)hash & (t->cap - 1);
    while (t->slots[i].idx1 != 0) {
        i = (i + 1) & (t->cap - 1);
    }
    t->slots[i].hash = hash;
    t->slots[i].key = key;
    t->slots[i].idx1 = idx + 1;
    t->len++;
}

kc_part_index_t *kc_part_index_new(void)
{
    kc_part_index_t *ix = kc_calloc(1, sizeof(*ix));

    ix->keys = kc_arena_new(0);
    return ix;
}

void kc_part_index_destroy(kc_part_index_t *ix)
{
    if (ix == NULL) {
        return;
    }
    for (size_t i = 0; i < ix->canon.cap; i++) {
        if (ix->canon.slots[i].idx1 != 0) {
            kc_free((void *)ix->canon.slots[i].key);
        }
    }
    kc_free(ix->canon.slots);
    kc_free(ix->exact.slots);
    kc_arena_destroy(ix->keys);
    kc_free(ix);
}

static bool exact_find(kc_part_index_t *ix, uint64_t hash, const kc_value_t *v,
                       size_t *idx)
{
    const table_t *t = &ix->exact;

    if (t->cap == 0) {
        return false;
    }
    for (size_t i = (size_t)hash & (t->cap - 1); t->slots[i].idx1 != 0;
         i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i].hash != hash) {
            continue;
        }
        ix->probes++;
        if (kc_value_equals(t->slots[i].key, v)) {
            *idx = t->slots[i].idx1 - 1;
            return true;
        }
    }
    return false;
}

static bool canon_find(kc_part_index_t *ix, uint64_t hash, const char *canon,
                       size_t *idx)
{
    const table_t *t = &ix->canon;

    if (t->cap == 0) {
        return false;
    }
    for (size_t i = (size_t)hash & (t->cap - 1); t->slots[i].idx1 != 0;
         i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i].hash != hash) {
            continue;
        }
        ix->probes++;
        if (strcmp(t->slots[i].key, canon) == 0) {
            *idx = t->slots[i].idx1 - 1;
            return true;
        }
    }
    return false;
}

size_t kc_part_index_find(kc_part_index_t *ix, const kc_value_t *partition,
                          bool *is_new, json_t **json)
{
    uint64_t vh = FNV_OFFSET;
    bool hashable;
    json_t *pj;
    char *tmp;
    char *canon;
    uint64_t ch;
    size_t idx;

    *is_new = false;
    if (partition->type == KC_TYPE_NULL) {
        if (ix->null_idx1 == 0) {
            ix->null_idx1 = ++ix->count;
            *is_new = true;
            *json = NULL;
        }
        return ix->null_idx1 - 1;
    }
    hashable = value_hash(partition, &vh);
    if (hashable && exact_find(ix, vh, partition, &idx)) {
        return idx;
    }
    pj = kc_value_to_json(partition);
    tmp = json_dumps(pj, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    canon = kc_strdup(tmp != NULL ? tmp : "");
    free(tmp); /* allocated by jansson */
    ch = mix_bytes(FNV_OFFSET, canon, strlen(canon));
    if (canon_find(ix, ch, canon, &idx)) {
        json_decref(pj);
        kc_free(canon);
    } else {
        idx = ix->count++;
        table_put(&ix->canon, ch, canon, idx);
        *is_new = true;
        *json = pj;
    }
    if (hashable) {
        kc_value_t *key = kc_arena_alloc(ix->keys, sizeof(*key));

        kc_value_copy(ix->keys, key, partition);
        table_put(&ix->exact, vh, key, idx);
    }
    return idx;
}

size_t kc_part_index_count(const kc_part_index_t *ix)
{
    return ix->count;
}

uint64_t kc_part_index_probes(const kc_part_index_t *ix)
{
    return ix->probes;
}
