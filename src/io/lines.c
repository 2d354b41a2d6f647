/*
 * lines.c: bounded line reader. The buffer holds max_line bytes plus one
 * read block; a line that does not fit is cut at max_line and its tail
 * skipped, so memory never depends on the input.
 */
#include "vigie/lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (64 * 1024)

void vg_lines_init(vg_lines *r, int fd, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->max_line = max_line ? max_line : 1;
	r->cap = r->max_line + BLOCK;
	r->buf = vg_xmalloc(r->cap);
}

void vg_lines_release(vg_lines *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Reads more input after r->end, compacting first. 0 at EOF, <0 on error. */
static int fill(vg_lines *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap)
		return 1; /* full: caller handles the overlong line */
	for (;;) {
		ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return VG_EIO;
		if (got == 0) {
			r->eof = true;
			return 0;
		}
		r->end += (size_t)got;
		return 1;
	}
}

static void trim_cr(vg_line *out)
{
	if (out->len && out->s[out->len - 1] == '\r')
		out->len--;
}

int vg_lines_next(vg_lines *r, vg_line *out)
{
	for (;;) {
		char *p = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = avail ? memchr(p, '\n', avail) : NULL;
		if (r->skipping) {
			if (nl) {
				r->start += (size_t)(nl - p) + 1;
				r->skipping = false;
				continue;
			}
			r->start = r->end;
		} else if (nl && (size_t)(nl - p) <= r->max_line) {
			r->lineno++;
			out->s = p;
			out->len = (size_t)(nl - p);
			out->lineno = r->lineno;
			out->overlong = false;
			r->start += out->len + 1;
			trim_cr(out);
			return 1;
		} else if (avail > r->max_line) {
			/* overlong: return the head, skip up to the next newline */
			r->lineno++;
			out->s = p;
			out->len = r->max_line;
			out->lineno = r->lineno;
			out->overlong = true;
			r->start += r->max_line;
			r->skipping = true;
			return 1;
		} else if (r->eof) {
			if (!avail)
				return 0;
			r->lineno++;
			out->s = p;
			out->len = avail;
			out->lineno = r->lineno;
			out->overlong = false;
			r->start = r->end;
			trim_cr(out);
			return 1;
		}
		if (r->eof)
			return 0;
		int rc = fill(r);
		if (rc < 0)
			return rc;
	}
}
