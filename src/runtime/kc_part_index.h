/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Source partitions of one task, each given a dense index in the order
 * first seen. Lookups cost the same whether the task has one partition or
 * ten thousand (one JDBC task may read thousands of tables, each its own
 * partition), and most allocate nothing.
 */
#ifndef KC_PART_INDEX_H
#define KC_PART_INDEX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kconnect/data.h"

typedef struct kc_part_index kc_part_index_t;

kc_part_index_t *kc_part_index_new(void);
void kc_part_index_destroy(kc_part_index_t *ix);

/*
 * The index of @p partition (a NULL value is a partition of its own).
 * Two partitions are one when their JSON forms with sorted keys are equal,
 * as the offsets file sees them. When @p partition was never seen, *is_new
 * is set and *json gets its JSON form (the caller's reference; NULL for
 * the NULL partition); otherwise *json is left alone.
 */
size_t kc_part_index_find(kc_part_index_t *ix, const kc_value_t *partition,
                          bool *is_new, json_t **json);

/* Partitions known so far. */
size_t kc_part_index_count(const kc_part_index_t *ix);

/* Keys compared so far over all lookups: shows, in tests, that a lookup
 * does not walk the known partitions. */
uint64_t kc_part_index_probes(const kc_part_index_t *ix);

#endif
