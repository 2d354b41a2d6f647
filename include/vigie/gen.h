/*
 * vigie/gen.h: synthetic leaks. Realistic French identities, consistent
 * across fields (names from INSEE frequencies, NIR agreeing with sex, date
 * and place of birth, emails built from the names, phones from the region),
 * written as the columns of the France Travail extract, at any scale, with
 * an optional ground-truth sidecar. The model and the formats are described
 * in docs/gen.md.
 *
 * Determinism: the output is a pure function of the options. Person i of a
 * population of N people generated with seed S is always the same person,
 * and can be regenerated alone (vg_gen_person()), whatever the buffering.
 *
 * Memory: constant in N. Tables are compiled into the library (generated
 * at build time from data/ by src/gen/mkdata.c); vg_gen_model_new() builds a
 * few small cumulative tables from them.
 *
 * Ownership: vg_gen_opts only points at strings the caller owns (argv);
 * vg_gen_model is owned by its creator and freed with vg_gen_model_free().
 */
#ifndef VIGIE_GEN_H
#define VIGIE_GEN_H

#include "vigie/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of the options. */
#define VG_GEN_PEOPLE_MAX 10000000000ull /* 10^10 */
#define VG_GEN_FILES_MAX 1000
#define VG_GEN_MESS_MAX 3

typedef enum { VG_GEN_CSV = 0, VG_GEN_TSV, VG_GEN_JSONL } vg_gen_format;

/* Sources of a row. */
enum { VG_GEN_SRC_FT = 1u << 0, VG_GEN_SRC_CE = 1u << 1 };

/* Categories of personal data, as bits (names in vg_gen_cat_name()). */
typedef enum {
	VG_GEN_CAT_NAME = 0,
	VG_GEN_CAT_NIR,
	VG_GEN_CAT_DOB,
	VG_GEN_CAT_FT_ID,
	VG_GEN_CAT_EMAIL,
	VG_GEN_CAT_ADDRESS,
	VG_GEN_CAT_PHONE,
	VG_GEN_CAT_SEX,
	VG_GEN_CAT_BIRTHPLACE,
	VG_GEN_CAT_REGISTRATION,
	VG_GEN_CAT__COUNT
} vg_gen_cat;

/* Kinds of deliberate damage to a row (--mess), names in vg_gen_damage_name(). */
typedef enum {
	VG_GEN_DMG_NONE = 0,
	VG_GEN_DMG_TRUNCATED,   /* the line is cut short */
	VG_GEN_DMG_BAD_QUOTE,   /* a quote opened and never closed, or closed mid-field */
	VG_GEN_DMG_EXTRA_FIELD, /* a delimiter inside a field, not quoted */
	VG_GEN_DMG__COUNT
} vg_gen_damage;

/*
 * Where the bytes go instead of files, for tests and fuzzing: write() gets
 * every byte of output file `file` (0-based) or of the truth sidecar
 * (file == -1), compressed if asked. Returns 0, or a negative VG_E* code to
 * stop the run.
 */
typedef struct vg_gen_sink {
	int (*write)(void *ctx, int file, const void *buf, size_t n);
	void *ctx;
} vg_gen_sink;

/* Called about four times a second and at the end (done == total). */
typedef void (*vg_gen_progress_fn)(void *ctx, uint64_t done, uint64_t total);

typedef struct vg_gen_opts {
	uint64_t people;      /* N (default 1000), at most VG_GEN_PEOPLE_MAX */
	uint64_t seed;        /* default 1 */
	vg_gen_format format; /* default CSV, or from the -o extension */
	bool format_set;      /* --format was given */
	char delimiter;       /* CSV only: ';' (default), ',', '|' or '\t' */
	int mess;             /* 0 clean (default) .. VG_GEN_MESS_MAX */
	unsigned files;       /* output files per source set (default 1) */
	bool split_sources;   /* one set of files per source */
	bool gzip;            /* compress (also when -o ends in .gz) */
	const char *output;   /* NULL or "-": standard output; else a name or pattern */
	const char *truth;    /* ground-truth sidecar (JSONL, .gz allowed), or NULL */
	/* for the CLI */
	bool json;    /* --json: a JSON summary */
	bool quiet;   /* --quiet: no progress display */
	bool help;    /* --help was given; nothing else is checked */
	vg_lang lang; /* language of error messages; --lang sets it */
	/* for callers of the library, not set by the parser */
	vg_gen_progress_fn progress;
	void *progress_ctx;
	const vg_gen_sink *sink; /* non-NULL: no file is opened */
} vg_gen_opts;

/* Sets the defaults (French messages). */
void vg_gen_opts_init(vg_gen_opts *o);

/*
 * Parses `gen` options: argv[0] is the command name, argv[1..argc) the
 * options (--people N, --seed S, --format, --delimiter, --mess, --files,
 * --split-sources, --gzip, -o/--output, --truth, --json, --quiet, --lang,
 * --help). o must have been set by vg_gen_opts_init(); the parser overwrites
 * what the command line sets and checks the whole (e.g. --files 3 needs -o).
 * Returns 0, or VG_EUSAGE with a message naming the option and the reason
 * (in o->lang) in err.
 */
int vg_gen_parse_args(int argc, char **argv, vg_gen_opts *o, vg_err *err) VG_MUST_CHECK;

/* What a run produced. Counts are rows (data lines), not counting headers. */
#define VG_GEN_STATS_FILES (2 * VG_GEN_FILES_MAX)
typedef struct vg_gen_stats {
	uint64_t people;
	uint64_t rows;
	uint64_t rows_ft, rows_ce; /* by source */
	uint64_t people_both;      /* people in both sources */
	uint64_t duplicate_rows;   /* extra rows of a person already written (--mess) */
	uint64_t bytes;            /* output bytes, after compression, truth excluded */
	uint64_t cat_people[VG_GEN_CAT__COUNT]; /* people with the category in some row */
	uint64_t damaged[VG_GEN_DMG__COUNT];    /* rows by damage kind ([0]: undamaged) */
	uint64_t cp1252_rows;                   /* rows re-encoded to Windows-1252 */
	uint64_t nir_overflow; /* people whose NIR order number wrapped (N > ~50M) */
	unsigned nfiles;
	uint64_t file_rows[VG_GEN_STATS_FILES];
	double seconds;
} vg_gen_stats;

/*
 * Generates the leak described by o. Writes the files (or to o->sink),
 * fills st (optional). Returns 0, VG_EIO with the file name in err when a
 * file cannot be written, VG_EUSAGE for inconsistent options.
 */
int vg_gen_run(const vg_gen_opts *o, vg_gen_stats *st, vg_err *err) VG_MUST_CHECK;

/* Number of output files that o describes. */
unsigned vg_gen_nfiles(const vg_gen_opts *o);

/*
 * The name of output file `index` (0-based): the -o name when there is one
 * file; otherwise the pattern with "%d" replaced by the 1-based number, or
 * the number (and "-france-travail" / "-cap-emploi" with --split-sources)
 * inserted before the extension: "leak.csv.gz" -> "leak-2.csv.gz". Returns
 * the length, or VG_ETOOBIG when it does not fit in cap.
 */
int vg_gen_file_name(const vg_gen_opts *o, unsigned index, char *buf, size_t cap) VG_MUST_CHECK;

/* "name", "nir", ..., "registration". */
const char *vg_gen_cat_name(vg_gen_cat c);
/* "none", "truncated", "bad_quote", "extra_field". */
const char *vg_gen_damage_name(vg_gen_damage d);
/* The column names, in order, NULL-terminated. */
extern const char *const vg_gen_columns[];
#define VG_GEN_NCOLUMNS 17

/* ------------------------------------------------------------ one person */

typedef struct vg_gen_model vg_gen_model;

/* The population of `people` people for `seed`. Never NULL (aborts on OOM). */
vg_gen_model *vg_gen_model_new(uint64_t people, uint64_t seed);
void vg_gen_model_free(vg_gen_model *m);

#define VG_GEN_TEXT_MAX 96

/* One person, clean values as the extract writes them (UTF-8). */
typedef struct vg_gen_person {
	uint64_t index;
	char nom_usage[VG_GEN_TEXT_MAX];     /* "MARTIN" */
	char nom_naissance[VG_GEN_TEXT_MAX]; /* differs for many married women */
	char prenom[VG_GEN_TEXT_MAX];        /* "Hélène" */
	int sex;                             /* 1 male, 2 female */
	int birth_year, birth_month, birth_day;
	char birthplace[6];            /* INSEE code of the birth commune, or "99" + country */
	char birth_country[3];         /* ISO 3166 alpha-2, "FR" when born in France */
	char nir[16];                  /* 15 characters, key included */
	char address[VG_GEN_TEXT_MAX]; /* "12 rue Victor Hugo" */
	char postcode[6];
	char commune[64];    /* La Poste routing label, "PARIS" */
	char dept[4];        /* department of residence, "75" */
	char region[64];     /* region of residence, "Île-de-France" */
	char phone[16];      /* national form, "0612345678" */
	char phone_e164[16]; /* "+33612345678" */
	char email[VG_GEN_TEXT_MAX];
	char ft_id[9];     /* "1234567A" */
	char status[24];   /* "inscrit cat. A", "cessation", "radié" */
	int reg_start[3];  /* y, m, d */
	int reg_end[3];    /* y, m, d, or zeros while registered */
	unsigned sources;  /* VG_GEN_SRC_* */
	bool nir_overflow; /* the order number wrapped: the NIR may repeat */
} vg_gen_person;

/* Person i (0 <= i < people) of the model. Pure; thread-safe. */
void vg_gen_person_make(const vg_gen_model *m, uint64_t i, vg_gen_person *out);

#endif
