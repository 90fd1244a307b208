/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logger configuration: per-logger levels (log4j style, inherited by
 * dotted prefix), a thread-local context prefix such as "[name|task-0] ".
 */
#ifndef KC_UTIL_KC_LOG_H
#define KC_UTIL_KC_LOG_H

#include <kconnect/common.h>

/** @brief "TRACE".."OFF"; NULL for an invalid level. */
const char *kc_log_level_name(kc_log_level_t level);
/** @brief Parse a level name (case-insensitive); KC_ERR_INVALID if unknown. */
kc_err_t kc_log_level_parse(const char *name, kc_log_level_t *level);
/**
 * @brief Set the level of @p logger ("root" for the root). Takes effect for
 * it and every descendant that has no level of its own.
 * @locks the logger table lock
 */
void kc_log_set_level(const char *logger, kc_log_level_t level);
/** @brief Effective level of @p logger. */
kc_log_level_t kc_log_effective_level(const char *logger);
/**
 * @brief Call @p fn for every logger with an explicit level, root first,
 * others in name order, as GET /admin/loggers lists them.
 */
void kc_log_each(void (*fn)(const char *logger, kc_log_level_t level,
                            int64_t last_modified_ms, void *opaque),
                 void *opaque);
/**
 * @brief A rewrite of every message this thread logs: returns a new
 * string (kc_malloc) or NULL to keep the message.
 */
typedef char *(*kc_log_filter_fn)(void *opaque, const char *msg);
/**
 * @brief Set this thread's message filter (NULL clears it). The worker
 * sets one around plugin code so that a plugin logging its resolved
 * config shows the config-provider references instead.
 */
void kc_log_set_filter(kc_log_filter_fn fn, void *opaque);
/** @brief Set this thread's context prefix (copied); NULL clears it. */
void kc_log_set_context(const char *context);
/** @brief Redirect output (default stderr); for tests. */
void kc_log_set_stream(FILE *stream);
/** @brief Forget all levels; root back to INFO. */
void kc_log_reset(void);

/*
 * Known loggers, as log4j's "current loggers": a logger becomes known when
 * declared, when a line is checked or written through it, or when it gets
 * a level. GET /admin/loggers lists them; GET /admin/loggers/{name}
 * answers 404 for the others.
 */
/** @brief Declare @p logger (copied) known before it first logs. */
void kc_log_register(const char *logger);
/** @brief True if @p logger is "root" or known. */
bool kc_log_known(const char *logger);
/**
 * @brief Call @p fn for "root" and every known logger, in name order, with
 * its effective level and the time its level was last set through
 * kc_log_set_level (0 = never).
 */
void kc_log_each_known(void (*fn)(const char *logger, kc_log_level_t level,
                                  int64_t last_modified_ms, void *opaque),
                       void *opaque);
/**
 * @brief The level explicitly set on @p logger; false if it has none
 * (the root always has one).
 */
bool kc_log_explicit_level(const char *logger, kc_log_level_t *level);

#endif /* KC_UTIL_KC_LOG_H */
