/*
 * test_scan_email.c: emails through GMime: the text and HTML parts, links
 * whose text names another domain, attachments, the headers (display name,
 * Reply-To, SPF/DKIM/DMARC, the bulk-mail headers the model reads), mbox
 * splitting, HTML to text, malformed and
 * oversized input.
 */
#include "scan/scan_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static vg_scan *sc;
static vg_scan_ctx *cx;
static vg_scan_result *res;

static int setup(void **state)
{
	(void)state;
	vg_err err = {0};
	if (vg_scan_open(NULL, &sc, &err) != 0)
		return -1;
	cx = vg_scan_ctx_new(sc);
	res = malloc(sizeof(*res));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(res);
	vg_scan_ctx_free(cx);
	vg_scan_close(sc);
	return 0;
}

/* Scans raw (copied to an exact-size buffer). */
static void scan(const char *raw)
{
	size_t n = strlen(raw);
	char *b = malloc(n ? n : 1);
	memcpy(b, raw, n);
	assert_int_equal(vg_scan_email(cx, b, n, res), 0);
	free(b);
	assert_int_equal(res->channel, VG_SCAN_EMAIL);
	assert_true(res->score >= 0 && res->score <= 1);
}

static bool has(const char *code)
{
	for (size_t i = 0; i < res->nhits; i++)
		if (!strcmp(res->hits[i].reason->code, code))
			return true;
	return false;
}

#define HAS(code)                                                                                  \
	do {                                                                                       \
		if (!has(code))                                                                    \
			fail_msg("expected reason %s", code);                                      \
	} while (0)
#define HASNT(code)                                                                                \
	do {                                                                                       \
		if (has(code))                                                                     \
			fail_msg("unexpected reason %s", code);                                    \
	} while (0)

static void test_phishing_text(void **state)
{
	(void)state;
	scan("From: Assurance Maladie <service@ameli-secure.com>\r\n"
	     "To: jean@example.fr\r\n"
	     "Subject: =?UTF-8?Q?Votre_remboursement_en_attente?=\r\n"
	     "Date: Tue, 12 Mar 2024 10:00:00 +0100\r\n"
	     "MIME-Version: 1.0\r\n"
	     "Content-Type: text/plain; charset=utf-8\r\n"
	     "Content-Transfer-Encoding: 8bit\r\n"
	     "\r\n"
	     "Bonjour,\r\nVous avez droit à un remboursement de 89,50 €. Confirmez vos coordonnées "
	     "bancaires sous 48h sur https://ameli-remboursement.com/dossier\r\n");
	assert_int_equal(res->verdict, VG_VERDICT_PHISHING);
	HAS("display_name_brand");
	HAS("lookalike_combo");
	HAS("asks_bank_details");
	HAS("lure"); /* from the decoded subject and the body */
	HAS("deadline");
}

static void test_genuine(void **state)
{
	(void)state;
	scan("Authentication-Results: mx.example.fr; spf=pass smtp.mailfrom=francetravail.fr;\r\n"
	     " dkim=pass header.d=francetravail.fr; dmarc=pass header.from=francetravail.fr\r\n"
	     "From: France Travail <no-reply@francetravail.fr>\r\n"
	     "To: jean@example.fr\r\n"
	     "Subject: Votre actualisation\r\n"
	     "Content-Type: text/plain; charset=utf-8\r\n"
	     "\r\n"
	     "Bonjour, votre actualisation mensuelle est ouverte jusqu'au 15 avril. "
	     "Actualisez-vous dans votre espace personnel sur https://www.francetravail.fr\r\n");
	assert_int_equal(res->verdict, VG_VERDICT_LEGITIMATE);
	HAS("authenticated_official");
	HAS("official_links");
	HASNT("display_name_brand");
}

static void test_html_links(void **state)
{
	(void)state;
	scan("From: PayPal <service@paypal.com>\r\n"
	     "Subject: Account notice\r\n"
	     "MIME-Version: 1.0\r\n"
	     "Content-Type: text/html; charset=us-ascii\r\n"
	     "\r\n"
	     "<html><head><style>p{color:red}</style><script>var x='<a "
	     "href=\"http://hidden.example\">';</script>"
	     "</head><body><p>Your account has been limited &amp; will be closed.</p>"
	     "<p>Log in at <a "
	     "href=\"http://198.51.100.7/paypal/login.php\">https://www.paypal.com/signin</a></p>"
	     "<form action=\"http://198.51.100.7/p\"><input type=\"password\" name=\"pw\"></form>"
	     "</body></html>\r\n");
	HAS("link_text_mismatch");
	HAS("ip_host");
	HAS("password_field");
	HAS("account_threat");
	assert_int_equal(res->verdict, VG_VERDICT_PHISHING);
	/* the script's fake anchor is not a link */
	for (size_t i = 0; i < res->nlinks; i++)
		assert_null(strstr(res->links[i].host, "hidden"));
}

static void test_attachments(void **state)
{
	(void)state;
	static const struct {
		const char *name, *ctype, *code;
		bool decisive;
	} cases[] = {
	    {"facture.pdf.exe", "application/octet-stream", "attachment_double_extension", true},
	    {"facture.pdf    .scr", "application/octet-stream", "attachment_double_extension",
	     true},
	    {"setup.exe", "application/octet-stream", "attachment_executable", true},
	    {"invoice.js", "application/javascript", "attachment_executable", true},
	    {"relevé.docm", "application/vnd.ms-word.document.macroEnabled.12", "attachment_macro",
	     false},
	    {"devis.xls", "application/vnd.ms-excel", "attachment_office_legacy", false},
	    {"login.html", "text/html", "attachment_html", false},
	    {"scan.iso", "application/octet-stream", "attachment_disk_image", false},
	    {"docs.zip", "application/zip", "attachment_archive", false},
	};
	char msg[2048];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(msg, sizeof(msg),
		         "From: a@example.com\r\nSubject: documents\r\nMIME-Version: 1.0\r\n"
		         "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
		         "--XX\r\nContent-Type: text/plain\r\n\r\nVoir la pièce jointe.\r\n"
		         "--XX\r\nContent-Type: %s\r\nContent-Disposition: attachment; "
		         "filename=\"%s\"\r\n"
		         "Content-Transfer-Encoding: "
		         "base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAA\r\n--XX--\r\n",
		         cases[i].ctype, cases[i].name);
		scan(msg);
		if (!has(cases[i].code))
			fail_msg("%s: expected %s", cases[i].name, cases[i].code);
		if (cases[i].decisive)
			assert_int_equal(res->verdict, VG_VERDICT_PHISHING);
	}
	/* an ordinary PDF is nothing */
	scan("From: a@example.com\r\nSubject: devis\r\nMIME-Version: 1.0\r\n"
	     "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
	     "--XX\r\nContent-Type: text/plain\r\n\r\nCi-joint le devis.\r\n"
	     "--XX\r\nContent-Type: application/pdf; name=\"devis.pdf\"\r\n"
	     "Content-Disposition: attachment; "
	     "filename=\"devis.pdf\"\r\n\r\n%PDF-1.4\r\n--XX--\r\n");
	for (size_t i = 0; i < res->nhits; i++)
		assert_null(strstr(res->hits[i].reason->code, "attachment"));
}

static void test_headers(void **state)
{
	(void)state;
	scan(
	    "Authentication-Results: mx.example.fr; spf=fail smtp.mailfrom=example.com; dkim=fail; "
	    "dmarc=fail header.from=example.com\r\n"
	    "Authentication-Results: forged.example; spf=pass\r\n"
	    "From: \"support@paypal.com\" <x@example.com>\r\n"
	    "Reply-To: collect@gmail.com\r\n"
	    "Subject: hello\r\n\r\nhello\r\n");
	HAS("spf_fail");
	HAS("dkim_fail");
	HAS("dmarc_fail");
	HAS("display_name_address");
	HAS("reply_to_elsewhere");
	/* only the topmost Authentication-Results counts: a lower one (which the
	 * sender may have written) does not */
	scan("Authentication-Results: mx.example.fr; spf=pass; dkim=pass; dmarc=pass\r\n"
	     "Authentication-Results: forged.example; spf=fail; dmarc=fail\r\n"
	     "From: a@example.com\r\nSubject: hi\r\n\r\nhi\r\n");
	HASNT("spf_fail");
	HASNT("dmarc_fail");
	/* softfail from Received-SPF */
	scan("Received-SPF: softfail (example.com: domain does not designate)\r\n"
	     "From: a@example.com\r\nSubject: hi\r\n\r\nhi\r\n");
	HAS("spf_fail");
	/* a brand's own domain in the display name is fine */
	scan("From: La Poste <noreply@laposte.fr>\r\nSubject: Colis\r\n\r\nVotre colis arrive "
	     "demain.\r\n");
	HASNT("display_name_brand");
	/* the same name from elsewhere is not */
	scan("From: La Poste <noreply@suivi-colis.example>\r\nSubject: Colis\r\n\r\nVotre colis "
	     "arrive.\r\n");
	HAS("display_name_brand");
}

/* What the email model's bulk-mail features read from the headers. */
static void test_bulk_headers(void **state)
{
	(void)state;
	vg_email_doc d = {0};
	const char *raw =
	    "Received: from a by b\r\nReceived: from c by d\r\nreceived: from e by f\r\n"
	    "Return-Path: <bounce@Lists.Example.org>\r\n"
	    "Message-ID: <1234@mail.example.org>\r\n"
	    "DKIM-Signature: v=1; d=example.org\r\n"
	    "List-Id: News <news.example.org>\r\n"
	    "List-Unsubscribe: <mailto:leave@example.org>\r\n"
	    "Precedence:  Bulk\r\n"
	    "From: News <news@example.org>\r\nSubject: n\r\n"
	    "Content-Type: multipart/alternative; boundary=B\r\n\r\n"
	    "--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n";
	vg_email_parse(&d, raw, strlen(raw));
	assert_int_equal(d.nreceived, 3);
	assert_true(d.list_id && d.list_unsubscribe && d.dkim_signature);
	assert_string_equal(d.precedence, "bulk");
	assert_string_equal(d.msgid_domain, "mail.example.org");
	assert_string_equal(d.return_path, "bounce@Lists.Example.org");
	assert_string_equal(d.top_ctype, "multipart/alternative");
	/* header names: lowercase, each once */
	size_t received = 0;
	bool from = false;
	for (size_t i = 0; i < d.nhnames; i++) {
		received += !strcmp(d.hnames[i], "received");
		from |= !strcmp(d.hnames[i], "from");
	}
	assert_int_equal(received, 1);
	assert_true(from);
	/* a plain message has none of them; a second parse starts clean */
	const char *plain = "From: a@example.com\r\nSubject: hi\r\n\r\nhi\r\n";
	vg_email_parse(&d, plain, strlen(plain));
	assert_int_equal(d.nreceived, 0);
	assert_false(d.list_id || d.list_unsubscribe || d.dkim_signature);
	assert_string_equal(d.precedence, "");
	assert_string_equal(d.msgid_domain, "");
	assert_int_equal(d.nhnames, 2);
	/* at most VG_EMAIL_MAX_HNAMES names are kept */
	char big[8192];
	size_t o = 0;
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "X-H%d: v\r\n", i);
	snprintf(big + o, sizeof(big) - o, "\r\nbody\r\n");
	vg_email_parse(&d, big, strlen(big));
	assert_int_equal(d.nhnames, VG_EMAIL_MAX_HNAMES);
	vg_email_doc_free(&d);
}

static void test_mbox(void **state)
{
	(void)state;
	const char *box =
	    "From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nfirst\n"
	    "From b@c Mon Jan  1 00:00:00 2024\nSubject: two\n\nsecond\n>From the past\n"
	    "From c@d Mon Jan  1 00:00:00 2024\nSubject: three\n\nthird";
	vg_mbox m;
	const char *msg;
	size_t len, k = 0;
	vg_mbox_init(&m, box, strlen(box));
	while (vg_mbox_next(&m, &msg, &len) == 1) {
		k++;
		assert_true(len > 0);
		assert_memory_equal(msg, "Subject: ", 9);
		if (k == 2)
			assert_non_null(memmem(msg, len, ">From the past", 14));
	}
	assert_int_equal(k, 3);
	vg_mbox_init(&m, "", 0);
	assert_int_equal(vg_mbox_next(&m, &msg, &len), 0);
	/* one message with its From_ line scans as a message */
	scan("From x@y Mon Jan  1 00:00:00 2024\nFrom: a@example.com\nSubject: hi\n\nhello\n");
	assert_int_equal(res->verdict, VG_VERDICT_LEGITIMATE);
}

static void test_html_to_text(void **state)
{
	(void)state;
	vg_email_doc d;
	memset(&d, 0, sizeof(d));
	const char *h =
	    "<p>Caf&eacute; &amp; cr&#232;me &#x20AC; 5</p><!-- <a href='http://c.example'>x</a> "
	    "-->"
	    "<div>A<br>B</div><a href=\"https://a.example/x\">Cliquez <b>ici</b></a>"
	    "<a href=x>unquoted</a><a href='//cdn.example/y'>deux</a><script>alert('<p>')</script>"
	    "<style>.x{}</style>fin <a href=\"http://z.example\">jamais fermé";
	vg_html_to_text(&d, h, strlen(h));
	assert_non_null(strstr(d.text.data, "Café & crème € 5"));
	assert_null(strstr(d.text.data, "alert"));
	assert_null(strstr(d.text.data, ".x{}"));
	assert_non_null(strstr(d.text.data, "A B"));
	assert_int_equal(d.nanchors, 4);
	assert_memory_equal(d.strings.data + d.anchors[0].href_off, "https://a.example/x", 19);
	assert_int_equal(d.anchors[0].text_len, strlen("Cliquez ici"));
	assert_memory_equal(d.strings.data + d.anchors[0].text_off, "Cliquez ici", 11);
	assert_memory_equal(d.strings.data + d.anchors[3].text_off, "jamais fermé",
	                    d.anchors[3].text_len);
	assert_false(d.has_form);
	/* malformed: unclosed tags and quotes end at the input's end */
	vg_email_doc_reset(&d);
	const char *bad[] = {"<a href=\"http://x.example",
	                     "<",
	                     "<<<>>>",
	                     "&#xFFFFFFFFFF;",
	                     "&#0;",
	                     "<!--",
	                     "<script>",
	                     "<a href='x'><a href='y'>",
	                     "&",
	                     "<input type=password"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vg_email_doc_reset(&d);
		size_t n = strlen(bad[i]);
		char *b = malloc(n);
		memcpy(b, bad[i], n);
		vg_html_to_text(&d, b, n);
		free(b);
	}
	assert_true(d.has_password_input);
	vg_email_doc_free(&d);
}

static void test_malformed(void **state)
{
	(void)state;
	/* not a message at all, headers only, a broken multipart */
	scan("this is not an email, just words and https://bit.ly/x");
	scan("");
	scan("Subject: only headers\r\n");
	scan("Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: "
	     "text/plain\r\n\r\nunterminated");
	scan("Subject: =?utf-8?B?////?=\r\nFrom: =?bogus?Q?x?= <@>\r\n\r\n\xFF\xFE\r\n");
	/* too big: refused before any reading */
	size_t big = VG_SCAN_EMAIL_MAX + 1;
	char *b = malloc(big);
	memset(b, 'a', big);
	assert_int_equal(vg_scan_email(cx, b, big, res), VG_ETOOBIG);
	assert_int_equal(res->verdict, VG_VERDICT_LEGITIMATE);
	assert_int_equal(res->nhits, 0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phishing_text), cmocka_unit_test(test_genuine),
	    cmocka_unit_test(test_html_links),    cmocka_unit_test(test_attachments),
	    cmocka_unit_test(test_headers),       cmocka_unit_test(test_bulk_headers),
	    cmocka_unit_test(test_mbox),          cmocka_unit_test(test_html_to_text),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
