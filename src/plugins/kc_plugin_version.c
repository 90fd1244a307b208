/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Version requirements of the `*.plugin.version` keys. Every built-in
 * plugin has one version (Apache's release), so a requirement only
 * decides whether that version is acceptable; kconnect never loads two
 * versions of a plugin side by side.
 */
#include "kc_internal.h"

#include <ctype.h>

#include "plugins/kc_plugin_version.h"
#include "util/kc_str.h"

/* Compare dotted versions: numbers numerically, other segments as text. */
static int kc_version_cmp(const char *a, size_t alen, const char *b,
                          size_t blen)
{
    const char *ae = a + alen;
    const char *be = b + blen;

    while (a < ae || b < be) {
        const char *as = a;
        const char *bs = b;
        size_t an;
        size_t bn;
        int c;

        while (a < ae && *a != '.' && *a != '-') {
            a++;
        }
        while (b < be && *b != '.' && *b != '-') {
            b++;
        }
        an = (size_t)(a - as);
        bn = (size_t)(b - bs);
        if (an > 0 && bn > 0 && isdigit((unsigned char)*as) &&
            isdigit((unsigned char)*bs)) {
            unsigned long long x = strtoull(as, NULL, 10);
            unsigned long long y = strtoull(bs, NULL, 10);

            c = x < y ? -1 : x > y;
        } else if (an == 0 || bn == 0) {
            /* "4.1" is "4.1.0": a missing segment counts as zero. */
            const char *s = an == 0 ? bs : as;
            size_t n = an == 0 ? bn : an;
            bool zero = true;

            for (size_t i = 0; i < n; i++) {
                zero = zero && s[i] == '0';
            }
            c = zero ? 0 : (an == 0 ? -1 : 1);
        } else {
            size_t n = an < bn ? an : bn;

            c = strncmp(as, bs, n);
            if (c == 0 && an != bn) {
                c = an < bn ? -1 : 1;
            }
        }
        if (c != 0) {
            return c;
        }
        a += a < ae;
        b += b < be;
    }
    return 0;
}

bool kc_plugin_version_matches(const char *requirement, const char *version)
{
    char *req = kc_str_trim_dup(requirement, strlen(requirement));
    size_t len = strlen(req);
    size_t vlen = strlen(version);
    bool ok = false;

    if (len >= 2 && (req[0] == '[' || req[0] == '(') &&
        (req[len - 1] == ']' || req[len - 1] == ')')) {
        const char *lo = req + 1;
        const char *comma = memchr(lo, ',', len - 2);
        const char *end = req + len - 1;

        if (comma == NULL) {
            /* "[1.0]": exactly that version. */
            ok = req[0] == '[' && req[len - 1] == ']' &&
                 kc_version_cmp(lo, (size_t)(end - lo), version, vlen) == 0;
        } else {
            const char *hi = comma + 1;
            size_t lolen = (size_t)(comma - lo);
            size_t hilen = (size_t)(end - hi);

            ok = true;
            if (lolen > 0) {
                int c = kc_version_cmp(version, vlen, lo, lolen);

                ok = req[0] == '[' ? c >= 0 : c > 0;
            }
            if (ok && hilen > 0) {
                int c = kc_version_cmp(version, vlen, hi, hilen);

                ok = req[len - 1] == ']' ? c <= 0 : c < 0;
            }
        }
    } else if (len > 0) {
        ok = kc_version_cmp(req, len, version, vlen) == 0;
    }
    kc_free(req);
    return ok;
}

char *kc_plugin_version_mismatch(const char *cls, const char *requirement,
                                 const char *version, size_t copies)
{
    char *req;
    kc_buf_t buf;

    if (kc_plugin_version_matches(requirement, version)) {
        return NULL;
    }
    req = kc_str_trim_dup(requirement, strlen(requirement));
    kc_buf_init(&buf, 0);
    kc_buf_printf(&buf, "Plugin %s not found that matches the version range ",
                  cls);
    if (req[0] == '[' || req[0] == '(') {
        kc_buf_puts(&buf, req);
    } else {
        kc_buf_printf(&buf, "[%s,%s]", req, req);
    }
    kc_buf_puts(&buf, ", available versions: [");
    for (size_t i = 0; i < copies; i++) {
        kc_buf_printf(&buf, "%s%s", i > 0 ? ", " : "", version);
    }
    kc_buf_putc(&buf, ']');
    kc_free(req);
    return kc_buf_detach(&buf, NULL);
}
