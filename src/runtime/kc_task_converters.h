/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The key, value and header converters of one task, chosen as Apache does:
 * a converter named in the connector config (with its "key.converter."
 * settings) wins over the worker's.
 */
#ifndef KC_RUNTIME_KC_TASK_CONVERTERS_H
#define KC_RUNTIME_KC_TASK_CONVERTERS_H

#include <kconnect/plugin.h>

typedef struct kc_task_converters {
    const struct kc_converter_plugin *key;
    const struct kc_converter_plugin *value;
    const struct kc_converter_plugin *header; /* NULL: raw string/bytes */
    void *key_ctx;
    void *value_ctx;
    void *header_ctx;
} kc_task_converters_t;

/**
 * @brief Configure the three converters from @p connector (borrowed) with
 * @p worker (borrowed) as fallback. On error nothing is left configured.
 */
kc_err_t kc_task_converters_init(kc_task_converters_t *conv,
                                 const kc_registry_t *reg,
                                 const kc_props_t *worker,
                                 const kc_props_t *connector, kc_error_t *err);
/** @brief Destroy the converter contexts; safe on a zeroed struct. */
void kc_task_converters_release(kc_task_converters_t *conv);

/**
 * @brief Serialise a header value: with the header converter, or when
 * there is none, strings and bytes as their raw bytes.
 */
kc_err_t kc_task_converters_header_out(kc_task_converters_t *conv,
                                       const char *topic,
                                       const kc_header_t *hdr, kc_buf_t *out,
                                       bool *is_null, kc_error_t *err);
/** @brief Deserialise a header value; without a converter, a STRING. */
kc_err_t kc_task_converters_header_in(kc_task_converters_t *conv,
                                      const char *topic, const char *key,
                                      const uint8_t *data, size_t len,
                                      kc_arena_t *arena,
                                      const kc_schema_t **schema,
                                      kc_value_t *value, kc_error_t *err);

#endif /* KC_RUNTIME_KC_TASK_CONVERTERS_H */
