/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client override keys validate lists, against what Apache Kafka
 * Connect 4.1.1's own AbstractHerder code made of the same configs
 * (tests/golden/client_overrides/golden.jsonl, GenClientOverrides.java):
 * which clients' keys are listed, their order, definitions, shown values
 * and the override policy's errors. Apache's documentation text is not
 * kept in the golden data; kconnect's own line is not compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <jansson.h>

#include "kc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herder/kc_client_overrides.h"

#include "kc_test_jsonl.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/client_overrides/golden.jsonl"

static json_t *infos_for(const json_t *c)
{
    kc_props_t *props = kc_props_new();
    const char *key;
    json_t *v;
    json_t *out;
    size_t i;

    json_object_foreach((json_t *)json_object_get(c, "config"), key, v)
    {
        kc_props_set(props, key, json_string_value(v));
    }
    out = kc_client_override_infos(
        props,
        strcmp(json_string_value(json_object_get(c, "kind")), "sink") == 0,
        json_string_value(json_object_get(c, "policy")));
    json_array_foreach(json_object_get(out, "configs"), i, v)
    {
        json_t *def = json_object_get(v, "definition");

        if (json_is_object(def)) {
            json_object_del(def, "documentation");
        }
    }
    kc_props_destroy(props);
    return out;
}

static void test_override_keys_listed_as_apache_lists_them(void **state)
{
    json_t *all = kc_test_load_jsonl(GOLDEN);
    size_t i;
    json_t *c;
    int compared = 0;

    (void)state;
    json_array_foreach(all, i, c)
    {
        json_t *want = json_object_get(c, "expected");
        json_t *got;

        if (want == NULL) {
            continue;
        }
        got = infos_for(c);
        if (!json_equal(got, want)) {
            char *g = json_dumps(got, JSON_SORT_KEYS);
            char *w = json_dumps(want, JSON_SORT_KEYS);

            print_error("case %s\n got: %s\nwant: %s\n",
                        json_string_value(json_object_get(c, "id")), g, w);
            free(g); /* jansson's buffers come from libc */
            free(w);
            fail();
        }
        json_decref(got);
        compared++;
    }
    assert_true(compared >= 9);
    json_decref(all);
}

/*
 * Apache's validate fails as a whole (HTTP 500) on an override value its
 * client type cannot parse; kconnect lists the same ConfigException text
 * as that key's error, with no value shown.
 */
static void
test_unparsable_override_value_reported_with_apache_text(void **state)
{
    json_t *all = kc_test_load_jsonl(GOLDEN);
    size_t i;
    json_t *c;
    int compared = 0;

    (void)state;
    json_array_foreach(all, i, c)
    {
        json_t *ex = json_object_get(c, "exception");
        json_t *got;
        json_t *entry;
        json_t *errors;

        if (ex == NULL) {
            continue;
        }
        got = infos_for(c);
        assert_int_equal(json_array_size(json_object_get(got, "configs")), 1);
        entry = json_object_get(
            json_array_get(json_object_get(got, "configs"), 0), "value");
        assert_true(json_is_null(json_object_get(entry, "value")));
        errors = json_object_get(entry, "errors");
        assert_true(json_array_size(errors) >= 1);
        assert_string_equal(json_string_value(json_array_get(errors, 0)),
                            json_string_value(json_object_get(ex, "message")));
        assert_int_equal(
            json_integer_value(json_object_get(got, "error_count")), 1);
        json_decref(got);
        compared++;
    }
    assert_int_equal(compared, 2);
    json_decref(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_override_keys_listed_as_apache_lists_them),
        cmocka_unit_test(
            test_unparsable_override_value_reported_with_apache_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
