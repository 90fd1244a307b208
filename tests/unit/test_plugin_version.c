/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/plugins/kc_plugin_version.c: the requirements of the
 * *.plugin.version keys. Which requirements 4.1.1 meets, and the message
 * when it does not, are what Apache Connect 4.1.1 answered in a
 * side-by-side validate run (tests/e2e/golden/rest_surface_apache.json).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include "plugins/kc_plugin_version.h"

static void test_plain_version_is_an_exact_requirement(void **state)
{
    (void)state;
    assert_true(kc_plugin_version_matches("4.1.1", "4.1.1"));
    assert_true(kc_plugin_version_matches(" 4.1.1 ", "4.1.1"));
    assert_false(kc_plugin_version_matches("9.9", "4.1.1"));
    assert_false(kc_plugin_version_matches("3.0", "4.1.1"));
    assert_false(kc_plugin_version_matches("4.1", "4.1.1"));
}

static void test_version_ranges_as_maven(void **state)
{
    (void)state;
    assert_true(kc_plugin_version_matches("[4.0,5.0)", "4.1.1"));
    assert_true(kc_plugin_version_matches("[1.0,5.0)", "4.1.1"));
    assert_false(kc_plugin_version_matches("[1.0,2.0)", "4.1.1"));
    assert_false(kc_plugin_version_matches("(4.1.1,)", "4.1.1"));
    assert_true(kc_plugin_version_matches("[4.1.1,)", "4.1.1"));
    assert_true(kc_plugin_version_matches("(,4.1.1]", "4.1.1"));
    assert_false(kc_plugin_version_matches("(,4.1.1)", "4.1.1"));
    assert_true(kc_plugin_version_matches("[4.1.1]", "4.1.1"));
    /* 10 > 9 numerically, not as text. */
    assert_true(kc_plugin_version_matches("[4.9,)", "4.10.0"));
    assert_false(kc_plugin_version_matches("[", "4.1.1"));
}

static void test_mismatch_message_is_apaches(void **state)
{
    char *msg;

    (void)state;
    assert_null(kc_plugin_version_mismatch("C", "4.1.1", "4.1.1", 1));
    msg = kc_plugin_version_mismatch(
        "org.apache.kafka.connect.storage.StringConverter", "9.9", "4.1.1", 2);
    assert_string_equal(msg, "Plugin org.apache.kafka.connect.storage."
                             "StringConverter not found that matches the "
                             "version range [9.9,9.9], available versions: "
                             "[4.1.1, 4.1.1]");
    kc_free(msg);
    msg = kc_plugin_version_mismatch(
        "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
        "(4.1.1,)", "4.1.1", 1);
    assert_string_equal(msg, "Plugin org.apache.kafka.connect.transforms."
                             "predicates.HasHeaderKey not found that matches "
                             "the version range (4.1.1,), available "
                             "versions: [4.1.1]");
    kc_free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_version_is_an_exact_requirement),
        cmocka_unit_test(test_version_ranges_as_maven),
        cmocka_unit_test(test_mismatch_message_is_apaches),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
