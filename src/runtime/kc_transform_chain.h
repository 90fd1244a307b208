/*
 * A connector's chain of single message transforms (transforms=a,b with
 * transforms.a.type=..., optional transforms.a.predicate / .negate naming
 * one of predicates=p with predicates.p.type=...), as Apache's
 * TransformationChain applies it.
 */
#ifndef KC_RUNTIME_KC_TRANSFORM_CHAIN_H
#define KC_RUNTIME_KC_TRANSFORM_CHAIN_H

#include <kconnect/plugin.h>

typedef struct kc_transform_chain kc_transform_chain_t;

/**
 * @brief Build and configure the chain of @p config (borrowed). An empty
 * `transforms` gives an empty chain. Errors name the alias and the key.
 */
kc_transform_chain_t *kc_transform_chain_new(const kc_registry_t *reg,
                                             const kc_props_t *config,
                                             kc_error_t *err);
/** @brief Destroy the transforms and predicates; NULL is a no-op. */
void kc_transform_chain_destroy(kc_transform_chain_t *chain);
/** @brief Number of transforms. */
size_t kc_transform_chain_len(const kc_transform_chain_t *chain);
/**
 * @brief Apply every transform in order to @p rec (new memory from
 * @p arena). *drop is set when a transform filtered the record out; the
 * rest of the chain is skipped then.
 */
kc_err_t kc_transform_chain_apply(kc_transform_chain_t *chain, kc_record_t *rec,
                                  kc_arena_t *arena, bool *drop,
                                  kc_error_t *err);

#endif /* KC_RUNTIME_KC_TRANSFORM_CHAIN_H */
