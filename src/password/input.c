/*
 * input.c: reading passwords without leaving them around.
 *
 * From a pipe or file: vg_pw_reader reads with read(2) (no stdio buffer
 * keeps a copy) into sodium_malloc memory (locked, guarded, wiped when
 * freed), and wipes each line before moving past it.
 *
 * From a terminal: vg_password_read_tty turns echo off for one line. The
 * terminal must come back on every exit path, so while echo is off, signal
 * handlers for the signals that end or stop a process restore the saved
 * settings (tcsetattr is async-signal-safe), wipe the buffer and re-raise
 * the signal with its default action; a stop (SIGTSTP, Ctrl-Z) gives the
 * terminal back while stopped and turns echo off again on SIGCONT.
 */
#include "vigie/password.h"

#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* ---- Line reader ---------------------------------------------------------- */

#define READER_CAP (64 * 1024)

struct vg_pw_reader {
	int fd;
	char *buf;         /* READER_CAP + 1 bytes, sodium_malloc */
	size_t start, end; /* unread bytes */
	size_t last;       /* bytes of the line last returned, at buf[0..last] */
	uint64_t lineno;
	bool eof;
	bool error;
};

vg_pw_reader *vg_pw_reader_new(int fd)
{
	if (sodium_init() < 0)
		return NULL;
	vg_pw_reader *r = vg_xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->buf = sodium_malloc(READER_CAP + 1);
	if (!r->buf) {
		free(r);
		return NULL;
	}
	return r;
}

/* Wipes the line last returned, moves unread bytes to the front. */
static void compact(vg_pw_reader *r)
{
	sodium_memzero(r->buf, r->start); /* consumed lines, and their NUL */
	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		sodium_memzero(r->buf + r->end, r->start);
		r->start = 0;
	}
	r->last = 0;
}

/* Reads more input; false at end of input or on error. */
static bool fill(vg_pw_reader *r)
{
	if (r->eof || r->end >= READER_CAP)
		return false;
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, READER_CAP - r->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r->error = true;
			r->eof = true;
			return false;
		}
		if (n == 0) {
			r->eof = true;
			return false;
		}
		r->end += (size_t)n;
		return true;
	}
}

int vg_pw_reader_next(vg_pw_reader *r, const char **pw, size_t *len)
{
	*pw = NULL;
	*len = 0;
	compact(r);
	bool skipping = false; /* inside a line over the maximum */
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			size_t n = (size_t)(nl - (r->buf + r->start));
			char *line = r->buf + r->start;
			r->start += n + 1;
			if (skipping || n > VG_PASSWORD_MAX + 1) {
				r->lineno++;
				return VG_ETOOBIG;
			}
			if (n && line[n - 1] == '\r')
				n--;
			if (n > VG_PASSWORD_MAX) {
				r->lineno++;
				return VG_ETOOBIG;
			}
			line[n] = 0;
			r->lineno++;
			*pw = line;
			*len = n;
			return 1;
		}
		size_t pending = r->end - r->start;
		if (pending > VG_PASSWORD_MAX + 1) {
			/* too long already: drop what we have, keep reading to its end */
			sodium_memzero(r->buf + r->start, pending);
			r->end = r->start;
			skipping = true;
		}
		compact(r);
		if (!fill(r)) {
			if (r->error)
				return VG_EIO;
			if (skipping) {
				r->lineno++;
				return VG_ETOOBIG;
			}
			if (r->end == r->start)
				return 0;
			/* a last line without newline */
			size_t n = r->end - r->start;
			char *line = r->buf + r->start;
			if (n && line[n - 1] == '\r')
				n--;
			line[r->end - r->start] = 0; /* buf has one spare byte */
			line[n] = 0;
			r->start = r->end;
			r->lineno++;
			*pw = line;
			*len = n;
			return 1;
		}
	}
}

uint64_t vg_pw_reader_lineno(const vg_pw_reader *r)
{
	return r->lineno;
}

bool vg_pw_reader_at_end(vg_pw_reader *r)
{
	if (r->start < r->end)
		return false;
	/* the line last returned sits before start: fill after it, not over it */
	if (r->eof || r->end >= READER_CAP)
		return r->eof;
	return !fill(r) && !r->error;
}

void vg_pw_reader_free(vg_pw_reader *r)
{
	if (!r)
		return;
	sodium_free(r->buf); /* wipes */
	free(r);
}

/* ---- Terminal without echo --------------------------------------------------- */

static const int trapped[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
#define NTRAPPED (sizeof(trapped) / sizeof(trapped[0]))

/* State the handlers see; set only while echo is off. */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved, tty_quiet;
static char *volatile tty_buf;
static volatile size_t tty_cap;
static struct sigaction old_actions[NTRAPPED];

static void on_signal(int sig);

static void install(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NTRAPPED; i++)
		sigaddset(&sa.sa_mask, trapped[i]);
	sigaction(sig, &sa, NULL);
}

static void on_signal(int sig)
{
	int saved_errno = errno;
	int fd = tty_fd;
	if (fd >= 0)
		tcsetattr(fd, TCSANOW, &tty_saved);
	(void)!write(STDERR_FILENO, "\n", 1);

	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);

	if (sig == SIGTSTP) {
		/* stop now, with the terminal as the shell expects it */
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(SIGTSTP);
		/* continued (SIGCONT): echo off again, same prompt line */
		install(SIGTSTP);
		if (fd >= 0)
			tcsetattr(fd, TCSANOW, &tty_quiet);
		errno = saved_errno;
		return;
	}
	if (tty_buf)
		sodium_memzero(tty_buf, tty_cap);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig); /* ends the process with the signal's default action */
	errno = saved_errno;
}

int vg_password_read_tty(int fd, const char *prompt, char *buf, size_t cap, size_t *len,
                         vg_err *err)
{
	*len = 0;
	if (cap < 2)
		return vg_err_set(err, VG_EINVAL, "password buffer too small");
	if (!isatty(fd))
		return vg_err_set(err, VG_EIO, "standard input is not a terminal");
	struct termios saved;
	if (tcgetattr(fd, &saved) != 0)
		return vg_err_set(err, VG_EIO, "cannot read terminal settings: %s", strerror(errno));

	/* Block the trapped signals while the handlers' state is set up. */
	sigset_t block, prev;
	sigemptyset(&block);
	for (size_t i = 0; i < NTRAPPED; i++)
		sigaddset(&block, trapped[i]);
	sigprocmask(SIG_BLOCK, &block, &prev);
	tty_saved = saved;
	tty_quiet = saved;
	tty_quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	tty_quiet.c_lflag |= ICANON;
	tty_buf = buf;
	tty_cap = cap;
	tty_fd = fd;
	for (size_t i = 0; i < NTRAPPED; i++) {
		sigaction(trapped[i], NULL, &old_actions[i]);
		if (old_actions[i].sa_handler != SIG_IGN)
			install(trapped[i]);
	}
	int rc = 0;
	if (tcsetattr(fd, TCSAFLUSH, &tty_quiet) != 0)
		rc = vg_err_set(err, VG_EIO, "cannot turn terminal echo off: %s", strerror(errno));
	sigprocmask(SIG_SETMASK, &prev, NULL);

	if (rc == 0) {
		if (prompt)
			(void)!write(STDERR_FILENO, prompt, strlen(prompt));
		size_t n = 0;
		bool over = false, got_any = false;
		for (;;) {
			char c;
			ssize_t r = read(fd, &c, 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				rc = vg_err_set(err, VG_EIO, "reading the terminal: %s", strerror(errno));
				break;
			}
			if (r == 0)
				break;
			got_any = true;
			if (c == '\n')
				break;
			if (n + 1 < cap)
				buf[n++] = c;
			else
				over = true;
			c = 0;
		}
		if (rc == 0 && n && buf[n - 1] == '\r')
			n--;
		buf[n] = 0;
		(void)!write(STDERR_FILENO, "\n", 1);
		if (rc == 0 && over)
			rc = vg_err_set(err, VG_ETOOBIG, "password over %zu bytes", cap - 1);
		else if (rc == 0 && !got_any)
			rc = vg_err_set(err, VG_ENOTFOUND, "no password typed (end of input)");
		if (rc)
			sodium_memzero(buf, cap);
		else
			*len = n;
	}

	/* Give the terminal back, then the signals. */
	sigprocmask(SIG_BLOCK, &block, &prev);
	tcsetattr(fd, TCSANOW, &saved);
	tty_fd = -1;
	tty_buf = NULL;
	for (size_t i = 0; i < NTRAPPED; i++)
		sigaction(trapped[i], &old_actions[i], NULL);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	return rc;
}
