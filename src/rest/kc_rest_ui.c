/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Serves the web console's embedded files. The files carry no version in
 * their names, so every answer says "Cache-Control: no-cache": a browser
 * must not run last release's app.js against a new worker's API.
 */
#include "kc_internal.h"

#include "rest/kc_rest_ui.h"

#include <string.h>

#define KC_UI_CACHE_CONTROL "no-cache"

const kc_ui_asset_t *kc_rest_ui_find(const char *path)
{
    for (size_t i = 0; i < kc_ui_assets_n; i++) {
        if (strcmp(kc_ui_assets[i].path, path) == 0) {
            return &kc_ui_assets[i];
        }
    }
    return NULL;
}

const char *kc_rest_ui_content_type(const char *path)
{
    static const struct {
        const char *ext;
        const char *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
    };
    const char *dot = strrchr(path, '.');

    if (dot != NULL && strchr(dot, '/') == NULL) {
        for (size_t i = 0; i < KC_ARRAY_LEN(types); i++) {
            if (strcmp(dot, types[i].ext) == 0) {
                return types[i].type;
            }
        }
    }
    return "application/octet-stream";
}

static void kc_ui_send(kc_rest_ctx_t *ctx, const char *path)
{
    const kc_ui_asset_t *asset = kc_rest_ui_find(path);

    if (asset == NULL) {
        kc_rest_error(ctx->resp, 404, "HTTP 404 Not Found");
        return;
    }
    kc_rest_response_set_data(ctx->resp, 200, kc_rest_ui_content_type(path),
                              asset->data, asset->len);
    ctx->resp->cache_control = KC_UI_CACHE_CONTROL;
}

void kc_rest_ui_index(kc_rest_ctx_t *ctx)
{
    kc_ui_send(ctx, "index.html");
}

void kc_rest_ui_file(kc_rest_ctx_t *ctx)
{
    kc_ui_send(ctx, ctx->params[0]);
}
