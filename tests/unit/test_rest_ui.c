/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The web console's routes: /ui and /ui/<file> answer the files of ui/
 * byte for byte, with their content types and no-cache, and nothing else.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "rest/kc_rest_routes.h"
#include "rest/kc_rest_ui.h"

/* Route GET @p path with no herder (the console's rows need none). */
static void get(const char *path, kc_rest_response_t *resp)
{
    kc_rest_request_t req;

    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = path;
    kc_rest_route(NULL, NULL, &req, resp);
}

/* The bytes of KC_SOURCE_DIR/ui/@p name, into @p buf. */
static void read_ui_file(const char *name, kc_buf_t *buf)
{
    char path[1024];
    char chunk[4096];
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/ui/%s", KC_SOURCE_DIR, name);
    f = fopen(path, "rb");
    assert_non_null(f);
    kc_buf_init(buf, 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        kc_buf_append(buf, chunk, n);
    }
    fclose(f);
}

static void expect_file(const char *path, const char *file, const char *ctype)
{
    kc_rest_response_t resp;
    const uint8_t *data;
    const char *got_type;
    size_t len;
    kc_buf_t want;

    get(path, &resp);
    assert_int_equal(resp.status, 200);
    assert_non_null(resp.cache_control);
    assert_string_equal(resp.cache_control, "no-cache");
    data = kc_rest_response_serialize(&resp, &len, &got_type);
    assert_string_equal(got_type, ctype);
    read_ui_file(file, &want);
    assert_int_equal(len, want.len);
    assert_memory_equal(data, want.data, len);
    kc_buf_release(&want);
    kc_rest_response_release(&resp);
}

static void test_ui_serves_the_page_and_its_assets(void **state)
{
    (void)state;
    expect_file("/ui", "index.html", "text/html; charset=utf-8");
    expect_file("/ui/", "index.html", "text/html; charset=utf-8");
    expect_file("/ui/index.html", "index.html", "text/html; charset=utf-8");
    expect_file("/ui/app.js", "app.js", "text/javascript; charset=utf-8");
    expect_file("/ui/app.css", "app.css", "text/css; charset=utf-8");
}

static void test_ui_unknown_file_is_404(void **state)
{
    const char *paths[] = {"/ui/nope.js", "/ui/app.js/x",
                           "/ui/..%2FCMakeLists.txt", "/ui/%2e%2e/README.md"};
    kc_rest_response_t resp;

    (void)state;
    for (size_t i = 0; i < KC_ARRAY_LEN(paths); i++) {
        get(paths[i], &resp);
        assert_int_equal(resp.status, 404);
        assert_null(resp.cache_control);
        kc_rest_response_release(&resp);
    }
}

static void test_ui_is_read_only(void **state)
{
    kc_rest_request_t req;
    kc_rest_response_t resp;

    (void)state;
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.path = "/ui/app.js";
    kc_rest_route(NULL, NULL, &req, &resp);
    assert_int_equal(resp.status, 405);
    kc_rest_response_release(&resp);
}

static void test_ui_content_type_follows_the_extension(void **state)
{
    (void)state;
    assert_string_equal(kc_rest_ui_content_type("a/b.svg"), "image/svg+xml");
    assert_string_equal(kc_rest_ui_content_type("x.png"), "image/png");
    assert_string_equal(kc_rest_ui_content_type("x.js"),
                        "text/javascript; charset=utf-8");
    assert_string_equal(kc_rest_ui_content_type("x.js.map"),
                        "application/octet-stream");
    assert_string_equal(kc_rest_ui_content_type("a.d/README"),
                        "application/octet-stream");
}

/* No CDN: every src= and href= of the page is an embedded file. */
static void test_ui_page_loads_only_embedded_files(void **state)
{
    const kc_ui_asset_t *page = kc_rest_ui_find("index.html");
    char *html;
    size_t refs = 0;

    (void)state;
    assert_non_null(page);
    html = kc_strndup((const char *)page->data, page->len);
    for (const char *p = html; (p = strpbrk(p, "sh")) != NULL; p++) {
        const char *v;
        const char *end;
        char *ref;

        if (strncmp(p, "src=\"", 5) == 0) {
            v = p + 5;
        } else if (strncmp(p, "href=\"", 6) == 0) {
            v = p + 6;
        } else {
            continue;
        }
        end = strchr(v, '"');
        assert_non_null(end);
        ref = kc_strndup(v, (size_t)(end - v));
        if (ref[0] != '#') {
            assert_true(strncmp(ref, "/ui/", 4) == 0);
            assert_non_null(kc_rest_ui_find(ref + 4));
            refs++;
        }
        kc_free(ref);
    }
    assert_true(refs >= 2);
    kc_free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ui_serves_the_page_and_its_assets),
        cmocka_unit_test(test_ui_unknown_file_is_404),
        cmocka_unit_test(test_ui_is_read_only),
        cmocka_unit_test(test_ui_content_type_follows_the_extension),
        cmocka_unit_test(test_ui_page_loads_only_embedded_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
