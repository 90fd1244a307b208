/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client override keys validate lists: each producer.override.*,
 * consumer.override.* and admin.override.* key of the clients a
 * connector gets, with the Kafka client's own definition of the key and
 * the override policy's verdict, as Apache's AbstractHerder does.
 */
#ifndef KC_HERDER_KC_CLIENT_OVERRIDES_H
#define KC_HERDER_KC_CLIENT_OVERRIDES_H

#include <kconnect/config.h>

#include <jansson.h>
#include <stdbool.h>

/**
 * @brief {error_count, groups, configs} for the override keys in @p props
 * of a sink (@p sink) or source connector under the worker's
 * connector.client.config.override.policy @p policy: the producer's keys,
 * then the consumer's, then the admin client's (for the clients
 * kc_worker_client_used gives it), each client's keys in java.util.HashMap
 * order. A key the client does not define has a null definition and its
 * value as given. Caller owns the result.
 */
json_t *kc_client_override_infos(const kc_props_t *props, bool sink,
                                 const char *policy);

#endif /* KC_HERDER_KC_CLIENT_OVERRIDES_H */
