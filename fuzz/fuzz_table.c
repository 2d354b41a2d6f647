/*
 * fuzz_table.c: the tabular reader on arbitrary files.
 *
 * Input layout: byte 0 picks options (bits 0-1 format: auto, csv, jsonl,
 * auto; bits 2-3 header: auto, yes, no, auto; bits 4-5 read size: 4096,
 * 1, 7, 64 bytes; bits 6-7 max fields: default, 2, 5, 17), byte 1 the row
 * limit (0: 4096, else 4 * byte + 4; odd: gzip through zlib rather than
 * ISA-L), the rest is the file, written to a memfd and opened like any
 * file (plain, gzip or zstd). The limits stay small so that buffers are
 * cheap under ASan and the limits are reached; the 1 MiB defaults run the
 * same code (see test_big_row).
 *
 * Invariants checked on every row: line numbers increase and rows do not
 * overlap; fields are valid UTF-8 and within the field limit; raw is within
 * the row limit; a bad row has a reason and no fields; rows never outnumber
 * the lines, and every line is a row's, a blank one or the header's. On
 * JSONL rows, the hand parser is checked against jansson: what jansson
 * parses as an object, the reader parses with the same string values; what
 * the reader calls a syntax error, jansson refuses too.
 */
#include "vigie/table.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The column index of key, or -1. */
static int column(vg_table *t, const char *key, size_t n)
{
	size_t nc;
	const vg_table_field *cols = vg_table_columns(t, &nc);
	for (size_t c = 0; c < nc; c++)
		if (cols[c].len == n && !memcmp(cols[c].s, key, n))
			return (int)c;
	return -1;
}

/* Compares one parsed or refused JSONL row with jansson's reading of the same line. */
static void check_json(vg_table *t, const vg_table_row *row)
{
	if (row->flags & (VG_TABLE_ROW_TRANSCODED | VG_TABLE_ROW_RAW_CUT))
		return;
	if (row->error && strcmp(row->error->code, "json_syntax") &&
	    strcmp(row->error->code, "json_not_object"))
		return; /* too long, too deep: limits jansson does not share */
	if (memchr(row->raw, '\0', row->raw_len))
		return; /* jansson 2.14 skips a NUL byte right after a number */
	json_error_t je;
	json_t *j = json_loadb(row->raw, row->raw_len, 0, &je);
	if (row->error) {
		if (j && json_is_object(j))
			__builtin_trap(); /* refused what jansson reads */
		json_decref(j);
		return;
	}
	if (!j || !json_is_object(j)) {
		/* jansson refuses big numbers and some reals the reader keeps as text */
		json_decref(j);
		return;
	}
	if (!(row->flags & VG_TABLE_ROW_KEYS_DROPPED)) {
		const char *key;
		size_t klen;
		json_t *v;
		json_object_keylen_foreach(j, key, klen, v)
		{
			int c = column(t, key, klen);
			if (c < 0 || (size_t)c >= row->nfields)
				__builtin_trap();
			const vg_table_field *f = &row->fields[c];
			if (json_is_string(v) && (f->len != json_string_length(v) ||
			                          memcmp(f->s, json_string_value(v), f->len)))
				__builtin_trap();
			if (json_is_null(v) && f->len)
				__builtin_trap();
			if ((json_is_object(v) || json_is_array(v))) {
				json_t *back = json_loadb(f->s, f->len, 0, &je);
				if (!back || !json_equal(back, v))
					__builtin_trap();
				json_decref(back);
			}
		}
	}
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned o0 = data[0], o1 = data[1];
	data += 2;
	size -= 2;
	int fd = memfd_create("vigie-fuzz-table", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	vg_table_opts o;
	vg_table_opts_init(&o);
	static const vg_table_format fmts[4] = {VG_TABLE_AUTO, VG_TABLE_CSV, VG_TABLE_JSONL,
	                                        VG_TABLE_AUTO};
	static const int headers[4] = {-1, 1, 0, -1};
	static const size_t reads[4] = {4096, 1, 7, 64};
	static const size_t maxf[4] = {0, 2, 5, 17};
	o.format = fmts[o0 & 3];
	o.header = headers[(o0 >> 2) & 3];
	o.read_size = reads[(o0 >> 4) & 3];
	o.max_fields = maxf[(o0 >> 6) & 3];
	o.max_row = o1 ? 4 * o1 + 4 : 4096;
	o.gzip_zlib = o1 & 1;
	size_t max_row = o.max_row ? o.max_row : VG_TABLE_MAX_ROW;
	size_t max_fields = o.max_fields ? o.max_fields : VG_TABLE_MAX_FIELDS;

	vg_table *t;
	vg_err err = {0, ""};
	if (vg_table_open_fd(&t, fd, "fuzz", &o, &err) != 0) {
		if (err.msg[0] == '\0')
			__builtin_trap(); /* every failure says why */
		close(fd);
		return 0;
	}
	bool jsonl = vg_table_info_get(t)->format == VG_TABLE_JSONL;
	vg_table_row row;
	uint64_t next_line = 1, rows = 0, row_lines = 0;
	int rc;
	while ((rc = vg_table_next(t, &row, &err)) == 1) {
		rows++;
		if (row.lineno < next_line || row.nlines == 0)
			__builtin_trap();
		next_line = row.lineno + row.nlines;
		row_lines += row.nlines;
		if (row.raw_len > max_row || row.nfields > max_fields)
			__builtin_trap();
		if (row.error &&
		    (row.nfields || !row.error->code || !row.error->fr || !row.error->en))
			__builtin_trap();
		for (size_t i = 0; i < row.nfields; i++)
			if (!vg_utf8_valid(row.fields[i].s, row.fields[i].len))
				__builtin_trap();
		if (jsonl)
			check_json(t, &row);
	}
	const vg_table_stats *st = vg_table_stats_get(t);
	if (st->rows != rows || st->bad_rows > rows || st->rows > st->lines ||
	    st->lines + 1 < next_line)
		__builtin_trap();
	/* every line is a row's, blank, or the header's */
	uint64_t accounted = row_lines + st->blank_lines;
	if (vg_table_info_get(t)->header ? st->lines <= accounted : st->lines != accounted)
		__builtin_trap();
	if (rc < 0 && err.msg[0] == '\0')
		__builtin_trap();
	/* the end, or the error, is sticky */
	if (vg_table_next(t, &row, &err) != rc)
		__builtin_trap();
	vg_table_close(t);
	close(fd);
	return 0;
}
