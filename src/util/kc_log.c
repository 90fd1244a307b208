/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

#include <pthread.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

typedef struct kc_logger_level {
    char *name;
    kc_log_level_t level;
    int64_t last_modified_ms;
} kc_logger_level_t;

static pthread_mutex_t kc_log_lock = PTHREAD_MUTEX_INITIALIZER;
static kc_logger_level_t *kc_log_levels;
static size_t kc_log_nlevels;
static kc_log_level_t kc_log_root = KC_LOG_INFO;
/* Lowest explicit level anywhere: a quick "surely disabled" check. */
static volatile kc_log_level_t kc_log_floor = KC_LOG_INFO;
static FILE *kc_log_stream;
/* Names of known loggers (see kc_log_register), sorted. */
static char **kc_log_names;
static size_t kc_log_nnames;
static int64_t kc_log_root_modified_ms;
static _Thread_local char kc_log_ctx[128];
static _Thread_local kc_log_filter_fn kc_log_filter;
static _Thread_local void *kc_log_filter_opaque;

static const char *const kc_level_names[] = {"TRACE", "DEBUG", "INFO", "WARN",
                                             "ERROR", "FATAL", "OFF"};

const char *kc_log_level_name(kc_log_level_t level)
{
    if ((int)level < 0 || level > KC_LOG_OFF) {
        return NULL;
    }
    return kc_level_names[level];
}

kc_err_t kc_log_level_parse(const char *name, kc_log_level_t *level)
{
    for (size_t i = 0; i < KC_ARRAY_LEN(kc_level_names); i++) {
        if (strcasecmp(name, kc_level_names[i]) == 0) {
            *level = (kc_log_level_t)i;
            return KC_OK;
        }
    }
    return KC_ERR_INVALID;
}

static void kc_log_recompute_floor(void)
{
    kc_log_level_t floor = kc_log_root;

    for (size_t i = 0; i < kc_log_nlevels; i++) {
        if (kc_log_levels[i].level < floor) {
            floor = kc_log_levels[i].level;
        }
    }
    kc_log_floor = floor;
}

/* Caller holds the lock. Binary search keeps the names sorted. */
static void kc_log_register_locked(const char *logger)
{
    size_t lo = 0;
    size_t hi = kc_log_nnames;

    if (logger == NULL || strcmp(logger, "root") == 0) {
        return;
    }
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(kc_log_names[mid], logger);

        if (c == 0) {
            return;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    kc_log_names =
        kc_realloc(kc_log_names, (kc_log_nnames + 1) * sizeof(*kc_log_names));
    memmove(&kc_log_names[lo + 1], &kc_log_names[lo],
            (kc_log_nnames - lo) * sizeof(*kc_log_names));
    kc_log_names[lo] = kc_strdup(logger);
    kc_log_nnames++;
}

static bool kc_log_known_locked(const char *logger)
{
    size_t lo = 0;
    size_t hi = kc_log_nnames;

    if (strcmp(logger, "root") == 0) {
        return true;
    }
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(kc_log_names[mid], logger);

        if (c == 0) {
            return true;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return false;
}

void kc_log_register(const char *logger)
{
    pthread_mutex_lock(&kc_log_lock);
    kc_log_register_locked(logger);
    pthread_mutex_unlock(&kc_log_lock);
}

bool kc_log_known(const char *logger)
{
    bool known;

    pthread_mutex_lock(&kc_log_lock);
    known = kc_log_known_locked(logger);
    pthread_mutex_unlock(&kc_log_lock);
    return known;
}

void kc_log_set_level(const char *logger, kc_log_level_t level)
{
    pthread_mutex_lock(&kc_log_lock);
    if (strcmp(logger, "root") == 0) {
        kc_log_root = level;
        kc_log_root_modified_ms = kc_clock_wall_ms();
    } else {
        kc_log_register_locked(logger);
        size_t i;

        for (i = 0; i < kc_log_nlevels; i++) {
            if (strcmp(kc_log_levels[i].name, logger) == 0) {
                break;
            }
        }
        if (i == kc_log_nlevels) {
            kc_log_levels = kc_realloc(
                kc_log_levels, (kc_log_nlevels + 1) * sizeof(*kc_log_levels));
            kc_log_levels[i].name = kc_strdup(logger);
            kc_log_nlevels++;
        }
        kc_log_levels[i].level = level;
        kc_log_levels[i].last_modified_ms = kc_clock_wall_ms();
    }
    kc_log_recompute_floor();
    pthread_mutex_unlock(&kc_log_lock);
}

/* Caller holds the lock. */
static kc_log_level_t kc_log_lookup(const char *logger)
{
    size_t best_len = 0;
    kc_log_level_t best = kc_log_root;

    if (logger == NULL) {
        return best;
    }
    for (size_t i = 0; i < kc_log_nlevels; i++) {
        const char *name = kc_log_levels[i].name;
        size_t n = strlen(name);

        if (n >= best_len && strncmp(logger, name, n) == 0 &&
            (logger[n] == '\0' || logger[n] == '.')) {
            best_len = n;
            best = kc_log_levels[i].level;
        }
    }
    return best;
}

kc_log_level_t kc_log_effective_level(const char *logger)
{
    kc_log_level_t level;

    pthread_mutex_lock(&kc_log_lock);
    kc_log_register_locked(logger);
    level = kc_log_lookup(logger);
    pthread_mutex_unlock(&kc_log_lock);
    return level;
}

bool kc_log_enabled(kc_log_level_t level, const char *logger)
{
    if (level < kc_log_floor) {
        return false;
    }
    return level >= kc_log_effective_level(logger);
}

static int kc_log_cmp(const void *a, const void *b)
{
    return strcmp(((const kc_logger_level_t *)a)->name,
                  ((const kc_logger_level_t *)b)->name);
}

void kc_log_each(void (*fn)(const char *, kc_log_level_t, int64_t, void *),
                 void *opaque)
{
    kc_logger_level_t *copy;
    size_t n;

    pthread_mutex_lock(&kc_log_lock);
    n = kc_log_nlevels;
    copy = kc_calloc(n + 1, sizeof(*copy));
    for (size_t i = 0; i < n; i++) {
        copy[i] = kc_log_levels[i];
        copy[i].name = kc_strdup(kc_log_levels[i].name);
    }
    pthread_mutex_unlock(&kc_log_lock);
    fn("root", kc_log_root, 0, opaque);
    qsort(copy, n, sizeof(*copy), kc_log_cmp);
    for (size_t i = 0; i < n; i++) {
        fn(copy[i].name, copy[i].level, copy[i].last_modified_ms, opaque);
        kc_free(copy[i].name);
    }
    kc_free(copy);
}

bool kc_log_explicit_level(const char *logger, kc_log_level_t *level)
{
    bool found = false;

    pthread_mutex_lock(&kc_log_lock);
    if (strcmp(logger, "root") == 0) {
        *level = kc_log_root;
        found = true;
    }
    for (size_t i = 0; !found && i < kc_log_nlevels; i++) {
        if (strcmp(kc_log_levels[i].name, logger) == 0) {
            *level = kc_log_levels[i].level;
            found = true;
        }
    }
    pthread_mutex_unlock(&kc_log_lock);
    return found;
}

void kc_log_each_known(void (*fn)(const char *, kc_log_level_t, int64_t,
                                  void *),
                       void *opaque)
{
    typedef struct {
        char *name;
        kc_log_level_t level;
        int64_t modified;
    } entry_t;
    entry_t *copy;
    size_t n;
    size_t k = 0;
    bool root_done = false;

    pthread_mutex_lock(&kc_log_lock);
    n = kc_log_nnames;
    copy = kc_calloc(n + 1, sizeof(*copy));
    for (size_t i = 0; i < n; i++) {
        copy[i].name = kc_strdup(kc_log_names[i]);
        copy[i].level = kc_log_lookup(kc_log_names[i]);
        for (size_t j = 0; j < kc_log_nlevels; j++) {
            if (strcmp(kc_log_levels[j].name, kc_log_names[i]) == 0) {
                copy[i].modified = kc_log_levels[j].last_modified_ms;
            }
        }
    }
    copy[n].level = kc_log_root;
    copy[n].modified = kc_log_root_modified_ms;
    pthread_mutex_unlock(&kc_log_lock);
    /* Names are sorted; "root" takes its place among them. */
    for (k = 0; k <= n; k++) {
        if (!root_done && (k == n || strcmp("root", copy[k].name) < 0)) {
            fn("root", copy[n].level, copy[n].modified, opaque);
            root_done = true;
        }
        if (k < n) {
            fn(copy[k].name, copy[k].level, copy[k].modified, opaque);
            kc_free(copy[k].name);
        }
    }
    kc_free(copy);
}

void kc_log_reset(void)
{
    pthread_mutex_lock(&kc_log_lock);
    kc_log_root_modified_ms = 0;
    for (size_t i = 0; i < kc_log_nlevels; i++) {
        kc_free(kc_log_levels[i].name);
    }
    kc_free(kc_log_levels);
    kc_log_levels = NULL;
    kc_log_nlevels = 0;
    kc_log_root = KC_LOG_INFO;
    kc_log_recompute_floor();
    pthread_mutex_unlock(&kc_log_lock);
}

void kc_log_set_context(const char *context)
{
    char *safe;

    if (context == NULL) {
        kc_log_ctx[0] = '\0';
        return;
    }
    /* The context carries a connector name, which a REST client chose. */
    safe = kc_str_escape_log(context);
    snprintf(kc_log_ctx, sizeof(kc_log_ctx), "%s", safe);
    kc_free(safe);
}

void kc_log_set_filter(kc_log_filter_fn fn, void *opaque)
{
    kc_log_filter = fn;
    kc_log_filter_opaque = opaque;
}

void kc_log_set_stream(FILE *stream)
{
    kc_log_stream = stream;
}

/*
 * log4j's Connect layout, [%d] %p %X{connector.context}%m (%c:%L)%n: the
 * line number is left out when unknown (@p lineno 0). A long message (a
 * stack trace) goes to the heap rather than being cut.
 */
static void kc_log_emit(kc_log_level_t level, const char *logger, int lineno,
                        const char *fmt, va_list ap)
{
    char stack[2048];
    char *msg = stack;
    char ts[32];
    char loc[32];
    struct timeval tv;
    struct tm tm;
    va_list ap2;
    int m;

    va_copy(ap2, ap);
    m = vsnprintf(stack, sizeof(stack), fmt, ap);
    if (m < 0) {
        stack[0] = '\0';
    } else if ((size_t)m >= sizeof(stack)) {
        msg = kc_malloc((size_t)m + 1);
        vsnprintf(msg, (size_t)m + 1, fmt, ap2);
    }
    va_end(ap2);
    if (kc_log_filter != NULL) {
        char *f = kc_log_filter(kc_log_filter_opaque, msg);

        if (f != NULL) {
            if (msg != stack) {
                kc_free(msg);
            }
            msg = f;
        }
    }
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
    loc[0] = '\0';
    if (lineno > 0) {
        snprintf(loc, sizeof(loc), ":%d", lineno);
    }
    if ((int)level < 0 || level > KC_LOG_OFF) {
        level = KC_LOG_INFO;
    }
    if (logger != NULL) {
        kc_log_register(logger);
    }
    fprintf(kc_log_stream ? kc_log_stream : stderr,
            "[%s,%03ld] %s %s%s (%s%s)\n", ts, (long)(tv.tv_usec / 1000),
            kc_level_names[level], kc_log_ctx, msg, logger ? logger : "root",
            loc);
    if (msg != stack) {
        kc_free(msg);
    }
}

void kc_log_vwrite(kc_log_level_t level, const char *logger, const char *fmt,
                   va_list ap)
{
    kc_log_emit(level, logger, 0, fmt, ap);
}

void kc_log_write_at(kc_log_level_t level, const char *logger, int lineno,
                     const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    kc_log_emit(level, logger, lineno, fmt, ap);
    va_end(ap);
}

void kc_log_write(kc_log_level_t level, const char *logger, const char *fmt,
                  ...)
{
    va_list ap;

    va_start(ap, fmt);
    kc_log_vwrite(level, logger, fmt, ap);
    va_end(ap);
}
