/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Set-up shared by the task runner tests (test_sink_runner.c,
 * test_source_runner.c, test_task_runner.c): a scratch directory per test
 * for the worker's offsets file, and a worker on the embedded Kafka that
 * reports to test_status. Included by one test file each, after the
 * cmocka headers; everything is static inline, as in
 * kc_runtime_test_plugins.h.
 */
#ifndef KC_TESTS_KC_TEST_RUNNER_H
#define KC_TESTS_KC_TEST_RUNNER_H

#include "kc_runtime_test_plugins.h"

#include <stdarg.h>
#include <stdlib.h>

/* The current test's scratch directory (runner_setup). */
static char tmpdir[64];

/* A fresh scratch directory and test state, for cmocka's setup. */
static inline int runner_setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/kc-runner-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    test_state_reset();
    return 0;
}

/* Removes the scratch directory, for cmocka's teardown. */
static inline int runner_teardown(void **state)
{
    char *cmd = kc_asprintf("rm -rf '%s'", tmpdir);

    (void)state;
    assert_int_equal(system(cmd), 0);
    kc_free(cmd);
    return 0;
}

/* A worker with test_worker_props(tmpdir) plus @p reg's plugins and the
 * NULL-terminated key, value pairs that follow; fails the test if the
 * worker cannot be made. */
static inline kc_worker_t *new_worker_with(kc_registry_t *reg, ...)
{
    kc_props_t *wp = test_worker_props(tmpdir);
    kc_error_t err;
    kc_worker_t *w;
    va_list ap;
    const char *key;

    va_start(ap, reg);
    while ((key = va_arg(ap, const char *)) != NULL) {
        kc_props_set(wp, key, va_arg(ap, const char *));
    }
    va_end(ap);
    w = kc_worker_new(wp, reg, &err);
    if (w == NULL) {
        fail_msg("kc_worker_new: %s", err.msg);
    }
    kc_worker_set_status_listener(w, test_status, NULL);
    kc_props_destroy(wp);
    return w;
}

static inline kc_worker_t *new_worker(kc_registry_t *reg)
{
    return new_worker_with(reg, (const char *)NULL);
}

#endif /* KC_TESTS_KC_TEST_RUNNER_H */
