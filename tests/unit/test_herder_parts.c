/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The herder's building blocks without a worker: the status store and the
 * ConfigKeyInfo / ConfigInfos JSON of Apache's REST API.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "herder/kc_config_info.h"
#include "herder/kc_status_store.h"

/* ---- status store ---------------------------------------------------- */

static int to_buf(const char *data, size_t len, void *opaque)
{
    return kc_buf_append(opaque, data, len) == KC_OK ? 0 : -1;
}

/* Compact JSON text; caller frees. */
static char *dump(json_t *j)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    json_dump_callback(j, to_buf, &buf, JSON_COMPACT | JSON_ENCODE_ANY);
    return kc_buf_detach(&buf, NULL);
}

static void test_status_untracked_is_ignored(void **state)
{
    kc_status_store_t *st = kc_status_store_new();
    kc_error_t err;
    json_t *out = NULL;
    kc_state_t s;

    kc_status_store_put(st, "ghost", -1, KC_STATE_RUNNING, "w:1", NULL);
    assert_false(kc_status_store_get(st, "ghost", -1, &s));
    assert_int_equal(kc_status_store_connector_json(st, "ghost", &out, &err),
                     KC_ERR_NOT_FOUND);
    assert_null(out);
    assert_string_equal(err.msg, "No status found for connector ghost");
    kc_status_store_destroy(st);
}

static void test_status_json_shape_and_order(void **state)
{
    kc_status_store_t *st = kc_status_store_new();
    kc_error_t err;
    json_t *out = NULL;
    char *text;

    kc_status_store_track(st, "c", "sink", "1.0", "2.0");
    /* Tracked but never reported: no status yet, as Apache. */
    assert_int_equal(kc_status_store_connector_json(st, "c", &out, &err),
                     KC_ERR_NOT_FOUND);
    kc_status_store_put(st, "c", -1, KC_STATE_RUNNING, "h:8083", "ignored");
    kc_status_store_put(st, "c", 2, KC_STATE_FAILED, "h:8083", "boom\n\tat x");
    kc_status_store_put(st, "c", 0, KC_STATE_RUNNING, "h:8083", NULL);
    kc_status_store_put(st, "c", 1, KC_STATE_PAUSED, "h:8083", NULL);
    assert_int_equal(kc_status_store_connector_json(st, "c", &out, &err),
                     KC_OK);
    text = dump(out);
    /* Tasks sorted by id; trace only for FAILED; Apache's key order. */
    assert_string_equal(
        text,
        "{\"name\":\"c\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":"
        "\"h:8083\",\"version\":\"1.0\"},\"tasks\":[{\"id\":0,\"state\":"
        "\"RUNNING\",\"worker_id\":\"h:8083\",\"version\":\"2.0\"},{\"id\":1,"
        "\"state\":\"PAUSED\",\"worker_id\":\"h:8083\",\"version\":\"2.0\"},"
        "{\"id\":2,\"state\":\"FAILED\",\"worker_id\":\"h:8083\",\"version\":"
        "\"2.0\",\"trace\":\"boom\\n\\tat x\"}],\"type\":\"sink\"}");
    kc_free(text);
    json_decref(out);

    assert_int_equal(kc_status_store_task_json(st, "c", 2, &out, &err), KC_OK);
    assert_string_equal(json_string_value(json_object_get(out, "trace")),
                        "boom\n\tat x");
    json_decref(out);
    assert_int_equal(kc_status_store_task_json(st, "c", 7, &out, &err),
                     KC_ERR_NOT_FOUND);
    assert_string_equal(err.msg, "No status found for task c-7");
    kc_status_store_destroy(st);
}

static void test_status_destroyed_and_forget(void **state)
{
    kc_status_store_t *st = kc_status_store_new();
    kc_state_t s;

    kc_status_store_track(st, "c", "source", NULL, NULL);
    kc_status_store_put(st, "c", -1, KC_STATE_RUNNING, "w", NULL);
    kc_status_store_put(st, "c", 0, KC_STATE_RUNNING, "w", NULL);
    kc_status_store_put(st, "c", 1, KC_STATE_RUNNING, "w", NULL);
    kc_status_store_put(st, "c", 0, KC_STATE_DESTROYED, "w", NULL);
    assert_false(kc_status_store_get(st, "c", 0, &s));
    assert_true(kc_status_store_get(st, "c", 1, &s));
    kc_status_store_forget_tasks(st, "c", -1);
    assert_false(kc_status_store_get(st, "c", 1, &s));
    assert_true(kc_status_store_get(st, "c", -1, &s));
    assert_int_equal(s, KC_STATE_RUNNING);
    kc_status_store_forget(st, "c");
    assert_false(kc_status_store_get(st, "c", -1, &s));
    /* A late report after the delete does not bring it back. */
    kc_status_store_put(st, "c", -1, KC_STATE_UNASSIGNED, "w", NULL);
    assert_false(kc_status_store_get(st, "c", -1, &s));
    kc_status_store_destroy(st);
}

/* ---- config info ---------------------------------------------------- */

static const char *const modes[] = {"a", "b", NULL};

static const kc_config_def_t own_defs[] = {{.name = "secret",
                                            .type = KC_CFG_PASSWORD,
                                            .default_value = "s3cr3t",
                                            .importance = KC_IMPORTANCE_HIGH,
                                            .doc = "a password"},
                                           {.name = "topic",
                                            .type = KC_CFG_STRING,
                                            .importance = KC_IMPORTANCE_HIGH,
                                            .doc = "the topic",
                                            .flags = KC_CFG_F_REQUIRED},
                                           {.name = "name",
                                            .type = KC_CFG_STRING,
                                            .importance = KC_IMPORTANCE_LOW,
                                            .doc = "shadows the common one"},
                                           {.name = NULL}};

static const kc_config_def_t common_defs[] = {
    {.name = "name",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "connector name",
     .group = "Common",
     .display_name = "Connector name",
     .flags = KC_CFG_F_REQUIRED},
    {.name = "items",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "a list",
     .group = "Common"},
    {.name = "mode",
     .type = KC_CFG_STRING,
     .default_value = "a",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "a mode",
     .group = "Other",
     .valid_values = modes},
    {.name = NULL}};

static void test_key_infos(void **state)
{
    const kc_config_def_t *tables[] = {own_defs, common_defs, NULL};
    json_t *arr = kc_config_key_infos(tables);
    json_t *secret;
    json_t *items;
    char *text;

    /* First occurrence wins: the plugin's "name" shadows the common one. */
    assert_int_equal(json_array_size(arr), 5);
    secret = json_array_get(arr, 0);
    text = dump(secret);
    assert_string_equal(
        text, "{\"name\":\"secret\",\"type\":\"PASSWORD\",\"required\":false,"
              "\"default_value\":\"[hidden]\",\"importance\":\"HIGH\","
              "\"documentation\":\"a password\",\"group\":null,\"width\":"
              "\"NONE\",\"display_name\":\"secret\",\"dependents\":[],"
              "\"order\":-1}");
    kc_free(text);
    assert_true(
        json_is_true(json_object_get(json_array_get(arr, 1), "required")));
    assert_true(
        json_is_null(json_object_get(json_array_get(arr, 1), "default_value")));
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(arr, 2), "documentation")),
                        "shadows the common one");
    items = json_array_get(arr, 3);
    assert_string_equal(json_string_value(json_object_get(items, "name")),
                        "items");
    /* "name" of Common was shadowed, so items is first in its group. */
    assert_int_equal(json_integer_value(json_object_get(items, "order")), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(arr, 4), "order")),
        1);
    json_decref(arr);
}

static json_t *find_config(json_t *infos, const char *name)
{
    json_t *configs = json_object_get(infos, "configs");

    for (size_t i = 0; i < json_array_size(configs); i++) {
        json_t *v = json_object_get(json_array_get(configs, i), "value");

        if (v != NULL &&
            strcmp(json_string_value(json_object_get(v, "name")), name) == 0) {
            return json_array_get(configs, i);
        }
    }
    return NULL;
}

static void test_config_infos(void **state)
{
    const kc_config_def_t *tables[] = {own_defs, common_defs, NULL};
    kc_props_t *props = kc_props_new();
    kc_config_result_t result = {NULL, 0};
    json_t *infos;
    json_t *c;
    char *text;

    kc_props_set(props, "secret", "hunter2");
    kc_props_set(props, "items", " x , y,,z ");
    kc_props_set(props, "extra", "1");
    kc_config_info_add_issue(&result, "topic", "Missing topic");
    kc_config_info_add_issue(&result, "extra", "not allowed");
    kc_config_info_add_issue(&result, "extra", "really not");
    infos = kc_config_infos("test.Connector", tables, props, &result);

    assert_string_equal(json_string_value(json_object_get(infos, "name")),
                        "test.Connector");
    assert_int_equal(json_integer_value(json_object_get(infos, "error_count")),
                     3);
    text = dump(json_object_get(infos, "groups"));
    assert_string_equal(text, "[\"Common\",\"Other\"]");
    kc_free(text);

    /* Issues about undefined keys come first, with a null definition. */
    c = json_array_get(json_object_get(infos, "configs"), 0);
    assert_true(json_is_null(json_object_get(c, "definition")));
    text = dump(json_object_get(c, "value"));
    assert_string_equal(text, "{\"name\":\"extra\",\"value\":\"1\","
                              "\"recommended_values\":[],\"errors\":[\"not "
                              "allowed\",\"really not\"],\"visible\":true}");
    kc_free(text);

    /* Passwords are hidden in the value too. */
    c = find_config(infos, "secret");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(c, "value"), "value")),
                        "[hidden]");
    /* Lists come back normalised, as Apache prints a parsed list. */
    c = find_config(infos, "items");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(c, "value"), "value")),
                        "x,y,z");
    /* Unset keys show their default, required ones null. */
    c = find_config(infos, "mode");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(c, "value"), "value")),
                        "a");
    c = find_config(infos, "topic");
    assert_true(
        json_is_null(json_object_get(json_object_get(c, "value"), "value")));
    text = dump(json_object_get(json_object_get(c, "value"), "errors"));
    assert_string_equal(text, "[\"Missing topic\"]");
    kc_free(text);
    /* Every defined key is listed once: 5 keys plus the extra entry. */
    assert_int_equal(json_array_size(json_object_get(infos, "configs")), 6);

    json_decref(infos);
    kc_config_result_release(&result);
    kc_props_destroy(props);
}

/* A running task may carry a trace (a problem it keeps retrying, such as
 * an offsets file it cannot write); the next report without one clears
 * it. */
static void test_status_running_task_keeps_its_trace(void **state)
{
    kc_status_store_t *st = kc_status_store_new();
    kc_error_t err;
    json_t *out = NULL;

    kc_status_store_track(st, "c", "source", "1.0", "1.0");
    kc_status_store_put(st, "c", 0, KC_STATE_RUNNING, "h:8083",
                        "could not write offsets file");
    assert_int_equal(kc_status_store_task_json(st, "c", 0, &out, &err), KC_OK);
    assert_string_equal(json_string_value(json_object_get(out, "trace")),
                        "could not write offsets file");
    json_decref(out);
    kc_status_store_put(st, "c", 0, KC_STATE_RUNNING, "h:8083", NULL);
    assert_int_equal(kc_status_store_task_json(st, "c", 0, &out, &err), KC_OK);
    assert_null(json_object_get(out, "trace"));
    json_decref(out);
    kc_status_store_destroy(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_untracked_is_ignored),
        cmocka_unit_test(test_status_json_shape_and_order),
        cmocka_unit_test(test_status_running_task_keeps_its_trace),
        cmocka_unit_test(test_status_destroyed_and_forget),
        cmocka_unit_test(test_key_infos),
        cmocka_unit_test(test_config_infos),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
