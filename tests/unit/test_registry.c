/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin registry: the checks of kc_registry_add, Apache-style name
 * lookup, and loading shared objects from plugin.path (the plugins are
 * built from tests/plugins/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "plugins/kc_registry.h"

#ifndef KC_TEST_PLUGIN_DIR
#define KC_TEST_PLUGIN_DIR KC_BINARY_DIR "/tests/plugins"
#endif

/* ---- stub callbacks --------------------------------------------------- */

static kc_err_t conn_start(void **ctx, const kc_props_t *config,
                           kc_connector_ctx_t *cctx, kc_error_t *err)
{
    (void)ctx, (void)config, (void)cctx, (void)err;
    return KC_OK;
}

static kc_err_t conn_task_configs(void *ctx, int max_tasks,
                                  kc_props_t ***configs, size_t *count,
                                  kc_error_t *err)
{
    (void)ctx, (void)max_tasks, (void)configs, (void)err;
    *count = 0;
    return KC_OK;
}

static void stop(void *ctx)
{
    (void)ctx;
}

static kc_err_t src_start(void **ctx, const kc_props_t *config,
                          kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    (void)ctx, (void)config, (void)tctx, (void)err;
    return KC_OK;
}

static kc_err_t src_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    (void)ctx, (void)batch, (void)err;
    return KC_OK;
}

static kc_err_t sink_start(void **ctx, const kc_props_t *config,
                           kc_sink_task_ctx_t *tctx, kc_error_t *err)
{
    (void)ctx, (void)config, (void)tctx, (void)err;
    return KC_OK;
}

static kc_err_t sink_put(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    (void)ctx, (void)batch, (void)err;
    return KC_OK;
}

static kc_err_t configure(void **ctx, const kc_props_t *config, kc_error_t *err)
{
    (void)ctx, (void)config, (void)err;
    return KC_OK;
}

static kc_err_t conv_configure(void **ctx, const kc_props_t *config,
                               bool is_key, kc_error_t *err)
{
    (void)ctx, (void)config, (void)is_key, (void)err;
    return KC_OK;
}

static kc_err_t conv_from(void *ctx, const char *topic, const char *header,
                          const kc_schema_t *schema, const kc_value_t *value,
                          kc_buf_t *out, bool *is_null, kc_error_t *err)
{
    (void)ctx, (void)topic, (void)header, (void)schema, (void)value;
    (void)out, (void)err;
    *is_null = true;
    return KC_OK;
}

static kc_err_t conv_to(void *ctx, const char *topic, const char *header,
                        const uint8_t *data, size_t len, kc_arena_t *arena,
                        const kc_schema_t **schema, kc_value_t *value,
                        kc_error_t *err)
{
    (void)ctx, (void)topic, (void)header, (void)data, (void)len;
    (void)arena, (void)schema, (void)value, (void)err;
    return KC_OK;
}

static kc_err_t tf_apply(void *ctx, kc_record_t *rec, kc_arena_t *arena,
                         bool *drop, kc_error_t *err)
{
    (void)ctx, (void)rec, (void)arena, (void)err;
    *drop = false;
    return KC_OK;
}

/* ---- descriptors ------------------------------------------------------ */

static const struct kc_source_task_plugin file_src_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "FileStreamSourceTask",
    .start = src_start,
    .poll = src_poll,
    .stop = stop,
};

static const struct kc_connector_plugin file_src = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "FileStreamSource",
    .class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
    .source_task = &file_src_task,
    .start = conn_start,
    .task_configs = conn_task_configs,
    .stop = stop,
};

static const struct kc_sink_task_plugin file_sink_task = {
    KC_PLUGIN_INIT(struct kc_sink_task_plugin),
    .name = "FileStreamSinkTask",
    .start = sink_start,
    .put = sink_put,
    .stop = stop,
};

static const char *const sink_aliases[] = {"FileSink", NULL};

static const struct kc_connector_plugin file_sink = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "FileStreamSink",
    .class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
    .aliases = sink_aliases,
    .sink_task = &file_sink_task,
    .start = conn_start,
    .task_configs = conn_task_configs,
    .stop = stop,
};

static const struct kc_converter_plugin string_conv = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "StringConverter",
    .class_name = "org.apache.kafka.connect.storage.StringConverter",
    .configure = conv_configure,
    .from_connect = conv_from,
    .to_connect = conv_to,
    .destroy = stop,
};

static const struct kc_transform_plugin cast_value = {
    KC_PLUGIN_INIT(struct kc_transform_plugin),
    .name = "Cast$Value",
    .class_name = "org.apache.kafka.connect.transforms.Cast$Value",
    .configure = configure,
    .apply = tf_apply,
    .destroy = stop,
};

static const struct kc_transform_plugin replace_value = {
    KC_PLUGIN_INIT(struct kc_transform_plugin),
    .name = "ReplaceField$Value",
    .class_name = "org.apache.kafka.connect.transforms.ReplaceField$Value",
    .configure = configure,
    .apply = tf_apply,
    .destroy = stop,
};

static const struct kc_transform_plugin value_to_key = {
    KC_PLUGIN_INIT(struct kc_transform_plugin),
    .name = "ValueToKey",
    .class_name = "org.apache.kafka.connect.transforms.ValueToKey",
    .configure = configure,
    .apply = tf_apply,
    .destroy = stop,
};

static kc_registry_t *registry_with_examples(void)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;

    assert_int_equal(kc_registry_add(reg, KC_PLUGIN_SOURCE, &file_src, &err),
                     KC_OK);
    assert_int_equal(kc_registry_add(reg, KC_PLUGIN_SINK, &file_sink, &err),
                     KC_OK);
    assert_int_equal(
        kc_registry_add(reg, KC_PLUGIN_CONVERTER, &string_conv, &err), KC_OK);
    /* one class may be both a converter and a header converter */
    assert_int_equal(
        kc_registry_add(reg, KC_PLUGIN_HEADER_CONVERTER, &string_conv, &err),
        KC_OK);
    assert_int_equal(
        kc_registry_add(reg, KC_PLUGIN_TRANSFORM, &cast_value, &err), KC_OK);
    assert_int_equal(
        kc_registry_add(reg, KC_PLUGIN_TRANSFORM, &replace_value, &err), KC_OK);
    assert_int_equal(
        kc_registry_add(reg, KC_PLUGIN_TRANSFORM, &value_to_key, &err), KC_OK);
    return reg;
}

static void test_registry_kind_names(void **state)
{
    (void)state;
    assert_string_equal(kc_plugin_kind_name(KC_PLUGIN_SOURCE), "source");
    assert_string_equal(kc_plugin_kind_name(KC_PLUGIN_SINK), "sink");
    assert_string_equal(kc_plugin_kind_name(KC_PLUGIN_CONVERTER), "converter");
    assert_string_equal(kc_plugin_kind_name(KC_PLUGIN_HEADER_CONVERTER),
                        "header_converter");
    assert_string_equal(kc_plugin_kind_name(KC_PLUGIN_TRANSFORM),
                        "transformation");
    assert_string_equal(kc_plugin_kind_name(KC_PLUGIN_PREDICATE), "predicate");
}

static void test_registry_lookup(void **state)
{
    kc_registry_t *reg = registry_with_examples();
    kc_plugin_kind_t kind = KC_PLUGIN_KIND_COUNT;

    (void)state;
    /* short name, class name, alias, simple and pruned class names */
    assert_ptr_equal(
        kc_registry_find(reg, KC_PLUGIN_SOURCE, "FileStreamSource"), &file_src);
    assert_ptr_equal(
        kc_registry_find(
            reg, KC_PLUGIN_SOURCE,
            "org.apache.kafka.connect.file.FileStreamSourceConnector"),
        &file_src);
    assert_ptr_equal(
        kc_registry_find(reg, KC_PLUGIN_SOURCE, "FileStreamSourceConnector"),
        &file_src);
    assert_ptr_equal(kc_registry_find(reg, KC_PLUGIN_SINK, "FileSink"),
                     &file_sink);
    assert_ptr_equal(kc_registry_find(reg, KC_PLUGIN_CONVERTER, "String"),
                     &string_conv);
    assert_ptr_equal(
        kc_registry_find(reg, KC_PLUGIN_HEADER_CONVERTER, "StringConverter"),
        &string_conv);
    /* case-insensitive on the short name only */
    assert_ptr_equal(
        kc_registry_find(reg, KC_PLUGIN_SOURCE, "filestreamsource"), &file_src);
    assert_null(kc_registry_find(
        reg, KC_PLUGIN_SOURCE,
        "ORG.apache.kafka.connect.file.FileStreamSourceConnector"));
    /* the wrong kind finds nothing */
    assert_null(kc_registry_find(reg, KC_PLUGIN_SINK, "FileStreamSource"));
    assert_null(kc_registry_find(reg, KC_PLUGIN_TRANSFORM, "Nope"));
    /* "Value" would name two classes: Apache drops such aliases */
    assert_null(kc_registry_find(reg, KC_PLUGIN_TRANSFORM, "Value"));
    assert_ptr_equal(kc_registry_find(reg, KC_PLUGIN_TRANSFORM,
                                      "org.apache.kafka.connect.transforms."
                                      "Cast$Value"),
                     &cast_value);
    assert_ptr_equal(kc_registry_find(reg, KC_PLUGIN_TRANSFORM, "ValueToKey"),
                     &value_to_key);

    assert_ptr_equal(kc_registry_find_connector(reg, "FileStreamSink", &kind),
                     &file_sink);
    assert_int_equal(kind, KC_PLUGIN_SINK);
    assert_ptr_equal(kc_registry_find_connector(reg, "FileStreamSource", &kind),
                     &file_src);
    assert_int_equal(kind, KC_PLUGIN_SOURCE);
    assert_null(kc_registry_find_connector(reg, "StringConverter", NULL));

    assert_int_equal(kc_registry_count(reg, KC_PLUGIN_TRANSFORM), 3);
    assert_ptr_equal(kc_registry_at(reg, KC_PLUGIN_TRANSFORM, 2),
                     (const void *)&value_to_key);
    assert_null(kc_registry_at(reg, KC_PLUGIN_TRANSFORM, 3));
    assert_int_equal(kc_registry_count(reg, KC_PLUGIN_PREDICATE), 0);
    kc_registry_destroy(reg);
    kc_registry_destroy(NULL);
}

static void assert_add_fails(kc_registry_t *reg, kc_plugin_kind_t kind,
                             const void *desc, kc_err_t code,
                             const char *expect)
{
    kc_error_t err;

    assert_int_equal(kc_registry_add(reg, kind, desc, &err), code);
    assert_string_equal(err.msg, expect);
}

static void test_registry_add_checks(void **state)
{
    kc_registry_t *reg = registry_with_examples();
    struct kc_transform_plugin tf = value_to_key;
    struct kc_connector_plugin conn = file_src;
    struct kc_source_task_plugin task = file_src_task;
    struct kc_converter_plugin conv = string_conv;
    static const char *const taken[] = {"FileSink", NULL};

    (void)state;
    tf.name = "Other";
    tf.class_name = "x.Other";
    tf.abi_version = 3;
    assert_add_fails(reg, KC_PLUGIN_TRANSFORM, &tf, KC_ERR_INVALID,
                     "could not register transformation \"Other\": "
                     "descriptor has abi_version 3, expected 2 (rebuild it "
                     "against this kconnect's headers)");
    tf.abi_version = KC_ABI_VERSION;
    tf.struct_size = 8;
    assert_add_fails(reg, KC_PLUGIN_TRANSFORM, &tf, KC_ERR_INVALID,
                     "could not register transformation \"Other\": "
                     "descriptor has struct_size 8, expected at least 72");
    tf.struct_size = sizeof(tf);
    tf.apply = NULL;
    assert_add_fails(reg, KC_PLUGIN_TRANSFORM, &tf, KC_ERR_INVALID,
                     "could not register transformation \"Other\": missing "
                     "mandatory callback \"apply\"");

    conv.name = "C2";
    conv.class_name = "x.C2";
    conv.to_connect = NULL;
    assert_add_fails(reg, KC_PLUGIN_CONVERTER, &conv, KC_ERR_INVALID,
                     "could not register converter \"C2\": missing "
                     "mandatory callback \"to_connect\"");

    conn.name = "S2";
    conn.class_name = "x.S2";
    conn.task_configs = NULL;
    assert_add_fails(reg, KC_PLUGIN_SOURCE, &conn, KC_ERR_INVALID,
                     "could not register source \"S2\": missing mandatory "
                     "callback \"task_configs\"");
    conn.task_configs = conn_task_configs;
    task.poll = NULL;
    conn.source_task = &task;
    assert_add_fails(reg, KC_PLUGIN_SOURCE, &conn, KC_ERR_INVALID,
                     "could not register source \"S2\": missing mandatory "
                     "callback \"poll\"");
    task.poll = src_poll;
    task.abi_version = 7;
    assert_add_fails(reg, KC_PLUGIN_SOURCE, &conn, KC_ERR_INVALID,
                     "could not register source \"S2\": source_task has "
                     "abi_version 7, expected 2 (rebuild it against this "
                     "kconnect's headers)");
    /* a source connector registered as a sink has no sink task */
    assert_add_fails(reg, KC_PLUGIN_SINK, &file_src, KC_ERR_INVALID,
                     "could not register sink \"FileStreamSource\": a sink "
                     "connector must not set \"source_task\"");

    /* names: taken by another kind of connector, or by an alias */
    conn = file_src;
    conn.class_name = "x.S3";
    assert_add_fails(reg, KC_PLUGIN_SOURCE, &conn, KC_ERR_CONFLICT,
                     "could not register source \"FileStreamSource\": the "
                     "name \"FileStreamSource\" is already taken by source "
                     "\"FileStreamSource\" (built-in)");
    conn.name = "S3";
    conn.aliases = taken;
    assert_add_fails(reg, KC_PLUGIN_SOURCE, &conn, KC_ERR_CONFLICT,
                     "could not register source \"S3\": the name "
                     "\"FileSink\" is already taken by sink "
                     "\"FileStreamSink\" (built-in)");
    conn.name = "";
    assert_add_fails(reg, KC_PLUGIN_SOURCE, &conn, KC_ERR_INVALID,
                     "could not register source: descriptor has no name");
    assert_add_fails(reg, KC_PLUGIN_SOURCE, NULL, KC_ERR_INVALID,
                     "could not register source: descriptor is NULL");

    /* nothing of the refused ones was registered */
    assert_int_equal(kc_registry_count(reg, KC_PLUGIN_SOURCE), 1);
    assert_int_equal(kc_registry_count(reg, KC_PLUGIN_TRANSFORM), 3);
    assert_int_equal(kc_registry_count(reg, KC_PLUGIN_CONVERTER), 1);
    kc_registry_destroy(reg);
}

/*
 * A connector built before the optional alter_offsets callback was
 * appended (its struct_size ends before it) still loads; one shorter
 * than that layout does not.
 */
static void
test_registry_loads_connectors_built_before_alter_offsets(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    struct kc_connector_plugin old = file_src;
    kc_error_t err;

    (void)state;
    old.name = "OldLayout";
    old.class_name = "com.example.OldLayout";
    old.struct_size = KC_CONNECTOR_PLUGIN_SIZE_V2;
    assert_int_equal(kc_registry_add(reg, KC_PLUGIN_SOURCE, &old, &err), KC_OK);
    old.name = "TooShort";
    old.class_name = "com.example.TooShort";
    old.struct_size = KC_CONNECTOR_PLUGIN_SIZE_V2 - sizeof(void *);
    assert_int_equal(kc_registry_add(reg, KC_PLUGIN_SOURCE, &old, &err),
                     KC_ERR_INVALID);
    kc_registry_destroy(reg);
}

/* A sink task built before the optional open callback was appended
 * still loads; one shorter than that layout does not. */
static void test_registry_loads_sink_tasks_built_before_open(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    struct kc_sink_task_plugin task = file_sink_task;
    struct kc_connector_plugin conn = file_sink;
    kc_error_t err;

    (void)state;
    conn.sink_task = &task;
    conn.name = "OldSinkTask";
    conn.class_name = "com.example.OldSinkTask";
    conn.aliases = NULL;
    task.struct_size = KC_SINK_TASK_PLUGIN_SIZE_V1;
    assert_int_equal(kc_registry_add(reg, KC_PLUGIN_SINK, &conn, &err), KC_OK);
    conn.name = "ShortSinkTask";
    conn.class_name = "com.example.ShortSinkTask";
    task.struct_size = KC_SINK_TASK_PLUGIN_SIZE_V1 - sizeof(void *);
    assert_int_equal(kc_registry_add(reg, KC_PLUGIN_SINK, &conn, &err),
                     KC_ERR_INVALID);
    kc_registry_destroy(reg);
}

static void test_registry_builtins_resolve(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;

    (void)state;
    kc_error_clear(&err);
    if (kc_registry_add_builtins(reg, &err) != KC_OK) {
        fail_msg("built-in plugins do not register: %s", err.msg);
    }
    /* every built-in answers to its own name and class name */
    for (int k = 0; k < KC_PLUGIN_KIND_COUNT; k++) {
        for (size_t i = 0; i < kc_registry_count(reg, k); i++) {
            const kc_plugin_head_t *head = kc_registry_at(reg, k, i);

            assert_ptr_equal(kc_registry_find(reg, k, head->name), head);
            if (head->class_name != NULL) {
                assert_ptr_equal(kc_registry_find(reg, k, head->class_name),
                                 head);
            }
        }
    }
    kc_registry_destroy(reg);
}

static void test_registry_loads_plugin_path(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;
    const struct kc_transform_plugin *tf;
    kc_props_t *config = kc_props_new();
    kc_arena_t *arena = kc_arena_new(0);
    kc_record_t rec;
    void *ctx = NULL;
    bool drop = true;

    (void)state;
    kc_error_clear(&err);
    /* Apache's list syntax; the same folder twice loads it once */
    if (kc_registry_load_path(
            reg, " " KC_TEST_PLUGIN_DIR "/path , " KC_TEST_PLUGIN_DIR "/path/",
            &err) != KC_OK) {
        fail_msg("load_path failed: %s", err.msg);
    }
    assert_int_equal(kc_registry_count(reg, KC_PLUGIN_TRANSFORM), 1);
    tf = kc_registry_find(reg, KC_PLUGIN_TRANSFORM, "TopicPrefix");
    assert_non_null(tf);
    assert_ptr_equal(kc_registry_find(reg, KC_PLUGIN_TRANSFORM,
                                      "io.kconnect.example.TopicPrefix"),
                     tf);
    assert_ptr_equal(kc_registry_find(reg, KC_PLUGIN_TRANSFORM, "PrefixTopic"),
                     tf);
    assert_string_equal(tf->version, "1.0.0");
    assert_string_equal(tf->config_def[0].name, "prefix");

    /* and it works */
    kc_props_set(config, "prefix", "mirror.");
    assert_int_equal(tf->configure(&ctx, config, &err), KC_OK);
    memset(&rec, 0, sizeof(rec));
    rec.topic = "orders";
    assert_int_equal(tf->apply(ctx, &rec, arena, &drop, &err), KC_OK);
    assert_false(drop);
    assert_string_equal(rec.topic, "mirror.orders");
    tf->destroy(ctx);

    kc_arena_destroy(arena);
    kc_props_destroy(config);
    kc_registry_destroy(reg);
}

static void assert_load_file_fails(const char *file, const char *reason)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;
    char expect[600];

    snprintf(expect, sizeof(expect), "could not load plugin \"%s\": %s", file,
             reason);
    assert_int_not_equal(kc_registry_load_file(reg, file, &err), KC_OK);
    assert_string_equal(err.msg, expect);
    for (int k = 0; k < KC_PLUGIN_KIND_COUNT; k++) {
        assert_int_equal(kc_registry_count(reg, k), 0);
    }
    kc_registry_destroy(reg);
}

static void test_registry_refuses_bad_plugins(void **state)
{
    (void)state;
    assert_load_file_fails(KC_TEST_PLUGIN_DIR "/bad/kc_bad_abi.so",
                           "could not register predicate \"FromTheFuture\": "
                           "descriptor has abi_version 100, expected 2 "
                           "(rebuild it against this kconnect's headers)");
    /* its init ignores kc_registry_add's error: the loader does not */
    assert_load_file_fails(KC_TEST_PLUGIN_DIR "/bad/kc_bad_callback.so",
                           "could not register transformation \"NoApply\": "
                           "missing mandatory callback \"apply\"");
    assert_load_file_fails(KC_TEST_PLUGIN_DIR "/path/example/kc_no_init.so",
                           "it does not export kc_plugin_init()");
    assert_load_file_fails(KC_TEST_PLUGIN_DIR "/bad/missing.so",
                           "No such file or directory");
}

static void test_registry_load_path_errors(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;

    (void)state;
    assert_int_equal(
        kc_registry_load_path(reg, KC_TEST_PLUGIN_DIR "/bad", &err),
        KC_ERR_INVALID);
    /* files load in name order; the first failure is reported */
    assert_string_equal(err.msg,
                        "could not load plugin \"" KC_TEST_PLUGIN_DIR
                        "/bad/kc_bad_abi.so\": could not register predicate "
                        "\"FromTheFuture\": descriptor has abi_version 100, "
                        "expected 2 (rebuild it against this kconnect's "
                        "headers) (and 1 more plugin errors, logged)");
    assert_int_equal(kc_registry_load_path(reg, "", &err), KC_OK);
    kc_registry_destroy(reg);

    /* a missing folder is logged and ignored, as Apache's worker does */
    reg = kc_registry_new();
    assert_int_equal(
        kc_registry_load_path(
            reg, "/nonexistent/kc-plugins, " KC_TEST_PLUGIN_DIR "/path", &err),
        KC_OK);
    assert_int_equal(kc_registry_count(reg, KC_PLUGIN_TRANSFORM), 1);
    kc_registry_destroy(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_kind_names),
        cmocka_unit_test(test_registry_lookup),
        cmocka_unit_test(test_registry_add_checks),
        cmocka_unit_test(
            test_registry_loads_connectors_built_before_alter_offsets),
        cmocka_unit_test(test_registry_loads_sink_tasks_built_before_open),
        cmocka_unit_test(test_registry_builtins_resolve),
        cmocka_unit_test(test_registry_loads_plugin_path),
        cmocka_unit_test(test_registry_refuses_bad_plugins),
        cmocka_unit_test(test_registry_load_path_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
