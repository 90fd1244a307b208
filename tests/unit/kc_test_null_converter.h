/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A converter that reads and writes nulls ("test.TestConverter"), for unit
 * tests that need a worker but no real data, with the empty config table
 * their test connectors share. Included by one test file each.
 */
#ifndef KC_TESTS_TEST_NULL_CONVERTER_H
#define KC_TESTS_TEST_NULL_CONVERTER_H

#include "kc_internal.h"

#include "kconnect/plugin.h"

static kc_err_t tc_configure(void **ctx, const kc_props_t *config, bool is_key,
                             kc_error_t *err)
{
    *ctx = NULL;
    return KC_OK;
}

static kc_err_t tc_from(void *ctx, const char *topic, const char *header,
                        const kc_schema_t *schema, const kc_value_t *value,
                        kc_buf_t *out, bool *is_null, kc_error_t *err)
{
    *is_null = true;
    return KC_OK;
}

static kc_err_t tc_to(void *ctx, const char *topic, const char *header,
                      const uint8_t *data, size_t len, kc_arena_t *arena,
                      const kc_schema_t **schema, kc_value_t *value,
                      kc_error_t *err)
{
    *schema = NULL;
    kc_value_set_null(value);
    return KC_OK;
}

static void tc_destroy(void *ctx)
{
}

static const kc_config_def_t empty_def[] = {{.name = NULL}};

/* Unused where a test's worker comes from kc_test_worker.h, which registers
 * its own copy: such a test includes this header for empty_def only. */
static const struct kc_converter_plugin test_converter
    __attribute__((unused)) = {
        KC_PLUGIN_INIT(struct kc_converter_plugin),
        .name = "TestConverter",
        .class_name = "test.TestConverter",
        .version = "1",
        .config_def = empty_def,
        .configure = tc_configure,
        .from_connect = tc_from,
        .to_connect = tc_to,
        .destroy = tc_destroy,
};

#endif /* KC_TESTS_TEST_NULL_CONVERTER_H */
