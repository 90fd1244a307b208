/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker fixture the herder and REST unit tests share: a temporary
 * directory for the offsets file, a registry holding the null converter
 * ("test.TestConverter") and the test's own source connector, a worker on
 * the embedded Kafka and, when asked, a started standalone herder. Also
 * the REST request the route tests hand to kc_rest_route.
 */
#ifndef KC_TESTS_TEST_WORKER_H
#define KC_TESTS_TEST_WORKER_H

#include "kc_internal.h"

#include "herder/kc_herder.h"
#include "kconnect/plugin.h"
#include "plugins/kc_registry.h"
#include "rest/kc_rest_routes.h"
#include "runtime/kc_worker.h"

typedef struct kc_test_worker {
    char dir[64]; /* removed with everything in it by _fini */
    kc_registry_t *reg;
    kc_worker_t *w;
    kc_herder_t *h; /* NULL unless opts.standalone_herder */
} kc_test_worker_t;

typedef struct kc_test_worker_opts {
    const char *dir_template; /* for mkdtemp: "/tmp/kc-test-x-XXXXXX" */
    const struct kc_connector_plugin *source; /* registered when not NULL */
    /* Worker properties beyond the four every fixture sets: key, value,
     * key, value, ..., NULL. */
    const char *const *props;
    const char *worker_id;  /* kc_worker_set_id when not NULL */
    bool standalone_herder; /* create and start one in tw->h */
} kc_test_worker_opts_t;

/* Fills @p tw (zeroed by the caller); a failure fails the running test. */
void kc_test_worker_init(kc_test_worker_t *tw,
                         const kc_test_worker_opts_t *opts);

/* Destroys the herder (if any), the worker and the registry, then
 * removes the directory. */
void kc_test_worker_fini(kc_test_worker_t *tw);

/* The query parameters a kc_test_request_t holds at most. */
#define KC_TEST_REQUEST_MAX_ARGS 8

/* A request as the REST server parses it, for kc_rest_route. */
typedef struct kc_test_request {
    kc_rest_request_t req;
    kc_rest_arg_t args[KC_TEST_REQUEST_MAX_ARGS];
    char *target; /* the split copy req.path and args point into */
} kc_test_request_t;

/* Fills @p tr with @p method, @p target ("path?k=v&k2", the query split
 * into req.args), Host @p host and @p body (borrowed, may be NULL);
 * further headers go straight into tr->req. More query parameters than
 * KC_TEST_REQUEST_MAX_ARGS fail the running test. */
void kc_test_request_init(kc_test_request_t *tr, const char *method,
                          const char *target, const char *host,
                          const char *body);

/* Frees what kc_test_request_init made. */
void kc_test_request_release(kc_test_request_t *tr);

#endif /* KC_TESTS_TEST_WORKER_H */
