/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Config definitions: type parsing, the checks of each row and Apache
 * ConfigDef's messages, and the typed kc_config_t view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

static const char *const modes[] = {"a", "b", NULL};
static const char *const levels[] = {"info", "debug", NULL};

static kc_err_t even_validator(const kc_config_def_t *def, const char *value,
                               kc_error_t *err)
{
    (void)def;
    if (value != NULL && strlen(value) % 2 != 0) {
        return kc_error_set(err, KC_ERR_INVALID, "length must be even");
    }
    return KC_OK;
}

static const kc_config_def_t table[] = {
    {.name = "name",
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_REQUIRED,
     .doc = "the name"},
    {.name = "tasks.max",
     .type = KC_CFG_INT,
     .default_value = "1",
     .flags = KC_CFG_F_MIN | KC_CFG_F_MAX,
     .min = 1,
     .max = 10},
    {.name = "enabled", .type = KC_CFG_BOOLEAN, .default_value = "true"},
    {.name = "ratio",
     .type = KC_CFG_DOUBLE,
     .default_value = "0.5",
     .flags = KC_CFG_F_MIN | KC_CFG_F_MAX,
     .min = 0,
     .max = 1},
    {.name = "mode",
     .type = KC_CFG_STRING,
     .default_value = "a",
     .valid_values = modes},
    {.name = "level",
     .type = KC_CFG_STRING,
     .default_value = "info",
     .valid_values = levels,
     .flags = KC_CFG_F_NOCASE},
    {.name = "topics", .type = KC_CFG_LIST, .default_value = ""},
    {.name = "port", .type = KC_CFG_SHORT, .default_value = "80"},
    {.name = "big", .type = KC_CFG_LONG, .default_value = "-5"},
    {.name = "label",
     .type = KC_CFG_STRING,
     .default_value = "x",
     .flags = KC_CFG_F_NONEMPTY},
    {.name = "even", .type = KC_CFG_STRING, .validator = even_validator},
    {.name = "secret", .type = KC_CFG_PASSWORD},
    {.name = "cls", .type = KC_CFG_CLASS, .default_value = "Foo"},
    {.name = NULL},
};

static const kc_config_def_t *const tables[] = {table, NULL};

static kc_props_t *props_of(const char *const *kv)
{
    kc_props_t *props = kc_props_new();

    for (size_t i = 0; kv[i] != NULL; i += 2) {
        kc_props_set(props, kv[i], kv[i + 1]);
    }
    return props;
}

/* Validate {key, value} against the table; the message for @p key. */
static void assert_issue(const char *key, const char *value, const char *expect)
{
    const char *kv[] = {"name", "n", key, value, NULL};
    kc_props_t *props = props_of(kv);
    kc_config_result_t result = {0};
    kc_err_t rc = kc_config_validate(tables, props, &result);

    if (expect == NULL) {
        assert_int_equal(rc, KC_OK);
        assert_int_equal(result.count, 0);
    } else {
        assert_int_equal(rc, KC_ERR_INVALID);
        assert_int_equal(result.count, 1);
        assert_string_equal(result.issues[0].key, key);
        assert_string_equal(result.issues[0].message, expect);
    }
    kc_config_result_release(&result);
    kc_props_destroy(props);
}

static void test_config_type_names(void **state)
{
    (void)state;
    assert_string_equal(kc_cfg_type_name(KC_CFG_BOOLEAN), "BOOLEAN");
    assert_string_equal(kc_cfg_type_name(KC_CFG_SHORT), "SHORT");
    assert_string_equal(kc_cfg_type_name(KC_CFG_PASSWORD), "PASSWORD");
    assert_ptr_equal(kc_config_def_find(table, "port"), &table[7]);
    assert_null(kc_config_def_find(table, "nope"));
}

static void test_config_reports_every_bad_key(void **state)
{
    const char *kv[] = {
        "tasks.max", "abc",  "enabled",     "yes",      "mode",
        "c",         "port", "70000",       "big",      "9223372036854775808",
        "ratio",     "x",    "unknown.key", "whatever", NULL};
    kc_props_t *props = props_of(kv);
    kc_config_result_t result = {0};
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_config_validate(tables, props, &result),
                     KC_ERR_INVALID);
    /* 7 keys; tasks.max and ratio have a range, which then also sees the
     * null the unparsable value left (Apache's ConfigDef.validate). */
    assert_int_equal(result.count, 9);
    assert_string_equal(
        kc_config_result_first(&result, "name"),
        "Missing required configuration \"name\" which has no default value.");
    assert_string_equal(
        kc_config_result_first(&result, "tasks.max"),
        "Invalid value abc for configuration tasks.max: Not a number of type "
        "INT");
    assert_string_equal(kc_config_result_first(&result, "enabled"),
                        "Invalid value yes for configuration enabled: "
                        "Expected value to be either true or false");
    assert_string_equal(kc_config_result_first(&result, "mode"),
                        "Invalid value c for configuration mode: String must "
                        "be one of: a, b");
    assert_string_equal(kc_config_result_first(&result, "port"),
                        "Invalid value 70000 for configuration port: Not a "
                        "number of type SHORT");
    assert_string_equal(kc_config_result_first(&result, "big"),
                        "Invalid value 9223372036854775808 for configuration "
                        "big: Not a number of type LONG");
    assert_string_equal(kc_config_result_first(&result, "ratio"),
                        "Invalid value x for configuration ratio: Not a "
                        "number of type DOUBLE");
    for (size_t i = 0, n = 0; i < result.count; i++) {
        if (strcmp(result.issues[i].key, "tasks.max") == 0 && n++ == 1) {
            assert_string_equal(result.issues[i].message,
                                "Invalid value null for configuration "
                                "tasks.max: Value must be non-null");
        }
    }
    assert_null(kc_config_result_first(&result, "unknown.key"));
    assert_null(kc_config_result_first(&result, "level"));

    assert_int_equal(kc_config_result_to_error(&result, &err), KC_ERR_INVALID);
    assert_int_equal(err.code, KC_ERR_INVALID);
    assert_true(strncmp(err.msg,
                        "invalid config: \"name\": Missing required "
                        "configuration \"name\" which has no default value.; "
                        "\"tasks.max\": Invalid value abc",
                        110) == 0);
    kc_config_result_release(&result);
    assert_int_equal(result.count, 0);
    kc_config_result_release(NULL);
    kc_props_destroy(props);
}

static void test_config_ranges(void **state)
{
    (void)state;
    assert_issue("tasks.max", "0",
                 "Invalid value 0 for configuration tasks.max: Value must be "
                 "at least 1");
    assert_issue("tasks.max", "11",
                 "Invalid value 11 for configuration tasks.max: Value must be "
                 "no more than 10");
    assert_issue("tasks.max", " 10 ", NULL);
    assert_issue("tasks.max", "+7", NULL);
    assert_issue("ratio", "1.5",
                 "Invalid value 1.5 for configuration ratio: Value must be no "
                 "more than 1.0");
    assert_issue("ratio", "-2",
                 "Invalid value -2.0 for configuration ratio: Value must be "
                 "at least 0.0");
    assert_issue("ratio", "1e-1", NULL);
}

static void test_config_integer_limits(void **state)
{
    static const kc_config_def_t ints[] = {
        {.name = "i", .type = KC_CFG_INT, .default_value = "0"},
        {.name = "s", .type = KC_CFG_SHORT, .default_value = "0"},
        {.name = "l", .type = KC_CFG_LONG, .default_value = "0"},
        {.name = NULL},
    };
    static const kc_config_def_t *const defs[] = {ints, NULL};
    static const struct {
        const char *key;
        const char *value;
        bool ok;
    } cases[] = {
        {"i", "2147483647", true},
        {"i", "-2147483648", true},
        {"i", "2147483648", false},
        {"i", "-2147483649", false},
        {"i", "4 2", false},
        {"i", "", false},
        {"i", "1.0", false},
        {"i", "0x10", false},
        {"s", "32767", true},
        {"s", "-32768", true},
        {"s", "32768", false},
        {"l", "9223372036854775807", true},
        {"l", "-9223372036854775808", true},
        {"l", "-9223372036854775809", false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_props_t *props = kc_props_new();
        kc_config_result_t result = {0};
        kc_err_t rc;

        kc_props_set(props, cases[i].key, cases[i].value);
        rc = kc_config_validate(defs, props, &result);
        if (rc != (cases[i].ok ? KC_OK : KC_ERR_INVALID)) {
            fail_msg("%s=\"%s\" expected %s", cases[i].key, cases[i].value,
                     cases[i].ok ? "valid" : "invalid");
        }
        kc_config_result_release(&result);
        kc_props_destroy(props);
    }
}

static void test_config_booleans_and_strings(void **state)
{
    (void)state;
    assert_issue("enabled", "TRUE", NULL);
    assert_issue("enabled", " False ", NULL);
    assert_issue("enabled", "1",
                 "Invalid value 1 for configuration enabled: Expected value "
                 "to be either true or false");
    assert_issue("level", "DEBUG", NULL);
    assert_issue("level", "warn",
                 "Invalid value warn for configuration level: String must be "
                 "one of (case insensitive): INFO, DEBUG");
    assert_issue("mode", " b ", NULL);
    assert_issue("label", "",
                 "Invalid value  for configuration label: String must be "
                 "non-empty");
    assert_issue("even", "abc",
                 "Invalid value abc for configuration even: length must be "
                 "even");
    assert_issue("even", "ab", NULL);
}

static void test_config_typed_view(void **state)
{
    const char *kv[] = {"name",   " my-conn ", "tasks.max", "3",
                        "topics", " a , b,c ", "ratio",     "0.25",
                        "secret", "s3cr3t",    "extra",     "kept",
                        NULL};
    kc_props_t *props = props_of(kv);
    kc_error_t err;
    kc_config_t *config = kc_config_new(tables, props, &err);
    const char *const *list;
    size_t count = 99;

    (void)state;
    assert_non_null(config);
    kc_props_destroy(props); /* the config holds its own copy */
    assert_string_equal(kc_config_string(config, "name"), "my-conn");
    assert_int_equal(kc_config_int(config, "tasks.max"), 3);
    assert_true(kc_config_is_set(config, "tasks.max"));
    assert_false(kc_config_is_set(config, "enabled"));
    assert_true(kc_config_bool(config, "enabled"));
    assert_true(kc_config_double(config, "ratio") == 0.25);
    assert_int_equal(kc_config_int(config, "port"), 80);
    assert_int_equal(kc_config_long(config, "big"), -5);
    assert_string_equal(kc_config_string(config, "mode"), "a");
    assert_string_equal(kc_config_string(config, "secret"), "s3cr3t");
    assert_string_equal(kc_config_string(config, "cls"), "Foo");
    assert_null(kc_config_string(config, "even"));
    list = kc_config_list(config, "topics", &count);
    assert_int_equal(count, 3);
    assert_string_equal(list[0], "a");
    assert_string_equal(list[1], "b");
    assert_string_equal(list[2], "c");
    assert_string_equal(kc_props_get(kc_config_props(config), "extra"), "kept");
    kc_config_destroy(config);
    kc_config_destroy(NULL);
}

static void test_config_empty_list_default(void **state)
{
    const char *kv[] = {"name", "n", NULL};
    kc_props_t *props = props_of(kv);
    kc_error_t err;
    kc_config_t *config = kc_config_new(tables, props, &err);
    size_t count = 99;

    (void)state;
    assert_non_null(config);
    kc_config_list(config, "topics", &count);
    assert_int_equal(count, 0);
    kc_config_destroy(config);
    kc_props_destroy(props);
}

static void test_config_new_fails_with_every_key(void **state)
{
    const char *kv[] = {"tasks.max", "0", NULL};
    kc_props_t *props = props_of(kv);
    kc_error_t err;

    (void)state;
    assert_null(kc_config_new(tables, props, &err));
    assert_int_equal(err.code, KC_ERR_INVALID);
    assert_string_equal(
        err.msg, "invalid config: \"name\": Missing required configuration "
                 "\"name\" which has no default value.; \"tasks.max\": "
                 "Invalid value 0 for configuration tasks.max: Value must be "
                 "at least 1");
    kc_props_destroy(props);
}

static void test_config_shadowed_key_checked_once(void **state)
{
    /* a plugin's own row comes first and shadows the common one */
    static const kc_config_def_t own[] = {
        {.name = "tasks.max",
         .type = KC_CFG_INT,
         .default_value = "1",
         .flags = KC_CFG_F_MAX,
         .max = 1},
        {.name = NULL},
    };
    static const kc_config_def_t *const both[] = {own, table, NULL};
    const char *kv[] = {"name", "n", "tasks.max", "5", NULL};
    kc_props_t *props = props_of(kv);
    kc_config_result_t result = {0};

    (void)state;
    assert_int_equal(kc_config_validate(both, props, &result), KC_ERR_INVALID);
    assert_int_equal(result.count, 1);
    assert_string_equal(result.issues[0].message,
                        "Invalid value 5 for configuration tasks.max: Value "
                        "must be no more than 1");
    kc_config_result_release(&result);
    kc_props_destroy(props);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_type_names),
        cmocka_unit_test(test_config_reports_every_bad_key),
        cmocka_unit_test(test_config_ranges),
        cmocka_unit_test(test_config_integer_limits),
        cmocka_unit_test(test_config_booleans_and_strings),
        cmocka_unit_test(test_config_typed_view),
        cmocka_unit_test(test_config_empty_list_default),
        cmocka_unit_test(test_config_new_fails_with_every_key),
        cmocka_unit_test(test_config_shadowed_key_checked_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
