/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db.timezone: the offset of a tz database zone at an instant, read from
 * the system's compiled zone files (/usr/share/zoneinfo, TZif version 2+,
 * 64-bit section). glibc's own conversions work through the process-wide
 * TZ variable, which one connector may not change under the others, and no
 * small Debian library converts in a named zone per call, so this reads
 * the file itself: the transition times and their offsets, nothing else.
 * Instants after the last transition keep its offset (Debian's files list
 * transitions up to 2037).
 */
#include "kc_internal.h"

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"

struct kc_jdbc_tz {
    int64_t *times;   /* transition instants, ascending */
    int32_t *offsets; /* offset from UTC after each transition */
    size_t count;
    int32_t initial; /* before the first transition */
};

static int64_t kc_tz_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    if (n == 4) {
        return (int32_t)(uint32_t)v;
    }
    return (int64_t)v;
}

/* Parse the TZif data in @p buf (the 64-bit section of version 2+). */
static kc_err_t kc_tz_parse(const uint8_t *buf, size_t len, kc_jdbc_tz_t *tz)
{
    size_t pos = 0;
    int64_t counts[6];
    const uint8_t *types;
    const uint8_t *idx;
    const uint8_t *times;

    for (int section = 0; section < 2; section++) {
        if (len - pos < 44 || memcmp(buf + pos, "TZif", 4) != 0) {
            return KC_ERR_INVALID;
        }
        if (section == 0 && buf[pos + 4] < '2') {
            return KC_ERR_UNSUPPORTED;
        }
        for (int i = 0; i < 6; i++) {
            counts[i] = kc_tz_be(buf + pos + 20 + 4 * i, 4);
            if (counts[i] < 0 || counts[i] > 100000) {
                return KC_ERR_INVALID;
            }
        }
        pos += 44;
        if (section == 0) {
            /* skip the 32-bit data block */
            size_t skip = (size_t)(counts[3] * 5 + counts[4] * 6 + counts[5] +
                                   counts[2] * 8 + counts[1] + counts[0]);

            if (len - pos < skip) {
                return KC_ERR_INVALID;
            }
            pos += skip;
        }
    }
    /* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
    if (counts[4] < 1 || len - pos < (size_t)(counts[3] * 9 + counts[4] * 6)) {
        return KC_ERR_INVALID;
    }
    times = buf + pos;
    idx = times + counts[3] * 8;
    types = idx + counts[3];
    tz->count = (size_t)counts[3];
    tz->times = kc_calloc(tz->count + 1, sizeof(*tz->times));
    tz->offsets = kc_calloc(tz->count + 1, sizeof(*tz->offsets));
    for (size_t i = 0; i < tz->count; i++) {
        uint8_t t = idx[i];

        if (t >= counts[4]) {
            return KC_ERR_INVALID;
        }
        tz->times[i] = kc_tz_be(times + 8 * i, 8);
        tz->offsets[i] = (int32_t)kc_tz_be(types + 6 * t, 4);
    }
    /* RFC 8536: the first type is in effect before the first transition */
    tz->initial = (int32_t)kc_tz_be(types, 4);
    return KC_OK;
}

kc_err_t kc_jdbc_tz_load(const char *name, kc_jdbc_tz_t **out, kc_error_t *err)
{
    char path[512];
    FILE *f;
    kc_buf_t data;
    kc_jdbc_tz_t *tz;
    kc_err_t rc;

    *out = NULL;
    for (const char *p = name; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' || *p == '-' ||
              *p == '+') ||
            (p[0] == '.' && p[1] == '.')) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not load time zone \"%s\": not a "
                                "zone name",
                                name);
        }
    }
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
    f = fopen(path, "rb");
    if (f == NULL) {
        return kc_error_set(err, KC_ERR_NOT_FOUND,
                            "could not load time zone \"%s\": %s", name,
                            strerror(errno));
    }
    kc_buf_init(&data, 1 << 20);
    for (;;) {
        uint8_t chunk[4096];
        size_t n = fread(chunk, 1, sizeof(chunk), f);

        if (n == 0 || kc_buf_append(&data, chunk, n) != KC_OK) {
            break;
        }
    }
    fclose(f);
    tz = kc_calloc(1, sizeof(*tz));
    rc = kc_tz_parse(data.data, data.len, tz);
    kc_buf_release(&data);
    if (rc != KC_OK) {
        kc_jdbc_tz_destroy(tz);
        return kc_error_set(err, rc,
                            "could not load time zone \"%s\": %s is not a "
                            "TZif (version 2 or later) file",
                            name, path);
    }
    *out = tz;
    return KC_OK;
}

void kc_jdbc_tz_destroy(kc_jdbc_tz_t *tz)
{
    if (tz == NULL) {
        return;
    }
    kc_free(tz->times);
    kc_free(tz->offsets);
    kc_free(tz);
}

int32_t kc_jdbc_tz_offset(const kc_jdbc_tz_t *tz, int64_t utc_sec)
{
    size_t lo = 0;
    size_t hi;

    if (tz == NULL) {
        return 0;
    }
    if (tz->count == 0 || utc_sec < tz->times[0]) {
        return tz->initial;
    }
    /* the last transition at or before the instant */
    hi = tz->count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (tz->times[mid] <= utc_sec) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return tz->offsets[lo];
}

int64_t kc_jdbc_tz_to_utc(const kc_jdbc_tz_t *tz, int64_t wall_sec)
{
    int64_t utc;
    int32_t off;

    if (tz == NULL) {
        return wall_sec;
    }
    /* The offset in force at the result; a wall time in a gap moves
     * forward, one in an overlap takes the earlier offset's instant. */
    off = kc_jdbc_tz_offset(tz, wall_sec - kc_jdbc_tz_offset(tz, wall_sec));
    utc = wall_sec - off;
    if (kc_jdbc_tz_offset(tz, utc) != off) {
        utc = wall_sec - kc_jdbc_tz_offset(tz, utc);
    }
    return utc;
}
