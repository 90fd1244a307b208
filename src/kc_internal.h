/* SPDX-License-Identifier: Apache-2.0 */
/*
 * First include of every .c file in src/: the public API plus the internal
 * helpers every module uses.
 */
#ifndef KC_INTERNAL_H
#define KC_INTERNAL_H

#include <kconnect/kconnect.h>

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exposes a static function to unit tests. */
#ifdef KC_UNIT_TEST
#define KC_STATIC
#else
#define KC_STATIC static
#endif

/* Invariant checks: bugs, never input. */
#define kc_assert(cond) assert(cond)
#define KC_BUG(msg)     (assert(!msg), abort())

/*
 * The Apache Kafka release whose behaviour kconnect reproduces. Built-in
 * plugins report it as their version, as Apache's plugins of the same
 * name report their release (AppInfoParser), so tools comparing versions
 * see what they would see on Apache; kconnect's own version is
 * KC_VERSION_STR (GET / "commit", kconnect --version).
 */
#define KC_APACHE_VERSION "4.1.1"

/* Connect's Date is days since the epoch, its Time and Timestamp ms. */
#define KC_MS_PER_DAY 86400000LL

#define KC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define KC_UNUSED(x)    ((void)(x))

#endif /* KC_INTERNAL_H */
