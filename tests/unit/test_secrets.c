/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hiding resolved config-provider values: the (reference, value) pairs of
 * a raw config, scrubbing text and JSON, and Apache's reverseTransform of
 * task configs.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/kc_secrets.h"

#define FILE_CLASS "org.apache.kafka.common.config.provider.FileConfigProvider"

typedef struct fixture {
    char dir[64];
    char *file;
    kc_props_t *worker;
    kc_props_t *raw;
    char *pw_ref;
    char *user_ref;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = kc_calloc(1, sizeof(*f));
    FILE *fp;
    kc_error_t err;

    snprintf(f->dir, sizeof(f->dir), "/tmp/kc-test-secrets-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->file = kc_asprintf("%s/s.properties", f->dir);
    fp = fopen(f->file, "w");
    assert_non_null(fp);
    /* "hunter2" contains "hunt", the user: the longer match must win. */
    fputs("password=hunter2\nuser=hunt\n", fp);
    fclose(fp);
    f->worker = kc_props_new();
    kc_props_set(f->worker, "config.providers", "file");
    kc_props_set(f->worker, "config.providers.file.class", FILE_CLASS);
    kc_error_clear(&err);
    assert_int_equal(kc_props_resolve(f->worker, f->worker, &err), KC_OK);
    f->pw_ref = kc_asprintf("${file:%s:password}", f->file);
    f->user_ref = kc_asprintf("${file:%s:user}", f->file);
    f->raw = kc_props_new();
    kc_props_set(f->raw, "connection.password", f->pw_ref);
    kc_props_set(f->raw, "connection.user", f->user_ref);
    kc_props_set(f->raw, "topic", "plain");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    unlink(f->file);
    rmdir(f->dir);
    kc_free(f->file);
    kc_free(f->pw_ref);
    kc_free(f->user_ref);
    kc_props_destroy(f->worker);
    kc_props_destroy(f->raw);
    kc_free(f);
    return 0;
}

static void test_scrub_puts_references_back(void **state)
{
    fixture_t *f = *state;
    kc_secrets_t *s = kc_secrets_new(f->raw, f->worker);
    char *want = kc_asprintf("login %s:%s failed", f->user_ref, f->pw_ref);
    char *out;

    assert_false(kc_secrets_empty(s));
    out = kc_secrets_scrub(s, "login hunt:hunter2 failed");
    assert_string_equal(out, want);
    kc_free(out);
    /* Nothing to hide: the text as it was. */
    out = kc_secrets_scrub(s, "no secret here");
    assert_string_equal(out, "no secret here");
    kc_free(out);
    assert_null(kc_secrets_log_filter(s, "no secret here"));
    out = kc_secrets_log_filter(s, "pw=hunter2");
    assert_non_null(strstr(out, f->pw_ref));
    kc_free(out);
    kc_free(want);
    kc_secrets_destroy(s);
}

/* Apache's reverseTransform, and values copied into other keys. */
static void test_task_config_gets_references(void **state)
{
    fixture_t *f = *state;
    kc_secrets_t *s = kc_secrets_new(f->raw, f->worker);
    kc_props_t *task = kc_props_new();
    kc_error_t err;
    kc_props_t *again;

    kc_props_set(task, "connection.password", "hunter2");
    kc_props_set(task, "url", "db://hunt:hunter2@host");
    kc_props_set(task, "topic", "plain");
    kc_secrets_unresolve(s, task);
    assert_string_equal(kc_props_get(task, "connection.password"), f->pw_ref);
    assert_null(strstr(kc_props_get(task, "url"), "hunter2"));
    assert_string_equal(kc_props_get(task, "topic"), "plain");
    /* The worker resolves the stored config again: the same values. */
    again = kc_props_copy(task);
    kc_error_clear(&err);
    assert_int_equal(kc_props_resolve(again, f->worker, &err), KC_OK);
    assert_string_equal(kc_props_get(again, "connection.password"), "hunter2");
    assert_string_equal(kc_props_get(again, "url"), "db://hunt:hunter2@host");
    kc_props_destroy(again);
    kc_props_destroy(task);
    kc_secrets_destroy(s);
}

/* A short value is hidden where its key is, not wherever it occurs. */
static void test_short_values_only_by_key(void **state)
{
    fixture_t *f = *state;
    char *ref = kc_asprintf("${file:%s:n}", f->file);
    FILE *fp = fopen(f->file, "a");
    kc_props_t *raw = kc_props_new();
    kc_props_t *task = kc_props_new();
    kc_secrets_t *s;

    fputs("n=10\n", fp);
    fclose(fp);
    kc_props_set(raw, "batch.size", ref);
    s = kc_secrets_new(raw, f->worker);
    kc_props_set(task, "batch.size", "10");
    kc_props_set(task, "task.class", "x.Task10");
    kc_secrets_unresolve(s, task);
    assert_string_equal(kc_props_get(task, "batch.size"), ref);
    assert_string_equal(kc_props_get(task, "task.class"), "x.Task10");
    kc_props_destroy(task);
    kc_props_destroy(raw);
    kc_secrets_destroy(s);
    kc_free(ref);
}

static void test_scrub_json_and_no_providers(void **state)
{
    fixture_t *f = *state;
    kc_secrets_t *s = kc_secrets_new(f->raw, f->worker);
    json_t *doc = json_pack("{s:[s,{s:s}], s:i}", "errors", "bad hunter2",
                            "hunter2", "value hunter2", "n", 1);
    json_t *errors;
    char *text;

    kc_secrets_scrub_json(s, doc);
    errors = json_object_get(doc, "errors");
    text = kc_asprintf("bad %s", f->pw_ref);
    assert_string_equal(json_string_value(json_array_get(errors, 0)), text);
    kc_free(text);
    /* Keys are left alone, values are scrubbed. */
    text = kc_asprintf("value %s", f->pw_ref);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(errors, 1), "hunter2")),
                        text);
    kc_free(text);
    assert_int_equal(json_integer_value(json_object_get(doc, "n")), 1);
    json_decref(doc);
    kc_secrets_destroy(s);
    /* Without providers nothing resolves, so nothing is hidden. */
    s = kc_secrets_new(f->raw, NULL);
    assert_true(kc_secrets_empty(s));
    kc_secrets_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scrub_puts_references_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_task_config_gets_references, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_short_values_only_by_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_scrub_json_and_no_providers, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
