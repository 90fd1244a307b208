/*
 * FileStreamSource and FileStreamSink: Apache Kafka's example file
 * connectors (org.apache.kafka.connect.file.*), with the same config keys,
 * source partitions/offsets and output text.
 */
#ifndef KC_CONNECTORS_FILE_KC_FILE_CONNECTORS_H
#define KC_CONNECTORS_FILE_KC_FILE_CONNECTORS_H

#include <kconnect/plugin.h>

/* The descriptors, for tests. */
extern const struct kc_connector_plugin kc_file_source_connector;
extern const struct kc_source_task_plugin kc_file_source_task;
extern const struct kc_connector_plugin kc_file_sink_connector;
extern const struct kc_sink_task_plugin kc_file_sink_task;

/* How the source task looks up its committed offset. */
typedef kc_err_t (*kc_file_offset_fn)(kc_source_task_ctx_t *tctx,
                                      const kc_value_t *partition,
                                      kc_arena_t *arena, kc_value_t *offset);
/**
 * @brief For unit tests, which run the task without a worker: replace the
 * lookup (NULL restores kc_source_offset_get). Not thread-safe; never
 * called by the runtime.
 */
void kc_file_source_set_offset_fn(kc_file_offset_fn fn);

/** @brief Register both connectors (built-in plugin table entry). */
kc_err_t kc_file_connectors_register(kc_registry_t *reg, kc_error_t *err);

#endif /* KC_CONNECTORS_FILE_KC_FILE_CONNECTORS_H */
