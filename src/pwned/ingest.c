/*
 * ingest.c: password lists and HIBP files into the two stores (what
 * `vigie ingest --passwords` runs).
 *
 * Per file: fingerprint (BLAKE2b-256 of the bytes on disk; standard input
 * and pipes are first copied to an unlinked file in DIR, fingerprinted on
 * the way), then read line by line through the tabular reader in its LINES
 * mode (gzip/zstd, CRLF, Windows-1252 lines transcoded to UTF-8), detect
 * the kind from the first non-blank line, and add each line's hashes:
 * SHA-1 and NTLM for a plaintext line, the one hash of a HIBP line. A file
 * already recorded in a store is skipped for that store, so ingesting the
 * same bytes twice never doubles a count.
 *
 * Every line is accounted for: lines = accepted + bad + blank. A bad line
 * is counted by reason and the first VG_PWNED_BAD_KEPT line numbers are kept
 * (never its text: it may be someone's password).
 *
 * Failures: a file that cannot be opened is FAILED and the others go on. A
 * read error or a damaged compressed stream in the middle of a file stops
 * the whole run and publishes nothing, since the lines before the damage
 * are already in the builders; fix or remove the file and run again.
 */
#include "pwned/internal.h"
#include "vigie/table.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINE 4096 /* longer lines are bad lines ("row_too_long") */
#define FP_BUF (1u << 20)

static const vg_reason r_bad_utf8 = {"bad_utf8", "texte illisible (UTF-8 invalide)",
                                     "unreadable text (invalid UTF-8)"};

const char *vg_pwned_file_status_name(vg_pwned_file_status s)
{
	return s == VG_PWNED_FILE_SKIPPED  ? "skipped"
	       : s == VG_PWNED_FILE_FAILED ? "failed"
	                                   : "ingested";
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct run {
	const vg_pwned_ingest_opts *o;
	vg_pwbuild *b[VG_PWNED__MODES];
	vg_pwned_summary *s;
	double t0;
	uint8_t *buf;
} run;

static void report(run *r, size_t fi, uint64_t lines, uint64_t done, uint64_t total, bool known,
                   bool commit)
{
	if (!r->o->progress)
		return;
	vg_pwned_progress p = {fi,    r->s->nfiles, lines,  done,
	                       total, known,        commit, now_s() - r->t0};
	r->o->progress(r->o->progress_ctx, &p);
}

/* Copies a stream into an unlinked file in dir, fingerprinting it. */
static int spool(run *r, int in, int *outfd, uint8_t fp[VG_PWNED_FP_BYTES], uint64_t *size,
                 vg_err *err, const char *name)
{
	int fd = -1;
#ifdef O_TMPFILE
	fd = open(r->o->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
	if (fd < 0) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/.pwstdin-XXXXXX.tmp", r->o->dir);
		fd = mkstemps(path, 4);
		if (fd >= 0)
			unlink(path);
	}
	if (fd < 0)
		return vg_err_set(err, VG_EIO, "cannot create a temporary file in %s: %s",
		                  r->o->dir, strerror(errno));
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, VG_PWNED_FP_BYTES);
	uint64_t total = 0;
	for (;;) {
		if (r->o->stop && *r->o->stop)
			break;
		ssize_t n = read(in, r->buf, FP_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc =
			    vg_err_set(err, VG_EIO, "%s: read error: %s", name, strerror(errno));
			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		crypto_generichash_update(&st, r->buf, (size_t)n);
		if (vg_write_all(fd, r->buf, (size_t)n) != 0) {
			int rc = vg_err_set(err, VG_EIO, "cannot copy %s to %s: %s", name,
			                    r->o->dir, strerror(errno));
			close(fd);
			return rc;
		}
		total += (uint64_t)n;
	}
	crypto_generichash_final(&st, fp, VG_PWNED_FP_BYTES);
	lseek(fd, 0, SEEK_SET);
	*outfd = fd;
	*size = total;
	return 0;
}

/* BLAKE2b-256 of all of a regular file, with pread. */
static int fingerprint(run *r, int fd, uint64_t size, uint8_t fp[VG_PWNED_FP_BYTES],
                       const char *name, vg_err *err)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, VG_PWNED_FP_BYTES);
	uint64_t off = 0;
	while (off < size) {
		if (r->o->stop && *r->o->stop)
			return 0;
		size_t k = size - off < FP_BUF ? (size_t)(size - off) : FP_BUF;
		if (vg_pread_all(fd, r->buf, k, off) != 0)
			return vg_err_set(err, VG_EIO, "%s: read error: %s", name, strerror(errno));
		crypto_generichash_update(&st, r->buf, k);
		off += k;
	}
	crypto_generichash_final(&st, fp, VG_PWNED_FP_BYTES);
	return 0;
}

/* Counts a bad line. */
static void bad_line(vg_pwned_ingest_file *f, uint64_t lineno, const vg_reason *why)
{
	f->bad++;
	if (f->nfirst_bad < VG_PWNED_BAD_KEPT)
		f->first_bad[f->nfirst_bad++] = (vg_pwned_bad){lineno, why};
	for (size_t i = 0; i < f->nreasons; i++)
		if (f->reason[i] == why || !strcmp(f->reason[i]->code, why->code)) {
			f->reason_count[i]++;
			return;
		}
	if (f->nreasons < VG_PWNED_REASONS) {
		f->reason[f->nreasons] = why;
		f->reason_count[f->nreasons++] = 1;
	} else {
		f->reason_count[VG_PWNED_REASONS - 1]++; /* cannot happen: fewer reasons exist */
	}
}

/* Decides the stores a file of kind k goes to; false when none is left. */
static bool choose_modes(run *r, vg_pwned_ingest_file *f, const uint8_t *fp)
{
	bool any = false;
	for (int m = 0; m < VG_PWNED__MODES; m++) {
		bool wants = f->kind == VG_PWNED_LIST_PLAIN || f->kind == VG_PWNED_LIST_PLAIN_RAW ||
		             (f->kind == VG_PWNED_LIST_HIBP_SHA1 && m == VG_PWNED_SHA1) ||
		             (f->kind == VG_PWNED_LIST_HIBP_NTLM && m == VG_PWNED_NTLM);
		f->modes[m] = wants && !vg_pwbuild_has_file(r->b[m], fp);
		any |= f->modes[m];
	}
	return any;
}

/* Reads one file's lines into the builders. <0: an error that stops the run. */
static int read_file(run *r, size_t fi, int fd, const uint8_t *fp, vg_err *err)
{
	vg_pwned_ingest_file *f = &r->s->files[fi];
	vg_table_opts to;
	vg_table_opts_init(&to);
	to.format = VG_TABLE_LINES;
	to.header = 0;
	to.max_row = MAX_LINE;
	vg_table *t;
	int rc = vg_table_open_fd(&t, fd, f->path, &to, err);
	if (rc) {
		f->status = VG_PWNED_FILE_FAILED;
		f->err = *err;
		return 1; /* nothing read: the others go on */
	}
	f->compression = (int)vg_table_info_get(t)->compression;
	bool decided = false;
	vg_table_row row;
	while ((rc = vg_table_next(t, &row, err)) == 1) {
		if (r->o->stop && *r->o->stop)
			break;
		if (!decided) {
			if (f->kind == VG_PWNED_LIST_AUTO)
				f->kind = row.error
				              ? VG_PWNED_LIST_PLAIN
				              : vg_pwned_detect(row.fields[0].s, row.fields[0].len);
			decided = true;
			if (!choose_modes(r, f, fp)) {
				f->status = VG_PWNED_FILE_SKIPPED;
				vg_table_close(t);
				return 0;
			}
		}
		if (row.error) {
			bad_line(f, row.lineno, row.error);
			continue;
		}
		vg_pwned_line ln;
		const vg_reason *why =
		    vg_pwned_parse_line(f->kind, row.fields[0].s, row.fields[0].len, &ln);
		if (why) {
			bad_line(f, row.lineno, why);
			continue;
		}
		if (f->kind == VG_PWNED_LIST_HIBP_SHA1 || f->kind == VG_PWNED_LIST_HIBP_NTLM) {
			vg_pwned_mode m =
			    f->kind == VG_PWNED_LIST_HIBP_SHA1 ? VG_PWNED_SHA1 : VG_PWNED_NTLM;
			rc = vg_pwbuild_add(r->b[m], ln.hash, ln.count, err);
			r->s->hashes++;
		} else {
			uint8_t h[VG_PWNED_HASH_MAX];
			if (f->modes[VG_PWNED_NTLM] && vg_pwned_ntlm(ln.pw, ln.pw_len, h) != 0) {
				bad_line(f, row.lineno, &r_bad_utf8);
				continue;
			}
			if (f->modes[VG_PWNED_NTLM]) {
				rc = vg_pwbuild_add(r->b[VG_PWNED_NTLM], h, ln.count, err);
				r->s->hashes++;
			}
			if (!rc && f->modes[VG_PWNED_SHA1]) {
				vg_pwned_sha1(ln.pw, ln.pw_len, h);
				rc = vg_pwbuild_add(r->b[VG_PWNED_SHA1], h, ln.count, err);
				r->s->hashes++;
			}
		}
		if (rc)
			break;
		if (row.flags & VG_TABLE_ROW_TRANSCODED)
			f->transcoded++;
		f->accepted++;
		if ((f->accepted & 0xFFFF) == 0)
			report(r, fi, vg_table_stats_get(t)->lines, vg_table_bytes_in(t), f->size,
			       true, false);
	}
	const vg_table_stats *st = vg_table_stats_get(t);
	f->lines = st->lines;
	f->blank = st->blank_lines;
	if (!decided) { /* no line at all */
		if (f->kind == VG_PWNED_LIST_AUTO)
			f->kind = VG_PWNED_LIST_PLAIN;
		if (!choose_modes(r, f, fp))
			f->status = VG_PWNED_FILE_SKIPPED;
	}
	vg_table_close(t);
	if (rc < 0) {
		f->status = VG_PWNED_FILE_FAILED;
		f->err = *err;
		char m[sizeof(err->msg)];
		snprintf(m, sizeof(m), "%s", err->msg);
		return vg_err_set(err, rc,
		                  "%s (the lines before it were read: nothing is published; fix "
		                  "or remove the file and run again)",
		                  m);
	}
	return 0;
}

/* One file: open, fingerprint, read, record. <0 stops the run. */
static int one_file(run *r, size_t fi, vg_err *err)
{
	vg_pwned_ingest_file *f = &r->s->files[fi];
	const char *path = f->path;
	bool is_stdin = !strcmp(path, "-");
	const char *name = is_stdin ? "(stdin)" : path;
	int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	vg_err ferr;
	memset(&ferr, 0, sizeof(ferr));
	if (fd < 0) {
		f->status = VG_PWNED_FILE_FAILED;
		vg_err_set(&f->err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", path,
		           strerror(errno));
		return 1;
	}
	struct stat st;
	uint8_t fp[VG_PWNED_FP_BYTES];
	int rfd = fd, rc;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		f->status = VG_PWNED_FILE_FAILED;
		vg_err_set(&f->err, VG_EIO, "%s: is a directory", path);
		close(fd);
		return 1;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		f->size = (uint64_t)st.st_size;
		rc = fingerprint(r, fd, f->size, fp, name, &ferr);
	} else {
		rc = spool(r, fd, &rfd, fp, &f->size, &ferr, name);
	}
	if (rc) {
		f->status = VG_PWNED_FILE_FAILED;
		f->err = ferr;
		if (!is_stdin)
			close(fd);
		return 1;
	}
	f->kind = r->o->kind;
	f->status = VG_PWNED_FILE_INGESTED;
	rc = read_file(r, fi, rfd, fp, &ferr);
	if (rfd != fd)
		close(rfd);
	if (!is_stdin)
		close(fd);
	if (rc < 0) {
		*err = ferr;
		return rc;
	}
	if (f->status != VG_PWNED_FILE_INGESTED)
		return 1;
	vg_pwned_file rec;
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.fp, fp, VG_PWNED_FP_BYTES);
	rec.size = f->size;
	rec.lines = f->lines;
	rec.accepted = f->accepted;
	rec.bad = f->bad;
	rec.time = r->o->now ? r->o->now : (int64_t)time(NULL);
	rec.kind = (uint32_t)f->kind;
	const char *base = strrchr(name, '/');
	snprintf(rec.name, sizeof(rec.name), "%s", base ? base + 1 : name);
	for (int m = 0; m < VG_PWNED__MODES; m++)
		if (f->modes[m] && (rc = vg_pwbuild_add_file(r->b[m], &rec, err)) != 0)
			return rc;
	return 0;
}

int vg_pwned_ingest(const vg_pwned_ingest_opts *o, const char *const *paths, size_t n,
                    vg_pwned_summary *s, vg_err *err)
{
	memset(s, 0, sizeof(*s));
	run r = {.o = o, .s = s, .t0 = now_s()};
	if (n == 0)
		return vg_err_set(err, VG_EUSAGE, "no password list given");
	vg_pwbuild_opts bo = {o->memory, o->now};
	int rc = vg_pwbuild_begin(o->dir, VG_PWNED_SHA1, &bo, &r.b[VG_PWNED_SHA1], err);
	if (rc)
		return rc;
	rc = vg_pwbuild_begin_with(r.b[VG_PWNED_SHA1], VG_PWNED_NTLM, &r.b[VG_PWNED_NTLM], err);
	if (rc) {
		vg_pwbuild_abort(r.b[VG_PWNED_SHA1]);
		return rc;
	}
	for (int m = 0; m < VG_PWNED__MODES; m++) {
		const vg_pwned *cur = vg_pwbuild_current(r.b[m]);
		if (cur) {
			s->result[m].generation = cur->info.generation;
			s->result[m].entries = s->result[m].entries_before = cur->info.entries;
			s->result[m].total = cur->info.total;
		}
		vg_pwned_path(o->dir, (vg_pwned_mode)m, s->result[m].path,
		              sizeof(s->result[m].path));
	}
	s->files = vg_xcalloc(n, sizeof(*s->files));
	s->nfiles = n;
	r.buf = vg_xmalloc(FP_BUF);
	int first_fail = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		s->files[i].path = paths[i];
		report(&r, i, 0, 0, 0, false, false);
		int frc = one_file(&r, i, err);
		if (frc < 0)
			rc = frc;
		vg_pwned_ingest_file *f = &s->files[i];
		if (f->status == VG_PWNED_FILE_FAILED && !first_fail) {
			first_fail = f->err.code ? f->err.code : VG_EIO;
			if (frc >= 0 && err)
				*err = f->err;
		}
		if (o->stop && *o->stop) {
			s->interrupted = true;
			break;
		}
	}
	free(r.buf);
	for (size_t i = 0; i < n; i++) {
		vg_pwned_ingest_file *f = &s->files[i];
		s->ingested += f->status == VG_PWNED_FILE_INGESTED && f->path;
		s->skipped += f->status == VG_PWNED_FILE_SKIPPED;
		s->failed += f->status == VG_PWNED_FILE_FAILED;
		s->lines += f->lines;
		s->accepted += f->accepted;
		s->bad += f->bad;
	}
	s->read_seconds = now_s() - r.t0;
	if (rc || s->interrupted) {
		vg_pwbuild_abort(r.b[VG_PWNED_NTLM]);
		vg_pwbuild_abort(r.b[VG_PWNED_SHA1]);
		s->seconds = now_s() - r.t0;
		return rc;
	}
	report(&r, n ? n - 1 : 0, s->lines, 0, 0, false, true);
	double c0 = now_s();
	/* NTLM first: it shares the lock of the SHA-1 builder, freed last */
	rc = vg_pwbuild_commit(r.b[VG_PWNED_NTLM], &s->result[VG_PWNED_NTLM], err);
	if (rc) {
		vg_pwbuild_abort(r.b[VG_PWNED_SHA1]);
	} else {
		rc = vg_pwbuild_commit(r.b[VG_PWNED_SHA1], &s->result[VG_PWNED_SHA1], err);
	}
	s->committed = rc == 0;
	s->commit_seconds = now_s() - c0;
	s->seconds = now_s() - r.t0;
	return rc ? rc : first_fail;
}

void vg_pwned_summary_release(vg_pwned_summary *s)
{
	free(s->files);
	memset(s, 0, sizeof(*s));
}
