/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The distributed herder: the herder core (kc_herder_core.h) as Apache's
 * DistributedHerder runs it. One thread serves a kc_opq: REST ops, the
 * group member's results, config-topic changes and connector-thread
 * results, with kc_timers for everything due later (no polling). The
 * three internal topics hold the cluster's state (kc_kafka_*_store.h);
 * the group (kc_group_member.h) decides which worker runs which
 * connector and task; only the leader writes configs.
 */
#ifndef KC_DISTRIBUTED_KC_DISTRIBUTED_HERDER_H
#define KC_DISTRIBUTED_KC_DISTRIBUTED_HERDER_H

#include "herder/kc_herder.h"
#include "runtime/kc_worker.h"

/**
 * @brief A distributed herder over @p w (borrowed), configured by the
 * worker properties @p props (checked by kc_distributed_config_check;
 * copied). Nothing touches Kafka before kc_herder_start.
 */
kc_herder_t *kc_distributed_herder_new(kc_worker_t *w, const kc_props_t *props,
                                       kc_error_t *err);

/**
 * @brief The REST URL this worker advertises to the group (the REST
 * server's kc_rest_server_url). Before kc_herder_start.
 */
void kc_distributed_herder_set_url(kc_herder_t *h, const char *url);

/**
 * @brief Call @p fn (@p opaque) once, from the herder's thread, when that
 * thread gives up for good, as Apache's DistributedHerder.run does on an
 * exception it did not expect (a JoinGroup/SyncGroup error Apache does
 * not retry, a refused authentication of the group client): the herder
 * then stops its work and leaves the group, and the worker should exit
 * (kc_distributed_herder_failure says why). Before kc_herder_start.
 */
void kc_distributed_herder_on_fatal(kc_herder_t *h, void (*fn)(void *opaque),
                                    void *opaque);

/**
 * @brief Why the herder's thread gave up, or NULL while it has not.
 * Caller frees with kc_free. Any thread.
 */
char *kc_distributed_herder_failure(kc_herder_t *h);

#endif /* KC_DISTRIBUTED_KC_DISTRIBUTED_HERDER_H */
