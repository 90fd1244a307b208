/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Config tables as Markdown, for the generated docs/CONFIGURATION.md: the
 * same table that parses and validates a config documents it.
 */
#ifndef KC_CONFIG_KC_CONFIG_DOC_H
#define KC_CONFIG_KC_CONFIG_DOC_H

#include <kconnect/config.h>

/**
 * @brief Append a Markdown section for @p defs to @p out: a `## title`
 * heading (omitted when @p title is NULL) and one row per key with its
 * type, default, valid values, importance and documentation, in the
 * order of the table (as Apache's generated config docs, grouped by
 * importance: high first).
 */
kc_err_t kc_config_doc_markdown(const char *title, const kc_config_def_t *defs,
                                kc_buf_t *out);

/**
 * @brief Apache's text for a key's valid values: "[1,...,10]" for a
 * range, "[a, b]" for a list of values, "" when unrestricted. Appended to
 * @p out.
 */
void kc_config_doc_valid_values(const kc_config_def_t *def, kc_buf_t *out);

#endif /* KC_CONFIG_KC_CONFIG_DOC_H */
