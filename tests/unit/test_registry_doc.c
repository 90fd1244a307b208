/* SPDX-License-Identifier: Apache-2.0 */
/* The plugin part of docs/CONFIGURATION.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "plugins/kc_registry_doc.h"

static kc_err_t configure(void **ctx, const kc_props_t *config, kc_error_t *err)
{
    (void)ctx, (void)config, (void)err;
    return KC_OK;
}

static kc_err_t apply(void *ctx, kc_record_t *rec, kc_arena_t *arena,
                      bool *drop, kc_error_t *err)
{
    (void)ctx, (void)rec, (void)arena, (void)err;
    *drop = false;
    return KC_OK;
}

static kc_err_t test_fn(void *ctx, const kc_record_t *rec, bool *result,
                        kc_error_t *err)
{
    (void)ctx, (void)rec, (void)err;
    *result = true;
    return KC_OK;
}

static void destroy(void *ctx)
{
    (void)ctx;
}

static const kc_config_def_t field_def[] = {
    {.name = "field",
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_REQUIRED,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Field name."},
    {.name = NULL},
};

static const char *const aliases[] = {"Extract", NULL};

static const struct kc_transform_plugin extract = {
    KC_PLUGIN_INIT(struct kc_transform_plugin),
    .name = "ExtractField$Value",
    .class_name = "org.apache.kafka.connect.transforms.ExtractField$Value",
    .aliases = aliases,
    .version = "4.0.0",
    .config_def = field_def,
    .configure = configure,
    .apply = apply,
    .destroy = destroy,
};

static const struct kc_predicate_plugin tombstone = {
    KC_PLUGIN_INIT(struct kc_predicate_plugin),
    .name = "RecordIsTombstone",
    .configure = configure,
    .test = test_fn,
    .destroy = destroy,
};

static void test_registry_doc_markdown(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;
    kc_buf_t out;

    (void)state;
    assert_int_equal(kc_registry_add(reg, KC_PLUGIN_TRANSFORM, &extract, &err),
                     KC_OK);
    assert_int_equal(
        kc_registry_add(reg, KC_PLUGIN_PREDICATE, &tombstone, &err), KC_OK);
    kc_buf_init(&out, 0);
    assert_int_equal(kc_registry_doc_markdown(reg, &out), KC_OK);
    assert_string_equal(
        kc_buf_cstr(&out),
        "## Transformations\n\n"
        "### ExtractField$Value\n\n"
        "Class: `org.apache.kafka.connect.transforms.ExtractField$Value`; "
        "aliases: `Extract`; version 4.0.0\n\n"
        "| Name | Description | Type | Default | Valid Values | Importance "
        "|\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| `field` | Field name. | STRING |  |  | medium |\n\n"
        "## Predicates\n\n"
        "### RecordIsTombstone\n\n"
        "No configuration of its own.\n\n");
    kc_buf_release(&out);
    kc_registry_destroy(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_doc_markdown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
