/*
 * vigie/assets.h: the web page's files (web/), compiled into the binary, and
 * the handler of `vigie serve` that serves them.
 *
 * At build time src/serve/mkassets.c turns every file of web/ into a
 * vg_asset of the table vg_assets_builtin: its bytes, its Content-Type and
 * its ETag (a BLAKE2b hash of the content, quoted). `vigie serve` thus needs
 * no file at run time, and the page always matches the binary that serves
 * it: nobody can swap the page's JavaScript on disk.
 *
 * vg_assets_handler() answers GET and HEAD of `/` (index.html) and of
 * `/assets/<name>`:
 *   200 the bytes, Content-Type, ETag, Cache-Control: no-cache;
 *   304 without a body when If-None-Match names the ETag (or is `*`);
 *   404 {"error": {"code": "not-found"}} for any other name or path;
 *   405 "method-not-allowed" with Allow: GET, HEAD for other methods.
 * "no-cache" makes browsers revalidate each time: the names are not
 * versioned, so a new binary's page must never be mixed with an old
 * cached script; the revalidation costs a 304 without a body. For HEAD the
 * body is set as for GET (so the length is right); the server sends none.
 *
 * Ownership: the table and its bytes are static and immutable; a response
 * points at them (body_static), nothing is allocated but header copies.
 */
#ifndef VIGIE_ASSETS_H
#define VIGIE_ASSETS_H

#include "vigie/http.h"

#include <stddef.h>

typedef struct vg_asset {
	const char *name;         /* "app.js": [A-Za-z0-9._-], served at /assets/app.js */
	const char *content_type; /* "text/javascript; charset=utf-8" */
	const unsigned char *data;  /* len bytes, then a NUL */
	size_t len;
	const char *etag; /* "\"<32 hex>\"", quotes included */
} vg_asset;

typedef struct vg_asset_table {
	const vg_asset *assets; /* sorted by name */
	size_t n;
} vg_asset_table;

/* The files of web/, compiled in (generated web_assets.c). */
extern const vg_asset_table vg_assets_builtin;

/* The asset called name (exact, case-sensitive), or NULL. */
const vg_asset *vg_assets_find(const vg_asset_table *t, const char *name);

/*
 * The route handler for "/" and "/assets/" (vg_http_handler). ctx is the
 * table to serve, a const vg_asset_table *; NULL serves vg_assets_builtin.
 */
void vg_assets_handler(void *ctx, const vg_http_req *req, vg_http_resp *resp);

#endif
