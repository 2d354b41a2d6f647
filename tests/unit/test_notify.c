/*
 * test_notify.c: the encoders against GMime's decoders, GSM-7 segment counts
 * on known vectors, the content of a message for given categories and
 * sources, no link anywhere, SMS length for every category set, the journal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vigie/notify.h"
#include "notify/internal.h"

#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

static char *decode_header(const char *encoded_value)
{
	return g_mime_utils_header_decode_text(NULL, encoded_value);
}

/* The value part of "Name: value\r\n" with folding undone. */
static char *header_value(const vg_notify_buf *b)
{
	const char *v = strchr(b->data, ':') + 2;
	char *out = malloc(strlen(v) + 1);
	size_t k = 0;
	for (const char *p = v; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			p++;
			continue;
		}
		out[k++] = *p;
	}
	while (k && (out[k - 1] == '\n' || out[k - 1] == '\r'))
		k--;
	out[k] = 0;
	return out;
}

static void check_lines(const char *s, size_t max)
{
	const char *a = s;
	while (*a) {
		const char *e = strstr(a, "\r\n");
		size_t n = e ? (size_t)(e - a) : strlen(a);
		if (n > max)
			fail_msg("line of %zu characters: %.*s", n, (int)n, a);
		if (n && (a[n - 1] == ' ' || a[n - 1] == '\t'))
			fail_msg("trailing whitespace: %.*s", (int)n, a);
		a = e ? e + 2 : a + n;
	}
}

/* ------------------------------------------------------------ RFC 2047 */

static void rfc2047_roundtrip(const char *v)
{
	vg_notify_buf b;
	vg_buf_init(&b, 1 << 20);
	vg_notify_header_text(&b, "Subject", v);
	check_lines(b.data, 78);
	/* no encoded word over 75 characters */
	for (const char *p = strstr(b.data, "=?"); p; p = strstr(p + 2, "=?")) {
		const char *e = strstr(p + 2, "?=");
		while (e && e - p < 10)
			e = strstr(e + 2, "?=");
		assert_non_null(e);
		assert_true(e + 2 - p <= 75);
	}
	char *val = header_value(&b);
	char *dec = decode_header(val);
	assert_string_equal(dec, v);
	g_free(dec);
	free(val);
	vg_buf_release(&b);
}

static void test_rfc2047(void **state)
{
	(void)state;
	rfc2047_roundtrip("Hello world");
	rfc2047_roundtrip("Information importante : vos données personnelles ont été exposées");
	rfc2047_roundtrip("équipe_à ? = ?= =?x?= \"quoted\" (paren) <angle> @ , ;");
	rfc2047_roundtrip("日本語のテキストとemoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 and more text");
	char longv[600];
	memset(longv, 0, sizeof(longv));
	for (int i = 0; i < 120; i++)
		strcat(longv, "é");
	rfc2047_roundtrip(longv);
	/* a mailbox with a non-ASCII display name */
	vg_notify_buf b;
	vg_buf_init(&b, 1 << 16);
	vg_notify_header_mailbox(&b, "From", "Pôle emploi, agence", "noreply@example.org");
	char *val = header_value(&b);
	InternetAddressList *l = internet_address_list_parse(NULL, val);
	assert_non_null(l);
	assert_int_equal(internet_address_list_length(l), 1);
	InternetAddress *ia = internet_address_list_get_address(l, 0);
	assert_string_equal(internet_address_get_name(ia), "Pôle emploi, agence");
	assert_string_equal(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)),
	                    "noreply@example.org");
	g_object_unref(l);
	free(val);
	vg_buf_release(&b);
}

/* ------------------------------------------------------------ quoted-printable */

static void qp_roundtrip(const char *text)
{
	vg_notify_buf m, out;
	vg_buf_init(&m, 1 << 20);
	vg_buf_init(&out, 1 << 20);
	vg_buf_puts(&m, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	                "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	size_t body = m.len;
	vg_notify_qp(&m, text, strlen(text));
	check_lines(m.data + body, 76);
	/* nothing an mbox or SMTP reader would change */
	assert_null(strstr(m.data + body, "\r\nFrom "));
	assert_null(strstr(m.data + body, "\r\n."));
	assert_int_equal(vg_notify_text_part(m.data, m.len, &out), 0);
	/* the decoded text is the input with LF line ends */
	char *want = malloc(strlen(text) + 1);
	size_t k = 0;
	for (const char *p = text; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			want[k++] = *p;
	want[k] = 0;
	assert_string_equal(out.data ? out.data : "", want);
	free(want);
	vg_buf_release(&m);
	vg_buf_release(&out);
}

static void test_qp(void **state)
{
	(void)state;
	qp_roundtrip("simple line\n");
	qp_roundtrip("accents : é à ç œ € — « guillemets »\nsecond line\n");
	qp_roundtrip("trailing spaces   \ntrailing tab\t\nequals = sign ==\n");
	qp_roundtrip("From the start of a line\n.dot at the start\n..two\nFrom\n");
	qp_roundtrip("crlf line\r\nanother\r\n");
	char longl[2000];
	memset(longl, 0, sizeof(longl));
	for (int i = 0; i < 40; i++)
		strcat(longl, "abcdéfgh= ");
	strcat(longl, "\n");
	for (int i = 0; i < 200; i++)
		strcat(longl, "x");
	strcat(longl, "\n");
	qp_roundtrip(longl);
	/* a '.' that lands at the start of a continuation line is encoded */
	char dots[400];
	memset(dots, 'a', 75);
	dots[75] = 0;
	strcat(dots, ".....From here\n");
	qp_roundtrip(dots);
}

/* ------------------------------------------------------------ GSM-7 */

static vg_sms_count count(const char *s)
{
	vg_sms_count c;
	assert_int_equal(vg_sms_segments(s, strlen(s), &c), 0);
	return c;
}

static char *rep(const char *unit, size_t n)
{
	size_t l = strlen(unit);
	char *s = calloc(n * l + 1, 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * l, unit, l);
	return s;
}

static void test_gsm7(void **state)
{
	(void)state;
	struct {
		const char *unit;
		size_t n;
		vg_sms_encoding enc;
		size_t units, segs;
	} v[] = {
	    {"a", 0, VG_SMS_GSM7, 0, 1},     {"a", 160, VG_SMS_GSM7, 160, 1},
	    {"a", 161, VG_SMS_GSM7, 161, 2}, {"a", 306, VG_SMS_GSM7, 306, 2},
	    {"a", 307, VG_SMS_GSM7, 307, 3}, {"é", 160, VG_SMS_GSM7, 160, 1},
	    {"€", 80, VG_SMS_GSM7, 160, 1},  {"€", 81, VG_SMS_GSM7, 162, 2},
	    {"[", 81, VG_SMS_GSM7, 162, 2},  {"ê", 70, VG_SMS_UCS2, 70, 1},
	    {"ê", 71, VG_SMS_UCS2, 71, 2},   {"ê", 134, VG_SMS_UCS2, 134, 2},
	    {"ê", 135, VG_SMS_UCS2, 135, 3}, {"😀", 35, VG_SMS_UCS2, 70, 1},
	    {"😀", 36, VG_SMS_UCS2, 72, 2},   {"ç", 1, VG_SMS_UCS2, 1, 1},
	    {"Ç", 1, VG_SMS_GSM7, 1, 1},     {"\n", 161, VG_SMS_GSM7, 161, 2},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *s = rep(v[i].unit, v[i].n);
		vg_sms_count c = count(s);
		if (c.encoding != v[i].enc || c.units != v[i].units || c.segments != v[i].segs)
			fail_msg("vector %zu (%zu x %s): enc %d units %zu segments %zu", i, v[i].n,
			         v[i].unit, c.encoding, c.units, c.segments);
		free(s);
	}
	/* an escape pair is never split: 152 'a', '€', 152 'a' = 306 septets in 3 parts */
	char *a = rep("a", 152);
	char buf[700];
	snprintf(buf, sizeof(buf), "%s€%s", a, a);
	vg_sms_count c = count(buf);
	assert_int_equal(c.units, 306);
	assert_int_equal(c.segments, 3);
	/* a surrogate pair is never split either: 66 'ê' then an emoji then 'ê' */
	char *e = rep("ê", 66);
	snprintf(buf, sizeof(buf), "%s😀ê", e);
	c = count(buf);
	assert_int_equal(c.units, 69);
	assert_int_equal(c.segments, 1);
	snprintf(buf, sizeof(buf), "%sê😀%s", e, e);
	c = count(buf);
	assert_int_equal(c.units, 135);
	assert_int_equal(c.segments, 3); /* 67 | 2 + 66 = 68 > 67 -> 3 */
	free(a);
	free(e);
	assert_int_equal(vg_sms_gsm7_cost('^'), 2);
	assert_int_equal(vg_sms_gsm7_cost('@'), 1);
	assert_int_equal(vg_sms_gsm7_cost(0x00EA), 0);
	vg_sms_count bad;
	assert_int_equal(vg_sms_segments("\xff", 1, &bad), VG_EINVAL);
}

/* ------------------------------------------------------------ content */

static vg_notify_settings settings(void)
{
	vg_notify_settings s;
	memset(&s, 0, sizeof(s));
	s.org_name = "France Travail";
	s.org_address = "1 avenue du Docteur Gley\n75020 Paris";
	s.dpo_name = "Marie Curie";
	s.dpo_email = "dpo@example.org";
	s.dpo_phone = "01 23 45 67 89";
	s.nature = "Des comptes de conseillers ont été détournés.";
	s.measures_taken = "Comptes désactivés\nPlainte déposée";
	strcpy(s.period_start, "2024-02-06");
	strcpy(s.period_end, "2024-03-05");
	s.from = "notify@example.org";
	s.from_name = "France Travail";
	s.reply_to = "dpo@example.org";
	s.site = "francetravail.fr";
	s.sms_sender = "FT";
	strcpy(s.domain, "example.org");
	return s;
}

static vg_notify_sources sources(void)
{
	vg_notify_sources src;
	memset(&src, 0, sizeof(src));
	src.n = 2;
	src.name[0] = "France Travail";
	src.name[1] = "Cap Emploi";
	src.special = 2;
	return src;
}

static char *text_of(uint16_t cats, uint16_t srcs, vg_lang lang)
{
	vg_notify_settings s = settings();
	vg_notify_sources src = sources();
	vg_notify_buf b;
	vg_buf_init(&b, VG_NOTIFY_BODY_MAX);
	assert_int_equal(vg_notify_email_text(&s, &src, cats, srcs, lang, &b), 0);
	/* whitespace runs (wrapping, list indents) as one space */
	size_t k = 0;
	for (size_t i = 0; i < b.len; i++) {
		char c = b.data[i] == '\n' ? ' ' : b.data[i];
		if (c == ' ' && k && b.data[k - 1] == ' ')
			continue;
		b.data[k++] = c;
	}
	b.data[k] = 0;
	return b.data;
}

static void test_content(void **state)
{
	(void)state;
	/* email only, France Travail only: that category, that source, nothing else */
	char *t = text_of(VG_CAT_BIT(VG_CAT_EMAIL), 1, VG_LANG_FR);
	assert_non_null(strstr(t, "Adresse électronique"));
	assert_non_null(strstr(t, "(source : France Travail)"));
	assert_null(strstr(t, "Cap Emploi"));
	assert_null(strstr(t, "Numéro de sécurité sociale"));
	assert_null(strstr(t, "handicap"));
	assert_non_null(strstr(t, "Attendez-vous à des courriels d'hameçonnage"));
	assert_null(strstr(t, "ne peut pas être changé"));
	assert_non_null(strstr(t, "Hameçonnage par courriel")); /* its consequence */
	assert_non_null(strstr(t, "dpo@example.org"));
	assert_non_null(strstr(t, "Marie Curie"));
	assert_non_null(strstr(t, "francetravail.fr"));
	assert_non_null(strstr(t, "6 février 2024"));
	assert_non_null(strstr(t, "Comptes désactivés"));
	free(t);
	/* NIR and Cap Emploi: the permanent-number advice, the disability sentence */
	t = text_of(VG_CAT_BIT(VG_CAT_NIR) | VG_CAT_BIT(VG_CAT_NAME), 3, VG_LANG_FR);
	assert_non_null(strstr(t, "Numéro de sécurité sociale (NIR)"));
	assert_non_null(strstr(t, "ne peut pas être changé"));
	assert_non_null(strstr(t, "(sources : France Travail, Cap Emploi)"));
	assert_non_null(strstr(t, "handicap"));
	assert_null(strstr(t, "Adresse électronique"));
	free(t);
	/* English */
	t = text_of(VG_CAT_BIT(VG_CAT_PHONE), 2, VG_LANG_EN);
	assert_non_null(strstr(t, "Phone number"));
	assert_non_null(strstr(t, "(source: Cap Emploi)"));
	assert_non_null(strstr(t, "Expect fraudulent texts and calls"));
	assert_non_null(strstr(t, "disability"));
	assert_null(strstr(t, "Adresse"));
	free(t);
}

/* The send loop's headers (nm_headers_fixed + To + Message-ID) are
 * vg_notify_email_headers()'s, byte for byte. */
static void test_headers_fixed(void **state)
{
	(void)state;
	static const uint64_t seqs[] = {0, 1, 9, 10, 42, 65535, 1000000007ull, UINT64_MAX};
	for (int variant = 0; variant < 3; variant++) {
		vg_notify_settings s = settings();
		if (variant == 1) {
			s.reply_to = NULL;
			s.from_name =
			    "Service « Notification » très long pour être plié sur deux lignes";
		} else if (variant == 2) {
			s.from_name = NULL;
		}
		for (int lang = 0; lang < 2; lang++) {
			for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
				const char *to =
				    i & 1 ? "x@example.org" : "jean.o-brien+tag@sub.example.fr";
				vg_notify_buf want, pre, subj, got;
				vg_buf_init(&want, 1 << 16);
				vg_buf_init(&pre, 1 << 16);
				vg_buf_init(&subj, 1 << 16);
				vg_buf_init(&got, 1 << 16);
				vg_notify_email_headers(&s, "0123456789abcdef0123456789abcdef",
				                        seqs[i], 1709888400 + (int64_t)i * 86399,
				                        to, strlen(to), (vg_lang)lang, &want);
				nm_headers_fixed(&s, 1709888400 + (int64_t)i * 86399, (vg_lang)lang,
				                 &pre, &subj);
				char num[20];
				vg_buf_put(&got, pre.data, pre.len);
				vg_buf_puts(&got, "To: ");
				vg_buf_puts(&got, to);
				vg_buf_puts(&got, "\r\n");
				vg_buf_put(&got, subj.data, subj.len);
				vg_buf_puts(&got,
				            "Message-ID: <vigie.0123456789abcdef0123456789abcdef.");
				vg_buf_put(&got, num, nm_u64_dec(num, seqs[i]));
				vg_buf_puts(&got, "@");
				vg_buf_puts(&got, s.domain);
				vg_buf_puts(&got, ">\r\n");
				assert_string_equal(got.data, want.data);
				char ref[32];
				snprintf(ref, sizeof(ref), "%llu", (unsigned long long)seqs[i]);
				assert_int_equal(nm_u64_dec(num, seqs[i]), strlen(ref));
				assert_memory_equal(num, ref, strlen(ref));
				vg_buf_release(&want);
				vg_buf_release(&pre);
				vg_buf_release(&subj);
				vg_buf_release(&got);
			}
		}
	}
}

/* Every category set, both languages: MIME entity parses, no link, no <a>. */
static void test_no_links(void **state)
{
	(void)state;
	vg_notify_settings s = settings();
	vg_notify_sources src = sources();
	for (unsigned cats = 1; cats <= VG_CAT_ALL; cats += 37) {
		for (int lang = 0; lang < 2; lang++) {
			vg_notify_buf m, txt;
			vg_buf_init(&m, 2 * VG_NOTIFY_BODY_MAX);
			vg_buf_init(&txt, VG_NOTIFY_BODY_MAX);
			vg_notify_email_headers(&s, "0123456789abcdef0123456789abcdef", 42,
			                        1709888400, "x@example.org", 13, (vg_lang)lang, &m);
			assert_int_equal(
			    vg_notify_email_body(&s, &src, (uint16_t)cats, 3, (vg_lang)lang, &m),
			    0);
			check_lines(m.data, 998);
			GMimeStream *st = g_mime_stream_mem_new_with_buffer(m.data, m.len);
			GMimeParser *p = g_mime_parser_new_with_stream(st);
			GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
			assert_non_null(msg);
			GMimeObject *body = g_mime_message_get_body(msg);
			assert_true(GMIME_IS_MULTIPART(body));
			GMimeMultipart *mp = GMIME_MULTIPART(body);
			assert_int_equal(g_mime_multipart_get_count(mp), 2);
			for (int i = 0; i < 2; i++) {
				GMimePart *part = GMIME_PART(g_mime_multipart_get_part(mp, i));
				assert_int_equal(g_mime_part_get_content_encoding(part),
				                 GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
				GMimeStream *ms = g_mime_stream_mem_new();
				g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(part),
				                                    ms);
				GByteArray *ba =
				    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
				char *dec = g_strndup((const char *)ba->data, ba->len);
				assert_true(g_utf8_validate(dec, -1, NULL));
				char *low = g_ascii_strdown(dec, -1);
				assert_null(strstr(low, "<a "));
				assert_null(strstr(low, "<a>"));
				assert_null(strstr(low, "href"));
				assert_null(strstr(low, "http"));
				assert_null(strstr(low, "www."));
				if (i == 1)
					assert_non_null(strstr(low, "<html"));
				g_free(low);
				g_free(dec);
				g_object_unref(ms);
			}
			assert_string_equal(g_mime_message_get_subject(msg),
			                    vg_notify_subject((vg_lang)lang));
			assert_string_equal(
			    g_mime_message_get_message_id(msg),
			    "vigie.0123456789abcdef0123456789abcdef.42@example.org");
			g_object_unref(msg);
			g_object_unref(p);
			g_object_unref(st);
			assert_int_equal(vg_notify_text_part(m.data, m.len, &txt), 0);
			vg_buf_release(&m);
			vg_buf_release(&txt);
		}
	}
}

/* Every category set fits two GSM-7 segments and names the site. */
static void test_sms(void **state)
{
	(void)state;
	vg_notify_settings s = settings();
	for (int lang = 0; lang < 2; lang++) {
		for (unsigned cats = 0; cats <= VG_CAT_ALL; cats++) {
			vg_notify_buf b;
			vg_buf_init(&b, 4096);
			vg_sms_count c;
			assert_int_equal(
			    vg_notify_sms_text(&s, (uint16_t)cats, (vg_lang)lang, &b, &c), 0);
			assert_true(c.segments <= VG_NOTIFY_SMS_MAX_SEGMENTS);
			assert_int_equal(c.encoding, VG_SMS_GSM7);
			assert_non_null(strstr(b.data, "francetravail.fr"));
			assert_null(strstr(b.data, "http"));
			assert_null(strstr(b.data, "Cap Emploi")); /* never names a source */
			vg_buf_release(&b);
		}
	}
	/* full detail when it fits */
	vg_notify_buf b;
	vg_buf_init(&b, 4096);
	vg_sms_count c;
	assert_int_equal(vg_notify_sms_text(&s, VG_CAT_BIT(VG_CAT_NIR), VG_LANG_FR, &b, &c), 0);
	assert_non_null(strstr(b.data, "(numéro de sécurité sociale)"));
	vg_buf_release(&b);
	/* an organisation name outside GSM-7 is folded, still two segments */
	s.org_name = "Agence française ÊTRE œuvre";
	vg_buf_init(&b, 4096);
	assert_int_equal(vg_notify_sms_text(&s, VG_CAT_ALL, VG_LANG_FR, &b, &c), 0);
	assert_int_equal(c.encoding, VG_SMS_GSM7);
	assert_true(c.segments <= 2);
	assert_non_null(strstr(b.data, "Agence francaise ETRE ouvre"));
	vg_buf_release(&b);
	/* too long to fit at all */
	char big[400];
	memset(big, 'x', 350);
	big[350] = 0;
	s.org_name = big;
	vg_buf_init(&b, 4096);
	assert_int_equal(vg_notify_sms_text(&s, 1, VG_LANG_FR, &b, &c), VG_ETOOBIG);
	vg_buf_release(&b);
}

/* ------------------------------------------------------------ journal */

static void test_journal(void **state)
{
	(void)state;
	uint8_t buf[5 * VG_NOTIFY_JOURNAL_REC_BYTES + 50];
	vg_notify_journal_rec r, last;
	memset(&r, 0, sizeof(r));
	memset(r.plan_id, 7, 16);
	for (int i = 0; i < 3; i++) {
		r.done = (uint64_t)(i + 1) * 100;
		r.plan_off = (uint64_t)(i + 1) * 3000;
		r.main_len = (uint64_t)i * 77;
		vg_notify_journal_encode(&r, buf + i * VG_NOTIFY_JOURNAL_REC_BYTES);
	}
	size_t valid;
	size_t len = 3 * VG_NOTIFY_JOURNAL_REC_BYTES;
	assert_int_equal(vg_notify_journal_parse(buf, len, &last, &valid), 1);
	assert_int_equal(last.done, 300);
	assert_int_equal(last.plan_off, 9000);
	assert_int_equal(last.main_len, 154);
	assert_int_equal(valid, len);
	/* a torn tail is ignored */
	memset(buf + len, 0xAB, 50);
	assert_int_equal(vg_notify_journal_parse(buf, len + 50, &last, &valid), 1);
	assert_int_equal(last.done, 300);
	assert_int_equal(valid, len);
	/* a garbled last full record: torn too */
	uint8_t copy[sizeof(buf)];
	memcpy(copy, buf, len);
	copy[len - 3] ^= 1;
	assert_int_equal(vg_notify_journal_parse(copy, len, &last, &valid), 1);
	assert_int_equal(last.done, 200);
	assert_int_equal(valid, 2 * VG_NOTIFY_JOURNAL_REC_BYTES);
	/* damage in the middle is corruption */
	memcpy(copy, buf, len);
	copy[VG_NOTIFY_JOURNAL_REC_BYTES + 40] ^= 1;
	assert_int_equal(vg_notify_journal_parse(copy, len, &last, &valid), VG_ECORRUPT);
	/* going backwards is corruption */
	r.done = 50;
	vg_notify_journal_encode(&r, copy + len);
	memcpy(copy, buf, len);
	assert_int_equal(
	    vg_notify_journal_parse(copy, len + VG_NOTIFY_JOURNAL_REC_BYTES, &last, &valid),
	    VG_ECORRUPT);
	/* nothing */
	assert_int_equal(vg_notify_journal_parse(buf, 0, &last, &valid), 0);
	assert_int_equal(vg_notify_journal_parse(buf, 100, &last, &valid), 0);
}

/* ------------------------------------------------------------ config */

static void test_config(void **state)
{
	(void)state;
	static const char good[] =
	    "[organisation]\nname = Agence\n[dpo]\nname = DPO\nemail = dpo@example.org\n"
	    "[breach]\nnature = Fuite.\nawareness = 2024-03-05 18:00\nnotification = 2024-03-08 "
	    "10:00\nintrusion_start = 2024-02-06\n[notify]\nfrom = n@example.org\nsite = "
	    "agence.example\nrate = 10\n";
	vg_config cfg;
	vg_config_init(&cfg, VG_LANG_EN);
	vg_err err = {0};
	assert_int_equal(vg_config_parse(&cfg, "t.conf", good, strlen(good), &err), 0);
	vg_notify_settings s;
	if (vg_notify_from_config(&cfg, NULL, &s, &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(s.from, "n@example.org");
	assert_string_equal(s.reply_to, "dpo@example.org");
	assert_string_equal(s.site, "agence.example");
	assert_string_equal(s.domain, "example.org");
	assert_string_equal(s.period_start, "2024-02-06");
	assert_int_equal(s.rate, 10);
	vg_config_release(&cfg);
	static const char base[] =
	    "[organisation]\nname = Agence\n[dpo]\nname = DPO\nemail = dpo@example.org\n"
	    "[breach]\nnature = Fuite.\nawareness = 2024-03-05 18:00\n[notify]\n";
	const char *bad[] = {
	    "from = n@example.org\nsite = https://agence.example\n",
	    "from = n@example.org\nsite = agence.example\nsms_sender = TOO LONG SENDER\n",
	    "from = not an address\nsite = agence.example\n",
	    "from = n@example.org\nsite = agence.example\ncolour = blue\n",
	    "from = n@example.org\nsite = agence.example\nrate = 0\n",
	    "site = agence.example\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text), "%s%s", base, bad[i]);
		vg_config_init(&cfg, VG_LANG_EN);
		assert_int_equal(vg_config_parse(&cfg, "t.conf", text, strlen(text), &err), 0);
		if (vg_notify_from_config(&cfg, NULL, &s, &err) == 0)
			fail_msg("case %zu accepted", i);
		vg_config_release(&cfg);
	}
	/* and the base with a good [notify] passes */
	char text[1024];
	snprintf(text, sizeof(text), "%s%s", base, "from = n@example.org\nsite = agence.example\n");
	vg_config_init(&cfg, VG_LANG_EN);
	assert_int_equal(vg_config_parse(&cfg, "t.conf", text, strlen(text), &err), 0);
	assert_int_equal(vg_notify_from_config(&cfg, NULL, &s, &err), 0);
	vg_config_release(&cfg);
}

int main(void)
{
	g_mime_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc2047),       cmocka_unit_test(test_qp),
	    cmocka_unit_test(test_gsm7),          cmocka_unit_test(test_content),
	    cmocka_unit_test(test_no_links),      cmocka_unit_test(test_sms),
	    cmocka_unit_test(test_journal),       cmocka_unit_test(test_config),
	    cmocka_unit_test(test_headers_fixed),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	g_mime_shutdown();
	return rc;
}
