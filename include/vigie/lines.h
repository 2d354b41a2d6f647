/*
 * vigie/lines.h: a bounded line reader over a file descriptor.
 *
 * Memory is fixed at open time: a line longer than the maximum is not
 * buffered; it is reported once with its line number and the overlong flag,
 * truncated to the maximum, and the rest of it is skipped. The trailing
 * "\n" or "\r\n" is removed. A last line without a newline is returned.
 */
#ifndef VIGIE_LINES_H
#define VIGIE_LINES_H

#include "vigie/core.h"

#include <stdbool.h>

typedef struct vg_lines {
	int fd;
	char *buf;
	size_t cap, start, end;
	size_t max_line;
	uint64_t lineno;
	bool eof;
	bool skipping; /* discarding the tail of an overlong line */
} vg_lines;

typedef struct vg_line {
	const char *s; /* not NUL-terminated; valid until the next call */
	size_t len;
	uint64_t lineno; /* 1-based */
	bool overlong;   /* s holds only the first max_line bytes */
} vg_line;

/* Reads fd (not owned) with lines of at most max_line bytes. */
void vg_lines_init(vg_lines *r, int fd, size_t max_line);
void vg_lines_release(vg_lines *r);

/* 1 with a line in *out, 0 at end of input, VG_EIO on a read error. */
int vg_lines_next(vg_lines *r, vg_line *out) VG_MUST_CHECK;

#endif
