/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records, headers and batches. A batch's records live in its arena; only
 * the pointer array is heap memory, so clearing a batch is one arena reset.
 */
#include "kc_internal.h"

static void kc_record_init(kc_record_t *rec)
{
    memset(rec, 0, sizeof(*rec));
    rec->partition = -1;
    rec->offset = -1;
    rec->timestamp = -1;
}

kc_header_t *kc_record_add_header(kc_arena_t *arena, kc_record_t *rec,
                                  const char *key, const kc_schema_t *schema,
                                  const kc_value_t *value)
{
    kc_header_t *h;

    if (rec->header_count == rec->header_cap) {
        size_t cap = rec->header_cap ? rec->header_cap * 2 : 4;
        kc_header_t *grown = kc_arena_alloc(arena, cap * sizeof(*grown));

        if (rec->header_count > 0) {
            memcpy(grown, rec->headers, rec->header_count * sizeof(*grown));
        }
        rec->headers = grown;
        rec->header_cap = cap;
    }
    h = &rec->headers[rec->header_count++];
    h->key = kc_arena_strdup(arena, key);
    h->schema = schema;
    if (value != NULL) {
        h->value = *value;
    } else {
        kc_value_set_null(&h->value);
    }
    return h;
}

void kc_batch_init(kc_batch_t *batch)
{
    batch->arena = kc_arena_new(0);
    batch->records = NULL;
    batch->len = 0;
    batch->cap = 0;
}

void kc_batch_release(kc_batch_t *batch)
{
    if (batch == NULL) {
        return;
    }
    kc_free(batch->records);
    kc_arena_destroy(batch->arena);
    batch->records = NULL;
    batch->arena = NULL;
    batch->len = 0;
    batch->cap = 0;
}

void kc_batch_clear(kc_batch_t *batch)
{
    batch->len = 0;
    kc_arena_reset(batch->arena);
}

kc_record_t *kc_batch_add(kc_batch_t *batch)
{
    kc_record_t *rec;

    if (batch->len == batch->cap) {
        batch->cap = batch->cap ? batch->cap * 2 : 64;
        batch->records =
            kc_realloc(batch->records, batch->cap * sizeof(*batch->records));
    }
    rec = kc_arena_alloc(batch->arena, sizeof(*rec));
    kc_record_init(rec);
    batch->records[batch->len++] = rec;
    return rec;
}
