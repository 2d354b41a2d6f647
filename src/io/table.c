/*
 * table.c: the streaming reader of leaked tables (CSV/TSV/JSONL, plain,
 * gzip or zstd), one row per call, in memory fixed at open time.
 *
 * Layout of the memory:
 *   buf   decoded bytes; rows are parsed in place and their slices point
 *         here. Capacity: need (= max_row + 2, a whole row with CRLF) plus
 *         one read. When a row is not complete in buf[pos..end), the tail is
 *         moved to the front and more is read ("need more"); a row that is
 *         still incomplete with `need` bytes in hand is too long.
 *   zin   compressed input: gzip (through ISA-L when built with it, else
 *         zlib) or zstd (libzstd's streaming API).
 *   unq   fields that cannot be slices of buf: CSV fields with "" escapes or
 *         text after a closing quote, JSON strings with escapes, compact
 *         nested JSON. At most the row's own size (three times that for a
 *         JSONL line transcoded before parsing).
 *   xbuf  fields of a row transcoded from Windows-1252 (3 bytes per byte).
 *
 * Invariants:
 *   1. 0 <= pos <= end <= cap; buf[pos..end) is decoded and not consumed.
 *   2. lineno counts the physical lines ('\n') consumed; a row starts on
 *      line lineno + 1.
 *   3. A row parser either returns a row and advances pos past it, or
 *      returns NEED_MORE having consumed nothing of the row it is on (it is
 *      called again, from the row start, once more bytes are in).
 *   4. Every byte of the input ends up in exactly one returned row (as a
 *      field or in raw), a blank line, the header, or the skipped tail of an
 *      over-long line (which is reported as the bad row it belongs to).
 *
 * CSV recovery (docs/io.md): a quote that opens a field and is not closed
 * well makes the row's first physical line a bad row, and reading resumes at
 * the next line. "Not closed well" is: end of file, the row limit, text after
 * the closing quote once the field has crossed a line break, or a multi-line
 * row whose field count differs from the header's. This is what turns the
 * stray quote of a damaged leak into one rejected line instead of a field
 * that swallows the thousand rows after it.
 */
#include "vigie/table.h"
#include "vigie/colmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#ifdef VG_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "core/xxh.h" /* vg_cpu_avx2() */

enum { END = 0, GOT = 1, NEED_MORE = 2 };

/* How a scan that reaches the end of the bytes in hand must be read. */
enum { LIM_MORE, LIM_EOF, LIM_TOO_LONG };

#define HASH_SLOTS 1024 /* > 2 * VG_TABLE_MAX_FIELDS, a power of two */

static const vg_reason reason_too_long = {
    "row_too_long", "ligne trop longue (au-delà de la limite de taille d'une ligne)",
    "row too long (over the row size limit)"};
static const vg_reason reason_too_many = {
    "too_many_fields", "trop de champs (au-delà de la limite)", "too many fields (over the limit)"};
static const vg_reason reason_unclosed = {"unclosed_quote",
                                          "guillemet ouvert et jamais refermé correctement",
                                          "quote opened and never properly closed"};
static const vg_reason reason_json = {"json_syntax", "JSON invalide", "invalid JSON"};
static const vg_reason reason_not_object = {"json_not_object", "la ligne n'est pas un objet JSON",
                                            "the line is not a JSON object"};
static const vg_reason reason_too_deep = {"json_too_deep", "JSON imbriqué trop profondément",
                                          "JSON nested too deeply"};

struct vg_table {
	int fd;
	bool own_fd;
	char name[256];
	vg_table_info info;
	vg_table_stats st;
	size_t max_row, max_fields, read_size, need;
	bool avx2; /* rows split 32 bytes a step (line_fast_avx2) */

	/* input and decompression */
	unsigned char *zin;
	size_t zin_cap, zin_pos, zin_end;
	bool fd_eof;
	z_stream z;
	bool z_init;
#ifdef VG_HAVE_ISAL
	struct inflate_state *isal; /* gzip through ISA-L, unless opts.gzip_zlib */
#endif
	ZSTD_DCtx *zd;
	bool frame_open; /* inside a gzip member or zstd frame */

	/* a mapped plain file (opts.mmap): buf is the mapping, all of it
	 * decoded from the start (eof); fed: bytes passed to on_input */
	char *map;
	size_t map_len, fed;
	size_t released; /* mapped: pages before this offset were released */
	void (*on_input)(void *ctx, const void *p, size_t n);
	void *on_input_ctx;

	/* decoded bytes */
	char *buf;
	size_t cap, pos, end;
	bool eof;         /* no more decoded bytes will come */
	int pending_code; /* error to report once buf is drained */
	char pending_msg[512];
	int sticky;

	/* parsing state */
	char delim; /* '\n' when the file has one column */
	bool jsonl;
	bool lines; /* VG_TABLE_LINES: one field per line, no quoting */
	uint64_t lineno;
	bool skipping; /* discarding the tail of an over-long line */
	size_t expected;
	bool bom_flag; /* the next row returned gets VG_TABLE_ROW_BOM */
	size_t stop;   /* a range (vg_table_range): no row starts at or after it */
	bool clone;    /* shares its parent's mapping (vg_table_clone) */

	/* row output */
	vg_table_field *fields;
	char *unq;
	char *xbuf;
	bool have_pending;
	vg_table_row pending;

	/* columns */
	size_t ncols;
	vg_table_field cols[VG_TABLE_MAX_FIELDS];
	uint16_t slot[HASH_SLOTS];
};

/* ------------------------------------------------------------ encodings */

/* Windows-1252 0x80..0x9F; the undefined bytes map to the C1 control of the same value. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* One to three UTF-8 bytes per input byte. */
size_t vg_cp1252_to_utf8(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];
		if (c < 0x80) {
			out[o++] = (char)c;
			continue;
		}
		unsigned cp = c < 0xA0 ? cp1252_high[c - 0x80] : c;
		if (cp < 0x800) {
			out[o++] = (char)(0xC0 | (cp >> 6));
			out[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			out[o++] = (char)(0xE0 | (cp >> 12));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	return o;
}

/* True when some byte of s[0..n) has its high bit set. */
static bool has_high(const char *s, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ull)
			return true;
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] & 0x80)
			return true;
	return false;
}

/* Re-points the row's fields at their Windows-1252 to UTF-8 transcoding. */
static void transcode_fields(vg_table *t, vg_table_field *f, size_t nf)
{
	char *o = t->xbuf;
	for (size_t i = 0; i < nf; i++) {
		size_t k = vg_cp1252_to_utf8(f[i].s, f[i].len, o);
		f[i].s = o;
		f[i].len = k;
		o += k;
	}
}

/* ------------------------------------------------------------- names */

/* The name of a format, for messages and JSON. */
const char *vg_table_format_name(vg_table_format f)
{
	return f == VG_TABLE_JSONL   ? "jsonl"
	       : f == VG_TABLE_CSV   ? "csv"
	       : f == VG_TABLE_LINES ? "lines"
	                             : "auto";
}

/* The name of a compression, for messages and JSON. */
const char *vg_table_compression_name(vg_table_compression c)
{
	return c == VG_TABLE_GZIP ? "gzip" : c == VG_TABLE_ZSTD ? "zstd" : "none";
}

/* Everything detected, default limits. */
void vg_table_opts_init(vg_table_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->header = -1;
}

/* ----------------------------------------------------------- input */

/* read() that retries on EINTR; counts bytes_in. */
static ssize_t read_fd(vg_table *t, void *dst, size_t n)
{
	for (;;) {
		ssize_t got = read(t->fd, dst, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got > 0) {
			t->st.bytes_in += (uint64_t)got;
			if (t->on_input)
				t->on_input(t->on_input_ctx, dst, (size_t)got);
		}
		return got;
	}
}

/* Records an error to report after the bytes decoded so far. */
static void set_pending(vg_table *t, int code, const char *what)
{
	if (!t->pending_code) {
		t->pending_code = code;
		snprintf(t->pending_msg, sizeof(t->pending_msg), "%s: %s", t->name, what);
	}
	t->eof = true;
}

/* Refills zin when it is empty. 0, or VG_EIO. */
static int refill_zin(vg_table *t)
{
	if (t->zin_pos < t->zin_end || t->fd_eof)
		return 0;
	ssize_t got = read_fd(t, t->zin, t->read_size < t->zin_cap ? t->read_size : t->zin_cap);
	if (got < 0)
		return VG_EIO;
	t->zin_pos = 0;
	t->zin_end = (size_t)got;
	if (got == 0)
		t->fd_eof = true;
	return 0;
}

/* Decodes gzip into buf[end..end+room). */
static int fill_gzip(vg_table *t, size_t room)
{
	t->z.next_out = (Bytef *)t->buf + t->end;
	t->z.avail_out = (uInt)room;
	for (;;) {
		if (refill_zin(t) < 0)
			return VG_EIO;
		t->z.next_in = t->zin + t->zin_pos;
		t->z.avail_in = (uInt)(t->zin_end - t->zin_pos);
		size_t in_before = t->zin_pos;
		uInt out_before = t->z.avail_out;
		int rc = inflate(&t->z, Z_NO_FLUSH);
		t->zin_pos = t->zin_end - t->z.avail_in;
		/* input and room, yet nothing moved: never loop on it */
		if (rc != Z_STREAM_END && t->zin_pos == in_before && in_before < t->zin_end &&
		    t->z.avail_out == out_before && out_before > 0)
			rc = Z_DATA_ERROR;
		if (rc == Z_STREAM_END) {
			t->frame_open = false;
			if (refill_zin(t) < 0)
				return VG_EIO;
			if (t->zin_pos == t->zin_end && t->fd_eof) {
				t->eof = true;
				break;
			}
			/* another member follows (concatenated gzip files) */
			inflateReset(&t->z);
			t->frame_open = true;
			if (t->z.avail_out == 0)
				break;
			continue;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			const char *m = t->z.msg ? t->z.msg : "inflate failed";
			char what[200];
			snprintf(what, sizeof(what), "gzip stream damaged (%s)", m);
			set_pending(t, VG_ECORRUPT, what);
			break;
		}
		if (t->z.avail_out == 0)
			break;
		if (t->zin_pos == t->zin_end && t->fd_eof) {
			set_pending(t, VG_ECORRUPT, "gzip stream truncated");
			break;
		}
	}
	t->end += room - t->z.avail_out;
	return 0;
}

#ifdef VG_HAVE_ISAL
/* Decodes gzip into buf[end..end+room) with ISA-L (same contract as fill_gzip). */
static int fill_gzip_isal(vg_table *t, size_t room)
{
	struct inflate_state *st = t->isal;
	st->next_out = (uint8_t *)t->buf + t->end;
	st->avail_out = (uint32_t)room;
	for (;;) {
		if (refill_zin(t) < 0)
			return VG_EIO;
		st->next_in = t->zin + t->zin_pos;
		st->avail_in = (uint32_t)(t->zin_end - t->zin_pos);
		size_t in_before = t->zin_pos;
		uint32_t out_before = st->avail_out;
		int rc = isal_inflate(st);
		t->zin_pos = t->zin_end - st->avail_in;
		/* input and room, yet nothing moved: never loop on it */
		if (rc >= 0 && st->block_state != ISAL_BLOCK_FINISH && t->zin_pos == in_before &&
		    in_before < t->zin_end && st->avail_out == out_before && out_before > 0)
			rc = ISAL_INVALID_BLOCK;
		if (rc < 0 || rc == ISAL_NEED_DICT) {
			char what[200];
			snprintf(what, sizeof(what), "gzip stream damaged (%s)",
			         rc == ISAL_INCORRECT_CHECKSUM ? "incorrect checksum"
			         : rc == ISAL_INVALID_WRAPPER  ? "incorrect header"
			                                       : "invalid deflate data");
			set_pending(t, VG_ECORRUPT, what);
			break;
		}
		if (st->block_state == ISAL_BLOCK_FINISH) {
			t->frame_open = false;
			if (refill_zin(t) < 0)
				return VG_EIO;
			if (t->zin_pos == t->zin_end && t->fd_eof) {
				t->eof = true;
				break;
			}
			/* another member follows (concatenated gzip files) */
			isal_inflate_reset(st);
			st->crc_flag = ISAL_GZIP;
			t->frame_open = true;
			if (st->avail_out == 0)
				break;
			continue;
		}
		if (st->avail_out == 0)
			break;
		if (t->zin_pos == t->zin_end && t->fd_eof) {
			set_pending(t, VG_ECORRUPT, "gzip stream truncated");
			break;
		}
	}
	t->end += room - st->avail_out;
	return 0;
}
#endif

/* Decodes zstd into buf[end..end+room). */
static int fill_zstd(vg_table *t, size_t room)
{
	ZSTD_outBuffer out = {t->buf + t->end, room, 0};
	for (;;) {
		if (refill_zin(t) < 0)
			return VG_EIO;
		ZSTD_inBuffer in = {t->zin, t->zin_end, t->zin_pos};
		size_t out_before = out.pos;
		size_t rc = ZSTD_decompressStream(t->zd, &out, &in);
		bool moved = in.pos > t->zin_pos || out.pos > out_before;
		/* input and room, yet nothing moved: never loop on it */
		if (!ZSTD_isError(rc) && rc != 0 && !moved && in.pos < in.size &&
		    out.pos < out.size)
			rc = (size_t)-ZSTD_error_corruption_detected;
		t->zin_pos = in.pos;
		if (ZSTD_isError(rc)) {
			char what[200];
			snprintf(what, sizeof(what), "zstd stream damaged (%s)",
			         ZSTD_getErrorName(rc));
			set_pending(t, VG_ECORRUPT, what);
			break;
		}
		/* between frames, zstd asks for the next header: not an open frame */
		if (rc == 0)
			t->frame_open = false;
		else if (moved)
			t->frame_open = true;
		if (out.pos == out.size)
			break;
		if (t->zin_pos == t->zin_end && t->fd_eof) {
			if (t->frame_open)
				set_pending(t, VG_ECORRUPT, "zstd stream truncated");
			t->eof = true;
			break;
		}
	}
	t->end += out.pos;
	return 0;
}

/* Moves the unconsumed bytes to the front and decodes one more read's worth. */
static int fill(vg_table *t)
{
	if (t->eof)
		return 0;
	if (t->pos > 0) {
		memmove(t->buf, t->buf + t->pos, t->end - t->pos);
		t->end -= t->pos;
		t->pos = 0;
	}
	size_t room = t->cap - t->end;
	if (room > t->read_size)
		room = t->read_size;
	if (room == 0)
		return 0; /* cannot happen: callers only ask with less than need in hand */
	size_t before = t->end;
	int rc = 0;
	if (t->info.compression == VG_TABLE_GZIP) {
#ifdef VG_HAVE_ISAL
		if (t->isal)
			rc = fill_gzip_isal(t, room);
		else
#endif
			rc = fill_gzip(t, room);
	} else if (t->info.compression == VG_TABLE_ZSTD) {
		rc = fill_zstd(t, room);
	} else if (t->zin_pos < t->zin_end) {
		/* bytes read while sniffing the compression */
		size_t k = t->zin_end - t->zin_pos;
		if (k > room)
			k = room;
		memcpy(t->buf + t->end, t->zin + t->zin_pos, k);
		t->zin_pos += k;
		t->end += k;
	} else {
		ssize_t got = read_fd(t, t->buf + t->end, room);
		if (got < 0)
			rc = VG_EIO;
		else if (got == 0)
			t->eof = true;
		else
			t->end += (size_t)got;
	}
	t->st.bytes_out += t->end - before;
	return rc;
}

/* ------------------------------------------------------------- rows */

/* Fills in the common parts of a row. */
static void row_set(vg_table *t, vg_table_row *row, const char *raw, size_t raw_len,
                    uint32_t nlines, const vg_reason *error)
{
	row->lineno = t->lineno + 1;
	row->nlines = nlines;
	row->flags = 0;
	row->nfields = 0;
	row->fields = t->fields;
	row->raw = raw;
	row->raw_len = raw_len;
	row->error = error;
}

/*
 * Reports the physical line at pos as a bad row and resumes after it. A
 * line longer than the limit keeps its first max_row bytes and its tail is
 * skipped on the next call.
 */
static int bad_line(vg_table *t, vg_table_row *row, const vg_reason *why)
{
	const char *p = t->buf + t->pos;
	size_t avail = t->end - t->pos;
	size_t look = avail < t->need ? avail : t->need;
	const char *nl = memchr(p, '\n', look);
	if (!nl && avail < t->need && t->eof)
		nl = p + avail; /* the last line, without newline */
	if (!nl) {
		row_set(t, row, p, t->max_row, 1, &reason_too_long);
		row->flags |= VG_TABLE_ROW_RAW_CUT;
		t->pos += look;
		t->skipping = true;
		return GOT;
	}
	size_t len = (size_t)(nl - p);
	size_t consumed = nl < t->buf + t->end ? len + 1 : len;
	if (len && p[len - 1] == '\r')
		len--;
	if (len > t->max_row) {
		why = &reason_too_long;
		row_set(t, row, p, t->max_row, 1, why);
		row->flags |= VG_TABLE_ROW_RAW_CUT;
	} else {
		row_set(t, row, p, len, 1, why);
	}
	t->pos += consumed;
	t->lineno++;
	return GOT;
}

/* Discards the rest of an over-long line. GOT when done, NEED_MORE otherwise. */
static int skip_tail(vg_table *t)
{
	const char *p = t->buf + t->pos;
	size_t avail = t->end - t->pos;
	const char *nl = memchr(p, '\n', avail);
	if (nl) {
		t->pos += (size_t)(nl - p) + 1;
		t->lineno++;
		t->skipping = false;
		return GOT;
	}
	t->pos = t->end;
	if (t->eof) {
		t->lineno++;
		t->skipping = false;
		return GOT;
	}
	return NEED_MORE;
}

/* The newline ending the line at pos (or NULL), and what the end of the bytes in hand means. */
static void find_line(vg_table *t, const char **nlp, int *lim)
{
	const char *p = t->buf + t->pos;
	size_t avail = t->end - t->pos;
	size_t look = avail < t->need ? avail : t->need;
	*nlp = memchr(p, '\n', look);
	if (avail >= t->need)
		*lim = LIM_TOO_LONG;
	else
		*lim = t->eof ? LIM_EOF : LIM_MORE;
}

/* Splits a line with no field that starts with a quote. Returns false when one does.
 * *hi: where the first byte that is not ASCII may be (every byte before it is
 * ASCII; len when there is none). */
static bool split_fast(vg_table *t, const char *p, size_t len, size_t *nfp, size_t *hi)
{
	const char d = t->delim;
	vg_table_field *f = t->fields;
	size_t nf = 0, maxf = t->max_fields, start = 0, i = 0;
	if (len && p[0] == '"')
		return false;
#ifdef __SSE2__
	__m128i vd = _mm_set1_epi8(d);
	size_t first = len;
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		if (first == len && _mm_movemask_epi8(v))
			first = i;
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd));
		while (m) {
			size_t at = i + (size_t)__builtin_ctz(m);
			m &= m - 1;
			if (nf < maxf) {
				f[nf].s = p + start;
				f[nf].len = at - start;
			}
			nf++;
			start = at + 1;
			if (start < len && p[start] == '"')
				return false;
		}
	}
#else
	size_t first = len;
#endif
	unsigned char acc8 = 0;
	size_t tail = i;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		acc8 |= c;
		if (c == (unsigned char)d) {
			if (nf < maxf) {
				f[nf].s = p + start;
				f[nf].len = i - start;
			}
			nf++;
			start = i + 1;
			if (start < len && p[start] == '"')
				return false;
		}
	}
	if (nf < maxf) {
		f[nf].s = p + start;
		f[nf].len = len - start;
	}
	nf++;
	*nfp = nf;
	*hi = first < len ? first : (acc8 & 0x80) ? tail : len;
	return true;
}

#ifdef __SSE2__
/*
 * The line at p split in the same pass that finds its end, for the common
 * plain line: no quote anywhere in it, its newline among the bytes in hand
 * (avail) within the row limit, not blank, at most max_fields fields. Then
 * the result is what find_line() and split_fast() give (with a final '\r'
 * dropped as csv_next() drops it): *lenp the row's length, *consumed with
 * the newline, *nfp the fields, *hi the first byte that is not ASCII (or
 * *lenp). Otherwise false, and the general path reads the line.
 * line_fast() reads 16 bytes a step (SSE2), line_fast_avx2() 32 (on a CPU
 * with AVX2, then 16 for the rest); both take the steps through
 * line_step(), so their results are the same.
 */
typedef struct lfast {
	size_t nf, start, first;
} lfast;

enum { LSTEP_MORE, LSTEP_DONE, LSTEP_NO };

/* One step of w bytes at p + i, given its masks (bit j: byte i + j is a
 * newline, a quote, the delimiter, not ASCII). */
static inline int line_step(vg_table *t, const char *p, size_t i, unsigned w, uint64_t nl,
                            uint64_t q, uint64_t dm, uint64_t h, lfast *s, size_t *lenp,
                            size_t *consumed, size_t *nfp, size_t *hi)
{
	vg_table_field *f = t->fields;
	uint64_t below = w == 64 ? ~0ull : (1ull << w) - 1;
	if (nl)
		below = (1ull << __builtin_ctzll(nl)) - 1;
	if ((q & below) || s->nf + w >= t->max_fields)
		return LSTEP_NO;
	dm &= below;
	h &= below;
	if (h && s->first == SIZE_MAX)
		s->first = i + (size_t)__builtin_ctzll(h);
	size_t nf = s->nf, start = s->start;
	while (dm) {
		size_t at = i + (size_t)__builtin_ctzll(dm);
		dm &= dm - 1;
		f[nf].s = p + start;
		f[nf].len = at - start;
		nf++;
		start = at + 1;
	}
	s->nf = nf;
	s->start = start;
	if (!nl)
		return LSTEP_MORE;
	size_t end = i + (size_t)__builtin_ctzll(nl), len = end;
	if (len && p[len - 1] == '\r')
		len--;
	if (len == 0 || len > t->max_row || start > len)
		return LSTEP_NO;
	f[nf].s = p + start;
	f[nf].len = len - start;
	*nfp = nf + 1;
	*lenp = len;
	*consumed = end + 1;
	*hi = s->first < len ? s->first : len;
	return LSTEP_DONE;
}

/* The 16-byte steps from i on. */
static inline bool line_sse2(vg_table *t, const char *p, size_t i, size_t look, lfast *s,
                             size_t *lenp, size_t *consumed, size_t *nfp, size_t *hi)
{
	const __m128i vd = _mm_set1_epi8(t->delim), vn = _mm_set1_epi8('\n'),
	              vq = _mm_set1_epi8('"');
	for (; i + 16 <= look; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn));
		unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq));
		unsigned dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd));
		unsigned h = (unsigned)_mm_movemask_epi8(v);
		int r = line_step(t, p, i, 16, nl, q, dm, h, s, lenp, consumed, nfp, hi);
		if (r != LSTEP_MORE)
			return r == LSTEP_DONE;
	}
	return false;
}

static bool line_fast(vg_table *t, const char *p, size_t avail, size_t *lenp, size_t *consumed,
                      size_t *nfp, size_t *hi)
{
	size_t look = avail < t->need ? avail : t->need;
	lfast s = {0, 0, SIZE_MAX};
	return line_sse2(t, p, 0, look, &s, lenp, consumed, nfp, hi);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_LINE_AVX2 1
__attribute__((target("avx2"))) static bool line_fast_avx2(vg_table *t, const char *p, size_t avail,
                                                           size_t *lenp, size_t *consumed,
                                                           size_t *nfp, size_t *hi)
{
	size_t look = avail < t->need ? avail : t->need;
	lfast s = {0, 0, SIZE_MAX};
	const __m256i vd = _mm256_set1_epi8(t->delim), vn = _mm256_set1_epi8('\n'),
	              vq = _mm256_set1_epi8('"');
	size_t i = 0;
	for (; i + 32 <= look; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
		uint32_t nl = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vn));
		uint32_t q = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vq));
		uint32_t dm = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vd));
		uint32_t h = (uint32_t)_mm256_movemask_epi8(v);
		int r = line_step(t, p, i, 32, nl, q, dm, h, &s, lenp, consumed, nfp, hi);
		if (r != LSTEP_MORE)
			return r == LSTEP_DONE;
	}
	return line_sse2(t, p, i, look, &s, lenp, consumed, nfp, hi);
}
#endif
#endif

/* Finishes a parsed CSV row: field limit, encoding (p[0..hi) is ASCII). */
static int csv_finish(vg_table *t, vg_table_row *row, const char *p, size_t raw_len, size_t nf,
                      size_t hi, uint32_t nlines, size_t consumed, uint32_t flags)
{
	if (nf > t->max_fields) {
		row_set(t, row, p, raw_len, nlines, &reason_too_many);
		t->pos += consumed;
		t->lineno += nlines;
		return GOT;
	}
	row_set(t, row, p, raw_len, nlines, NULL);
	row->nfields = nf;
	row->flags = flags;
	if (hi < raw_len && !vg_utf8_valid(p + hi, raw_len - hi)) {
		transcode_fields(t, t->fields, nf);
		row->flags |= VG_TABLE_ROW_TRANSCODED;
	}
	t->pos += consumed;
	t->lineno += nlines;
	return GOT;
}

/* Appends s[0..n) at *o. */
static void put(char **o, const char *s, size_t n)
{
	memcpy(*o, s, n);
	*o += n;
}

/*
 * Parses the CSV row at pos that has a quoted field, per RFC 4180 with the
 * tolerance and recovery described at the top of this file.
 */
static int csv_quoted(vg_table *t, vg_table_row *row)
{
	const char *p = t->buf + t->pos, *e = t->buf + t->end;
	const size_t avail = (size_t)(e - p);
	const char *lim = avail > t->need ? p + t->need : e;
	const int limk = avail >= t->need ? LIM_TOO_LONG : t->eof ? LIM_EOF : LIM_MORE;
	const char d = t->delim;
	size_t nf = 0;
	uint32_t lines = 0, flags = 0;
	char *u = t->unq; /* copy cursor */
	const char *s = p, *after;

/* what reaching lim means: more bytes, a row too long, or the end of the data */
#define AT_LIM(on_eof)                                                                             \
	do {                                                                                       \
		if (limk == LIM_MORE)                                                              \
			return NEED_MORE;                                                          \
		if (limk == LIM_TOO_LONG)                                                          \
			return bad_line(t, row, &reason_too_long);                                 \
		on_eof;                                                                            \
	} while (0)

	for (;;) {
		const char *fs;
		size_t flen;
		if (s < lim && *s == '"') {
			const char *q = s + 1, *seg = q;
			char *o = NULL; /* start of the copy, when the field is copied */
			bool crossed = false;
			for (;;) {
				const char *cq = memchr(q, '"', (size_t)(lim - q));
				const char *stop = cq ? cq : lim;
				for (const char *x = q;
				     x < stop && (x = memchr(x, '\n', (size_t)(stop - x))); x++) {
					lines++;
					crossed = true;
				}
				if (!cq)
					AT_LIM(return bad_line(t, row, &reason_unclosed));
				const char *nx = cq + 1;
				if (nx == lim) {
					AT_LIM((void)0);
					after = nx; /* closed at the end of the data */
				} else if (*nx == '"') {
					if (!o)
						o = u;
					put(&u, seg, (size_t)(nx - seg));
					q = seg = nx + 1;
					continue;
				} else if (*nx == d || *nx == '\n') {
					after = nx;
				} else if (*nx == '\r' && nx + 1 == lim) {
					AT_LIM((void)0);
					after = nx + 1;
				} else if (*nx == '\r' && nx[1] == '\n') {
					after = nx + 1;
				} else {
					/* text after the closing quote */
					if (crossed)
						return bad_line(t, row, &reason_unclosed);
					const char *r = nx;
					while (r < lim && *r != d && *r != '\n')
						r++;
					if (r == lim)
						AT_LIM((void)0);
					const char *te = r;
					if (te > nx && te[-1] == '\r' && (r == lim || *r == '\n'))
						te--;
					if (!o)
						o = u;
					put(&u, seg, (size_t)(cq - seg));
					put(&u, nx, (size_t)(te - nx));
					flags |= VG_TABLE_ROW_QUOTE_FIXED;
					fs = o;
					flen = (size_t)(u - o);
					after = r;
					break;
				}
				if (o) {
					put(&u, seg, (size_t)(cq - seg));
					fs = o;
					flen = (size_t)(u - o);
				} else {
					fs = seg;
					flen = (size_t)(cq - seg);
				}
				break;
			}
		} else {
			const char *r = s;
			while (r < lim && *r != d && *r != '\n')
				r++;
			if (r == lim)
				AT_LIM((void)0);
			fs = s;
			flen = (size_t)(r - s);
			if (flen && s[flen - 1] == '\r' && (r == lim || *r == '\n'))
				flen--;
			after = r;
		}
		if (nf < t->max_fields) {
			t->fields[nf].s = fs;
			t->fields[nf].len = flen;
		}
		nf++;
		if (after < lim && *after == d && d != '\n') {
			s = after + 1;
			continue;
		}
		break;
	}
#undef AT_LIM
	/* after: the '\n' ending the row, or the end of the data */
	size_t consumed = after < e ? (size_t)(after - p) + 1 : (size_t)(after - p);
	size_t raw_len = (size_t)(after - p);
	if (raw_len && p[raw_len - 1] == '\r')
		raw_len--;
	if (raw_len > t->max_row)
		return bad_line(t, row, &reason_too_long);
	if (lines)
		flags |= VG_TABLE_ROW_MULTILINE;
	if ((flags & (VG_TABLE_ROW_MULTILINE | VG_TABLE_ROW_QUOTE_FIXED)) && t->expected &&
	    nf != t->expected)
		return bad_line(t, row, &reason_unclosed);
	return csv_finish(t, row, p, raw_len, nf, has_high(p, raw_len) ? 0 : raw_len, lines + 1,
	                  consumed, flags);
}

/* The next CSV row: GOT, END or NEED_MORE. */
static int csv_next(vg_table *t, vg_table_row *row)
{
	for (;;) {
		if (t->skipping) {
			int rc = skip_tail(t);
			if (rc != GOT)
				return rc;
			continue;
		}
		if (t->pos >= t->stop)
			return END;
		const char *p = t->buf + t->pos;
		size_t avail = t->end - t->pos;
		if (avail == 0)
			return t->eof ? END : NEED_MORE;
#ifdef __SSE2__
		if (!t->lines && p[0] != '"') {
			size_t len, consumed, nf, hi;
#ifdef HAVE_LINE_AVX2
			bool got = t->avx2 ? line_fast_avx2(t, p, avail, &len, &consumed, &nf, &hi)
			                   : line_fast(t, p, avail, &len, &consumed, &nf, &hi);
#else
			bool got = line_fast(t, p, avail, &len, &consumed, &nf, &hi);
#endif
			if (got)
				return csv_finish(t, row, p, len, nf, hi, 1, consumed, 0);
		}
#endif
		const char *nl;
		int lim;
		find_line(t, &nl, &lim);
		if (!nl) {
			if (lim == LIM_MORE)
				return NEED_MORE;
			if (lim == LIM_TOO_LONG)
				return bad_line(t, row, &reason_too_long);
		}
		size_t len = nl ? (size_t)(nl - p) : avail;
		size_t consumed = nl ? len + 1 : len;
		if (len && p[len - 1] == '\r')
			len--;
		if (len == 0) {
			t->pos += consumed;
			t->lineno++;
			t->st.blank_lines++;
			continue;
		}
		if (len > t->max_row)
			return bad_line(t, row, &reason_too_long);
		if (t->lines) {
			t->fields[0].s = p;
			t->fields[0].len = len;
			return csv_finish(t, row, p, len, 1, 0, 1, consumed, 0);
		}
		size_t nf, hi;
		if (split_fast(t, p, len, &nf, &hi))
			return csv_finish(t, row, p, len, nf, hi, 1, consumed, 0);
		return csv_quoted(t, row);
	}
}

/* ------------------------------------------------------------- JSONL */

typedef struct jp {
	const char *s, *e; /* the line */
	char *u;           /* copy cursor in unq */
	const vg_reason *why;
} jp;

/* Skips JSON whitespace. */
static void ws(jp *j)
{
	while (j->s < j->e && (*j->s == ' ' || *j->s == '\t' || *j->s == '\r' || *j->s == '\n'))
		j->s++;
}

/* The value of a hex digit, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads 4 hex digits at s. */
static int hex4(const char *s, const char *e, unsigned *out)
{
	if (e - s < 4)
		return -1;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

/* Writes code point cp as UTF-8 at *o. */
static void put_cp(char **o, unsigned cp)
{
	char *w = *o;
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xC0 | (cp >> 6));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xE0 | (cp >> 12));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*w++ = (char)(0xF0 | (cp >> 18));
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	}
	*o = w;
}

/*
 * Parses the string whose opening quote is at j->s. With decode, its value
 * goes to *out (a slice of the line when it has no escape, else a copy in
 * unq); without, it is only checked. Same rules as jansson: no raw control
 * characters, valid escapes, paired surrogates, no \u0000.
 */
static int json_string(jp *j, bool decode, vg_table_field *out)
{
	const char *s = ++j->s, *e = j->e;
	const char *r = s;
	while (r < e && *r != '"' && *r != '\\' && (unsigned char)*r >= 0x20)
		r++;
	if (r < e && *r == '"') {
		if (decode) {
			out->s = s;
			out->len = (size_t)(r - s);
		}
		j->s = r + 1;
		return 0;
	}
	char *o = j->u, *start = j->u;
	if (decode)
		put(&o, s, (size_t)(r - s));
	while (r < e) {
		unsigned char c = (unsigned char)*r;
		if (c == '"') {
			if (decode) {
				out->s = start;
				out->len = (size_t)(o - start);
				j->u = o;
			}
			j->s = r + 1;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			if (decode)
				*o++ = (char)c;
			r++;
			continue;
		}
		if (e - r < 2)
			return -1;
		char x = r[1];
		r += 2;
		char lit = 0;
		switch (x) {
		case '"':
		case '\\':
		case '/':
			lit = x;
			break;
		case 'b':
			lit = '\b';
			break;
		case 'f':
			lit = '\f';
			break;
		case 'n':
			lit = '\n';
			break;
		case 'r':
			lit = '\r';
			break;
		case 't':
			lit = '\t';
			break;
		case 'u': {
			unsigned cp, lo;
			if (hex4(r, e, &cp))
				return -1;
			r += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (e - r < 6 || r[0] != '\\' || r[1] != 'u' ||
				    hex4(r + 2, e, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				r += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				return -1;
			} else if (cp == 0) {
				return -1;
			}
			if (decode)
				put_cp(&o, cp);
			continue;
		}
		default:
			return -1;
		}
		if (decode)
			*o++ = lit;
	}
	return -1;
}

/* Checks a number at j->s (JSON grammar); advances past it. */
static int json_number(jp *j)
{
	const char *s = j->s, *e = j->e;
	if (s < e && *s == '-')
		s++;
	if (s == e)
		return -1;
	if (*s == '0') {
		s++;
	} else if (*s >= '1' && *s <= '9') {
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	} else {
		return -1;
	}
	if (s < e && *s == '.') {
		s++;
		if (s == e || *s < '0' || *s > '9')
			return -1;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	if (s < e && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < e && (*s == '+' || *s == '-'))
			s++;
		if (s == e || *s < '0' || *s > '9')
			return -1;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	j->s = s;
	return 0;
}

/* Matches the literal word at j->s. */
static int json_word(jp *j, const char *w, size_t n)
{
	if ((size_t)(j->e - j->s) < n || memcmp(j->s, w, n))
		return -1;
	j->s += n;
	return 0;
}

/*
 * Checks the value at j->s and appends its compact text (whitespace outside
 * strings removed, strings and numbers as written) at j->u.
 */
static int json_compact(jp *j, int depth)
{
	if (depth > VG_TABLE_MAX_DEPTH) {
		j->why = &reason_too_deep;
		return -1;
	}
	ws(j);
	if (j->s == j->e)
		return -1;
	const char *v = j->s;
	char c = *v;
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		*j->u++ = c;
		j->s++;
		ws(j);
		if (j->s < j->e && *j->s == close) {
			*j->u++ = close;
			j->s++;
			return 0;
		}
		for (;;) {
			if (c == '{') {
				ws(j);
				if (j->s == j->e || *j->s != '"')
					return -1;
				const char *ks = j->s;
				if (json_string(j, false, NULL))
					return -1;
				put(&j->u, ks, (size_t)(j->s - ks));
				ws(j);
				if (j->s == j->e || *j->s != ':')
					return -1;
				*j->u++ = ':';
				j->s++;
			}
			if (json_compact(j, depth + 1))
				return -1;
			ws(j);
			if (j->s == j->e)
				return -1;
			if (*j->s == ',') {
				*j->u++ = ',';
				j->s++;
				continue;
			}
			if (*j->s == close) {
				*j->u++ = close;
				j->s++;
				return 0;
			}
			return -1;
		}
	}
	int rc;
	if (c == '"')
		rc = json_string(j, false, NULL);
	else if (c == 't')
		rc = json_word(j, "true", 4);
	else if (c == 'f')
		rc = json_word(j, "false", 5);
	else if (c == 'n')
		rc = json_word(j, "null", 4);
	else
		rc = json_number(j);
	if (rc == 0)
		put(&j->u, v, (size_t)(j->s - v));
	return rc;
}

/* FNV-1a, for the JSONL column table. */
static uint32_t hash_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The column of a JSON key, added when new; -1 when over a limit (count, name length). */
static int column_of(vg_table *t, const char *k, size_t n, int guess, uint32_t *flags)
{
	if (guess >= 0 && (size_t)guess < t->ncols && t->cols[guess].len == n &&
	    !memcmp(t->cols[guess].s, k, n))
		return guess;
	uint32_t h = hash_key(k, n) & (HASH_SLOTS - 1);
	while (t->slot[h]) {
		const vg_table_field *c = &t->cols[t->slot[h] - 1];
		if (c->len == n && !memcmp(c->s, k, n))
			return t->slot[h] - 1;
		h = (h + 1) & (HASH_SLOTS - 1);
	}
	if (t->ncols >= t->max_fields || n > VG_TABLE_MAX_NAME) {
		*flags |= VG_TABLE_ROW_KEYS_DROPPED;
		return -1;
	}
	char *name = vg_xmalloc(n + 1);
	memcpy(name, k, n);
	name[n] = '\0';
	t->cols[t->ncols].s = name;
	t->cols[t->ncols].len = n;
	t->fields[t->ncols].s = "";
	t->fields[t->ncols].len = 0;
	t->slot[h] = (uint16_t)(t->ncols + 1);
	t->ncols++;
	*flags |= VG_TABLE_ROW_NEW_COLUMNS;
	return (int)t->ncols - 1;
}

/* Forgets the columns after the first keep (added by a row found bad). */
static void drop_columns(vg_table *t, size_t keep)
{
	if (t->ncols == keep)
		return;
	for (size_t c = keep; c < t->ncols; c++)
		free((char *)t->cols[c].s);
	t->ncols = keep;
	memset(t->slot, 0, sizeof(t->slot));
	for (size_t c = 0; c < keep; c++) {
		uint32_t h = hash_key(t->cols[c].s, t->cols[c].len) & (HASH_SLOTS - 1);
		while (t->slot[h])
			h = (h + 1) & (HASH_SLOTS - 1);
		t->slot[h] = (uint16_t)(c + 1);
	}
}

/* Parses one JSONL object into the row's fields. NULL, or the reason it is bad. */
static const vg_reason *json_row(vg_table *t, const char *s, size_t n, uint32_t *flags)
{
	jp j = {s, s + n, t->unq, &reason_json};
	for (size_t c = 0; c < t->ncols; c++) {
		t->fields[c].s = "";
		t->fields[c].len = 0;
	}
	ws(&j);
	if (j.s == j.e || *j.s != '{')
		return &reason_not_object;
	j.s++;
	ws(&j);
	int prev = -1;
	if (j.s < j.e && *j.s == '}') {
		j.s++;
	} else {
		for (;;) {
			vg_table_field key, val = {"", 0};
			ws(&j);
			if (j.s == j.e || *j.s != '"' || json_string(&j, true, &key))
				return j.why;
			ws(&j);
			if (j.s == j.e || *j.s != ':')
				return j.why;
			j.s++;
			ws(&j);
			if (j.s == j.e)
				return j.why;
			const char *v = j.s;
			char c = *v;
			if (c == '"') {
				if (json_string(&j, true, &val))
					return j.why;
			} else if (c == '{' || c == '[') {
				char *o = j.u;
				if (json_compact(&j, 1))
					return j.why;
				val.s = o;
				val.len = (size_t)(j.u - o);
			} else if (c == 't' || c == 'f') {
				if (json_word(&j, c == 't' ? "true" : "false", c == 't' ? 4 : 5))
					return j.why;
				val.s = v;
				val.len = (size_t)(j.s - v);
			} else if (c == 'n') {
				if (json_word(&j, "null", 4))
					return j.why;
			} else {
				if (json_number(&j))
					return j.why;
				val.s = v;
				val.len = (size_t)(j.s - v);
			}
			int col = column_of(t, key.s, key.len, prev + 1, flags);
			if (col >= 0) {
				t->fields[col] = val;
				prev = col;
			}
			ws(&j);
			if (j.s == j.e)
				return j.why;
			if (*j.s == ',') {
				j.s++;
				continue;
			}
			if (*j.s == '}') {
				j.s++;
				break;
			}
			return j.why;
		}
	}
	ws(&j);
	return j.s == j.e ? NULL : j.why;
}

/* The next JSONL row: GOT, END or NEED_MORE. */
static int jsonl_next(vg_table *t, vg_table_row *row)
{
	for (;;) {
		if (t->skipping) {
			int rc = skip_tail(t);
			if (rc != GOT)
				return rc;
			continue;
		}
		const char *p = t->buf + t->pos;
		size_t avail = t->end - t->pos;
		if (avail == 0)
			return t->eof ? END : NEED_MORE;
		const char *nl;
		int lim;
		find_line(t, &nl, &lim);
		if (!nl) {
			if (lim == LIM_MORE)
				return NEED_MORE;
			if (lim == LIM_TOO_LONG)
				return bad_line(t, row, &reason_too_long);
		}
		size_t len = nl ? (size_t)(nl - p) : avail;
		size_t consumed = nl ? len + 1 : len;
		if (len && p[len - 1] == '\r')
			len--;
		size_t k = 0;
		while (k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
			k++;
		if (k == len) {
			t->pos += consumed;
			t->lineno++;
			t->st.blank_lines++;
			continue;
		}
		if (len > t->max_row)
			return bad_line(t, row, &reason_too_long);
		const char *s = p;
		size_t n = len;
		uint32_t flags = 0;
		if (has_high(p, len) && !vg_utf8_valid(p, len)) {
			n = vg_cp1252_to_utf8(p, len, t->xbuf);
			s = t->xbuf;
			flags |= VG_TABLE_ROW_TRANSCODED;
		}
		size_t before = t->ncols;
		const vg_reason *why = json_row(t, s, n, &flags);
		if (why) {
			/* columns come from parsed rows only */
			drop_columns(t, before);
			row_set(t, row, p, len, 1, why);
			row->flags = flags & VG_TABLE_ROW_TRANSCODED;
		} else {
			row_set(t, row, p, len, 1, NULL);
			row->nfields = t->ncols;
			row->flags = flags;
		}
		t->pos += consumed;
		t->lineno++;
		return GOT;
	}
}

/* ------------------------------------------------------------- API */

/* One row, reading more as needed. GOT, END, or a negative error. */
static int read_row(vg_table *t, vg_table_row *row, vg_err *err)
{
	for (;;) {
		int rc = t->jsonl ? jsonl_next(t, row) : csv_next(t, row);
		t->st.lines = t->lineno;
		if (rc == GOT)
			return GOT;
		if (rc == END) {
			if (t->pending_code) {
				t->sticky = t->pending_code;
				return vg_err_set(err, t->pending_code, "%s", t->pending_msg);
			}
			return END;
		}
		rc = fill(t);
		if (rc < 0) {
			t->sticky = rc;
			return vg_err_set(err, rc, "%s: read error: %s", t->name, strerror(errno));
		}
	}
}

/* Mapped: passes the bytes up to some way ahead of pos (all: to the end)
 * to on_input, a step at a time, so that they are hashed while in cache
 * and the pages are in before the rows reach them. */
#define FEED_STEP ((size_t)256 << 10)
static void feed(vg_table *t, bool all)
{
	size_t want = all ? t->map_len : t->pos + 2 * FEED_STEP;
	if (want > t->map_len)
		want = t->map_len;
	while (t->fed < want) {
		size_t k = t->map_len - t->fed < FEED_STEP ? t->map_len - t->fed : FEED_STEP;
		if (t->on_input)
			t->on_input(t->on_input_ctx, t->map + t->fed, k);
		t->fed += k;
	}
}

/*
 * Mapped: the pages more than RELEASE_LAG behind pos are released from the
 * process (MADV_DONTNEED on a read-only private mapping: they stay in the
 * page cache, and reading them again maps them again, so nothing is lost
 * if a worker is still behind), so that an ingest's resident size does not
 * grow with the file (a 43-million-row CSV is 8.7 GB). The rows given to
 * workers are at most a few ranges or batches behind pos.
 */
#define RELEASE_LAG ((size_t)64 << 20)
#define RELEASE_STEP ((size_t)16 << 20)
static void release_behind(vg_table *t)
{
	if (t->clone || t->pos < t->released + RELEASE_LAG + RELEASE_STEP)
		return;
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096;
	size_t upto = (t->pos - RELEASE_LAG) / page * page;
	if (upto > t->released &&
	    madvise(t->map + t->released, upto - t->released, MADV_DONTNEED) == 0)
		t->released = upto;
}

/* The pending first row, else the next one; counts it. */
int vg_table_next(vg_table *t, vg_table_row *row, vg_err *err)
{
	if (t->map && t->fed < t->map_len)
		feed(t, false);
	if (t->map)
		release_behind(t);
	if (t->sticky) {
		if (t->sticky == t->pending_code)
			return vg_err_set(err, t->sticky, "%s", t->pending_msg);
		return vg_err_set(err, t->sticky, "%s: %s", t->name, vg_strerror(t->sticky));
	}
	int rc;
	if (t->have_pending) {
		*row = t->pending;
		t->have_pending = false;
		rc = GOT;
	} else {
		rc = read_row(t, row, err);
		if (rc != GOT) {
			if (rc == END && t->map)
				feed(t, true);
			return rc;
		}
	}
	if (t->bom_flag) {
		row->flags |= VG_TABLE_ROW_BOM;
		t->bom_flag = false;
	}
	t->st.rows++;
	if (row->error)
		t->st.bad_rows++;
	else if (!t->jsonl && !t->expected)
		t->expected = t->info.expected_fields = row->nfields;
	if (row->flags & VG_TABLE_ROW_TRANSCODED)
		t->st.transcoded++;
	t->st.lines = t->lineno;
	return 1;
}

/* What detection found. */
const vg_table_info *vg_table_info_get(const vg_table *t)
{
	return &t->info;
}

/* Counts so far. */
const vg_table_stats *vg_table_stats_get(const vg_table *t)
{
	return &t->st;
}

/* Column names so far. */
const vg_table_field *vg_table_columns(const vg_table *t, size_t *n)
{
	*n = t->ncols;
	return t->cols;
}

/* Bytes read from the file so far. */
uint64_t vg_table_bytes_in(const vg_table *t)
{
	return t->map ? t->pos : t->st.bytes_in;
}

/* Releases everything the reader holds. */
void vg_table_close(vg_table *t)
{
	if (!t)
		return;
	if (t->own_fd)
		close(t->fd);
	if (t->z_init)
		inflateEnd(&t->z);
#ifdef VG_HAVE_ISAL
	free(t->isal);
#endif
	ZSTD_freeDCtx(t->zd);
	for (size_t c = 0; c < t->ncols; c++)
		free((char *)t->cols[c].s);
	free(t->zin);
	if (t->map)
		munmap(t->map, t->map_len);
	else if (!t->clone)
		free(t->buf);
	free(t->fields);
	free(t->unq);
	free(t->xbuf);
	free(t);
}

/* ------------------------------------------------------------ detection */

/* Candidate delimiters, in the order that breaks ties. */
static const char delims[4] = {';', '\t', ',', '|'};

/*
 * The delimiter of the text at p (the first non-blank line first): the
 * candidate seen most often outside quotes on that line; a tie goes to the
 * one whose count repeats on most of the next lines, then to the order of
 * delims. '\n' (one column) when the line holds none.
 */
static char detect_delim(const char *p, size_t n)
{
	enum { LINES = 32 };
	unsigned counts[LINES][4];
	unsigned cur[4] = {0, 0, 0, 0};
	size_t nlines = 0;
	bool inq = false, partial = false;
	for (size_t i = 0; i < n && nlines < LINES; i++) {
		char c = p[i];
		partial = true;
		if (c == '"') {
			inq = !inq;
		} else if (!inq && c == '\n') {
			memcpy(counts[nlines++], cur, sizeof(cur));
			memset(cur, 0, sizeof(cur));
			partial = false;
		} else if (!inq) {
			for (int k = 0; k < 4; k++)
				cur[k] += c == delims[k];
		}
	}
	if (nlines == 0 && partial)
		memcpy(counts[nlines++], cur, sizeof(cur));
	if (nlines == 0)
		return ',';
	int best = -1;
	unsigned best_count = 0, best_agree = 0;
	for (int k = 0; k < 4; k++) {
		unsigned c = counts[0][k], agree = 0;
		if (c == 0)
			continue;
		for (size_t l = 1; l < nlines; l++)
			agree += counts[l][k] == c;
		if (c > best_count || (c == best_count && agree > best_agree)) {
			best = k;
			best_count = c;
			best_agree = agree;
		}
	}
	return best < 0 ? '\n' : delims[best];
}

/* A header field that looks like data: an '@', or many digits. */
static bool looks_like_data(const char *s, size_t n)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '@')
			return true;
		digits += s[i] >= '0' && s[i] <= '9';
	}
	return digits >= 4 || (digits >= 2 && digits * 2 > n);
}

/* Decides whether the first row is a header; see docs/io.md. */
static bool is_header(const vg_table_row *row, const vg_colmap_spec *map)
{
	bool known = false;
	for (size_t i = 0; i < row->nfields; i++) {
		const vg_table_field *f = &row->fields[i];
		if (looks_like_data(f->s, f->len))
			return false;
		if (vg_colmap_guess(f->s, f->len) != VG_FIELD_NONE ||
		    vg_colmap_spec_names(map, f->s, f->len))
			known = true;
	}
	return known;
}

/* Keeps the header's names (trimmed of spaces) as the columns. */
static void take_header(vg_table *t, const vg_table_row *row)
{
	for (size_t i = 0; i < row->nfields && i < t->max_fields; i++) {
		const char *s = row->fields[i].s;
		size_t n = row->fields[i].len;
		while (n && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		char *name = vg_xmalloc(n + 1);
		memcpy(name, s, n);
		name[n] = '\0';
		t->cols[i].s = name;
		t->cols[i].len = n;
	}
	t->ncols = row->nfields < t->max_fields ? row->nfields : t->max_fields;
}

/* Reads until need bytes are decoded after pos, or the end. */
static int fill_need(vg_table *t)
{
	while (!t->eof && t->end - t->pos < t->need) {
		int rc = fill(t);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Reads the first bytes and picks the decoder from their magic. */
static int sniff(vg_table *t, const vg_table_opts *o, vg_err *err)
{
	while (t->zin_end < 6 && !t->fd_eof) {
		ssize_t got = read_fd(t, t->zin + t->zin_end, t->zin_cap - t->zin_end);
		if (got < 0)
			return vg_err_set(err, VG_EIO, "%s: read error: %s", t->name,
			                  strerror(errno));
		if (got == 0)
			t->fd_eof = true;
		t->zin_end += (size_t)got;
	}
	const unsigned char *m = t->zin;
	size_t n = t->zin_end;
	if (n >= 2 && m[0] == 0x1F && m[1] == 0x8B) {
		t->info.compression = VG_TABLE_GZIP;
		t->frame_open = true;
#ifdef VG_HAVE_ISAL
		if (!o->gzip_zlib) {
			t->isal = vg_xmalloc(sizeof(*t->isal));
			isal_inflate_init(t->isal);
			t->isal->crc_flag = ISAL_GZIP;
			return 0;
		}
#endif
		if (inflateInit2(&t->z, 15 + 32) != Z_OK)
			return vg_err_set(err, VG_EINTERNAL, "%s: zlib initialisation failed",
			                  t->name);
		t->z_init = true;
	} else if (n >= 4 && m[0] == 0x28 && m[1] == 0xB5 && m[2] == 0x2F && m[3] == 0xFD) {
		t->info.compression = VG_TABLE_ZSTD;
		t->zd = ZSTD_createDCtx();
		if (!t->zd)
			return vg_err_set(err, VG_EINTERNAL, "%s: zstd initialisation failed",
			                  t->name);
		t->frame_open = true;
	} else if (n >= 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4) {
		return vg_err_set(err, VG_EINVAL,
		                  "%s: a zip archive; extract it first (unzip), vigie reads plain, "
		                  "gzip or zstd files",
		                  t->name);
	} else if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') {
		return vg_err_set(err, VG_EINVAL,
		                  "%s: bzip2 compression is not supported; use bunzip2 first, or "
		                  "recompress with gzip or zstd",
		                  t->name);
	} else if (n >= 6 && !memcmp(m,
	                             "\xFD"
	                             "7zXZ\0",
	                             6)) {
		return vg_err_set(
		    err, VG_EINVAL,
		    "%s: xz compression is not supported; use unxz first, or recompress "
		    "with gzip or zstd",
		    t->name);
	}
	return 0;
}

/* Detects BOM, format, delimiter and header once the first bytes are in. */
static int detect(vg_table *t, const vg_table_opts *o, vg_err *err)
{
	int rc = fill_need(t);
	if (rc < 0)
		return vg_err_set(err, rc, "%s: read error: %s", t->name, strerror(errno));
	const char *p = t->buf + t->pos;
	size_t n = t->end - t->pos;
	if (t->pending_code && n == 0)
		return vg_err_set(err, t->pending_code, "%s", t->pending_msg);
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		t->info.bom = true;
		t->bom_flag = true;
		t->pos += 3;
		p += 3;
		n -= 3;
	} else if (n >= 2 && ((unsigned char)p[0] == 0xFF && (unsigned char)p[1] == 0xFE)) {
		return vg_err_set(
		    err, VG_EINVAL,
		    "%s: UTF-16 text (byte order mark FF FE) is not supported; convert "
		    "it first: iconv -f UTF-16 -t UTF-8",
		    t->name);
	} else if (n >= 2 && ((unsigned char)p[0] == 0xFE && (unsigned char)p[1] == 0xFF)) {
		return vg_err_set(
		    err, VG_EINVAL,
		    "%s: UTF-16 text (byte order mark FE FF) is not supported; convert "
		    "it first: iconv -f UTF-16 -t UTF-8",
		    t->name);
	}
	size_t k = 0;
	while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n'))
		k++;
	vg_table_format f = o->format;
	if (f == VG_TABLE_AUTO) {
		if (k < n && p[k] == '[')
			return vg_err_set(
			    err, VG_EINVAL,
			    "%s: a JSON array; vigie reads JSON Lines (one object per "
			    "line): convert it with jq -c '.[]'",
			    t->name);
		f = k < n && p[k] == '{' ? VG_TABLE_JSONL : VG_TABLE_CSV;
	}
	t->info.format = f;
	t->jsonl = f == VG_TABLE_JSONL;
	if (t->jsonl)
		return 0;
	if (f == VG_TABLE_LINES) {
		t->lines = true;
		t->delim = '\n';
		return 0;
	}

	/* the first non-blank line starts after the last newline of the blank run */
	size_t line = k;
	while (line > 0 && p[line - 1] != '\n')
		line--;
	t->delim = o->delimiter ? o->delimiter : detect_delim(p + line, n - line);
	t->info.delimiter = t->delim == '\n' ? 0 : t->delim;
	if (o->header == 0)
		return 0;
	vg_table_row row;
	rc = read_row(t, &row, err);
	if (rc < 0)
		return rc;
	if (rc == END)
		return 0;
	if (!row.error && (o->header == 1 || is_header(&row, o->map))) {
		take_header(t, &row);
		t->info.header = true;
		t->expected = t->info.expected_fields = row.nfields;
		t->st.lines = t->lineno;
		return 0;
	}
	t->pending = row;
	t->have_pending = true;
	return 0;
}

/* Whether the first bytes of m[0..n) are a magic number sniff() acts on. */
static bool has_magic(const unsigned char *m, size_t n)
{
	return (n >= 2 && m[0] == 0x1F && m[1] == 0x8B) ||
	       (n >= 4 && m[0] == 0x28 && m[1] == 0xB5 && m[2] == 0x2F && m[3] == 0xFD) ||
	       (n >= 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4) ||
	       (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') ||
	       (n >= 6 && !memcmp(m,
	                          "\xFD"
	                          "7zXZ\0",
	                          6));
}

/* Maps regular file st when it is read from its start and not compressed;
 * leaves t as it was otherwise (read() then does the work). */
static void try_map(vg_table *t, const struct stat *st)
{
	if (st->st_size <= 0 || (uint64_t)st->st_size > SIZE_MAX / 2 ||
	    lseek(t->fd, 0, SEEK_CUR) != 0)
		return;
	size_t len = (size_t)st->st_size;
	void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, t->fd, 0);
	if (m == MAP_FAILED)
		return;
	if (has_magic(m, len < 6 ? len : 6)) {
		munmap(m, len);
		return;
	}
	t->map = m;
	t->map_len = len;
	t->buf = m;
	t->cap = len;
	t->pos = 0;
	t->end = len;
	t->eof = t->fd_eof = true;
	t->st.bytes_in = t->st.bytes_out = len;
	t->info.stable = true;
	/* the file offset moves past what is read, as with read() */
	lseek(t->fd, (off_t)len, SEEK_SET);
}

/* Allocates the buffers for the limits, then sniffs and detects. */
int vg_table_open_fd(vg_table **out, int fd, const char *name, const vg_table_opts *opts,
                     vg_err *err)
{
	vg_table_opts def;
	if (!opts) {
		vg_table_opts_init(&def);
		opts = &def;
	}
	*out = NULL;
	if (opts->max_row > VG_TABLE_MAX_ROW || opts->max_fields > VG_TABLE_MAX_FIELDS)
		return vg_err_set(err, VG_EUSAGE, "%s: table limits over the maximum", name);
	if (opts->delimiter && !strchr(";,\t|", opts->delimiter))
		return vg_err_set(err, VG_EUSAGE, "%s: delimiter must be ';', ',', tab or '|'",
		                  name);
	vg_table *t = vg_xcalloc(1, sizeof(*t));
	t->fd = fd;
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "-");
	t->max_row = opts->max_row ? opts->max_row : VG_TABLE_MAX_ROW;
	t->max_fields = opts->max_fields ? opts->max_fields : VG_TABLE_MAX_FIELDS;
	t->avx2 = vg_cpu_avx2();
	t->read_size = opts->read_size ? opts->read_size : VG_TABLE_READ_SIZE;
	t->need = t->max_row + 2;
	t->cap = t->need + t->read_size;
	t->zin_cap = t->read_size < 64 ? 64 : t->read_size;
	t->zin = vg_xmalloc(t->zin_cap);
	t->on_input = opts->on_input;
	t->on_input_ctx = opts->on_input_ctx;
	t->fields = vg_xcalloc(t->max_fields + 1, sizeof(*t->fields));
	/* JSON strings of a transcoded line unescape from xbuf: 3 bytes per byte */
	t->unq = vg_xmalloc(3 * (t->max_row + 2) + 16);
	t->xbuf = vg_xmalloc(3 * (t->max_row + 2) + 16);
	t->delim = ',';
	t->stop = SIZE_MAX;

	struct stat st;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			vg_table_close(t);
			return vg_err_set(err, VG_EIO, "%s: is a directory", name);
		}
		if (S_ISREG(st.st_mode)) {
			t->info.size_known = true;
			t->info.file_size = (uint64_t)st.st_size;
			posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
			if (opts->mmap)
				try_map(t, &st);
		}
	}
	if (!t->map)
		t->buf = vg_xmalloc(t->cap);
	int rc = t->map ? 0 : sniff(t, opts, err);
	if (rc == 0)
		rc = detect(t, opts, err);
	if (rc < 0) {
		vg_table_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* Opens the path (or takes stdin) and hands over to vg_table_open_fd(). */
int vg_table_open(vg_table **out, const char *path, const vg_table_opts *opts, vg_err *err)
{
	*out = NULL;
	if (!strcmp(path, "-"))
		return vg_table_open_fd(out, 0, "(stdin)", opts, err);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", path,
		                  strerror(errno));
	int rc = vg_table_open_fd(out, fd, path, opts, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	(*out)->own_fd = true;
	return 0;
}

/* ------------------------------------------------------------ ranges */

/* Whether t is a mapped CSV file that ranges can be parsed of. */
static bool rangeable(const vg_table *t)
{
	return t->map && !t->jsonl && !t->lines && !t->clone && !t->sticky;
}

const char *vg_table_data(const vg_table *t, size_t *len, size_t *pos)
{
	if (!rangeable(t) || t->have_pending || t->skipping)
		return NULL;
	*len = t->map_len;
	*pos = t->pos;
	return t->map;
}

void vg_table_skip_to(vg_table *t, size_t pos, uint64_t lines)
{
	if (pos > t->end)
		pos = t->end;
	if (pos > t->pos)
		t->pos = pos;
	t->lineno += lines;
	t->st.lines = t->lineno;
	if (t->map && t->fed < t->map_len)
		feed(t, false);
	if (t->map)
		release_behind(t);
}

int vg_table_clone(vg_table **out, const vg_table *t)
{
	*out = NULL;
	if (!rangeable(t))
		return VG_EINVAL;
	vg_table *c = vg_xcalloc(1, sizeof(*c));
	c->fd = -1;
	memcpy(c->name, t->name, sizeof(c->name));
	c->info = t->info;
	c->max_row = t->max_row;
	c->max_fields = t->max_fields;
	c->avx2 = t->avx2;
	c->read_size = t->read_size;
	c->need = t->need;
	c->buf = t->buf;
	c->cap = t->cap;
	c->end = t->end;
	c->eof = c->fd_eof = true;
	c->delim = t->delim;
	c->expected = t->expected;
	c->clone = true;
	c->fields = vg_xcalloc(t->max_fields + 1, sizeof(*c->fields));
	c->unq = vg_xmalloc(3 * (t->max_row + 2) + 16);
	c->xbuf = vg_xmalloc(3 * (t->max_row + 2) + 16);
	c->pos = c->stop = c->end;
	*out = c;
	return 0;
}

void vg_table_range(vg_table *c, size_t pos, size_t stop)
{
	c->pos = pos < c->end ? pos : c->end;
	c->stop = stop;
	c->lineno = 0;
	c->skipping = false;
	memset(&c->st, 0, sizeof(c->st));
}

size_t vg_table_pos(const vg_table *t)
{
	return t->pos;
}

size_t vg_table_row_end(vg_table *c, size_t pos)
{
	vg_table_range(c, pos, pos + 1);
	vg_table_row row;
	vg_err err;
	while (vg_table_next(c, &row, &err) > 0)
		;
	return c->pos;
}
