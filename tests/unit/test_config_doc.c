/* SPDX-License-Identifier: Apache-2.0 */
/* Config tables rendered as the Markdown of docs/CONFIGURATION.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "config/kc_config_doc.h"

static const char *const modes[] = {"none", "all", NULL};

static const kc_config_def_t table[] = {
    {.name = "tasks.max",
     .type = KC_CFG_INT,
     .default_value = "1",
     .importance = KC_IMPORTANCE_HIGH,
     .flags = KC_CFG_F_MIN,
     .min = 1,
     .doc = "Maximum number of tasks."},
    {.name = "errors.tolerance",
     .type = KC_CFG_STRING,
     .default_value = "none",
     .importance = KC_IMPORTANCE_MEDIUM,
     .valid_values = modes,
     .doc = "Behavior | on error."},
    {.name = "name",
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_REQUIRED,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Globally unique name."},
    {.name = "ratio",
     .type = KC_CFG_DOUBLE,
     .default_value = "0.5",
     .importance = KC_IMPORTANCE_LOW,
     .flags = KC_CFG_F_MIN | KC_CFG_F_MAX,
     .min = 0,
     .max = 1,
     .doc = "line one\nline two"},
    {.name = "topics",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Topics."},
    {.name = NULL},
};

static void test_config_doc_markdown(void **state)
{
    kc_buf_t out;

    (void)state;
    kc_buf_init(&out, 0);
    assert_int_equal(kc_config_doc_markdown("Connector", table, &out), KC_OK);
    assert_string_equal(
        kc_buf_cstr(&out),
        "## Connector\n\n"
        "| Name | Description | Type | Default | Valid Values | Importance "
        "|\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| `tasks.max` | Maximum number of tasks. | INT | 1 | [1,...] | high "
        "|\n"
        "| `name` | Globally unique name. | STRING |  |  | high |\n"
        "| `errors.tolerance` | Behavior \\| on error. | STRING | none | "
        "[none, all] | medium |\n"
        "| `ratio` | line one<br>line two | DOUBLE | 0.5 | [0.0,...,1.0] | "
        "low |\n"
        "| `topics` | Topics. | LIST | \"\" |  | low |\n"
        "\n");
    kc_buf_release(&out);
}

static void test_config_doc_valid_values(void **state)
{
    static const char *const levels[] = {"info", "debug", NULL};
    kc_config_def_t def = {.name = "x", .type = KC_CFG_INT};
    kc_buf_t out;

    (void)state;
    kc_buf_init(&out, 0);
    def.flags = KC_CFG_F_MAX;
    def.max = 10;
    kc_config_doc_valid_values(&def, &out);
    assert_string_equal(kc_buf_cstr(&out), "[...,10]");
    kc_buf_reset(&out);
    def.flags = KC_CFG_F_MIN | KC_CFG_F_MAX;
    def.min = -1;
    kc_config_doc_valid_values(&def, &out);
    assert_string_equal(kc_buf_cstr(&out), "[-1,...,10]");
    kc_buf_reset(&out);
    def.flags = KC_CFG_F_NOCASE;
    def.type = KC_CFG_STRING;
    def.valid_values = levels;
    kc_config_doc_valid_values(&def, &out);
    assert_string_equal(kc_buf_cstr(&out), "(case insensitive) [info, debug]");
    kc_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_doc_markdown),
        cmocka_unit_test(test_config_doc_valid_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
