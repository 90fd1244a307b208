/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kconnect public API: error codes, memory, byte buffers, arenas, logging.
 *
 * This header is self-contained and leaks no third-party types; an
 * out-of-tree plugin includes only <kconnect/kconnect.h>.
 */
#ifndef KC_KCONNECT_COMMON_H
#define KC_KCONNECT_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KC_EXPORT            __attribute__((visibility("default")))
#define KC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/*
 * Bumped whenever a plugin descriptor changes incompatibly. 2: config
 * table rows gained offset/size (kc_config_bind), so a plugin's table
 * built against version 1 headers has rows of another size; kc_error_t
 * gained flags, cause and origin in the same release.
 */
#define KC_ABI_VERSION 2

/*
 * Result codes: 0 or negative. KC_AGAIN and KC_DECLINED are outcomes, not
 * failures; KC_RETRY asks the runtime to back off and redeliver (like
 * Connect's RetriableException).
 */
typedef enum kc_err {
    KC_OK = 0,
    KC_ERR = -1,             /* generic failure */
    KC_ERR_INVALID = -2,     /* bad input: config, JSON, record, argument */
    KC_ERR_NOT_FOUND = -3,   /* no such connector, task, plugin, file, key */
    KC_ERR_CONFLICT = -4,    /* already exists, or a state conflict */
    KC_ERR_TOO_LARGE = -5,   /* a bounded buffer would overflow */
    KC_ERR_IO = -6,          /* file or socket I/O */
    KC_ERR_KAFKA = -7,       /* a librdkafka call failed */
    KC_ERR_TIMEOUT = -8,     /* gave up waiting */
    KC_RETRY = -9,           /* retriable: back off and try again */
    KC_AGAIN = -10,          /* nothing yet / would block */
    KC_DECLINED = -11,       /* not handled here; try the next one */
    KC_ERR_UNSUPPORTED = -12 /* valid but not implemented */
} kc_err_t;

/* kc_error_t flags: what the caller may do about the error. */
#define KC_ERROR_F_RETRIABLE 0x1u /* trying again may work (KC_RETRY) */
#define KC_ERROR_F_FATAL     0x2u /* whatever failed can do nothing more */
/* `cause` names the Java exception class Apache raises here, for a
 * failure that is no DataException (kc_error_set_java_exception). */
#define KC_ERROR_F_JAVA_EXCEPTION 0x4u

/*
 * An error code with a message naming what was wrong. The fields after
 * msg came with ABI 2; kc_error_set and kc_error_clear reset them, so set
 * flags, cause and origin after kc_error_set.
 */
typedef struct kc_error {
    kc_err_t code;
    char msg[512];
    unsigned int flags; /* KC_ERROR_F_* */
    /* What a program can match on, where the failing library names it: a
     * SQLSTATE ("40001"), a librdkafka error name ("_FATAL"); "" if none. */
    char cause[64];
    /* Which configured plugin instance failed, set by the runtime (the
     * transform chain sets the transform's alias); "" if none. */
    char origin[256];
} kc_error_t;

/**
 * @brief Set @p err (may be NULL) to @p code and a formatted message.
 * @returns @p code, so callers can `return kc_error_set(...)`.
 */
KC_EXPORT kc_err_t kc_error_set(kc_error_t *err, kc_err_t code, const char *fmt,
                                ...) KC_PRINTF(3, 4);
/** @brief Prepend "<prefix>: " to the message in @p err (may be NULL). */
KC_EXPORT void kc_error_prefix(kc_error_t *err, const char *fmt, ...)
    KC_PRINTF(2, 3);
/** @brief Reset @p err to KC_OK with an empty message. */
KC_EXPORT void kc_error_clear(kc_error_t *err);
/** @brief Set (@p on) or clear KC_ERROR_F_RETRIABLE; @p err may be NULL. */
KC_EXPORT void kc_error_set_retriable(kc_error_t *err, bool on);
/** @brief Set (@p on) or clear KC_ERROR_F_FATAL; @p err may be NULL. */
KC_EXPORT void kc_error_set_fatal(kc_error_t *err, bool on);
/** @brief Whether @p err is retriable: the flag, or the code KC_RETRY. */
KC_EXPORT bool kc_error_is_retriable(const kc_error_t *err);
/** @brief Whether @p err has KC_ERROR_F_FATAL. */
KC_EXPORT bool kc_error_is_fatal(const kc_error_t *err);
/**
 * @brief Copy @p cause (NULL clears it; cut at 63 bytes) into @p err (may
 * be NULL).
 */
KC_EXPORT void kc_error_set_cause(kc_error_t *err, const char *cause);
/**
 * @brief Say that Apache raises @p class_name (a Java class, e.g.
 * "java.lang.IllegalArgumentException") where @p err (may be NULL) was
 * set, instead of the DataException the runtime reports by default for a
 * converter or transform: the dead letter queue headers and traces name
 * it. Call after kc_error_set; it uses the cause.
 */
KC_EXPORT void kc_error_set_java_exception(kc_error_t *err,
                                           const char *class_name);
/** @brief The class set by kc_error_set_java_exception, or NULL. */
KC_EXPORT const char *kc_error_java_exception(const kc_error_t *err);
/** @brief The cause of @p err, or NULL when it has none. */
KC_EXPORT const char *kc_error_cause(const kc_error_t *err);
/**
 * @brief Copy @p origin (NULL clears it; cut at 255 bytes) into @p err
 * (may be NULL). For the runtime: plugins leave it alone.
 */
KC_EXPORT void kc_error_set_origin(kc_error_t *err, const char *origin);
/** @brief The origin of @p err, or NULL when it has none. */
KC_EXPORT const char *kc_error_origin(const kc_error_t *err);
/** @brief Static name of a code, e.g. "KC_ERR_INVALID". */
KC_EXPORT const char *kc_err_name(kc_err_t code);

/*
 * Allocation wrappers. Small allocations abort on out-of-memory: there is
 * nothing useful to do then. Sizes from untrusted input go through a
 * bounded kc_buf instead.
 */
KC_EXPORT void *kc_malloc(size_t size);
KC_EXPORT void *kc_calloc(size_t n, size_t size);
KC_EXPORT void *kc_realloc(void *ptr, size_t size);
KC_EXPORT char *kc_strdup(const char *s);
KC_EXPORT char *kc_strndup(const char *s, size_t n);
KC_EXPORT void kc_free(void *ptr);
/** @brief Return a newly allocated formatted string; caller frees. */
KC_EXPORT char *kc_asprintf(const char *fmt, ...) KC_PRINTF(1, 2);

/* Length-carrying bytes; data is borrowed. */
typedef struct kc_bytes {
    const uint8_t *data;
    size_t len;
} kc_bytes_t;

/*
 * A growable byte buffer. `max` bounds its size (0 = unbounded); once an
 * append would pass it, the append fails with KC_ERR_TOO_LARGE and the
 * buffer is left as it was.
 */
typedef struct kc_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max;
} kc_buf_t;

KC_EXPORT void kc_buf_init(kc_buf_t *buf, size_t max);
KC_EXPORT void kc_buf_release(kc_buf_t *buf);
/** @brief Forget the contents, keep the allocation. */
KC_EXPORT void kc_buf_reset(kc_buf_t *buf);
KC_EXPORT kc_err_t kc_buf_reserve(kc_buf_t *buf, size_t extra);
KC_EXPORT kc_err_t kc_buf_append(kc_buf_t *buf, const void *data, size_t len);
KC_EXPORT kc_err_t kc_buf_puts(kc_buf_t *buf, const char *s);
KC_EXPORT kc_err_t kc_buf_putc(kc_buf_t *buf, char c);
KC_EXPORT kc_err_t kc_buf_printf(kc_buf_t *buf, const char *fmt, ...)
    KC_PRINTF(2, 3);
/** @brief NUL-terminate without counting the NUL in len; returns data. */
KC_EXPORT const char *kc_buf_cstr(kc_buf_t *buf);
/**
 * @brief Take the buffer's memory; the caller owns it (kc_free) and the
 * buffer is empty afterwards. NUL-terminated, length in @p len (may be NULL).
 */
KC_EXPORT char *kc_buf_detach(kc_buf_t *buf, size_t *len);

/*
 * An arena: many small allocations freed in one call. A batch of records
 * and everything they point to lives in one arena.
 */
typedef struct kc_arena kc_arena_t;

/** @brief New arena; @p block_size 0 picks a default. */
KC_EXPORT kc_arena_t *kc_arena_new(size_t block_size);
/** @brief Run the cleanups, free all memory; NULL is a no-op. */
KC_EXPORT void kc_arena_destroy(kc_arena_t *arena);
/** @brief Run the cleanups and make all memory reusable. */
KC_EXPORT void kc_arena_reset(kc_arena_t *arena);
/** @brief 16-byte aligned, uninitialised; never NULL. */
KC_EXPORT void *kc_arena_alloc(kc_arena_t *arena, size_t size);
KC_EXPORT void *kc_arena_calloc(kc_arena_t *arena, size_t n, size_t size);
KC_EXPORT char *kc_arena_strdup(kc_arena_t *arena, const char *s);
/** @brief Copy @p n bytes of @p s and NUL-terminate. */
KC_EXPORT char *kc_arena_strndup(kc_arena_t *arena, const char *s, size_t n);
KC_EXPORT void *kc_arena_memdup(kc_arena_t *arena, const void *p, size_t n);
KC_EXPORT char *kc_arena_sprintf(kc_arena_t *arena, const char *fmt, ...)
    KC_PRINTF(2, 3);
/** @brief Call fn(arg) at the next reset or destroy (LIFO order). */
KC_EXPORT void kc_arena_on_reset(kc_arena_t *arena, void (*fn)(void *),
                                 void *arg);
/** @brief Bytes currently handed out (for tests and metrics). */
KC_EXPORT size_t kc_arena_used(const kc_arena_t *arena);

/*
 * Logging. Levels and logger names follow log4j: a logger "a.b.c" takes
 * the level of its nearest configured ancestor, the root logger is "root".
 */
typedef enum kc_log_level {
    KC_LOG_TRACE = 0,
    KC_LOG_DEBUG,
    KC_LOG_INFO,
    KC_LOG_WARN,
    KC_LOG_ERROR,
    KC_LOG_FATAL,
    KC_LOG_OFF
} kc_log_level_t;

/** @brief True when a line at @p level from @p logger would be written. */
KC_EXPORT bool kc_log_enabled(kc_log_level_t level, const char *logger);
/** @brief Write one line in log4j's Connect layout to stderr. */
KC_EXPORT void kc_log_write(kc_log_level_t level, const char *logger,
                            const char *fmt, ...) KC_PRINTF(3, 4);
KC_EXPORT void kc_log_vwrite(kc_log_level_t level, const char *logger,
                             const char *fmt, va_list ap);
/**
 * @brief kc_log_write with the source line, shown as log4j's %L in
 * "(logger:line)"; the kc_log_<level> macros pass __LINE__.
 */
KC_EXPORT void kc_log_write_at(kc_log_level_t level, const char *logger,
                               int lineno, const char *fmt, ...)
    KC_PRINTF(4, 5);

#define KC_LOG_(lvl, logger, ...)                                              \
    do {                                                                       \
        if (kc_log_enabled((lvl), (logger))) {                                 \
            kc_log_write_at((lvl), (logger), __LINE__, __VA_ARGS__);           \
        }                                                                      \
    } while (0)
#define kc_log_trace(logger, ...) KC_LOG_(KC_LOG_TRACE, logger, __VA_ARGS__)
#define kc_log_debug(logger, ...) KC_LOG_(KC_LOG_DEBUG, logger, __VA_ARGS__)
#define kc_log_info(logger, ...)  KC_LOG_(KC_LOG_INFO, logger, __VA_ARGS__)
#define kc_log_warn(logger, ...)  KC_LOG_(KC_LOG_WARN, logger, __VA_ARGS__)
#define kc_log_error(logger, ...) KC_LOG_(KC_LOG_ERROR, logger, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* KC_KCONNECT_COMMON_H */
