/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A shared object without kc_plugin_init, like a dependency shipped in a
 * plugin's folder: skipped there, an error when named directly.
 */
#include <kconnect/kconnect.h>

KC_EXPORT int kc_no_init_helper(int x);

int kc_no_init_helper(int x)
{
    return x + 1;
}
