#include "kc_internal.h"

#include <stdarg.h>

kc_err_t kc_error_set(kc_error_t *err, kc_err_t code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL) {
        return code;
    }
    err->code = code;
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
    }
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
