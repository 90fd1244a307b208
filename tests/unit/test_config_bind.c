/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_config_bind: table rows with an offsetof target fill a typed struct;
 * defaults apply, bad values are refused with the validation messages,
 * and the secret flag hides a value wherever "[hidden]" is shown.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "config/kc_config_doc.h"
#include "herder/kc_config_info.h"
#include "runtime/kc_worker_config.h"

typedef struct bound {
    int32_t tasks;
    int16_t replicas;
    int64_t timeout_ms;
    double ratio;
    bool enabled;
    char *topic;
    kc_cfg_list_t hosts;
    char *password;
    char *token;
    char *converter;
    int32_t unbound_marker; /* no row writes it */
} bound_t;

static const char *const modes[] = {"none", "all", NULL};

static const kc_config_def_t rows[] = {
    {.name = "tasks.max",
     .type = KC_CFG_INT,
     .default_value = "1",
     .flags = KC_CFG_F_MIN,
     .min = 1,
     KC_CFG_BIND(bound_t, tasks)},
    {.name = "replicas",
     .type = KC_CFG_SHORT,
     .default_value = "3",
     KC_CFG_BIND(bound_t, replicas)},
    {.name = "timeout.ms",
     .type = KC_CFG_LONG,
     .default_value = "60000",
     KC_CFG_BIND(bound_t, timeout_ms)},
    {.name = "ratio",
     .type = KC_CFG_DOUBLE,
     .default_value = "0.5",
     KC_CFG_BIND(bound_t, ratio)},
    {.name = "enabled",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     KC_CFG_BIND(bound_t, enabled)},
    {.name = "topic",
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_REQUIRED,
     KC_CFG_BIND(bound_t, topic)},
    {.name = "hosts", .type = KC_CFG_LIST, KC_CFG_BIND(bound_t, hosts)},
    {.name = "password",
     .type = KC_CFG_PASSWORD,
     .default_value = "changeme",
     KC_CFG_BIND(bound_t, password)},
    {.name = "token",
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_SECRET,
     .valid_values = modes,
     KC_CFG_BIND(bound_t, token)},
    {.name = "converter",
     .type = KC_CFG_CLASS,
     .default_value = "org.example.Json",
     KC_CFG_BIND(bound_t, converter)},
    /* no target: bind does not read it, so it need not be set */
    {.name = "unbound.required",
     .type = KC_CFG_INT,
     .flags = KC_CFG_F_REQUIRED},
    {.name = NULL}};

static const kc_config_def_t *const tables[] = {rows, NULL};

static kc_props_t *props_of(const char *const *kv)
{
    kc_props_t *p = kc_props_new();

    for (size_t i = 0; kv[i] != NULL; i += 2) {
        kc_props_set(p, kv[i], kv[i + 1]);
    }
    return p;
}

static void test_config_bind_fills_every_type(void **state)
{
    const char *kv[] = {"tasks.max",  "4",          "replicas",  "2",
                        "timeout.ms", "9000000000", "ratio",     "1.25",
                        "enabled",    "TRUE",       "topic",     " t1 ",
                        "hosts",      " a:1 ,b:2 ", "password",  "pw",
                        "token",      "all",        "converter", "org.x.Avro",
                        NULL};
    kc_props_t *props = props_of(kv);
    bound_t b;
    kc_error_t err;

    (void)state;
    memset(&b, 0, sizeof(b));
    b.unbound_marker = 42;
    assert_int_equal(kc_config_bind(tables, props, &b, &err), KC_OK);
    assert_int_equal(b.tasks, 4);
    assert_int_equal(b.replicas, 2);
    assert_true(b.timeout_ms == INT64_C(9000000000));
    assert_true(b.ratio == 1.25);
    assert_true(b.enabled);
    assert_string_equal(b.topic, "t1");
    assert_int_equal(b.hosts.count, 2);
    assert_string_equal(b.hosts.items[0], "a:1");
    assert_string_equal(b.hosts.items[1], "b:2");
    assert_string_equal(b.password, "pw");
    assert_string_equal(b.token, "all");
    assert_string_equal(b.converter, "org.x.Avro");
    assert_int_equal(b.unbound_marker, 42);
    kc_config_bind_release(tables, &b);
    assert_null(b.topic);
    assert_null(b.hosts.items);
    kc_props_destroy(props);
}

static void test_config_bind_applies_defaults(void **state)
{
    const char *kv[] = {"topic", "t", NULL};
    kc_props_t *props = props_of(kv);
    bound_t b;
    kc_error_t err;

    (void)state;
    memset(&b, 0xff, sizeof(b));
    assert_int_equal(kc_config_bind(tables, props, &b, &err), KC_OK);
    assert_int_equal(b.tasks, 1);
    assert_int_equal(b.replicas, 3);
    assert_true(b.timeout_ms == 60000);
    assert_true(b.ratio == 0.5);
    assert_false(b.enabled);
    assert_string_equal(b.topic, "t");
    /* no default and unset: an empty list and a NULL string */
    assert_int_equal(b.hosts.count, 0);
    assert_null(b.hosts.items);
    assert_null(b.token);
    assert_string_equal(b.password, "changeme");
    assert_string_equal(b.converter, "org.example.Json");
    kc_config_bind_release(tables, &b);
    kc_props_destroy(props);
}

/* The messages are the validation's own (kc_config_new's), every key. */
static void test_config_bind_refuses_bad_values(void **state)
{
    const char *kv[] = {"tasks.max", "0",      "replicas",         "40000",
                        "ratio",     "x",      "enabled",          "yes",
                        "token",     "s3cr3t", "unbound.required", "5",
                        NULL};
    kc_props_t *props = props_of(kv);
    bound_t b;
    kc_error_t err;
    kc_error_t new_err;
    kc_config_t *config;

    (void)state;
    memset(&b, 0, sizeof(b));
    b.tasks = -5;
    assert_int_equal(kc_config_bind(tables, props, &b, &err), KC_ERR_INVALID);
    /* nothing written to a refused struct, so nothing to release */
    assert_int_equal(b.tasks, -5);
    assert_null(b.topic);
    assert_non_null(strstr(err.msg, "\"tasks.max\": Invalid value 0 for "
                                    "configuration tasks.max: Value must be "
                                    "at least 1"));
    assert_non_null(strstr(err.msg, "Invalid value 40000 for configuration "
                                    "replicas: Not a number of type SHORT"));
    assert_non_null(strstr(err.msg, "Invalid value x for configuration ratio: "
                                    "Not a number of type DOUBLE"));
    assert_non_null(strstr(err.msg, "Invalid value yes for configuration "
                                    "enabled: Expected value to be either "
                                    "true or false"));
    assert_non_null(strstr(err.msg, "Missing required configuration "
                                    "\"topic\" which has no default value."));
    /* a secret is never echoed back, not even in a refusal */
    assert_null(strstr(err.msg, "s3cr3t"));
    assert_non_null(strstr(err.msg, "Invalid value [hidden] for "
                                    "configuration token"));
    config = kc_config_new(tables, props, &new_err);
    assert_null(config);
    assert_string_equal(err.msg, new_err.msg);
    kc_props_destroy(props);
}

typedef struct wrong {
    int64_t tasks; /* an INT row needs an int32_t */
} wrong_t;

static void test_config_bind_refuses_wrong_field_size(void **state)
{
    static const kc_config_def_t bad[] = {{.name = "tasks.max",
                                           .type = KC_CFG_INT,
                                           .default_value = "1",
                                           KC_CFG_BIND(wrong_t, tasks)},
                                          {.name = NULL}};
    static const kc_config_def_t *const defs[] = {bad, NULL};
    kc_props_t *props = kc_props_new();
    wrong_t w = {.tasks = 99};
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_config_bind(defs, props, &w, &err), KC_ERR_INVALID);
    assert_string_equal(err.msg, "could not bind config \"tasks.max\": its "
                                 "field has 8 bytes, a INT needs 4");
    assert_true(w.tasks == 99);
    kc_props_destroy(props);
}

/* The secret flag, not only the PASSWORD type, drives "[hidden]". */
static void test_config_secret_flag_hides_value(void **state)
{
    static const kc_config_def_t secret_rows[] = {
        {.name = "api.token",
         .type = KC_CFG_STRING,
         .default_value = "dflt-token",
         .importance = KC_IMPORTANCE_HIGH,
         .doc = "A token.",
         .flags = KC_CFG_F_SECRET},
        {.name = "plain",
         .type = KC_CFG_STRING,
         .default_value = "shown",
         .importance = KC_IMPORTANCE_HIGH,
         .doc = "Not secret."},
        {.name = NULL}};
    static const kc_config_def_t *const defs[] = {secret_rows, NULL};
    kc_props_t *props = kc_props_new();
    kc_config_result_t result = {0};
    json_t *keys;
    json_t *infos;
    kc_buf_t doc;
    char *text;

    (void)state;
    assert_true(kc_config_def_is_secret(&secret_rows[0]));
    assert_false(kc_config_def_is_secret(&secret_rows[1]));
    assert_true(kc_config_def_is_secret(&rows[7])); /* PASSWORD */
    kc_props_set(props, "api.token", "tok-123");
    keys = kc_config_key_infos(defs);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(keys, 0), "default_value")),
                        "[hidden]");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(keys, 1), "default_value")),
                        "shown");
    assert_int_equal(kc_config_validate(defs, props, &result), KC_OK);
    infos = kc_config_infos("C", defs, props, &result);
    text = json_dumps(infos, JSON_COMPACT);
    assert_null(strstr(text, "tok-123"));
    assert_non_null(strstr(text, "\"value\":\"[hidden]\""));
    free(text); /* allocated by jansson */
    kc_buf_init(&doc, 0);
    assert_int_equal(kc_config_doc_markdown(NULL, secret_rows, &doc), KC_OK);
    assert_null(strstr(kc_buf_cstr(&doc), "dflt-token"));
    assert_non_null(strstr(kc_buf_cstr(&doc), "| STRING | [hidden] |"));
    kc_buf_release(&doc);
    json_decref(infos);
    json_decref(keys);
    kc_config_result_release(&result);
    kc_props_destroy(props);
}

/* The runtime's connector keys come from the common and sink table rows. */
static void test_connector_conf_binds_common_keys(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_connector_conf_t conf;
    kc_error_t err;

    (void)state;
    /* no name or connector.class: only the bound keys are read */
    assert_int_equal(kc_connector_conf_bind(props, &conf, &err), KC_OK);
    assert_int_equal(conf.tasks_max, 1);
    assert_true(conf.tasks_max_enforce);
    assert_true(conf.errors_retry_timeout == 0);
    assert_true(conf.errors_retry_delay_max_ms == 60000);
    assert_string_equal(conf.errors_tolerance, "none");
    assert_false(conf.errors_log_enable);
    assert_string_equal(conf.errors_dlq_topic, "");
    assert_int_equal(conf.errors_dlq_replication_factor, 3);
    kc_connector_conf_release(&conf);
    kc_props_set(props, "tasks.max", "3");
    kc_props_set(props, "tasks.max.enforce", "false");
    kc_props_set(props, "errors.tolerance", "all");
    kc_props_set(props, "errors.retry.timeout", "-1");
    kc_props_set(props, "errors.deadletterqueue.topic.name", " dlq ");
    assert_int_equal(kc_connector_conf_bind(props, &conf, &err), KC_OK);
    assert_int_equal(conf.tasks_max, 3);
    assert_false(conf.tasks_max_enforce);
    assert_string_equal(conf.errors_tolerance, "all");
    assert_true(conf.errors_retry_timeout == -1);
    assert_string_equal(conf.errors_dlq_topic, "dlq");
    kc_connector_conf_release(&conf);
    /* Apache's validator is case-sensitive (ValidString "none", "all"). */
    kc_props_set(props, "errors.tolerance", "ALL");
    assert_int_equal(kc_connector_conf_bind(props, &conf, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "Invalid value ALL for configuration "
                                    "errors.tolerance: String must be one "
                                    "of: none, all"));
    kc_props_set(props, "errors.tolerance", "all");
    kc_props_set(props, "tasks.max", "0");
    assert_int_equal(kc_connector_conf_bind(props, &conf, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "Invalid value 0 for configuration "
                                    "tasks.max: Value must be at least 1"));
    kc_props_destroy(props);
}

/* The worker keys the runtime reads come from the worker table rows. */
static void test_worker_conf_binds_worker_keys(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_worker_conf_t conf;
    kc_error_t err;

    (void)state;
    kc_props_set(props, "offset.storage.file.filename", "/tmp/o");
    assert_int_equal(kc_worker_conf_bind(props, &conf, &err), KC_OK);
    assert_string_equal(conf.offset_storage_file_filename, "/tmp/o");
    assert_true(conf.task_shutdown_graceful_timeout_ms == 5000);
    assert_true(conf.offset_flush_interval_ms == 60000);
    assert_true(conf.offset_flush_timeout_ms == 5000);
    assert_true(conf.topic_creation_enable);
    assert_true(conf.topic_tracking_enable);
    assert_string_equal(conf.connector_client_config_override_policy, "All");
    kc_worker_conf_release(&conf);
    kc_props_set(props, "offset.flush.interval.ms", "soon");
    assert_int_equal(kc_worker_conf_bind(props, &conf, &err), KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "Invalid value soon for configuration "
                                    "offset.flush.interval.ms: Not a number "
                                    "of type LONG"));
    kc_props_destroy(props);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_bind_fills_every_type),
        cmocka_unit_test(test_config_bind_applies_defaults),
        cmocka_unit_test(test_config_bind_refuses_bad_values),
        cmocka_unit_test(test_config_bind_refuses_wrong_field_size),
        cmocka_unit_test(test_config_secret_flag_hides_value),
        cmocka_unit_test(test_connector_conf_binds_common_keys),
        cmocka_unit_test(test_worker_conf_binds_worker_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
