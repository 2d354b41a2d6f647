/*
 * vigie/token.h: the helpdesk's bearer tokens (`vigie token add|revoke|list`)
 * and the per-token rate limit of `vigie serve`.
 *
 * A token is "vgt_" and 43 base64url characters (32 random bytes). It is
 * printed once, when created; the token file keeps only its hash:
 * BLAKE2b-256 (crypto_generichash) keyed with a random per-file salt, so the
 * file neither holds a usable token nor lets two files be compared.
 * Authentication hashes the presented token and compares it with every
 * active entry (sodium_memcmp: constant time, no early exit).
 *
 * The token file (mode 0600, rewritten atomically under an flock):
 *
 *   # vigie tokens: written by `vigie token`; do not edit
 *   vigie-tokens 1 <salt: 32 hex>
 *   <name> <hash: 64 hex> <created: Unix s> <revoked: Unix s, 0 = active>
 *
 * A revoked token keeps its line (the name is not reused, the record stays
 * for the audit). Names: 1 to VG_TOKEN_NAME_MAX of [A-Za-z0-9._-].
 *
 * vg_tokenstore is what the server holds: the loaded file, one token bucket
 * per token (vg_bucket), reloaded when the file changes; thread-safe.
 *
 * Ownership: vg_tokens and vg_tokenstore are opaque, freed by their _free().
 */
#ifndef VIGIE_TOKEN_H
#define VIGIE_TOKEN_H

#include "vigie/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_TOKEN_NAME_MAX 64
#define VG_TOKEN_PREFIX "vgt_"
/* "vgt_" + 43 base64url characters, and a NUL. */
#define VG_TOKEN_TEXT_MAX 48
/* Tokens in a file (revoked ones included). */
#define VG_TOKEN_MAX_ENTRIES 4096
/* The token file's size limit. */
#define VG_TOKEN_FILE_MAX (1024 * 1024)

/* ------------------------------------------------------------ token bucket */

/*
 * A token bucket: burst requests at once, then rate per second. Not
 * thread-safe by itself (the caller locks).
 */
typedef struct vg_bucket {
	double level;     /* requests available now */
	uint64_t last_ms; /* when level was computed; 0 = never used (full) */
} vg_bucket;

/* Takes one request at now_ms: true when allowed; false, with the whole
 * seconds until the next one is allowed in *retry_s (at least 1). */
bool vg_bucket_take(vg_bucket *b, double rate, double burst, uint64_t now_ms, unsigned *retry_s);

/* ------------------------------------------------------------ the file */

typedef struct vg_token_info {
	char name[VG_TOKEN_NAME_MAX + 1];
	int64_t created;
	int64_t revoked; /* 0: active */
} vg_token_info;

typedef struct vg_tokens vg_tokens;

/* True when name is a valid token name. */
bool vg_token_name_ok(const char *name);

/* Loads a token file: VG_ENOTFOUND when missing, VG_ECORRUPT when malformed
 * (file:line), VG_EINVAL when group or others may read it. */
int vg_tokens_load(const char *path, vg_tokens **out, vg_err *err) VG_MUST_CHECK;
void vg_tokens_free(vg_tokens *t);

size_t vg_tokens_count(const vg_tokens *t);
/* Entry i (< count) into *out. */
void vg_tokens_info(const vg_tokens *t, size_t i, vg_token_info *out);

/* The index of the active token whose text is tok[0..n), or -1. Compares
 * with every active entry in constant time. */
long vg_tokens_find(const vg_tokens *t, const char *tok, size_t n);

/*
 * Adds an active token named name to the file at path (created 0600 with a
 * new salt when missing), and writes its text (NUL-terminated) into
 * token_out. VG_EINVAL for a bad name or a name already used (active or
 * revoked). now: Unix seconds (0 = time(NULL)).
 */
int vg_tokens_add(const char *path, const char *name, int64_t now,
                  char token_out[VG_TOKEN_TEXT_MAX], vg_err *err) VG_MUST_CHECK;

/* Revokes the active token named name: VG_ENOTFOUND when there is none. */
int vg_tokens_revoke(const char *path, const char *name, int64_t now, vg_err *err) VG_MUST_CHECK;

/* ------------------------------------------------------------ the server's store */

typedef struct vg_tokenstore vg_tokenstore;

/* Loads path (it must exist) for a server whose tokens each allow burst
 * requests at once and rate per second. */
int vg_tokenstore_open(const char *path, double rate, double burst, vg_tokenstore **out,
                       vg_err *err) VG_MUST_CHECK;
void vg_tokenstore_free(vg_tokenstore *s);

/*
 * Reloads the file; with if_changed, only when its inode, size or mtime
 * changed since the last load. Buckets carry over by name. Returns 1 when
 * reloaded, 0 when unchanged, or an error (the old tokens stay in use).
 */
int vg_tokenstore_reload(vg_tokenstore *s, bool if_changed, vg_err *err) VG_MUST_CHECK;

enum { VG_TOKEN_OK = 0, VG_TOKEN_BAD = 1, VG_TOKEN_LIMITED = 2 };

/*
 * Authenticates tok[0..n) at now_ms and takes one request from its bucket.
 * VG_TOKEN_OK with the token's name in name_out; VG_TOKEN_BAD (unknown or
 * revoked); VG_TOKEN_LIMITED with *retry_s.
 */
int vg_tokenstore_auth(vg_tokenstore *s, const char *tok, size_t n, uint64_t now_ms,
                       char name_out[VG_TOKEN_NAME_MAX + 1], unsigned *retry_s);

#endif
