/* test_outbox.c: the RFC 5322 message (read back with GMime), the SMS JSON,
 * the GSM 03.38 check, the spool directory (atomic files, modes, names),
 * and the SMTP relay against a small fake server on 127.0.0.1. */
#include "vigie/outbox.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <ftw.h>
#include <gmime/gmime.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static char dir[64];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	g_mime_init();
	snprintf(dir, sizeof(dir), "/tmp/vg-test-outbox-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	g_mime_shutdown();
	return 0;
}

/* A text with what QP must handle: accents, '=', a long line, trailing
 * spaces, a tab, an empty line. */
static const char text[] =
    "Bonjour,\n\nVotre code de vérification est : 123456\n"
    "a=b et un caractère « spécial » €\n"
    "Une ligne très longue qui dépasse largement les soixante-seize caractères autorisés "
    "par la RFC 2045 pour une ligne encodée en quoted-printable, pour voir.\n"
    "espaces en fin de ligne   \n\ttabulation\n--\nHello, your code is: 123456\n";
static const char subject[] =
    "France Travail : votre code de vérification / your verification code — très long sujet "
    "pour forcer plusieurs mots encodés";

/* Parses raw with GMime; the caller unrefs. */
static GMimeMessage *parse(const char *raw, size_t n)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(raw, n);
	GMimeParser *ps = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(ps, NULL);
	g_object_unref(ps);
	g_object_unref(st);
	assert_non_null(m);
	return m;
}

/* Text without '\r'. */
static char *strip_cr(const char *s)
{
	char *o = strdup(s), *w = o;
	for (; *s; s++)
		if (*s != '\r')
			*w++ = *s;
	*w = '\0';
	return o;
}

/* Checks a formatted email: headers, QP body, line lengths, ASCII. */
static void check_eml(const char *raw, size_t n, const char *to, const char *subj,
                      const char *body)
{
	/* 7-bit, CRLF, lines of at most 78 characters */
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true((unsigned char)raw[i] < 0x80);
		if (raw[i] == '\n') {
			assert_true(i > 0 && raw[i - 1] == '\r');
			col = 0;
		} else if (raw[i] != '\r') {
			assert_true(++col <= 78);
		}
	}
	assert_non_null(strstr(raw, "Content-Transfer-Encoding: quoted-printable\r\n"));
	assert_non_null(strstr(raw, "Subject: =?UTF-8?Q?"));
	assert_null(strstr(raw, "http"));

	GMimeMessage *m = parse(raw, n);
	assert_string_equal(g_mime_message_get_subject(m), subj);
	InternetAddressList *l = g_mime_message_get_from(m);
	assert_int_equal(internet_address_list_length(l), 1);
	InternetAddress *a = internet_address_list_get_address(l, 0);
	assert_string_equal(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
	                    "ne-pas-repondre@francetravail.fr");
	assert_string_equal(internet_address_get_name(a), "France Travail — vérification");
	l = g_mime_message_get_to(m);
	assert_int_equal(internet_address_list_length(l), 1);
	assert_string_equal(internet_address_mailbox_get_addr(
	                        INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(l, 0))),
	                    to);
	GDateTime *d = g_mime_message_get_date(m);
	assert_non_null(d);
	assert_int_equal(g_date_time_to_unix(d), 1767225600);
	const char *mid = g_mime_message_get_message_id(m);
	assert_non_null(mid);
	assert_non_null(strstr(mid, "@francetravail.fr"));
	GMimeObject *part = g_mime_message_get_mime_part(m);
	assert_true(GMIME_IS_TEXT_PART(part));
	assert_int_equal(g_mime_part_get_content_encoding(GMIME_PART(part)),
	                 GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	assert_string_equal(g_mime_object_get_content_type_parameter(part, "charset"), "UTF-8");
	char *got = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	char *plain = strip_cr(got);
	assert_string_equal(plain, body);
	free(plain);
	g_free(got);
	g_object_unref(m);
}

static void test_eml(void **state)
{
	(void)state;
	vg_outbox_msg m = {.kind = VG_OUTBOX_EMAIL,
	                   .to = "jean.dupont@exemple.fr",
	                   .subject = subject,
	                   .text = text,
	                   .now_ms = 1767225600123ull};
	size_t n;
	char *raw = vg_outbox_eml(&m, "ne-pas-repondre@francetravail.fr",
	                          "France Travail — vérification", &n);
	assert_non_null(raw);
	assert_int_equal(strlen(raw), n);
	check_eml(raw, n, m.to, subject, text);
	assert_non_null(strstr(raw, "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"));
	free(raw);
	/* an ASCII display name is quoted, with its quotes escaped */
	raw = vg_outbox_eml(&m, "a@b.fr", "Say \"hi\"", &n);
	assert_non_null(strstr(raw, "From: \"Say \\\"hi\\\"\" <a@b.fr>\r\n"));
	GMimeMessage *g = parse(raw, n);
	InternetAddress *a = internet_address_list_get_address(g_mime_message_get_from(g), 0);
	assert_string_equal(internet_address_get_name(a), "Say \"hi\"");
	g_object_unref(g);
	free(raw);
}

static void test_sms_json(void **state)
{
	(void)state;
	vg_outbox_msg m = {.kind = VG_OUTBOX_SMS, .to = "+33612345678", .text = "Code : 123456 \"ok\""};
	size_t n;
	char *s = vg_outbox_sms_json(&m, &n);
	assert_int_equal(s[n - 1], '\n');
	json_t *j = json_loadb(s, n, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "to")), "+33612345678");
	assert_string_equal(json_string_value(json_object_get(j, "text")), m.text);
	assert_int_equal(json_object_size(j), 2);
	json_decref(j);
	free(s);
}

static void test_gsm7(void **state)
{
	(void)state;
	size_t n = 0;
	assert_true(vg_outbox_gsm7("Code : 123456. Ne le donnez à personne.", &n));
	assert_int_equal(n, 39);
	assert_true(vg_outbox_gsm7("é è ù ì ò Ç É Ä ñ ü £ $ @ _ ¿ ¡ Δ Ω", &n));
	assert_int_equal(n, 35);
	/* the extension table counts twice */
	assert_true(vg_outbox_gsm7("[€]", &n));
	assert_int_equal(n, 6);
	assert_false(vg_outbox_gsm7("vérification de l'être", NULL)); /* ê */
	assert_false(vg_outbox_gsm7("français", NULL));               /* ç */
	assert_false(vg_outbox_gsm7("« guillemets »", NULL));
	assert_false(vg_outbox_gsm7("back`tick", NULL));
	assert_false(vg_outbox_gsm7("\xc3", NULL)); /* truncated UTF-8 */
}

/* The regular files directly in d (not tmp/): count, and each checked. */
static int spool_files(const char *d, const char *ext, const char *forbidden)
{
	DIR *dd = opendir(d);
	assert_non_null(dd);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(dd))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "tmp"))
			continue;
		const char *dot = strrchr(e->d_name, '.');
		assert_non_null(dot);
		if (strcmp(dot + 1, ext))
			continue;
		n++;
		/* names hold no identifier: digits, dots, hex */
		assert_null(strchr(e->d_name, '@'));
		assert_null(strstr(e->d_name, forbidden));
		char p[512];
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		struct stat st;
		assert_int_equal(stat(p, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	closedir(dd);
	return n;
}

static int empty_dir(const char *d)
{
	DIR *dd = opendir(d);
	assert_non_null(dd);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(dd)))
		n += e->d_name[0] != '.';
	closedir(dd);
	return n == 0;
}

/* Reads a whole file. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 16);
	*n = fread(buf, 1, (1 << 16) - 1, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

/* The path of the first file with extension ext in d. */
static void first_file(const char *d, const char *ext, char *out, size_t cap)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	out[0] = '\0';
	while ((e = readdir(dd))) {
		const char *dot = strrchr(e->d_name, '.');
		if (e->d_name[0] != '.' && dot && !strcmp(dot + 1, ext)) {
			snprintf(out, cap, "%s/%s", d, e->d_name);
			break;
		}
	}
	closedir(dd);
}

static char logged[4096];
static void log_cb(void *arg, const char *msg)
{
	(void)arg;
	strncat(logged, msg, sizeof(logged) - strlen(logged) - 2);
	strcat(logged, "\n");
}

static void test_spool(void **state)
{
	(void)state;
	char sp[128];
	snprintf(sp, sizeof(sp), "%s/spool", dir);
	vg_outbox_opts o = {.dir = sp,
	                    .from = "ne-pas-repondre@francetravail.fr",
	                    .from_name = "France Travail — vérification",
	                    .log = log_cb};
	vg_outbox *ob;
	vg_err err;
	assert_int_equal(vg_outbox_open(&o, &ob, &err), 0);
	struct stat st;
	assert_int_equal(stat(sp, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	vg_outbox_msg m = {.kind = VG_OUTBOX_EMAIL,
	                   .to = "jean.dupont@exemple.fr",
	                   .subject = subject,
	                   .text = text,
	                   .now_ms = 1767225600123ull};
	assert_int_equal(vg_outbox_send(ob, &m), 0);
	m.to = "marie@exemple.fr";
	assert_int_equal(vg_outbox_send(ob, &m), 0);
	vg_outbox_msg s = {.kind = VG_OUTBOX_SMS, .to = "+33612345678", .text = "Code 654321",
	                   .now_ms = 1767225600123ull};
	assert_int_equal(vg_outbox_send(ob, &s), 0);
	/* refused: missing or bad fields */
	vg_outbox_msg bad = m;
	bad.to = "x@y.fr\r\nBcc: z@w.fr";
	assert_int_equal(vg_outbox_send(ob, &bad), VG_EINVAL);
	bad = m;
	bad.subject = "a\r\nBcc: z@w.fr";
	assert_int_equal(vg_outbox_send(ob, &bad), VG_EINVAL);
	bad = m;
	bad.subject = NULL;
	assert_int_equal(vg_outbox_send(ob, &bad), VG_EINVAL);
	vg_outbox_flush(ob);
	assert_int_equal(spool_files(sp, "eml", "dupont"), 2);
	assert_int_equal(spool_files(sp, "json", "33612345678"), 1);
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s/tmp", sp);
	assert_true(empty_dir(tmp));
	vg_outbox_stats stt;
	vg_outbox_get_stats(ob, &stt);
	assert_int_equal(stt.queued, 3);
	assert_int_equal(stt.spooled, 3);
	assert_int_equal(stt.failed + stt.dropped + stt.relayed, 0);
	/* the files are the messages */
	char p[512];
	first_file(sp, "json", p, sizeof(p));
	size_t n;
	char *raw = slurp(p, &n);
	json_t *j = json_loadb(raw, n, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "to")), "+33612345678");
	assert_string_equal(json_string_value(json_object_get(j, "text")), "Code 654321");
	json_decref(j);
	free(raw);
	first_file(sp, "eml", p, sizeof(p));
	raw = slurp(p, &n);
	GMimeMessage *g = parse(raw, n);
	char *to = strdup(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(
	    internet_address_list_get_address(g_mime_message_get_to(g), 0))));
	assert_true(!strcmp(to, "jean.dupont@exemple.fr") || !strcmp(to, "marie@exemple.fr"));
	g_object_unref(g);
	check_eml(raw, n, to, subject, text);
	free(to);
	free(raw);
	vg_outbox_close(ob);
	/* nothing was logged, and never a recipient */
	assert_string_equal(logged, "");
}

/* ------------------------------------------------------------ SMTP */

#define SMTP_PORT 18311

typedef struct fake_smtp {
	int lfd;
	char mail_from[256], rcpt[256];
	char *data;
	size_t data_len;
} fake_smtp;

static int read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	while (n + 1 < cap) {
		char c;
		if (read(fd, &c, 1) != 1)
			return -1;
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	return (int)n;
}

static void say(int fd, const char *s)
{
	ssize_t w = write(fd, s, strlen(s));
	(void)w;
}

/* Serves one SMTP session: records MAIL FROM, RCPT TO and the DATA. */
static void *smtp_serve(void *arg)
{
	fake_smtp *f = arg;
	int fd = accept(f->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	char line[2048];
	say(fd, "220 fake ESMTP\r\n");
	while (read_line(fd, line, sizeof(line)) > 0) {
		if (!strncasecmp(line, "EHLO", 4) || !strncasecmp(line, "HELO", 4)) {
			say(fd, "250 fake\r\n");
		} else if (!strncasecmp(line, "MAIL FROM:", 10)) {
			snprintf(f->mail_from, sizeof(f->mail_from), "%.200s", line + 10);
			say(fd, "250 OK\r\n");
		} else if (!strncasecmp(line, "RCPT TO:", 8)) {
			snprintf(f->rcpt, sizeof(f->rcpt), "%.200s", line + 8);
			say(fd, "250 OK\r\n");
		} else if (!strncasecmp(line, "DATA", 4)) {
			say(fd, "354 go\r\n");
			f->data = malloc(1 << 16);
			f->data_len = 0;
			int n;
			while ((n = read_line(fd, line, sizeof(line))) > 0) {
				if (!strcmp(line, ".\r\n"))
					break;
				const char *l = line[0] == '.' ? line + 1 : line; /* dot-unstuffing */
				size_t ll = strlen(l);
				if (f->data_len + ll < (1 << 16)) {
					memcpy(f->data + f->data_len, l, ll);
					f->data_len += ll;
				}
			}
			f->data[f->data_len] = '\0';
			say(fd, "250 queued\r\n");
		} else if (!strncasecmp(line, "QUIT", 4)) {
			say(fd, "221 bye\r\n");
			break;
		} else {
			say(fd, "250 OK\r\n");
		}
	}
	close(fd);
	return NULL;
}

static void test_smtp(void **state)
{
	(void)state;
	fake_smtp f;
	memset(&f, 0, sizeof(f));
	f.lfd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(f.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(SMTP_PORT)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(f.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(f.lfd, 4) != 0) {
		close(f.lfd);
		skip();
	}
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, smtp_serve, &f), 0);
	char sp[128], url[64];
	snprintf(sp, sizeof(sp), "%s/smtp-spool", dir);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", SMTP_PORT);
	logged[0] = '\0';
	vg_outbox_opts o = {.dir = sp,
	                    .smtp_url = url,
	                    .from = "ne-pas-repondre@francetravail.fr",
	                    .from_name = "France Travail — vérification",
	                    .log = log_cb};
	vg_outbox *ob;
	vg_err err;
	assert_int_equal(vg_outbox_open(&o, &ob, &err), 0);
	vg_outbox_msg m = {.kind = VG_OUTBOX_EMAIL,
	                   .to = "jean.dupont@exemple.fr",
	                   .subject = subject,
	                   .text = ".leading dot line\n" "a\n",
	                   .now_ms = 1767225600123ull};
	assert_int_equal(vg_outbox_send(ob, &m), 0);
	vg_outbox_flush(ob);
	pthread_join(th, NULL);
	close(f.lfd);
	assert_non_null(strstr(f.mail_from, "<ne-pas-repondre@francetravail.fr>"));
	assert_non_null(strstr(f.rcpt, "<jean.dupont@exemple.fr>"));
	assert_non_null(f.data);
	check_eml(f.data, f.data_len, m.to, subject, m.text);
	free(f.data);
	vg_outbox_stats st;
	vg_outbox_get_stats(ob, &st);
	assert_int_equal(st.relayed, 1);
	assert_int_equal(st.spooled, 0);
	assert_int_equal(spool_files(sp, "eml", "dupont"), 0);

	/* the relay is gone: the message is kept in the spool, the failure
	 * logged without the recipient */
	assert_int_equal(vg_outbox_send(ob, &m), 0);
	vg_outbox_flush(ob);
	vg_outbox_get_stats(ob, &st);
	assert_int_equal(st.relay_failed, 1);
	assert_int_equal(st.spooled, 1);
	assert_int_equal(spool_files(sp, "eml", "dupont"), 1);
	assert_non_null(strstr(logged, "smtp"));
	assert_null(strstr(logged, "dupont"));
	assert_null(strstr(logged, "exemple"));
	vg_outbox_close(ob);
}

static void test_open_errors(void **state)
{
	(void)state;
	vg_outbox *ob;
	vg_err err;
	char sp[128];
	snprintf(sp, sizeof(sp), "%s/e", dir);
	vg_outbox_opts o = {.dir = sp, .from = "no-at-sign"};
	assert_int_equal(vg_outbox_open(&o, &ob, &err), VG_EUSAGE);
	o.from = "a@b.fr";
	o.smtp_url = "http://relay";
	assert_int_equal(vg_outbox_open(&o, &ob, &err), VG_EUSAGE);
	o.smtp_url = NULL;
	o.dir = "/proc/vigie-cannot-create";
	assert_int_equal(vg_outbox_open(&o, &ob, &err), VG_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eml),   cmocka_unit_test(test_sms_json),
	    cmocka_unit_test(test_gsm7),  cmocka_unit_test(test_spool),
	    cmocka_unit_test(test_smtp),  cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
