/*
 * mime.c: an email, as the scanner needs it, parsed with GMime 3; and the
 * mbox splitter.
 *
 * GMime does the hard parts of RFC 5322 and MIME: header unfolding and
 * RFC 2047 decoding, address lists, multipart structure, transfer encodings
 * and charsets (g_mime_text_part_get_text gives UTF-8). From its tree this
 * file keeps: the subject; the first From mailbox (display name, address);
 * the first Reply-To address; the Return-Path; the topmost
 * Authentication-Results and Received-SPF headers (the ones the receiving
 * server added; lower ones may be forged by the sender); for the email
 * model's bulk-mail features, the header names, the number of Received
 * headers, List-Unsubscribe, List-Id, DKIM-Signature, Precedence, the
 * Message-ID domain and the top content type; the text of
 * text/plain parts, and of text/html parts
 * when the message has no plain text (html.c; the links of HTML parts are
 * kept in any case); and the name and type of every attachment.
 *
 * A message GMime cannot parse still gets scanned: its raw bytes become the
 * text. Sizes are bounded (VG_EMAIL_TEXT_MAX of text, fixed arrays of
 * anchors and attachments). GMime is initialized once per process.
 */
#include "scan/scan_int.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_init(void)
{
	g_mime_init();
}

/* Empties d, keeping its buffers. */
void vg_email_doc_reset(vg_email_doc *d)
{
	d->subject.len = d->text.len = d->strings.len = 0;
	if (d->subject.data)
		d->subject.data[0] = 0;
	if (d->text.data)
		d->text.data[0] = 0;
	d->from_name[0] = d->from_addr[0] = d->reply_addr[0] = d->return_path[0] = d->auth[0] = 0;
	d->nanchors = d->natt = 0;
	d->html_only = d->has_form = d->has_password_input = false;
	d->nparts = 0;
	d->nhnames = d->nreceived = 0;
	d->precedence[0] = d->msgid_domain[0] = d->top_ctype[0] = 0;
	d->list_unsubscribe = d->list_id = d->dkim_signature = false;
}

/* Frees d's buffers. */
void vg_email_doc_free(vg_email_doc *d)
{
	vg_buf_release(&d->subject);
	vg_buf_release(&d->text);
	vg_buf_release(&d->strings);
}

/* Copies s (may be NULL) into a fixed buffer, cut at a UTF-8 boundary. */
static void set_str(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= cap) {
		n = cap - 1;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, s, n);
	dst[n] = 0;
}

/* Appends s to the text, within the limit, with a separating newline. */
static void add_text(vg_email_doc *d, const char *s, size_t n)
{
	if (d->text.len >= VG_EMAIL_TEXT_MAX)
		return;
	if (d->text.len)
		vg_buf_putc(&d->text, '\n');
	if (n > VG_EMAIL_TEXT_MAX - d->text.len)
		n = VG_EMAIL_TEXT_MAX - d->text.len;
	vg_buf_put(&d->text, s, n);
}

/* The first mailbox of an address list: name and address. */
static void first_mailbox(InternetAddressList *l, char *name, size_t ncap, char *addr, size_t acap)
{
	if (!l)
		return;
	int len = internet_address_list_length(l);
	for (int i = 0; i < len; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		if (name)
			set_str(name, ncap, internet_address_get_name(ia));
		set_str(addr, acap,
		        internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
		return;
	}
}

/* Copies s into dst (cap bytes), lowercase, cut. */
static void set_lower(char *dst, size_t cap, const char *s)
{
	size_t i = 0;
	for (; s[i] && i + 1 < cap; i++)
		dst[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i]);
	dst[i] = 0;
}

/* Records a header name (lowercase, once). */
static void add_hname(vg_email_doc *d, const char *name)
{
	char low[sizeof(d->hnames[0])];
	set_lower(low, sizeof(low), name);
	for (size_t i = 0; i < d->nhnames; i++)
		if (!strcmp(d->hnames[i], low))
			return;
	if (d->nhnames < VG_EMAIL_MAX_HNAMES)
		memcpy(d->hnames[d->nhnames++], low, sizeof(low));
}

/* Keeps what the scanner reads from the headers. */
static void read_headers(vg_email_doc *d, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int count = hl ? g_mime_header_list_get_count(hl) : 0;
	bool auth = false, spf = false;
	for (int i = 0; i < count && i < 200; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		if (!name)
			continue;
		add_hname(d, name);
		if (!g_ascii_strcasecmp(name, "Received"))
			d->nreceived++;
		else if (!g_ascii_strcasecmp(name, "List-Unsubscribe"))
			d->list_unsubscribe = true;
		else if (!g_ascii_strcasecmp(name, "List-Id"))
			d->list_id = true;
		else if (!g_ascii_strcasecmp(name, "DKIM-Signature") ||
		         !g_ascii_strcasecmp(name, "DomainKey-Signature"))
			d->dkim_signature = true;
		const char *v = g_mime_header_get_value(h);
		if (!v)
			continue;
		if (!d->precedence[0] && !g_ascii_strcasecmp(name, "Precedence")) {
			while (*v == ' ' || *v == '\t')
				v++;
			set_lower(d->precedence, sizeof(d->precedence), v);
		} else if (!d->msgid_domain[0] && !g_ascii_strcasecmp(name, "Message-ID")) {
			const char *at = strrchr(v, '@');
			if (at) {
				set_lower(d->msgid_domain, sizeof(d->msgid_domain), at + 1);
				char *gt = strpbrk(d->msgid_domain, "> \t");
				if (gt)
					*gt = 0;
			}
		}
		if (!auth && !g_ascii_strcasecmp(name, "Authentication-Results")) {
			auth = true;
			size_t used = strlen(d->auth);
			set_str(d->auth + used, sizeof(d->auth) - used, v);
		} else if (!spf && !g_ascii_strcasecmp(name, "Received-SPF")) {
			spf = true;
			size_t used = strlen(d->auth);
			if (used + 16 < sizeof(d->auth)) {
				memcpy(d->auth + used, " received-spf=", 14);
				set_str(d->auth + used + 14, sizeof(d->auth) - used - 14, v);
			}
		} else if (!d->return_path[0] && !g_ascii_strcasecmp(name, "Return-Path")) {
			const char *lt = strchr(v, '<');
			set_str(d->return_path, sizeof(d->return_path), lt ? lt + 1 : v);
			char *gt = strchr(d->return_path, '>');
			if (gt)
				*gt = 0;
		}
	}
	const char *subj = g_mime_message_get_subject(msg);
	if (subj)
		vg_buf_put(&d->subject, subj, strnlen(subj, 4096));
	first_mailbox(g_mime_message_get_from(msg), d->from_name, sizeof(d->from_name),
	              d->from_addr, sizeof(d->from_addr));
	first_mailbox(g_mime_message_get_reply_to(msg), NULL, 0, d->reply_addr,
	              sizeof(d->reply_addr));
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;
	char *mt = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	if (mt)
		set_lower(d->top_ctype, sizeof(d->top_ctype), mt);
	g_free(mt);
}

/* Records an attachment (name and content type). */
static void add_attachment(vg_email_doc *d, const char *name, GMimeContentType *ct)
{
	if (d->natt >= VG_EMAIL_MAX_ATTACH)
		return;
	vg_attachment *a = &d->att[d->natt++];
	set_str(a->name, sizeof(a->name), name);
	char *mt = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	set_str(a->ctype, sizeof(a->ctype), mt);
	for (char *p = a->ctype; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p |= 0x20;
	g_free(mt);
}

/* True when obj is a text part of type text/sub that is not an attachment. */
static bool inline_text(GMimeObject *obj, const char *sub)
{
	if (!GMIME_IS_TEXT_PART(obj))
		return false;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	if (!ct || !g_mime_content_type_is_type(ct, "text", sub))
		return false;
	GMimePart *part = GMIME_PART(obj);
	return !g_mime_part_is_attachment(part) && !g_mime_part_get_filename(part);
}

/* Walks the parts: text, HTML, attachments. */
static void read_parts(vg_email_doc *d, GMimeMessage *msg)
{
	GMimePartIter *it = g_mime_part_iter_new(GMIME_OBJECT(msg));
	bool has_plain = false;
	unsigned guard = 0;
	do {
		GMimeObject *cur = g_mime_part_iter_get_current(it);
		if (cur && inline_text(cur, "plain"))
			has_plain = true;
	} while (g_mime_part_iter_next(it) && ++guard < 1000);
	g_mime_part_iter_reset(it);
	guard = 0;
	do {
		GMimeObject *cur = g_mime_part_iter_get_current(it);
		if (!cur || GMIME_IS_MULTIPART(cur) || GMIME_IS_MESSAGE_PART(cur))
			continue;
		d->nparts++;
		if (inline_text(cur, "plain")) {
			char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(cur));
			if (t)
				add_text(d, t, strlen(t));
			g_free(t);
		} else if (inline_text(cur, "html")) {
			char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(cur));
			if (t) {
				if (has_plain) {
					/* links only: parse into a scratch text */
					size_t keep_len = d->text.len;
					vg_html_to_text(d, t, strlen(t));
					d->text.len = keep_len;
					if (d->text.data)
						d->text.data[keep_len] = 0;
				} else {
					d->html_only = true;
					vg_html_to_text(d, t, strlen(t));
				}
			}
			g_free(t);
		} else if (GMIME_IS_PART(cur)) {
			GMimePart *part = GMIME_PART(cur);
			const char *name = g_mime_part_get_filename(part);
			GMimeContentType *ct = g_mime_object_get_content_type(cur);
			add_attachment(d, name, ct);
		}
	} while (g_mime_part_iter_next(it) && ++guard < 1000);
	g_mime_part_iter_free(it);
}

/* Parses raw[0..n) into d. */
void vg_email_parse(vg_email_doc *d, const char *raw, size_t n)
{
	vg_email_doc_reset(d);
	pthread_once(&gmime_once, gmime_init);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(raw, n);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
	if (msg) {
		read_headers(d, msg);
		read_parts(d, msg);
		g_object_unref(msg);
	} else {
		add_text(d, raw, n);
	}
	g_object_unref(p);
	g_object_unref(st);
}

/* ---- mbox ---- */

void vg_mbox_init(vg_mbox *m, const char *s, size_t n)
{
	m->s = s;
	m->n = n;
	m->pos = 0;
}

/* True when a "From " separator line starts at s[i]. */
static bool from_line(const char *s, size_t i, size_t n)
{
	return n - i >= 5 && !memcmp(s + i, "From ", 5);
}

/* The next message: after a "From " line, up to the next one. */
int vg_mbox_next(vg_mbox *m, const char **msg, size_t *len)
{
	const char *s = m->s;
	size_t n = m->n, i = m->pos;
	if (i >= n)
		return 0;
	if (from_line(s, i, n)) {
		const char *nl = memchr(s + i, '\n', n - i);
		i = nl ? (size_t)(nl - s) + 1 : n;
	}
	size_t start = i;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		if (!nl) {
			i = n;
			break;
		}
		i = (size_t)(nl - s) + 1;
		if (from_line(s, i, n))
			break;
	}
	m->pos = i;
	*msg = s + start;
	*len = i - start;
	return 1;
}
