/* SPDX-License-Identifier: Apache-2.0 */
/* The automatic restart policy: key resolution and backoff schedule. */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "herder/kc_herder_autorestart.h"

/* Off unless asked: Apache's behaviour holds by default. */
static void test_auto_restart_defaults_off(void **state)
{
    kc_autorestart_policy_t p;
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_autorestart_policy_resolve(NULL, NULL, &p, NULL, &err),
                     KC_OK);
    assert_false(p.enabled);
    assert_int_equal(p.backoff_ms, 120000);
    assert_true(p.factor == 3.0);
    assert_int_equal(p.backoff_max_ms, 3600000);
    assert_int_equal(p.max_attempts, 10);
    assert_int_equal(p.reset_ms, 600000);
}

/* A connector's key wins over the worker's, key by key. */
static void test_auto_restart_connector_overrides_worker(void **state)
{
    kc_props_t *w = kc_props_new();
    kc_props_t *c = kc_props_new();
    kc_autorestart_policy_t p;
    kc_error_t err;

    (void)state;
    kc_props_set(w, KC_AR_ENABLE, "true");
    kc_props_set(w, KC_AR_BACKOFF, "1000");
    kc_props_set(w, KC_AR_MAX_ATTEMPTS, "5");
    kc_props_set(c, KC_AR_MAX_ATTEMPTS, "-1");
    kc_props_set(c, KC_AR_FACTOR, "1.5");
    assert_int_equal(kc_autorestart_policy_resolve(w, c, &p, NULL, &err),
                     KC_OK);
    assert_true(p.enabled);
    assert_int_equal(p.backoff_ms, 1000);
    assert_int_equal(p.max_attempts, -1);
    assert_true(p.factor == 1.5);
    kc_props_set(c, KC_AR_ENABLE, "false");
    assert_int_equal(kc_autorestart_policy_resolve(w, c, &p, NULL, &err),
                     KC_OK);
    assert_false(p.enabled);
    /* A bad override is an error naming its key. */
    kc_props_set(c, KC_AR_FACTOR, "0.5");
    assert_int_not_equal(kc_autorestart_policy_resolve(w, c, &p, NULL, &err),
                         KC_OK);
    assert_non_null(strstr(err.msg, KC_AR_FACTOR));
    kc_props_set(c, KC_AR_FACTOR, "2");
    kc_props_set(c, KC_AR_BACKOFF, "soon");
    assert_int_not_equal(kc_autorestart_policy_resolve(w, c, &p, NULL, &err),
                         KC_OK);
    assert_non_null(strstr(err.msg, KC_AR_BACKOFF));
    kc_props_destroy(w);
    kc_props_destroy(c);
}

/* A connector config with a bad auto.restart.* value is refused by key. */
static void test_auto_restart_bad_connector_value_is_an_issue(void **state)
{
    kc_props_t *c = kc_props_new();
    kc_config_result_t r = {0};

    (void)state;
    kc_props_set(c, KC_AR_MAX_ATTEMPTS, "-2");
    kc_autorestart_check(c, &r);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.issues[0].key, KC_AR_MAX_ATTEMPTS);
    kc_config_result_release(&r);
    kc_props_set(c, KC_AR_MAX_ATTEMPTS, "3");
    kc_autorestart_check(c, &r);
    assert_int_equal(r.count, 0);
    kc_config_result_release(&r);
    kc_props_destroy(c);
}

/* Immediately, then base, base*factor, ... up to the maximum. */
static void test_auto_restart_backoff_grows_to_its_maximum(void **state)
{
    kc_autorestart_policy_t p = {.enabled = true,
                                 .backoff_ms = 120000,
                                 .factor = 3,
                                 .backoff_max_ms = 3600000,
                                 .max_attempts = 10};
    static const int64_t want[] = {0,       120000,  360000,  1080000,
                                   3240000, 3600000, 3600000, 3600000};

    (void)state;
    for (size_t i = 0; i < KC_ARRAY_LEN(want); i++) {
        assert_int_equal(kc_autorestart_delay_ms(&p, (int)i + 1), want[i]);
    }
    /* Far attempts do not overflow. */
    assert_int_equal(kc_autorestart_delay_ms(&p, 100000), 3600000);
    p.factor = 1;
    assert_int_equal(kc_autorestart_delay_ms(&p, 7), 120000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_restart_defaults_off),
        cmocka_unit_test(test_auto_restart_connector_overrides_worker),
        cmocka_unit_test(test_auto_restart_backoff_grows_to_its_maximum),
        cmocka_unit_test(test_auto_restart_bad_connector_value_is_an_issue),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
