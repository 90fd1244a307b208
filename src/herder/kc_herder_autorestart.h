/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Automatic restart of FAILED connectors and tasks (kconnect's own
 * auto.restart.* keys, off by default): a growing backoff on the herder's
 * timers, a limit of attempts, and a count that resets once a restarted
 * instance ran healthily for a while. Internal to src/herder/.
 */
#ifndef KC_HERDER_KC_HERDER_AUTORESTART_H
#define KC_HERDER_KC_HERDER_AUTORESTART_H

#include <kconnect/config.h>

#include <jansson.h>

/* The worker keys (connector configs may override each). */
#define KC_AR_ENABLE       "auto.restart.enable"
#define KC_AR_BACKOFF      "auto.restart.backoff.ms"
#define KC_AR_FACTOR       "auto.restart.backoff.factor"
#define KC_AR_BACKOFF_MAX  "auto.restart.backoff.max.ms"
#define KC_AR_MAX_ATTEMPTS "auto.restart.max.attempts"
#define KC_AR_RESET        "auto.restart.reset.ms"

typedef struct kc_autorestart_policy {
    bool enabled;
    int64_t backoff_ms;     /* the wait before the second attempt */
    double factor;          /* each later wait is this many times longer */
    int64_t backoff_max_ms; /* no wait is longer */
    int32_t max_attempts;   /* attempts before giving up; -1: never */
    int64_t reset_ms;       /* a run this long resets the attempts */
} kc_autorestart_policy_t;

/**
 * @brief The policy of a connector: @p worker's auto.restart.* keys (or
 * their defaults), each overridden by the same key in @p connector (may
 * be NULL). An error names a bad value's key, also put in @p bad_key (may
 * be NULL).
 */
kc_err_t kc_autorestart_policy_resolve(const kc_props_t *worker,
                                       const kc_props_t *connector,
                                       kc_autorestart_policy_t *out,
                                       const char **bad_key, kc_error_t *err);

/**
 * @brief Append to @p result an issue for each bad auto.restart.* value of
 * connector config @p config.
 */
void kc_autorestart_check(const kc_props_t *config, kc_config_result_t *result);

/**
 * @brief The wait before attempt @p attempt (1-based): none before the
 * first, backoff_ms before the second, then times factor each, at most
 * backoff_max_ms.
 */
int64_t kc_autorestart_delay_ms(const kc_autorestart_policy_t *policy,
                                int attempt);

typedef struct kc_autorestart kc_autorestart_t;
struct kc_herder;

kc_autorestart_t *kc_autorestart_new(void);
/** @brief Cancels its timers on @p timers (may be NULL); NULL is a no-op. */
void kc_autorestart_destroy(kc_autorestart_t *ar, void *timers);

/**
 * @brief Connector @p name's task @p task (-1: the connector) is FAILED:
 * schedule a restart if its policy says so, or give up.
 * @locality the herder's thread (exec_lock held).
 */
void kc_autorestart_failed(struct kc_herder *h, const char *name, int task);
/** @brief Forget connector @p name (deleted): cancel its restarts. */
void kc_autorestart_forget(struct kc_herder *h, const char *name);
/**
 * @brief Add "auto_restart" {attempts, max_attempts, next_restart,
 * gave_up} to the connector and task objects of status @p status
 * (Apache's shape, from the status store) that have restart history.
 * @locality any thread.
 */
void kc_autorestart_decorate(struct kc_herder *h, const char *name,
                             json_t *status);
/** @brief The same for one task's status object. */
void kc_autorestart_decorate_task(struct kc_herder *h, const char *name,
                                  int task, json_t *status);

#endif /* KC_HERDER_KC_HERDER_AUTORESTART_H */
