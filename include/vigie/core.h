/*
 * vigie/core.h: the one error space, error buffers, languages, reasons,
 * allocation policy. Every other module builds on this header.
 *
 * Error policy: a function that can fail returns 0 or a negative VG_E* code;
 * vg_strerror() names the code; a detailed message (what and where) goes into
 * an optional caller-provided vg_err. Functions that can fail are marked
 * VG_MUST_CHECK.
 *
 * Out-of-memory policy: allocation failure is not an input error. The
 * vg_xmalloc() family prints a message and aborts the process (like git's
 * xmalloc). Code that must bound memory does so by limits on its input, not
 * by recovering from malloc failure.
 */
#ifndef VIGIE_CORE_H
#define VIGIE_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_MUST_CHECK __attribute__((warn_unused_result))
#define VG_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum {
	VG_OK = 0,
	VG_EINVAL = -1,    /* invalid input value */
	VG_ENOMEM = -2,    /* out of memory or over a size limit */
	VG_EIO = -3,       /* read or write failed */
	VG_ECORRUPT = -4,  /* file on disk is corrupt or truncated */
	VG_EUSAGE = -5,    /* bad command line or option */
	VG_ENOTFOUND = -6, /* file or entry not found */
	VG_ETOOBIG = -7,   /* input over a named size limit */
	VG_EINTERNAL = -8, /* a bug: an invariant did not hold */
};

/* Name of an error code ("invalid input", ...). Never NULL. */
const char *vg_strerror(int code);

/* A detailed error message, filled by the callee when non-NULL. */
typedef struct vg_err {
	int code;
	char msg[512];
} vg_err;

/* Sets err (if non-NULL) and returns code, for `return vg_err_set(...)`. */
int vg_err_set(vg_err *err, int code, const char *fmt, ...) VG_PRINTF(3, 4);

/* Languages for text meant for people. French first. */
typedef enum { VG_LANG_FR = 0, VG_LANG_EN = 1 } vg_lang;

/* Parses "fr" or "en" (case-insensitive). */
int vg_lang_parse(const char *s, vg_lang *out) VG_MUST_CHECK;

/*
 * Why a value was rejected: a stable machine code ("no_at") and the same
 * message in French and English. Modules define their reasons as static
 * const objects; results point at them.
 */
typedef struct vg_reason {
	const char *code;
	const char *fr;
	const char *en;
} vg_reason;

/* UTF-8 as Unicode's table 3-7 has it (no overlong forms, no surrogates,
 * nothing above U+10FFFF), src/core/utf8.c: whether s[0..n) is well-formed,
 * and the length (1 to 4) of the well-formed sequence at p[0..n), n >= 1,
 * or 0. */
bool vg_utf8_valid(const char *s, size_t n);
size_t vg_utf8_seq(const unsigned char *p, size_t n);

/* A growable byte buffer, born with a maximum (curl's dynbuf): an append
 * that would pass max sets full and appends nothing, then or after; max 0
 * (a zeroed buffer) is no maximum, for callers whose input is bounded
 * already. data is NUL-terminated after each append. The report
 * (vg_report_buf), the notifications (vg_notify_buf) and the scanner's
 * decoded texts write into it (src/core/buf.c). */
typedef struct vg_buf {
	char *data;
	size_t len, cap, max;
	bool full;
} vg_buf;

void vg_buf_init(vg_buf *b, size_t max);
/* Frees the memory and empties the buffer; max stays. */
void vg_buf_release(vg_buf *b);
void vg_buf_put(vg_buf *b, const void *s, size_t n);
void vg_buf_puts(vg_buf *b, const char *s);
void vg_buf_putc(vg_buf *b, char c);
void vg_buf_printf(vg_buf *b, const char *fmt, ...) VG_PRINTF(2, 3);

/* The whole of p[0..n) written to fd (at off for the p- forms), or the whole
 * n bytes read at off: 0, or -1 with errno (EIO for a short file). */
int vg_write_all(int fd, const void *p, size_t n);
int vg_pwrite_all(int fd, const void *p, size_t n, uint64_t off);
int vg_pread_all(int fd, void *p, size_t n, uint64_t off);
/* fsync of directory dir (of the directory holding path), so that a name
 * made or changed in it is durable: 0 or -1 (errno). */
int vg_sync_dir(const char *dir);
int vg_sync_dir_of(const char *path);
/* Takes the exclusive lock DIR/NAME (created 0600) that one writer of a
 * store holds: 0 and *fd (closing it releases the lock), or VG_EIO and a
 * message that says another `what` holds it. */
int vg_lock_file(const char *dir, const char *name, const char *what, int *fd, vg_err *err);

static inline const char *vg_reason_text(const vg_reason *r, vg_lang lang)
{
	return r ? (lang == VG_LANG_EN ? r->en : r->fr) : "";
}

/* Allocation that aborts on failure (see the policy above). */
void *vg_xmalloc(size_t n);
void *vg_xcalloc(size_t n, size_t size);
void *vg_xrealloc(void *p, size_t n);
char *vg_xstrdup(const char *s);

/* Library version, "MAJOR.MINOR.PATCH". */
const char *vg_version(void);

/*
 * Reads a secret file (a key) into buf: it must be a regular file that
 * neither group nor others can access (mode 0600 or stricter; otherwise it
 * is refused with the chmod that fixes it), read up to cap bytes; *len gets
 * the bytes read (cap means "cap or more"). what names the file in errors
 * ("key file", "attestation key file"). Errors: VG_ENOTFOUND (no such
 * file), VG_EINVAL (not regular, too open), VG_EIO. The caller wipes buf.
 */
int vg_secret_file_read(const char *path, const char *what, void *buf, size_t cap, size_t *len,
                        vg_err *err) VG_MUST_CHECK;

/*
 * Creates path (O_EXCL, 0600, never following a link) holding secret[0..n)
 * as lowercase hex and a newline, synced with its directory: the one writer
 * of new key files. 0; exists_rc when path exists; VG_EIO otherwise (and
 * the file is removed). `what` names the file in messages ("key file").
 */
int vg_secret_file_create(const char *path, const char *what, const void *secret, size_t n,
                          int exists_rc, vg_err *err) VG_MUST_CHECK;

#endif
