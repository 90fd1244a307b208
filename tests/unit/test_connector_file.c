/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connector files on the command line, in the three shapes Apache's
 * ConnectStandalone.parseConnectorConfigurationFile accepts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kc_internal.h"

#include "cli/kc_connector_file.h"

static char tmpdir[64];

static int setup(void **state)
{
    strcpy(tmpdir, "/tmp/kc-cfile-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int teardown(void **state)
{
    char *cmd = kc_asprintf("rm -rf '%s'", tmpdir);

    assert_int_equal(system(cmd), 0);
    kc_free(cmd);
    return 0;
}

static char *write_tmp(const char *name, const char *text)
{
    char *path = kc_asprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static const char *cfg(const kc_connector_file_t *cf, const char *key)
{
    return json_string_value(json_object_get(cf->config, key));
}

static void test_flat_json_object(void **state)
{
    char *path = write_tmp("a.json", "{\"name\":\"a\",\"tasks.max\":2,"
                                     "\"connector.class\":\"X\","
                                     "\"flag\":true}");
    kc_connector_file_t cf;
    kc_error_t err;

    assert_int_equal(kc_connector_file_load(path, &cf, &err), KC_OK);
    assert_string_equal(cf.name, "a");
    /* Jackson reads scalars into a Map<String,String> as text. */
    assert_string_equal(cfg(&cf, "tasks.max"), "2");
    assert_string_equal(cfg(&cf, "flag"), "true");
    assert_null(cf.initial_state);
    kc_connector_file_release(&cf);
    kc_free(path);
}

static void test_create_request_json(void **state)
{
    char *path = write_tmp("b.json", "{\"name\":\"b\",\"config\":"
                                     "{\"connector.class\":\"X\"},"
                                     "\"initial_state\":\"PAUSED\"}");
    kc_connector_file_t cf;
    kc_error_t err;

    assert_int_equal(kc_connector_file_load(path, &cf, &err), KC_OK);
    assert_string_equal(cf.name, "b");
    /* The name is added to the config, as Apache does. */
    assert_string_equal(cfg(&cf, "name"), "b");
    assert_string_equal(cfg(&cf, "connector.class"), "X");
    assert_string_equal(cf.initial_state, "PAUSED");
    kc_connector_file_release(&cf);
    kc_free(path);
}

static void test_name_mismatch_is_rejected(void **state)
{
    char *path = write_tmp("c.json", "{\"name\":\"c\",\"config\":"
                                     "{\"name\":\"other\"}}");
    kc_connector_file_t cf;
    kc_error_t err;

    assert_int_equal(kc_connector_file_load(path, &cf, &err), KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "doesn't match"));
    assert_non_null(strstr(err.msg, path));
    kc_free(path);
}

static void test_properties_file(void **state)
{
    char *path = write_tmp("d.properties", "# comment\nname=d\n"
                                           "connector.class = X\n");
    kc_connector_file_t cf;
    kc_error_t err;

    assert_int_equal(kc_connector_file_load(path, &cf, &err), KC_OK);
    assert_string_equal(cf.name, "d");
    assert_string_equal(cfg(&cf, "connector.class"), "X");
    kc_connector_file_release(&cf);
    kc_free(path);
}

static void test_missing_name_is_rejected(void **state)
{
    char *p1 = write_tmp("e.properties", "connector.class=X\n");
    char *p2 = write_tmp("e.json", "{\"connector.class\":\"X\"}");
    kc_connector_file_t cf;
    kc_error_t err;

    assert_int_equal(kc_connector_file_load(p1, &cf, &err), KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "missing the mandatory 'name'"));
    assert_int_equal(kc_connector_file_load(p2, &cf, &err), KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "missing the mandatory 'name'"));
    kc_free(p1);
    kc_free(p2);
}

static void test_missing_file_is_named(void **state)
{
    char *path = kc_asprintf("%s/none.json", tmpdir);
    kc_connector_file_t cf;
    kc_error_t err;

    assert_int_not_equal(kc_connector_file_load(path, &cf, &err), KC_OK);
    assert_non_null(strstr(err.msg, "none.json"));
    kc_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_json_object),
        cmocka_unit_test(test_create_request_json),
        cmocka_unit_test(test_name_mismatch_is_rejected),
        cmocka_unit_test(test_properties_file),
        cmocka_unit_test(test_missing_name_is_rejected),
        cmocka_unit_test(test_missing_file_is_named),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
