/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kconnect: `kconnect standalone WORKER.properties [CONNECTOR ...]`, as
 * Apache Kafka's connect-standalone.sh. Invoked as `connect-standalone`
 * the `standalone` word is implied.
 *
 * Exit codes follow Apache's ConnectStandalone: 0 after a clean stop, 1
 * for usage errors, 2 when the worker cannot start (bad config), 3 when a
 * connector file is rejected.
 */
#include "kc_internal.h"

#include <jansson.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <sys/resource.h>
#ifdef KC_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "cli/kc_connector_file.h"
#include "distributed/kc_distributed_config.h"
#include "distributed/kc_distributed_herder.h"
#include "herder/kc_herder.h"
#include "plugins/kc_registry.h"
#include "rest/kc_rest_metrics.h"
#include "rest/kc_rest_server.h"
#include "runtime/kc_worker.h"
#include "runtime/kc_worker_config.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

/* Apache's logger names for these lines: AbstractConnectCli initialises
 * the worker in either mode, Connect starts and stops it, and only
 * ConnectStandalone creates connectors from files. */
#define LOGGER_CLI        "org.apache.kafka.connect.cli.AbstractConnectCli"
#define LOGGER_CONNECT    "org.apache.kafka.connect.runtime.Connect"
#define LOGGER_STANDALONE "org.apache.kafka.connect.cli.ConnectStandalone"

#define EXIT_USAGE     1
#define EXIT_CONFIG    2
#define EXIT_CONNECTOR 3
#define EXIT_FATAL     4 /* the distributed herder gave up while running */

/*
 * Tell systemd (Type=notify units) how the worker is doing; a no-op when
 * not started by systemd (no NOTIFY_SOCKET) or built without libsystemd.
 */
static void kc_main_notify(const char *state)
{
#ifdef KC_HAVE_SYSTEMD
    int r = sd_notify(0, state);

    if (r < 0) {
        kc_log_warn(LOGGER_CLI, "could not notify systemd: %s", strerror(-r));
    }
#else
    (void)state;
#endif
}

static void usage(FILE *out, const char *prog)
{
    fprintf(out,
            "Usage: %s standalone WORKER.properties "
            "[CONNECTOR.properties|CONNECTOR.json ...]\n"
            "   or: %s distributed WORKER.properties\n"
            "   or: %s --help | --version\n"
            "\n"
            "Runs a Kafka Connect worker, as Apache Kafka's "
            "connect-standalone.sh, with the same\n"
            "worker and connector files and the same REST API "
            "(listeners, default http://:8083).\n"
            "Set bootstrap.servers=embedded to start an in-memory Kafka "
            "inside the worker.\n",
            prog, prog, prog);
}

/* Print each config problem on its own line. */
static void print_issues(const char *what, const kc_config_result_t *result)
{
    fprintf(stderr, "kconnect: invalid %s (%zu problem%s):\n", what,
            result->count, result->count == 1 ? "" : "s");
    for (size_t i = 0; i < result->count; i++) {
        fprintf(stderr, "  %s: %s\n", result->issues[i].key,
                result->issues[i].message);
    }
}

/*
 * Raise the soft limit on open files to the hard limit, as the JVM does at
 * start: every idle REST connection holds a descriptor, and the usual soft
 * limit (1024) would refuse clients long before the server is busy.
 */
static void raise_open_file_limit(void)
{
    struct rlimit rl;
    rlim_t want;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        kc_log_warn(LOGGER_CLI, "could not read the open file limit: %s",
                    strerror(errno));
        return;
    }
    /* Linux refuses an infinite RLIMIT_NOFILE; its default fs.nr_open. */
    want = rl.rlim_max == RLIM_INFINITY ? (rlim_t)1 << 20 : rl.rlim_max;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= want) {
        kc_log_debug(LOGGER_CLI, "open file limit: %llu",
                     (unsigned long long)rl.rlim_cur);
        return;
    }
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
        kc_log_warn(LOGGER_CLI,
                    "could not raise the open file limit to %llu: %s",
                    (unsigned long long)want, strerror(errno));
        return;
    }
    kc_log_info(LOGGER_CLI,
                "raised the open file limit to %llu (the hard limit)",
                (unsigned long long)want);
}

/*
 * The worker file as both modes read it before their own checks: the
 * properties, the built-in plugins and plugin.path's (a converter class
 * may come from there), then config providers resolved (${file:...}), as
 * Apache's WorkerConfig and DistributedConfig do. Prints what is wrong.
 * @returns the registry, or NULL with the message printed.
 */
static kc_registry_t *load_worker_file(const char *path, kc_props_t *props)
{
    kc_error_t err;
    kc_registry_t *reg;
    const char *plugin_path;

    kc_error_clear(&err);
    if (kc_props_load_file(props, path, &err) != KC_OK) {
        fprintf(stderr, "kconnect: %s\n", err.msg);
        return NULL;
    }
    reg = kc_registry_new();
    if (kc_registry_add_builtins(reg, &err) != KC_OK) {
        fprintf(stderr,
                "kconnect: could not register the built-in "
                "plugins: %s\n",
                err.msg);
        kc_registry_destroy(reg);
        return NULL;
    }
    plugin_path = kc_props_get(props, "plugin.path");
    if (plugin_path != NULL && *plugin_path != '\0' &&
        kc_registry_load_path(reg, plugin_path, &err) != KC_OK) {
        fprintf(stderr, "kconnect: invalid plugin.path: %s\n", err.msg);
        kc_registry_destroy(reg);
        return NULL;
    }
    if (kc_props_resolve(props, props, &err) != KC_OK) {
        fprintf(stderr, "kconnect: invalid worker config: %s\n", err.msg);
        kc_registry_destroy(reg);
        return NULL;
    }
    return reg;
}

/* The REST server of @p h with /metrics mounted, in *@p rest (NULL if it
 * could not start; a server whose /metrics failed is kept there for the
 * caller to free); false after saying why on stderr. */
static bool serve_rest(kc_herder_t *h, kc_worker_t *w, kc_rest_server_t **rest)
{
    kc_error_t err;

    *rest = kc_rest_server_new(h, kc_worker_config(w), &err);
    if (*rest == NULL) {
        fprintf(stderr, "kconnect: could not start the REST server: %s\n",
                err.msg);
        return false;
    }
    if (kc_rest_metrics_mount(*rest, kc_worker_metrics(w), &err) != KC_OK) {
        fprintf(stderr, "kconnect: could not serve /metrics: %s\n", err.msg);
        return false;
    }
    return true;
}

/* Signals are taken synchronously by the main thread only (sigwait);
 * SIGUSR2 is the distributed herder's failure (on_herder_fatal). */
static void block_signals(sigset_t *sigs, bool usr2)
{
    sigemptyset(sigs);
    sigaddset(sigs, SIGINT);
    sigaddset(sigs, SIGTERM);
    if (usr2) {
        sigaddset(sigs, SIGUSR2);
    }
    pthread_sigmask(SIG_BLOCK, sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/*
 * The worker is up: say so, wait for SIGINT/SIGTERM (or, with a
 * distributed herder @p dist, its failure), then say it is stopping.
 * @returns the exit code: 0, or EXIT_FATAL when the herder gave up.
 */
static int run_until_stopped(const sigset_t *sigs, kc_herder_t *dist)
{
    int sig = 0;
    int rc = 0;

    kc_log_info(LOGGER_CONNECT, "Kafka Connect started");
    kc_main_notify("READY=1\nSTATUS=Kafka Connect started");
    for (;;) {
        char *why;

        while (sigwait(sigs, &sig) != 0) {
        }
        if (sig != SIGUSR2 || dist == NULL) {
            kc_log_info(LOGGER_CONNECT, "Kafka Connect stopping (signal %d)",
                        sig);
            break;
        }
        why = kc_distributed_herder_failure(dist);
        if (why == NULL) {
            continue; /* not ours: only the herder's failure counts */
        }
        fprintf(stderr, "kconnect: the distributed herder stopped: %s\n", why);
        kc_log_error(LOGGER_CONNECT, "Kafka Connect stopping: %s", why);
        kc_free(why);
        rc = EXIT_FATAL;
        break;
    }
    kc_main_notify("STOPPING=1");
    return rc;
}

static int run_standalone(int argc, char **argv)
{
    kc_error_t err;
    kc_props_t *wprops = kc_props_new();
    kc_registry_t *reg = NULL;
    kc_worker_t *w = NULL;
    kc_herder_t *h = NULL;
    kc_rest_server_t *rest = NULL;
    kc_connector_file_t *files = NULL;
    kc_config_result_t result = {0};
    sigset_t sigs;
    int rc = 0;
    int nfiles = argc - 1;

    kc_error_clear(&err);
    block_signals(&sigs, false);
    /* Listed by GET /admin/loggers, as in Apache's standalone worker. */
    kc_log_register(LOGGER_STANDALONE);
    kc_log_info(LOGGER_CLI, "Kafka Connect worker initializing ...");
    raise_open_file_limit();
    reg = load_worker_file(argv[0], wprops);
    if (reg == NULL) {
        rc = EXIT_CONFIG;
        goto out;
    }
    /* Read every connector file first: report all bad ones at once. */
    files = kc_calloc((size_t)nfiles + 1, sizeof(*files));
    for (int i = 0; i < nfiles; i++) {
        if (kc_connector_file_load(argv[i + 1], &files[i], &err) != KC_OK) {
            fprintf(stderr, "kconnect: %s\n", err.msg);
            rc = EXIT_CONNECTOR;
        }
    }
    if (kc_worker_config_check(reg, wprops, &result) != KC_OK) {
        print_issues("worker config", &result);
        rc = EXIT_CONFIG;
        goto out;
    }
    if (rc != 0) {
        goto out;
    }
    /* Before the worker starts, so its start-up is logged too. */
    kc_worker_log_debug_apply(wprops);
    w = kc_worker_new(wprops, reg, &err);
    if (w == NULL) {
        fprintf(stderr, "kconnect: could not start the worker: %s\n", err.msg);
        rc = EXIT_CONFIG;
        goto out;
    }
    h = kc_standalone_herder_new(w, &err);
    if (h == NULL) {
        fprintf(stderr, "kconnect: could not create the herder: %s\n", err.msg);
        rc = EXIT_CONFIG;
        goto out;
    }
    if (!serve_rest(h, w, &rest)) {
        rc = EXIT_CONFIG;
        goto out;
    }
    if (kc_herder_start(h, &err) != KC_OK) {
        fprintf(stderr, "kconnect: could not start the herder: %s\n", err.msg);
        rc = EXIT_CONFIG;
        goto out;
    }
    for (int i = 0; i < nfiles; i++) {
        bool created = false;
        json_t *info = NULL;
        /* A name from a file may hold anything; the log gets it escaped. */
        char *name = kc_str_escape_log(files[i].name);

        if (kc_herder_put_config(h, files[i].name, files[i].config, false,
                                 files[i].initial_state, &created, &info,
                                 &err) != KC_OK) {
            /* The body holds the whole message; err.msg may be cut. */
            json_t *msg =
                info != NULL ? json_object_get(info, "message") : NULL;

            kc_log_error(LOGGER_STANDALONE, "Failed to create connector for %s",
                         argv[i + 1]);
            fprintf(stderr,
                    "kconnect: could not create connector \"%s\" from "
                    "%s: %s\n",
                    name, argv[i + 1],
                    json_is_string(msg) ? json_string_value(msg) : err.msg);
            kc_free(name);
            json_decref(info);
            rc = EXIT_CONNECTOR;
            goto out;
        }
        json_decref(info);
        kc_log_info(LOGGER_STANDALONE, "Created connector %s", name);
        kc_free(name);
    }
    /* The REST API listens and every connector file is applied. */
    rc = run_until_stopped(&sigs, NULL);

out:
    kc_rest_server_destroy(rest);
    kc_herder_destroy(h);
    kc_worker_destroy(w);
    kc_registry_destroy(reg);
    for (int i = 0; files != NULL && i < nfiles; i++) {
        kc_connector_file_release(&files[i]);
    }
    kc_free(files);
    kc_config_result_release(&result);
    kc_props_destroy(wprops);
    if (rc == 0) {
        kc_log_info(LOGGER_CONNECT, "Kafka Connect stopped");
    }
    return rc;
}

/* The distributed herder's thread gave up: wake run_distributed's
 * sigwait, which then stops the worker. */
static void on_herder_fatal(void *opaque)
{
    (void)opaque;
    kill(getpid(), SIGUSR2);
}

/*
 * Distributed mode: the config is checked as Apache's DistributedConfig
 * checks it; then the worker runs with the distributed herder, its
 * connectors created through the REST API (kept in the config topic).
 */
static int run_distributed(int argc, char **argv)
{
    kc_props_t *props = kc_props_new();
    kc_registry_t *reg = NULL;
    kc_config_result_t result = {0};
    kc_worker_t *w = NULL;
    kc_herder_t *h = NULL;
    kc_rest_server_t *rest = NULL;
    kc_error_t err;
    sigset_t sigs;
    int rc = 0;

    kc_error_clear(&err);
    if (argc != 1) {
        fprintf(stderr, "kconnect: distributed takes one worker properties "
                        "file (connectors are created through the REST "
                        "API)\n");
        kc_props_destroy(props);
        return EXIT_USAGE;
    }
    block_signals(&sigs, true);
    kc_log_info(LOGGER_CLI, "Kafka Connect worker initializing ...");
    raise_open_file_limit();
    if ((reg = load_worker_file(argv[0], props)) == NULL) {
        rc = EXIT_CONFIG; /* printed */
        goto out;
    }
    if (kc_distributed_config_check(reg, props, &result) != KC_OK) {
        print_issues("worker config", &result);
        rc = EXIT_CONFIG;
        goto out;
    }
    kc_worker_log_debug_apply(props);
    w = kc_worker_new_with(props, reg, kc_distributed_config_defs(), &err);
    if (w == NULL) {
        fprintf(stderr, "kconnect: could not start the worker: %s\n", err.msg);
        rc = EXIT_CONFIG;
        goto out;
    }
    h = kc_distributed_herder_new(w, props, &err);
    if (h == NULL) {
        fprintf(stderr, "kconnect: could not create the herder: %s\n", err.msg);
        rc = EXIT_CONFIG;
        goto out;
    }
    if (!serve_rest(h, w, &rest)) {
        rc = EXIT_CONFIG;
        goto out;
    }
    kc_distributed_herder_set_url(h, kc_rest_server_url(rest));
    kc_distributed_herder_on_fatal(h, on_herder_fatal, NULL);
    if (kc_herder_start(h, &err) != KC_OK) {
        fprintf(stderr, "kconnect: could not start the herder: %s\n", err.msg);
        rc = EXIT_CONFIG;
        goto out;
    }
    rc = run_until_stopped(&sigs, h);
out:
    kc_rest_server_destroy(rest);
    kc_herder_destroy(h);
    kc_worker_destroy(w);
    kc_config_result_release(&result);
    kc_registry_destroy(reg);
    kc_props_destroy(props);
    if (rc == 0) {
        kc_log_info(LOGGER_CONNECT, "Kafka Connect stopped");
    }
    return rc;
}

int main(int argc, char **argv)
{
    char *argv0 = kc_strdup(argv[0]);
    const char *prog = basename(argv0);
    bool implied = strncmp(prog, "connect-standalone", 18) == 0;
    bool distributed = strncmp(prog, "connect-distributed", 19) == 0;
    int first = implied || distributed ? 1 : 2;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout, prog);
            kc_free(argv0);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("kconnect %s\n", KC_VERSION_STR);
            kc_free(argv0);
            return 0;
        }
    }
    if (!implied && !distributed) {
        if (argc < 2) {
            usage(stderr, prog);
            kc_free(argv0);
            return EXIT_USAGE;
        }
        if (strcmp(argv[1], "distributed") == 0) {
            distributed = true;
        } else if (strcmp(argv[1], "standalone") != 0) {
            fprintf(stderr, "kconnect: unknown command \"%s\"\n", argv[1]);
            usage(stderr, prog);
            kc_free(argv0);
            return EXIT_USAGE;
        }
    }
    if (argc <= first) {
        usage(stderr, prog);
        kc_free(argv0);
        return EXIT_USAGE;
    }
    rc = distributed ? run_distributed(argc - first, argv + first)
                     : run_standalone(argc - first, argv + first);
    kc_free(argv0);
    return rc;
}
