/* SPDX-License-Identifier: Apache-2.0 */
/* The only file that calls the C allocator directly. */
#include "kc_internal.h"

#include <stdarg.h>

static void *kc_oom(size_t size)
{
    fprintf(stderr, "kconnect: out of memory allocating %zu bytes\n", size);
    abort();
}

void *kc_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    return p ? p : kc_oom(size);
}

void *kc_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : kc_oom(n * size);
}

void *kc_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    return p ? p : kc_oom(size);
}

char *kc_strdup(const char *s)
{
    return kc_strndup(s, strlen(s));
}

char *kc_strndup(const char *s, size_t n)
{
    char *p = kc_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void kc_free(void *ptr)
{
    free(ptr);
}

char *kc_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_list ap2;
    int n;
    char *p;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    p = kc_malloc((size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
