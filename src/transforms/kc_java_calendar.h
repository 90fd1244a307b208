/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java's GregorianCalendar in UTC (internal to kc_java_date_format.c and
 * kc_java_date_parse.c): the fields of an instant, for formatting, and the
 * resolution of parsed fields to an instant, for parsing. Hybrid like
 * Java's: Julian before 1582-10-15, Gregorian from then on; weeks start on
 * Sunday with one minimal day in the first week.
 */
#ifndef KC_TRANSFORMS_KC_JAVA_CALENDAR_H
#define KC_TRANSFORMS_KC_JAVA_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

/* Java's int arithmetic wraps; C's signed overflow must not happen. */
static inline int32_t kc_jcal_i32(int64_t v)
{
    return (int32_t)(uint32_t)(uint64_t)v;
}

/* The calendar fields Java computes for an instant. */
typedef struct kc_jfields {
    int64_t fixed;
    int64_t year; /* normalized: 0 is 1 BC */
    int month;    /* 1..12 */
    int dom;
    int dow; /* 1 Sunday .. 7 Saturday */
    int64_t doy, woy, wom, dowim, week_year;
    int64_t tod; /* ms into the day */
} kc_jfields_t;

/**
 * @brief Fill @p f with the fields of @p ms (since the epoch, UTC), as
 * GregorianCalendar.computeFields does (YEAR_OF_ERA folded into a
 * signed year).
 */
void kc_jcal_fields_of(int64_t ms, kc_jfields_t *f);

/** @brief Calendar fields, in the order kc_jcal_t stores them. */
enum {
    KC_F_ERA,
    KC_F_YEAR,
    KC_F_MONTH,
    KC_F_WOY,
    KC_F_WOM,
    KC_F_DOM,
    KC_F_DOY,
    KC_F_DOW,
    KC_F_DOWIM,
    KC_F_AMPM,
    KC_F_HOUR,
    KC_F_HOD,
    KC_F_MINUTE,
    KC_F_SECOND,
    KC_F_MS,
    KC_F_ZONE,
    KC_F_DST,
    KC_F_WEEK_YEAR, /* CalendarBuilder only */
    KC_F_COUNT
};

/*
 * Fields set by the parser, each with the stamp of its last setting:
 * CalendarBuilder and Calendar in one (the builder hands its fields to the
 * calendar in stamp order, so the stamps can be shared). Start from
 * {.next = 1}: a stamp of 0 means unset.
 */
typedef struct kc_jcal {
    int32_t val[KC_F_COUNT];
    int stamp[KC_F_COUNT]; /* 0 = unset */
    int next;
} kc_jcal_t;

/**
 * @brief Set @p field (a KC_F_ value) of @p c to @p v, wrapped to an int
 * as Java's int is, and stamp it as the latest set.
 */
void kc_jcal_set(kc_jcal_t *c, int field, int64_t v);

/**
 * @brief The instant the fields of @p b name (ms since the epoch, UTC):
 * CalendarBuilder.establish then Calendar.getTime, lenient (fields out of
 * range roll over; a week year set after the year wins).
 * @returns false for an era other than BC/AD (Java: "Invalid era").
 */
bool kc_jcal_establish(const kc_jcal_t *b, int64_t *ms);

/**
 * @brief The instant 80 years before @p now_ms and its year in @p year:
 * SimpleDateFormat's default century start for two-digit years.
 */
int64_t kc_jcal_century_start(int64_t now_ms, int32_t *year);

#endif /* KC_TRANSFORMS_KC_JAVA_CALENDAR_H */
