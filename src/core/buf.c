/*
 * buf.c: the growable byte buffer with a maximum that the report writers
 * and the notification builder append to (vigie/core.h, vg_buf).
 */
#include "vigie/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vg_buf_init(vg_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void vg_buf_release(vg_buf *b)
{
	free(b->data);
	vg_buf_init(b, b->max);
}

void vg_buf_put(vg_buf *b, const void *s, size_t n)
{
	if (b->full)
		return;
	if (b->max && (n > b->max || b->len > b->max - n)) {
		b->full = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = vg_xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

void vg_buf_puts(vg_buf *b, const char *s)
{
	vg_buf_put(b, s, strlen(s));
}

void vg_buf_putc(vg_buf *b, char c)
{
	vg_buf_put(b, &c, 1);
}

void vg_buf_printf(vg_buf *b, const char *fmt, ...)
{
	char small[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		vg_buf_put(b, small, (size_t)n);
		return;
	}
	char *big = vg_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	vg_buf_put(b, big, (size_t)n);
	free(big);
}
