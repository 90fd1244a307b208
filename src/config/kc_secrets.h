/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keeping config-provider values out of what the herder shows: a
 * connector's raw config may hold ${provider:path:key} references, which
 * are resolved only to run it. Task configs (made by the connector from
 * the resolved config), validation results and failure messages can carry
 * the resolved text; these helpers put the reference back, as Apache's
 * AbstractHerder.reverseTransform does for task configs, and also where
 * the value was copied into another key or a message.
 */
#ifndef KC_CONFIG_KC_SECRETS_H
#define KC_CONFIG_KC_SECRETS_H

#include <kconnect/common.h>
#include <kconnect/config.h>

#include <jansson.h>

typedef struct kc_secrets kc_secrets_t;

/**
 * @brief The referenced values of @p raw: each key whose value holds a
 * ${...:...} reference, with the text it resolves to through the
 * providers of @p worker (NULL: no providers). Never fails: a reference
 * that cannot be resolved is not a secret that can leak. Free with
 * kc_secrets_destroy.
 */
kc_secrets_t *kc_secrets_new(const kc_props_t *raw, const kc_props_t *worker);
/** @brief Free; NULL is a no-op. */
void kc_secrets_destroy(kc_secrets_t *s);
/** @brief True when @p raw had no resolvable reference. */
bool kc_secrets_empty(const kc_secrets_t *s);

/**
 * @brief A copy of @p text with every resolved value (of at least 4
 * bytes) replaced by the raw text it came from (longest match first, one
 * left-to-right pass, so a reference put back is never rewritten).
 * Resolving the result again gives @p text back. Caller frees.
 */
char *kc_secrets_scrub(const kc_secrets_t *s, const char *text);

/**
 * @brief In @p props (a task config): a key that held a reference in the
 * raw config gets the raw value back (Apache's reverseTransform); every
 * other value is scrubbed.
 */
void kc_secrets_unresolve(const kc_secrets_t *s, kc_props_t *props);

/**
 * @brief Scrub every string inside @p doc (object values and array
 * items, recursively) in place; object keys are left alone.
 */
void kc_secrets_scrub_json(const kc_secrets_t *s, json_t *doc);

/**
 * @brief A kc_log_filter_fn over a kc_secrets_t (@p opaque): the message
 * scrubbed, or NULL when nothing in it needed it.
 */
char *kc_secrets_log_filter(void *opaque, const char *msg);

#endif /* KC_CONFIG_KC_SECRETS_H */
