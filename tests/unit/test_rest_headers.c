/* SPDX-License-Identifier: Apache-2.0 */
/* CORS and response.http.headers.config rules of the REST server. */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "rest/kc_rest_headers.h"

typedef struct seen {
    char text[1024];
} seen_t;

/* Record "name=value|" (with "!" before a replacing header). */
static void record(void *opaque, const char *name, const char *value,
                   bool replace)
{
    seen_t *s = opaque;
    size_t n = strlen(s->text);

    snprintf(s->text + n, sizeof(s->text) - n, "%s%s=%s|", replace ? "!" : "",
             name, value);
}

static void test_off_by_default(void **state)
{
    kc_error_t err;
    kc_rest_headers_t *h = kc_rest_headers_new(NULL, NULL, "  ", &err);
    seen_t s = {""};

    assert_non_null(h);
    assert_false(kc_rest_headers_is_preflight(h, "OPTIONS", "http://a", "GET"));
    kc_rest_headers_apply(h, "http://a", false, record, &s);
    assert_string_equal(s.text, "");
    kc_rest_headers_destroy(h);
    kc_rest_headers_destroy(NULL);
}

static void test_cors(void **state)
{
    kc_error_t err;
    kc_rest_headers_t *h = kc_rest_headers_new(
        "http://ui.example, https://*.corp.example", NULL, NULL, &err);
    seen_t s = {""};

    assert_non_null(h);
    assert_true(kc_rest_headers_is_preflight(h, "OPTIONS", "http://x", "PUT"));
    assert_false(kc_rest_headers_is_preflight(h, "OPTIONS", "http://x", NULL));
    assert_false(kc_rest_headers_is_preflight(h, "GET", "http://x", "PUT"));

    kc_rest_headers_apply(h, "http://ui.example", false, record, &s);
    assert_string_equal(s.text, "!Access-Control-Allow-Origin=http://"
                                "ui.example|!Access-Control-Allow-"
                                "Credentials=true|Vary=Origin|");
    s.text[0] = '\0';
    kc_rest_headers_apply(h, "https://a.corp.example", true, record, &s);
    assert_non_null(strstr(s.text, "!Access-Control-Allow-Methods=GET,POST,"
                                   "HEAD|"));
    assert_non_null(strstr(s.text, "!Access-Control-Max-Age=1800|"));
    s.text[0] = '\0';
    kc_rest_headers_apply(h, "http://evil.example", true, record, &s);
    assert_string_equal(s.text, "");
    kc_rest_headers_apply(h, NULL, false, record, &s);
    assert_string_equal(s.text, "");
    kc_rest_headers_destroy(h);

    h = kc_rest_headers_new("*", "GET,PUT,DELETE", NULL, &err);
    kc_rest_headers_apply(h, "http://anything", true, record, &s);
    assert_non_null(
        strstr(s.text, "!Access-Control-Allow-Methods=GET,PUT,DELETE|"));
    kc_rest_headers_destroy(h);
}

static void test_rules(void **state)
{
    kc_error_t err;
    kc_rest_headers_t *h = kc_rest_headers_new(
        NULL, NULL,
        "set X-Frame-Options: DENY,\"add Cache-Control: no-cache, no-store\","
        " addDate Expires: 0",
        &err);
    seen_t s = {""};

    assert_non_null(h);
    kc_rest_headers_apply(h, NULL, false, record, &s);
    assert_true(strncmp(s.text,
                        "!X-Frame-Options=DENY|Cache-Control=no-cache, "
                        "no-store|Expires=",
                        strlen("!X-Frame-Options=DENY|Cache-Control=no-cache,"
                               " no-store|Expires=")) == 0);
    assert_non_null(strstr(s.text, " GMT|"));
    kc_rest_headers_destroy(h);
}

static void test_bad_rules(void **state)
{
    kc_error_t err;

    assert_null(kc_rest_headers_new(NULL, NULL, "put X: y", &err));
    assert_string_equal(err.msg,
                        "Invalid format of header config 'put X: y'. "
                        "Expected: '[action] [header name]:[header value]' "
                        "with action set, add, setDate or addDate");
    assert_null(kc_rest_headers_new(NULL, NULL, "set novalue", &err));
    assert_null(kc_rest_headers_new(NULL, NULL, "set  : v", &err));
    assert_null(kc_rest_headers_new(NULL, NULL, "set A B: v", &err));
    assert_string_equal(err.msg, "Invalid header name 'A B'. The '[header "
                                 "name]' cannot contain whitespace");
    assert_null(kc_rest_headers_new(NULL, NULL, "\"set A: v", &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off_by_default),
        cmocka_unit_test(test_cors),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_bad_rules),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
