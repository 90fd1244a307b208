/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A connector's chain of single message transforms, as Apache's
 * ConnectorConfig.transformationStages builds it and TransformationStage
 * applies it:
 *
 *   transforms=a,b
 *   transforms.a.type=org.apache.kafka.connect.transforms.InsertField$Value
 *   transforms.a.<key>=...            (the transform's own config)
 *   transforms.a.predicate=p          (optional)
 *   transforms.a.negate=true          (optional, needs predicate)
 *   predicates=p
 *   predicates.p.type=...TopicNameMatches
 *   predicates.p.pattern=...
 *
 * Source: poll -> kc_transform_chain_apply -> converters -> produce.
 * Sink: consume -> converters -> kc_transform_chain_apply -> put.
 * One chain per task; it is not thread-safe (transforms cache schemas).
 */
#ifndef KC_TRANSFORMS_KC_TRANSFORM_CHAIN_H
#define KC_TRANSFORMS_KC_TRANSFORM_CHAIN_H

#include <kconnect/plugin.h>

typedef struct kc_transform_chain kc_transform_chain_t;

/**
 * @brief Build and configure the chain of a connector's @p config
 * (borrowed; the whole connector config, prefixes included). An absent or
 * empty `transforms` gives an empty chain. Each stage gets its own
 * predicate instance, as Apache. On failure returns NULL and fills @p err
 * with a message naming the alias and the key, e.g.
 * `transform "route": invalid config "transforms.route.regex": ...`.
 */
kc_transform_chain_t *kc_transform_chain_new(const kc_registry_t *reg,
                                             const kc_props_t *config,
                                             kc_error_t *err);
/** @brief Destroy the transforms and predicates; NULL is a no-op. */
void kc_transform_chain_destroy(kc_transform_chain_t *chain);
/** @brief Number of transforms (0 for NULL). */
size_t kc_transform_chain_len(const kc_transform_chain_t *chain);

/**
 * @brief Apply every stage in order to @p rec, changing it in place with
 * new memory from @p arena (the batch arena: derived schemas are pinned to
 * it). A stage with a predicate runs only when `negate XOR test(rec)`.
 * *drop is set when a stage filtered the record out (Filter); the rest of
 * the chain is skipped then. On error @p err holds the plugin's own
 * message (Apache's exception text, which the dead letter queue headers
 * carry unchanged) and its origin (kc_error_origin) is the failing
 * transform's alias "a", from which the error handler names the class;
 * @p rec may be partly transformed then and must not be delivered as is.
 */
kc_err_t kc_transform_chain_apply(kc_transform_chain_t *chain, kc_record_t *rec,
                                  kc_arena_t *arena, bool *drop,
                                  kc_error_t *err);

/**
 * @brief Validation for REST `config/validate`: append to @p result one
 * issue per problem under the full key (`transforms`: duplicate alias;
 * `transforms.a.type`: missing or unknown class; `transforms.a.negate`
 * without predicate; `transforms.a.predicate` naming an unlisted
 * predicate; `transforms.a.<key>` / `predicates.p.<key>`: the plugin's own
 * config_def issues). Issue keys and messages are owned by @p result.
 */
void kc_transform_chain_validate(const kc_registry_t *reg,
                                 const kc_props_t *config,
                                 kc_config_result_t *result);

#endif /* KC_TRANSFORMS_KC_TRANSFORM_CHAIN_H */
