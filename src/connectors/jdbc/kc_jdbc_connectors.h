/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Confluent's JDBC connectors (io.confluent.connect.jdbc.*): the source
 * today; the sink shares the dialects under dialects/.
 */
#ifndef KC_CONNECTORS_JDBC_KC_JDBC_CONNECTORS_H
#define KC_CONNECTORS_JDBC_KC_JDBC_CONNECTORS_H

#include <kconnect/plugin.h>

extern const struct kc_connector_plugin kc_jdbc_source_connector;
extern const struct kc_source_task_plugin kc_jdbc_source_task;

/* How the source task looks up its committed offsets. */
typedef kc_err_t (*kc_jdbc_offset_fn)(kc_source_task_ctx_t *tctx,
                                      const kc_value_t *partition,
                                      kc_arena_t *arena, kc_value_t *offset);
/**
 * @brief For unit tests, which run the task without a worker: replace the
 * lookup (NULL restores kc_source_offset_get). Not thread-safe.
 */
void kc_jdbc_source_set_offset_fn(kc_jdbc_offset_fn fn);

/** @brief Register the JDBC connectors (built-in plugin table entry). */
kc_err_t kc_jdbc_connectors_register(kc_registry_t *reg, kc_error_t *err);

#endif /* KC_CONNECTORS_JDBC_KC_JDBC_CONNECTORS_H */
