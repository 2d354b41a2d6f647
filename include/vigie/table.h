/*
 * vigie/table.h: the tabular reader behind `vigie ingest`. It reads one
 * leaked file (a path, or "-" for standard input) as rows of UTF-8 fields,
 * in one streaming pass and bounded memory, whatever the file holds.
 *
 * By itself it detects, at open time: gzip or zstd compression (magic
 * bytes), a UTF-8 byte order mark, the format (JSONL when the first
 * non-blank byte is '{', else delimited text), the delimiter (';', ',',
 * '\t' or '|'), and whether the first line is a header. Per row it detects
 * the encoding: a row that is valid UTF-8 is taken as is, any other row is
 * read as Windows-1252 and transcoded (flag VG_TABLE_ROW_TRANSCODED).
 * docs/io.md gives the exact rules.
 *
 * The row model: every input row comes out of vg_table_next() once, either
 * parsed (fields) or bad (error set: a reason, the line number and the raw
 * bytes, for the rejects file). A wrong number of fields is not a parse
 * error: the caller compares nfields with the header. Blank lines are not
 * rows; they are counted in the stats. Nothing else is skipped.
 *
 * Memory: fixed at open time by the limits below (a few MiB), whatever the
 * input: a row over a limit becomes a bad row, never a bigger buffer.
 *
 * Lifetimes: a row's slices (fields, raw) point into the reader's buffers
 * and stay valid until the next vg_table_next() or vg_table_close() call.
 * Column names stay valid until vg_table_close() (JSONL may add columns as
 * it reads; existing names do not move).
 */
#ifndef VIGIE_TABLE_H
#define VIGIE_TABLE_H

#include "vigie/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits. vg_table_opts may lower the first two (tests do), never raise them. */
#define VG_TABLE_MAX_ROW (1u << 20)   /* bytes of one row, line terminator excluded */
#define VG_TABLE_MAX_FIELDS 256       /* fields of a row, columns of a JSONL file */
#define VG_TABLE_MAX_DEPTH 64         /* nesting of a JSON value */
#define VG_TABLE_MAX_NAME 1024        /* bytes of a JSONL key that becomes a column */
#define VG_TABLE_READ_SIZE (1u << 20) /* bytes asked of each read() */

/* VG_TABLE_LINES is never detected, only asked for: every physical line is
 * one row of one field, taken as is (no quotes, no delimiter, no header;
 * blank lines are counted, not returned). Password lists use it. */
typedef enum { VG_TABLE_AUTO = 0, VG_TABLE_CSV, VG_TABLE_JSONL, VG_TABLE_LINES } vg_table_format;
typedef enum { VG_TABLE_PLAIN = 0, VG_TABLE_GZIP, VG_TABLE_ZSTD } vg_table_compression;

/* A slice of bytes, not NUL-terminated. */
typedef struct vg_table_field {
	const char *s;
	size_t len;
} vg_table_field;

struct vg_colmap_spec;

typedef struct vg_table_opts {
	vg_table_format format; /* AUTO: detect */
	char delimiter;         /* 0: detect (CSV only) */
	int header;             /* -1: detect, 0: no header line, 1: a header line */
	size_t max_row;         /* 0: VG_TABLE_MAX_ROW; at most VG_TABLE_MAX_ROW */
	size_t max_fields;      /* 0: VG_TABLE_MAX_FIELDS; at most VG_TABLE_MAX_FIELDS */
	size_t read_size;       /* 0: VG_TABLE_READ_SIZE (tests use tiny reads) */
	/* column names of an explicit --map also make a line a header */
	const struct vg_colmap_spec *map;
	/* gzip through zlib even when built with ISA-L (tests run both) */
	bool gzip_zlib;
	/* A plain (not compressed) regular file read from its start is mapped
	 * with mmap instead of read into a buffer: no copy, and row slices
	 * that point into raw stay valid until vg_table_close()
	 * (vg_table_info.stable). The file must not shrink while it is open
	 * (SIGBUS). */
	bool mmap;
	/* Called with every byte of the input file, as on disk (compressed),
	 * once and in order, as it is read (mapped: somewhat ahead of the rows
	 * returned); at the end of the input all of it has been passed. For a
	 * fingerprint computed on the way. NULL: none. */
	void (*on_input)(void *ctx, const void *p, size_t n);
	void *on_input_ctx;
} vg_table_opts;

/* Row flags. */
enum {
	VG_TABLE_ROW_TRANSCODED = 1u << 0,   /* not UTF-8: read as Windows-1252 */
	VG_TABLE_ROW_BOM = 1u << 1,          /* first row of a file that had a BOM */
	VG_TABLE_ROW_MULTILINE = 1u << 2,    /* a quoted field holds a line break */
	VG_TABLE_ROW_QUOTE_FIXED = 1u << 3,  /* text after a closing quote was kept */
	VG_TABLE_ROW_RAW_CUT = 1u << 4,      /* raw holds only the first max_row bytes */
	VG_TABLE_ROW_NEW_COLUMNS = 1u << 5,  /* JSONL: this row added columns */
	VG_TABLE_ROW_KEYS_DROPPED = 1u << 6, /* JSONL: new keys over a limit ignored */
};

typedef struct vg_table_row {
	uint64_t lineno;              /* physical line (1-based) where the row starts */
	uint32_t nlines;              /* physical lines it spans */
	uint32_t flags;               /* VG_TABLE_ROW_* */
	size_t nfields;               /* 0 for a bad row; JSONL: the number of columns so far */
	const vg_table_field *fields; /* UTF-8; JSONL: by column, absent/null = "" */
	const char *raw;              /* the row's bytes as read, line terminator excluded */
	size_t raw_len;
	const vg_reason *error; /* NULL, or why the row could not be parsed */
} vg_table_row;

typedef struct vg_table_info {
	vg_table_format format;
	vg_table_compression compression;
	char delimiter; /* CSV */
	bool header;    /* CSV: the first line was a header */
	bool bom;       /* a UTF-8 byte order mark was skipped */
	bool size_known;
	uint64_t file_size;     /* bytes on disk (compressed), when size_known */
	size_t expected_fields; /* header width, or the first row's (CSV); 0 unknown */
	/* the file is mapped (vg_table_opts.mmap): the bytes of a row's raw,
	 * and the fields that lie inside it, stay valid until vg_table_close() */
	bool stable;
} vg_table_info;

typedef struct vg_table_stats {
	uint64_t rows;       /* rows returned (parsed + bad), header excluded */
	uint64_t bad_rows;   /* rows returned with an error */
	uint64_t transcoded; /* rows read as Windows-1252 */
	uint64_t blank_lines;
	uint64_t lines;     /* physical lines consumed, header and blank lines included */
	uint64_t bytes_in;  /* bytes read from the file (compressed position) */
	uint64_t bytes_out; /* bytes after decompression */
} vg_table_stats;

typedef struct vg_table vg_table;

/* Default options: detect everything, default limits. */
void vg_table_opts_init(vg_table_opts *o);

/*
 * Opens path ("-": standard input) and detects its layout. opts may be
 * NULL. Returns 0 with *out set, or VG_ENOTFOUND / VG_EIO (cannot open or
 * read), VG_ECORRUPT (broken compressed stream), VG_EINVAL (a format vigie
 * does not read: UTF-16, zip, bzip2, xz, a JSON array) or VG_EUSAGE (bad
 * options), with a message naming the file in err.
 */
int vg_table_open(vg_table **out, const char *path, const vg_table_opts *opts,
                  vg_err *err) VG_MUST_CHECK;

/* Same on an open descriptor (not closed by the reader); name is for messages. */
int vg_table_open_fd(vg_table **out, int fd, const char *name, const vg_table_opts *opts,
                     vg_err *err) VG_MUST_CHECK;

/* Closes the file (unless it was given by descriptor or is stdin) and frees t. */
void vg_table_close(vg_table *t);

/*
 * The next row. Returns 1 with *row set (parsed, or bad with row->error),
 * 0 at the end of the input, or VG_EIO / VG_ECORRUPT (read error, damaged
 * or truncated compressed stream; the rows before the damage have been
 * returned) with a message in err. Errors are sticky.
 */
int vg_table_next(vg_table *t, vg_table_row *row, vg_err *err) VG_MUST_CHECK;

const vg_table_info *vg_table_info_get(const vg_table *t);
const vg_table_stats *vg_table_stats_get(const vg_table *t);

/*
 * Column names: the header's (CSV with a header), the keys seen so far
 * (JSONL), or none (CSV without header). NUL-terminated UTF-8.
 */
const vg_table_field *vg_table_columns(const vg_table *t, size_t *n);

/* Bytes read from the file so far (compressed position), for progress. */
uint64_t vg_table_bytes_in(const vg_table *t);

/* "csv", "jsonl"; "none", "gzip", "zstd". */
const char *vg_table_format_name(vg_table_format f);
const char *vg_table_compression_name(vg_table_compression c);

/*
 * Ranges: a mapped CSV file (vg_table_info.stable, not JSONL) parsed by
 * several threads, each on its own range of rows, with the same rules and
 * results as vg_table_next() on the whole file. A clone shares the
 * mapping and the layout (delimiter, expected width, limits) of its parent
 * and has its own row buffers; vg_table_range() points it at the rows that
 * start in [pos, stop) (pos must be where a row starts); vg_table_next() on
 * it then returns those rows (the last one may end past stop), with line
 * numbers counted from the range start (the first line of the range is 1),
 * then 0. vg_table_row_end() gives the position after the row that starts
 * at pos (where the next row starts), for finding where ranges may start.
 * A clone must be closed before its parent.
 */

/* The mapping (length *len) and the position of the next row (*pos), when t
 * can be parsed by ranges; NULL otherwise (read, compressed, JSONL, a row
 * pending). */
const char *vg_table_data(const vg_table *t, size_t *len, size_t *pos);

/* Moves t past rows parsed elsewhere (to pos, lines more physical lines),
 * and passes the input to on_input some way ahead of pos, as
 * vg_table_next() does. */
void vg_table_skip_to(vg_table *t, size_t pos, uint64_t lines);

/* A clone of t for ranges (t: vg_table_data() is not NULL). 0 or VG_EINVAL. */
int vg_table_clone(vg_table **out, const vg_table *t) VG_MUST_CHECK;

/* Points clone c at the rows starting in [pos, stop). */
void vg_table_range(vg_table *c, size_t pos, size_t stop);

/* The position of the next row in t. */
size_t vg_table_pos(const vg_table *t);

/* The position after the row that starts at pos (parsed with clone c). */
size_t vg_table_row_end(vg_table *c, size_t pos);

/*
 * Building blocks, exposed for the tests and for other readers.
 */

/* vg_utf8_valid() is in vigie/core.h. */

/*
 * Transcodes Windows-1252 s[0..n) into out (room for 3 * n bytes); returns
 * the UTF-8 length. The five bytes Windows-1252 leaves undefined (0x81,
 * 0x8D, 0x8F, 0x90, 0x9D) become the C1 controls of the same value.
 */
size_t vg_cp1252_to_utf8(const char *s, size_t n, char *out);

#endif
