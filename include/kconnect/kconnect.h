/* SPDX-License-Identifier: Apache-2.0 */
/* kconnect public API: everything an out-of-tree plugin needs. */
#ifndef KC_KCONNECT_KCONNECT_H
#define KC_KCONNECT_KCONNECT_H

#include <kconnect/common.h>
#include <kconnect/config.h>
#include <kconnect/data.h>
#include <kconnect/plugin.h>

#endif /* KC_KCONNECT_KCONNECT_H */
