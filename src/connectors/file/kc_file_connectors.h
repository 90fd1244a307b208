/* SPDX-License-Identifier: Apache-2.0 */
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

/** @brief Register both connectors (built-in plugin table entry). */
kc_err_t kc_file_connectors_register(kc_registry_t *reg, kc_error_t *err);

#endif /* KC_CONNECTORS_FILE_KC_FILE_CONNECTORS_H */
