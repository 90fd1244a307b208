/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What VerifiableSource and VerifiableSink share: their connectors (which
 * only hand out task ids), Java's integer parsing, the stdout lines and
 * Apache's ThroughputThrottler arithmetic.
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <unistd.h>

#include "connectors/verifiable/kc_verifiable_connectors.h"

int kc_verifiable_out_fd = STDOUT_FILENO;

bool kc_verifiable_parse_long(const char *s, int64_t min, int64_t max,
                              int64_t *out)
{
    const char *p = s;
    int64_t v = 0;
    bool neg = false;

    if (s == NULL) {
        return false;
    }
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (*p == '\0') {
        return false;
    }
    for (; *p != '\0'; p++) {
        int d;

        if (*p < '0' || *p > '9') {
            return false; /* Java accepts no whitespace here */
        }
        d = *p - '0';
        /* accumulate negatively: INT64_MIN has no positive twin */
        if (v < (INT64_MIN + d) / 10) {
            return false;
        }
        v = v * 10 - d;
    }
    if (!neg) {
        if (v == INT64_MIN) {
            return false;
        }
        v = -v;
    }
    if (v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

kc_err_t kc_verifiable_int_config(const kc_props_t *config, const char *key,
                                  int64_t min, int64_t max, int64_t *out,
                                  kc_error_t *err)
{
    const char *text = kc_props_get(config, key);

    if (kc_verifiable_parse_long(text, min, max, out)) {
        return KC_OK;
    }
    if (text == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid VerifiableSourceTask configuration: "
                            "\"%s\" is missing",
                            key);
    }
    return kc_error_set(err, KC_ERR_INVALID,
                        "Invalid VerifiableSourceTask configuration: \"%s\" "
                        "is \"%s\", not an integer in [%" PRId64 ", %" PRId64
                        "]",
                        key, text, min, max);
}

/* ---- connector: as Apache's, tasks.max tasks numbered from 0 -------- */

kc_err_t kc_verifiable_conn_start(void **ctx, const kc_props_t *config,
                                  kc_connector_ctx_t *cctx, kc_error_t *err)
{
    KC_UNUSED(cctx);
    KC_UNUSED(err);
    *ctx = kc_props_copy(config);
    return KC_OK;
}

kc_err_t kc_verifiable_conn_task_configs(void *ctx, int max_tasks,
                                         kc_props_t ***configs, size_t *count,
                                         kc_error_t *err)
{
    const kc_props_t *props = ctx;
    size_t n = max_tasks > 0 ? (size_t)max_tasks : 0;

    KC_UNUSED(err);
    *configs = kc_calloc(n > 0 ? n : 1, sizeof(**configs));
    for (size_t i = 0; i < n; i++) {
        char id[24];

        snprintf(id, sizeof(id), "%zu", i);
        (*configs)[i] = kc_props_copy(props);
        kc_props_set((*configs)[i], "id", id);
    }
    *count = n;
    return KC_OK;
}

void kc_verifiable_conn_stop(void *ctx)
{
    kc_props_destroy(ctx);
}

/* ---- stdout ------------------------------------------------------------ */

/* One write per line, so lines of tasks on other threads never mix. */
static void kc_verifiable_write_line(const char *text)
{
    size_t len = strlen(text);
    char *line = kc_malloc(len + 1);
    size_t off = 0;

    memcpy(line, text, len);
    line[len] = '\n';
    while (off < len + 1) {
        ssize_t n = write(kc_verifiable_out_fd, line + off, len + 1 - off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break; /* stdout gone: Java's println drops it silently too */
        }
        off += (size_t)n;
    }
    kc_free(line);
}

void kc_verifiable_print(json_t *obj)
{
    char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);

    json_decref(obj);
    if (text != NULL) {
        kc_verifiable_write_line(text);
        free(text); /* allocated by jansson */
    }
}

void kc_verifiable_print_struct_failure(const char *field)
{
    char line[512];

    snprintf(line, sizeof(line),
             "Bad data can't be written as json: No serializer found for "
             "class org.apache.kafka.connect.data.Struct and no properties "
             "discovered to create BeanSerializer (to avoid exception, "
             "disable SerializationFeature.FAIL_ON_EMPTY_BEANS) (through "
             "reference chain: java.util.HashMap[\"%s\"])",
             field);
    kc_verifiable_write_line(line);
}

/* ---- throttle ------------------------------------------------------------ */

void kc_verifiable_throttle_init(kc_verifiable_throttle_t *t, double target,
                                 int64_t start_ms)
{
    memset(t, 0, sizeof(*t));
    t->target = target;
    t->start_ms = start_ms;
    t->sleep_ns = target > 0 ? (int64_t)(1e9 / target) : INT64_MAX;
}

bool kc_verifiable_throttle_should(const kc_verifiable_throttle_t *t,
                                   int64_t amount, int64_t now_ms)
{
    /* Apache measures the elapsed seconds as a float */
    float elapsed = (float)(now_ms - t->start_ms) / 1000.f;

    if (t->target < 0) {
        return false;
    }
    return elapsed > 0 && ((double)amount / elapsed) > t->target;
}
