/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A source connector's own offsets topic (offsets.storage.topic, KIP-618)
 * over the worker's, as Apache 4.1.1's
 * ConnectorOffsetBackingStore.withConnectorAndWorkerStores behaves:
 *  - get reads the connector's store only: Apache merges the worker
 *    store's answer with the connector store's, whose answer holds every
 *    key asked (null when it has none), so the worker's value never shows;
 *  - a flush writes tombstones (a reset) to the worker's store first and
 *    stops if that fails, then everything to the connector's store, then
 *    the other offsets to the worker's store, whose failure is only
 *    logged;
 *  - list names the partitions of both stores, each with the connector
 *    store's offset (null where it has none).
 */
#ifndef KC_DISTRIBUTED_KC_LAYERED_OFFSET_STORE_H
#define KC_DISTRIBUTED_KC_LAYERED_OFFSET_STORE_H

#include "runtime/kc_offset_store.h"

/**
 * @brief The layered store over @p primary (the connector's; taken) and
 * @p secondary (the worker's; borrowed, outlives the result).
 */
kc_offset_store_t *kc_layered_offset_store_new(kc_offset_store_t *primary,
                                               kc_offset_store_t *secondary);

#endif /* KC_DISTRIBUTED_KC_LAYERED_OFFSET_STORE_H */
