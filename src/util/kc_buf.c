/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include <stdarg.h>

void kc_buf_init(kc_buf_t *buf, size_t max)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max;
}

void kc_buf_release(kc_buf_t *buf)
{
    kc_free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void kc_buf_reset(kc_buf_t *buf)
{
    buf->len = 0;
}

kc_err_t kc_buf_reserve(kc_buf_t *buf, size_t extra)
{
    size_t need;
    size_t cap;

    /* +1 keeps room for the NUL that kc_buf_cstr adds. */
    if (extra > SIZE_MAX - buf->len - 1) {
        return KC_ERR_TOO_LARGE;
    }
    need = buf->len + extra + 1;
    if (buf->max != 0 && need - 1 > buf->max) {
        return KC_ERR_TOO_LARGE;
    }
    if (need <= buf->cap) {
        return KC_OK;
    }
    cap = buf->cap ? buf->cap : 64;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    buf->data = kc_realloc(buf->data, cap);
    buf->cap = cap;
    return KC_OK;
}

kc_err_t kc_buf_append(kc_buf_t *buf, const void *data, size_t len)
{
    kc_err_t rc = kc_buf_reserve(buf, len);

    if (rc != KC_OK) {
        return rc;
    }
    if (len > 0) {
        memcpy(buf->data + buf->len, data, len);
    }
    buf->len += len;
    return KC_OK;
}

kc_err_t kc_buf_puts(kc_buf_t *buf, const char *s)
{
    return kc_buf_append(buf, s, strlen(s));
}

kc_err_t kc_buf_putc(kc_buf_t *buf, char c)
{
    kc_err_t rc = kc_buf_reserve(buf, 1);

    if (rc != KC_OK) {
        return rc;
    }
    buf->data[buf->len++] = (uint8_t)c;
    return KC_OK;
}

kc_err_t kc_buf_printf(kc_buf_t *buf, const char *fmt, ...)
{
    va_list ap;
    int n;
    kc_err_t rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return KC_ERR_INVALID;
    }
    rc = kc_buf_reserve(buf, (size_t)n);
    if (rc != KC_OK) {
        return rc;
    }
    va_start(ap, fmt);
    vsnprintf((char *)buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
    return KC_OK;
}

const char *kc_buf_cstr(kc_buf_t *buf)
{
    if (buf->cap < buf->len + 1) {
        /* Only reachable for an empty, never-grown buffer. */
        buf->data = kc_realloc(buf->data, buf->len + 1);
        buf->cap = buf->len + 1;
    }
    buf->data[buf->len] = '\0';
    return (const char *)buf->data;
}

char *kc_buf_detach(kc_buf_t *buf, size_t *len)
{
    char *p;

    kc_buf_cstr(buf);
    p = (char *)buf->data;
    if (len != NULL) {
        *len = buf->len;
    }
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return p;
}
