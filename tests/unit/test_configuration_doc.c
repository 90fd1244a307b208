/* SPDX-License-Identifier: Apache-2.0 */
/*
 * docs/CONFIGURATION.md is generated from the config tables: the committed
 * file must be what build/kc_config_doc prints today (make config-doc
 * regenerates it), so a table change cannot leave the docs behind.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "plugins/kc_registry_doc.h"

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    kc_buf_t buf;
    char chunk[4096];
    size_t n;

    if (f == NULL) {
        return NULL;
    }
    kc_buf_init(&buf, 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        kc_buf_append(&buf, chunk, n);
    }
    fclose(f);
    return kc_buf_detach(&buf, len);
}

static void test_configuration_doc_is_current(void **state)
{
    kc_buf_t out;
    kc_error_t err;
    size_t len = 0;
    char *committed = read_all(KC_SOURCE_DIR "/docs/CONFIGURATION.md", &len);

    (void)state;
    assert_non_null(committed);
    kc_buf_init(&out, 0);
    assert_int_equal(kc_configuration_doc_markdown(&out, &err), KC_OK);
    /* on a mismatch: make config-doc, then commit docs/CONFIGURATION.md */
    assert_string_equal(kc_buf_cstr(&out), committed);
    kc_free(committed);
    kc_buf_release(&out);
}

/* Every section is there, and a PASSWORD default never is. */
static void test_configuration_doc_sections(void **state)
{
    kc_buf_t out;
    kc_error_t err;
    const char *doc;

    (void)state;
    kc_buf_init(&out, 0);
    assert_int_equal(kc_configuration_doc_markdown(&out, &err), KC_OK);
    doc = kc_buf_cstr(&out);
    assert_non_null(strstr(doc, "## Worker\n"));
    assert_non_null(strstr(doc, "| `bootstrap.servers` |"));
    assert_non_null(strstr(doc, "## All connectors\n"));
    assert_non_null(strstr(doc, "| `tasks.max` |"));
    assert_non_null(strstr(doc, "## All source connectors\n"));
    assert_non_null(strstr(doc, "## All sink connectors\n"));
    assert_non_null(strstr(doc, "### FileStreamSource"));
    assert_non_null(strstr(doc, "| `batch.size` |"));
    kc_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_configuration_doc_is_current),
        cmocka_unit_test(test_configuration_doc_sections),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
