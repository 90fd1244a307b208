/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The web console: the files under ui/ compiled into the binary (the
 * table kc_ui_assets[] is generated at build time by cmake/KcEmbedUi.cmake)
 * and the handlers that serve them at /ui and /ui/<file>.
 */
#ifndef KC_REST_KC_REST_UI_H
#define KC_REST_KC_REST_UI_H

#include <kconnect/common.h>

#include "rest/kc_rest_routes.h"

/* One embedded file: its path under ui/ ("app.js") and its bytes. */
typedef struct kc_ui_asset {
    const char *path;
    const unsigned char *data;
    size_t len;
} kc_ui_asset_t;

/* Generated: every file under ui/, sorted by path. */
extern const kc_ui_asset_t kc_ui_assets[];
extern const size_t kc_ui_assets_n;

/** @brief The embedded file at @p path, or NULL. */
const kc_ui_asset_t *kc_rest_ui_find(const char *path);
/** @brief The content type served for @p path (by its extension). */
const char *kc_rest_ui_content_type(const char *path);
/** @brief GET /ui: the console's page. */
void kc_rest_ui_index(kc_rest_ctx_t *ctx);
/** @brief GET /ui/{file*}: one embedded file, or 404. */
void kc_rest_ui_file(kc_rest_ctx_t *ctx);

#endif /* KC_REST_KC_REST_UI_H */
