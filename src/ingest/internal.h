/*
 * internal.h: what the ingest's files share and nothing else sees.
 */
#ifndef VIGIE_INGEST_INTERNAL_H
#define VIGIE_INGEST_INTERNAL_H

#include "vigie/ingest.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The rejects file: TSV, one header line "file line reason message raw",
 * then one line per rejected row. Text is escaped so that a line is one
 * row whatever the raw bytes: backslash, tab, CR, LF as \\ \t \r \n, other
 * control bytes and bytes that are not well-formed UTF-8 as \xHH. Created
 * 0600 (it holds personal data in clear): with an explicit path, at once
 * (truncated); by default, at the first rejected row, as
 * DIR/rejects/YYYYMMDDTHHMMSSZ.tsv (then -2, -3, ... when taken).
 */
typedef struct vgi_rejects {
	int fd;
	bool created; /* we created or truncated it: discard removes it */
	const char *explicit_path;
	const char *dir;
	int64_t now;
	vg_lang lang;
	char path[4200];
	char *buf;
	size_t len, cap;
	uint64_t rows;
} vgi_rejects;

/* Sets r up; with an explicit path, creates the file now. */
int vgi_rejects_init(vgi_rejects *r, const char *explicit_path, const char *dir, int64_t now,
                     vg_lang lang, vg_err *err);
/* Writes one rejected row. */
int vgi_rejects_add(vgi_rejects *r, const char *file, uint64_t line, const vg_reason *why,
                    const char *raw, size_t n, vg_err *err);
/* Flushes, syncs and closes; r->path stays. */
int vgi_rejects_finish(vgi_rejects *r, vg_err *err);
/* Closes and removes the file if this run created it (an abandoned run). */
void vgi_rejects_discard(vgi_rejects *r);

/* Appends s[0..n) escaped as above to out (room for 4 * n bytes); returns
 * the bytes written. */
size_t vgi_escape(const char *s, size_t n, char *out);

#endif
