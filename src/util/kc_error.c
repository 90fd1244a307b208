/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include <stdarg.h>

kc_err_t kc_error_set(kc_error_t *err, kc_err_t code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL) {
        return code;
    }
    err->code = code;
    /* KC_RETRY is the contract's way to say "retriable"; the flag lets
     * whoever carries the error on ask without knowing the code. */
    err->flags = code == KC_RETRY ? KC_ERROR_F_RETRIABLE : 0;
    err->cause[0] = '\0';
    err->origin[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void kc_error_prefix(kc_error_t *err, const char *fmt, ...)
{
    char prefix[256];
    size_t plen;
    size_t mlen;
    va_list ap;

    if (err == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
    va_end(ap);
    strcat(prefix, ": ");
    plen = strlen(prefix);
    mlen = strnlen(err->msg, sizeof(err->msg) - 1);
    /* Keep the end of the old message if both do not fit (truncation). */
    if (plen + mlen > sizeof(err->msg) - 1) {
        mlen = sizeof(err->msg) - 1 - plen;
    }
    memmove(err->msg + plen, err->msg, mlen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + mlen] = '\0';
}

void kc_error_clear(kc_error_t *err)
{
    if (err != NULL) {
        err->code = KC_OK;
        err->msg[0] = '\0';
        err->flags = 0;
        err->cause[0] = '\0';
        err->origin[0] = '\0';
    }
}

static void set_flag(kc_error_t *err, unsigned int flag, bool on)
{
    if (err != NULL) {
        err->flags = on ? err->flags | flag : err->flags & ~flag;
    }
}

void kc_error_set_retriable(kc_error_t *err, bool on)
{
    set_flag(err, KC_ERROR_F_RETRIABLE, on);
}

void kc_error_set_fatal(kc_error_t *err, bool on)
{
    set_flag(err, KC_ERROR_F_FATAL, on);
}

bool kc_error_is_retriable(const kc_error_t *err)
{
    return (err->flags & KC_ERROR_F_RETRIABLE) != 0 || err->code == KC_RETRY;
}

bool kc_error_is_fatal(const kc_error_t *err)
{
    return (err->flags & KC_ERROR_F_FATAL) != 0;
}

void kc_error_set_cause(kc_error_t *err, const char *cause)
{
    if (err != NULL) {
        snprintf(err->cause, sizeof(err->cause), "%s",
                 cause != NULL ? cause : "");
    }
}

void kc_error_set_java_exception(kc_error_t *err, const char *class_name)
{
    if (err != NULL) {
        kc_error_set_cause(err, class_name);
        err->flags |= KC_ERROR_F_JAVA_EXCEPTION;
    }
}

const char *kc_error_java_exception(const kc_error_t *err)
{
    if ((err->flags & KC_ERROR_F_JAVA_EXCEPTION) && err->cause[0] != '\0') {
        return err->cause;
    }
    return NULL;
}

const char *kc_error_cause(const kc_error_t *err)
{
    return err->cause[0] != '\0' ? err->cause : NULL;
}

void kc_error_set_origin(kc_error_t *err, const char *origin)
{
    if (err != NULL) {
        snprintf(err->origin, sizeof(err->origin), "%s",
                 origin != NULL ? origin : "");
    }
}

const char *kc_error_origin(const kc_error_t *err)
{
    return err->origin[0] != '\0' ? err->origin : NULL;
}

const char *kc_err_name(kc_err_t code)
{
    switch (code) {
    case KC_OK:
        return "KC_OK";
    case KC_ERR:
        return "KC_ERR";
    case KC_ERR_INVALID:
        return "KC_ERR_INVALID";
    case KC_ERR_NOT_FOUND:
        return "KC_ERR_NOT_FOUND";
    case KC_ERR_CONFLICT:
        return "KC_ERR_CONFLICT";
    case KC_ERR_TOO_LARGE:
        return "KC_ERR_TOO_LARGE";
    case KC_ERR_IO:
        return "KC_ERR_IO";
    case KC_ERR_KAFKA:
        return "KC_ERR_KAFKA";
    case KC_ERR_TIMEOUT:
        return "KC_ERR_TIMEOUT";
    case KC_RETRY:
        return "KC_RETRY";
    case KC_AGAIN:
        return "KC_AGAIN";
    case KC_DECLINED:
        return "KC_DECLINED";
    case KC_ERR_UNSUPPORTED:
        return "KC_ERR_UNSUPPORTED";
    }
    return "KC_ERR_UNKNOWN";
}
