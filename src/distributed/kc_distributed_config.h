/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The distributed worker's config: Apache's DistributedConfig keys (group
 * membership, the three internal topics, the Connect subprotocol, the
 * scheduled rebalance delay, inter-worker request signing, exactly-once
 * support) on top of the keys every worker has, with Apache 4.1.1's
 * defaults and refusals (checked against DistributedConfig itself:
 * tests/golden/distributed_config).
 */
#ifndef KC_DISTRIBUTED_KC_DISTRIBUTED_CONFIG_H
#define KC_DISTRIBUTED_KC_DISTRIBUTED_CONFIG_H

#include <kconnect/config.h>

#include "distributed/kc_connect_protocol.h"

struct kc_registry;

/** @brief The keys of a distributed worker; a NULL-terminated list. */
const kc_config_def_t *const *kc_distributed_config_defs(void);

/** @brief The keys only a distributed worker has. */
const kc_config_def_t *kc_distributed_config_def(void);

/* The distributed keys the worker reads, bound from the table. */
typedef struct kc_distributed_conf {
    char *group_id;
    int32_t session_timeout_ms;
    int32_t rebalance_timeout_ms;
    int32_t heartbeat_interval_ms;
    int32_t worker_sync_timeout_ms;
    int32_t worker_unsync_backoff_ms;
    char *config_storage_topic;
    int16_t config_storage_replication_factor;
    char *offset_storage_topic;
    int32_t offset_storage_partitions;         /* -1: broker's default */
    int16_t offset_storage_replication_factor; /* -1: broker's default */
    char *status_storage_topic;
    int32_t status_storage_partitions;
    int16_t status_storage_replication_factor;
    char *connect_protocol; /* as written; see @c protocol */
    int32_t scheduled_rebalance_max_delay_ms;
    int32_t inter_worker_key_ttl_ms;
    char *inter_worker_key_generation_algorithm;
    char *inter_worker_signature_algorithm;
    kc_cfg_list_t inter_worker_verification_algorithms;
    char *exactly_once_source_support; /* as written, any case */
    /* not bound: derived by kc_distributed_conf_bind */
    kc_connect_protocol_t protocol;
    int32_t inter_worker_key_size; /* bits; -1: the algorithm's default */
    /* the worker's Kafka security keys (security.protocol, ssl.*, sasl.*)
     * for the group client: kc_group_member_conf_t.security */
    kc_props_t *security;
} kc_distributed_conf_t;

/**
 * @brief Validate a distributed worker config completely (the keys of
 * every worker as kc_worker_config_check does, the distributed keys, and
 * the checks across keys Apache makes: the signature algorithm among the
 * verification ones, the key size the key algorithm takes, and the
 * security settings the group client speaks: kc_group_security.h). @p reg
 * may be
 * NULL to skip the converter classes.
 * @returns KC_OK, or KC_ERR_INVALID with one issue per problem in @p result.
 */
kc_err_t kc_distributed_config_check(const struct kc_registry *reg,
                                     const kc_props_t *props,
                                     kc_config_result_t *result);

/**
 * @brief Fill @p conf from @p props (valid ones: a bad value is an error
 * naming the key). Free with kc_distributed_conf_release.
 */
kc_err_t kc_distributed_conf_bind(const kc_props_t *props,
                                  kc_distributed_conf_t *conf, kc_error_t *err);
void kc_distributed_conf_release(kc_distributed_conf_t *conf);

#endif /* KC_DISTRIBUTED_KC_DISTRIBUTED_CONFIG_H */
