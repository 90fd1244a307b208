/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared worker fixture (see kc_test_worker.h). Built once into a
 * static library the unit tests link, so its cmocka assertions fail the
 * test that called it.
 */
#include "kc_test_worker.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "kc_test_null_converter.h"

void kc_test_worker_init(kc_test_worker_t *tw,
                         const kc_test_worker_opts_t *opts)
{
    kc_props_t *wp = kc_props_new();
    kc_error_t err;
    char *offsets;

    snprintf(tw->dir, sizeof(tw->dir), "%s", opts->dir_template);
    assert_non_null(mkdtemp(tw->dir));
    offsets = kc_asprintf("%s/offsets", tw->dir);
    tw->reg = kc_registry_new();
    assert_int_equal(
        kc_registry_add(tw->reg, KC_PLUGIN_CONVERTER, &test_converter, &err),
        KC_OK);
    if (opts->source != NULL) {
        assert_int_equal(
            kc_registry_add(tw->reg, KC_PLUGIN_SOURCE, opts->source, &err),
            KC_OK);
    }
    kc_props_set(wp, "bootstrap.servers", "embedded");
    kc_props_set(wp, "key.converter", "test.TestConverter");
    kc_props_set(wp, "value.converter", "test.TestConverter");
    kc_props_set(wp, "offset.storage.file.filename", offsets);
    for (const char *const *p = opts->props; p != NULL && p[0] != NULL;
         p += 2) {
        kc_props_set(wp, p[0], p[1]);
    }
    tw->w = kc_worker_new(wp, tw->reg, &err);
    if (tw->w == NULL) {
        fail_msg("kc_worker_new: %s", err.msg);
    }
    if (opts->worker_id != NULL) {
        kc_worker_set_id(tw->w, opts->worker_id);
    }
    if (opts->standalone_herder) {
        tw->h = kc_standalone_herder_new(tw->w, &err);
        assert_non_null(tw->h);
        assert_int_equal(kc_herder_start(tw->h, &err), KC_OK);
    }
    kc_props_destroy(wp);
    kc_free(offsets);
}

void kc_test_worker_fini(kc_test_worker_t *tw)
{
    char *cmd = kc_asprintf("rm -rf '%s'", tw->dir);

    if (tw->h != NULL) {
        kc_herder_destroy(tw->h);
        tw->h = NULL;
    }
    kc_worker_destroy(tw->w);
    kc_registry_destroy(tw->reg);
    assert_int_equal(system(cmd), 0);
    kc_free(cmd);
}

void kc_test_request_init(kc_test_request_t *tr, const char *method,
                          const char *target, const char *host,
                          const char *body)
{
    char *q;
    size_t nargs = 0;

    memset(tr, 0, sizeof(*tr));
    tr->target = kc_strdup(target);
    q = strchr(tr->target, '?');
    if (q != NULL) {
        char *save = NULL;

        *q++ = '\0';
        for (char *tok = strtok_r(q, "&", &save); tok != NULL;
             tok = strtok_r(NULL, "&", &save)) {
            char *eq = strchr(tok, '=');

            if (nargs == KC_TEST_REQUEST_MAX_ARGS) {
                fail_msg("more than %d query parameters in %s",
                         KC_TEST_REQUEST_MAX_ARGS, target);
            }
            if (eq != NULL) {
                *eq = '\0';
            }
            tr->args[nargs].key = tok;
            tr->args[nargs].value = eq != NULL ? eq + 1 : "";
            nargs++;
        }
    }
    tr->req.method = method;
    tr->req.path = tr->target;
    tr->req.args = tr->args;
    tr->req.nargs = nargs;
    tr->req.host = host;
    tr->req.body = body;
    tr->req.body_len = body != NULL ? strlen(body) : 0;
}

void kc_test_request_release(kc_test_request_t *tr)
{
    kc_free(tr->target);
    tr->target = NULL;
}
