/*
 * message.c: what a person is told. The settings come from the same config
 * file as the art. 33 report ([organisation], [dpo], [breach]) plus a
 * [notify] section; the content is a pure function of the settings, the
 * person's categories, their sources and the language.
 *
 * What GDPR art. 34(2) asks of the communication, and where it lands:
 *   the nature of the breach               -> "Ce qui s'est passé"
 *   the DPO's contact                      -> "Nous contacter"
 *   the likely consequences                -> "Ce que cela peut entraîner",
 *                                             only for the person's categories
 *   the measures taken or proposed         -> "Ce que nous avons fait"
 * plus exactly which of *their* data leaked and from which source, the
 * advice that fits (vg_advice_for()), and how to check the message is
 * genuine without clicking anything: messages carry no link at all, the
 * official site is written out for the person to type.
 */
#include "notify/internal.h"

#include "vigie/email.h"
#include "vigie/exposure.h"
#include "vigie/phone.h"
#include "vigie/report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ settings */

const vg_config_key vg_notify_config_keys[] = {
    {"notify", "from", true},         {"notify", "from_name", false},
    {"notify", "reply_to", false},    {"notify", "site", true},
    {"notify", "sms_sender", false},  {"notify", "smtp_url", false},
    {"notify", "smtp_user", false},   {"notify", "smtp_password", false},
    {"notify", "rate", false},        {"notify", "retries", false},
    {"notify", "backoff_ms", false},  {"notify", "date", false},
};
const size_t vg_notify_config_n_keys =
    sizeof(vg_notify_config_keys) / sizeof(vg_notify_config_keys[0]);

/* A checked email address value, or VG_EINVAL naming the entry. */
static int email_key(vg_config *cfg, const char *sec, const char *key, const char **out,
                     vg_err *err)
{
	const vg_config_entry *e = vg_config_find(cfg, sec, key);
	if (!e)
		return 0;
	vg_email em;
	if (vg_email_normalize(e->value, e->value_len, &em) != 0 || em.c.len != e->value_len)
		return vg_config_errf(cfg, e, err, VG_EINVAL, "%s",
		                      T(cfg->lang, "adresse électronique invalide (forme canonique attendue)",
		                        "invalid email address (canonical form expected)"));
	*out = e->value;
	return 0;
}

/* A domain name to write out: letters, digits, '-', '.', with a dot. */
static bool site_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 100 || !strchr(s, '.') || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '/'))
			return false;
	return true;
}

/* "2024-02-06" from a [breach] time key, or "". */
static void period_key(vg_config *cfg, const char *key, char out[11])
{
	out[0] = 0;
	const vg_config_entry *e = vg_config_find(cfg, "breach", key);
	vg_report_time tm;
	char iso[40];
	if (!e || vg_report_time_parse(e->value, e->value_len, &tm) != 0)
		return;
	if (vg_report_time_format(tm, iso, sizeof(iso)) >= 10) {
		memcpy(out, iso, 10);
		out[10] = 0;
	}
}

int vg_notify_from_config(vg_config *cfg, const vg_registry *reg, vg_notify_settings *s,
                          vg_err *err)
{
	vg_lang lang = cfg->lang;
	memset(s, 0, sizeof(*s));
	int rc;
	/* the report's own checks (dates, SIREN, DPO contact, and the sources
	 * [sources] special_category names, against the registry's) */
	vg_report_input in;
	vg_report_source rsrc[VG_SOURCE_MAX];
	char key_id[VG_REGKEY_ID_HEX + 1];
	memset(&in, 0, sizeof(in));
	memset(rsrc, 0, sizeof(rsrc));
	if (reg)
		vg_exposure_report_input(reg, rsrc, key_id, &in);
	if ((rc = vg_report_from_config_ext(cfg, (int64_t)time(NULL), vg_notify_config_keys,
	                                    vg_notify_config_n_keys, &in, err)) != 0)
		return rc;
	for (size_t i = 0; i < in.n_sources && i < VG_SOURCE_MAX; i++)
		if (rsrc[i].special_category)
			s->special_extra |= (uint16_t)(1u << i);
	s->org_name = vg_config_get(cfg, "organisation", "name");
	s->org_address = vg_config_get(cfg, "organisation", "address");
	s->dpo_name = vg_config_get(cfg, "dpo", "name");
	s->dpo_email = vg_config_get(cfg, "dpo", "email");
	s->dpo_phone = vg_config_get(cfg, "dpo", "phone");
	s->nature = vg_config_get(cfg, "breach", "nature");
	s->measures_taken = vg_config_get(cfg, "breach", "measures_taken");
	s->measures_proposed = vg_config_get(cfg, "breach", "measures_proposed");
	period_key(cfg, "intrusion_start", s->period_start);
	period_key(cfg, "intrusion_end", s->period_end);

	if ((rc = email_key(cfg, "notify", "from", &s->from, err)) != 0 ||
	    (rc = email_key(cfg, "notify", "reply_to", &s->reply_to, err)) != 0)
		return rc;
	if (!s->reply_to)
		s->reply_to = s->dpo_email;
	s->from_name = vg_config_get(cfg, "notify", "from_name");
	if (!s->from_name)
		s->from_name = s->org_name;
	const vg_config_entry *e = vg_config_find(cfg, "notify", "site");
	if (e && !site_ok(e->value))
		return vg_config_errf(
		    cfg, e, err, VG_EINVAL, "%s",
		    T(lang,
		      "site officiel invalide : un nom de domaine écrit en toutes lettres, sans "
		      "« https:// » (les messages ne contiennent aucun lien)",
		      "invalid official site: a domain name written out, without \"https://\" "
		      "(messages carry no link)"));
	s->site = e ? e->value : NULL;
	e = vg_config_find(cfg, "notify", "sms_sender");
	if (e) {
		bool ok = e->value_len >= 1 && e->value_len <= 11;
		for (size_t i = 0; ok && i < e->value_len; i++) {
			char c = e->value[i];
			ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == ' ';
		}
		if (!ok)
			return vg_config_errf(
			    cfg, e, err, VG_EINVAL, "%s",
			    T(lang, "expéditeur SMS invalide : 1 à 11 lettres, chiffres ou espaces",
			      "invalid SMS sender: 1 to 11 letters, digits or spaces"));
		s->sms_sender = e->value;
	} else {
		s->sms_sender = "INFO";
	}
	s->smtp_url = vg_config_get(cfg, "notify", "smtp_url");
	s->smtp_user = vg_config_get(cfg, "notify", "smtp_user");
	s->smtp_password = vg_config_get(cfg, "notify", "smtp_password");
	s->rate = 50;
	s->retries = 5;
	s->backoff_ms = 1000;
	if ((rc = vg_config_get_uint(cfg, "notify", "rate", 1, 1000000, &s->rate, err)) != 0 ||
	    (rc = vg_config_get_uint(cfg, "notify", "retries", 0, 100, &s->retries, err)) != 0 ||
	    (rc = vg_config_get_uint(cfg, "notify", "backoff_ms", 0, 3600000, &s->backoff_ms,
	                             err)) != 0)
		return rc;
	e = vg_config_find(cfg, "notify", "date");
	if (e) {
		vg_report_time tm;
		if (vg_report_time_parse(e->value, e->value_len, &tm) != 0)
			return vg_config_errf(cfg, e, err, VG_EINVAL, "%s",
			                      T(lang, "date invalide (AAAA-MM-JJ HH:MM)",
			                        "invalid date (YYYY-MM-DD HH:MM)"));
		s->date = tm.t;
	}
	const char *at = strrchr(s->from, '@');
	snprintf(s->domain, sizeof(s->domain), "%s", at ? at + 1 : "localhost");
	return 0;
}

void vg_notify_sources_from_registry(const vg_registry *r, vg_notify_sources *out)
{
	memset(out, 0, sizeof(*out));
	out->n = vg_registry_source_count(r);
	if (out->n > VG_SOURCE_MAX)
		out->n = VG_SOURCE_MAX;
	for (unsigned i = 0; i < out->n; i++) {
		const vg_regsource *s = vg_registry_source(r, i);
		out->name[i] = s ? s->name : "?";
	}
	out->special = vg_registry_special_sources(r);
}

const char *vg_notify_channel_name(vg_notify_channel c)
{
	return c == VG_NOTIFY_EMAIL ? "email" : c == VG_NOTIFY_SMS ? "sms" : "?";
}

/* ------------------------------------------------------------ text helpers */

/* Empties b (still NUL-terminated). */
static void nb_reset(vg_notify_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

/* A date YYYY-MM-DD in words. */
static void date_words(vg_notify_buf *b, const char *iso, vg_lang lang)
{
	static const char *const fr[] = {"janvier",   "février", "mars",     "avril",
	                                 "mai",       "juin",    "juillet",  "août",
	                                 "septembre", "octobre", "novembre", "décembre"};
	static const char *const en[] = {"January",   "February", "March",    "April",
	                                  "May",       "June",     "July",     "August",
	                                  "September", "October",  "November", "December"};
	unsigned y = 0, m = 0, d = 0;
	if (sscanf(iso, "%4u-%2u-%2u", &y, &m, &d) != 3 || m < 1 || m > 12) {
		vg_buf_puts(b, iso);
		return;
	}
	if (lang == VG_LANG_EN)
		vg_buf_printf(b, "%u %s %u", d, en[m - 1], y);
	else
		vg_buf_printf(b, "%u%s %s %u", d, d == 1 ? "er" : "", fr[m - 1], y);
}

/* The content as a list of blocks, laid out as text or as HTML. */
typedef enum { BK_TITLE, BK_PARA, BK_ITEM, BK_END } bk_kind;

typedef struct layout {
	vg_notify_buf *b;
	bool html;
	bool in_list;
} layout;

/* Appends s HTML-escaped. */
static void html_esc(vg_notify_buf *b, const char *s, size_t n)
{
	size_t a = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = s[i] == '&'   ? "&amp;"
		                  : s[i] == '<' ? "&lt;"
		                  : s[i] == '>' ? "&gt;"
		                  : s[i] == '"' ? "&quot;"
		                                : NULL;
		if (!rep)
			continue;
		vg_buf_put(b, s + a, i - a);
		vg_buf_puts(b, rep);
		a = i + 1;
	}
	vg_buf_put(b, s + a, n - a);
}

/* Appends text wrapped at 72 columns; first and rest are indents. */
static void wrap(vg_notify_buf *b, const char *s, size_t n, const char *first, const char *rest)
{
	size_t col = 0, i = 0;
	vg_buf_puts(b, first);
	col = strlen(first);
	bool line_start = true;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		size_t w = i, chars = 0;
		while (w < n && s[w] != ' ') {
			if (((unsigned char)s[w] & 0xC0) != 0x80)
				chars++;
			w++;
		}
		if (w == i)
			break;
		if (!line_start && col + 1 + chars > 72) {
			vg_buf_puts(b, "\n");
			vg_buf_puts(b, rest);
			col = strlen(rest);
			line_start = true;
		}
		if (!line_start) {
			vg_buf_put(b, " ", 1);
			col++;
		}
		vg_buf_put(b, s + i, w - i);
		col += chars;
		line_start = false;
		i = w;
	}
	vg_buf_puts(b, "\n");
}

static void close_list(layout *L)
{
	if (L->in_list) {
		vg_buf_puts(L->b, L->html ? "</ul>\n" : "\n");
		L->in_list = false;
	}
}

/* One block of content. */
static void block(layout *L, bk_kind k, const char *s)
{
	size_t n = strlen(s);
	if (k != BK_ITEM)
		close_list(L);
	if (L->html) {
		switch (k) {
		case BK_TITLE:
			vg_buf_puts(L->b, "<h2>");
			html_esc(L->b, s, n);
			vg_buf_puts(L->b, "</h2>\n");
			break;
		case BK_PARA:
			vg_buf_puts(L->b, "<p>");
			html_esc(L->b, s, n);
			vg_buf_puts(L->b, "</p>\n");
			break;
		case BK_ITEM:
			if (!L->in_list)
				vg_buf_puts(L->b, "<ul>\n");
			L->in_list = true;
			vg_buf_puts(L->b, "<li>");
			html_esc(L->b, s, n);
			vg_buf_puts(L->b, "</li>\n");
			break;
		case BK_END:
			break;
		}
		return;
	}
	switch (k) {
	case BK_TITLE: {
		/* the title, underlined with as many dashes as it has characters */
		size_t chars = 0;
		for (size_t i = 0; i < n; i++)
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		vg_buf_put(L->b, s, n);
		vg_buf_puts(L->b, "\n");
		for (size_t i = 0; i < chars; i++)
			vg_buf_put(L->b, "-", 1);
		vg_buf_puts(L->b, "\n\n");
		break;
	}
	case BK_PARA:
		wrap(L->b, s, n, "", "");
		vg_buf_puts(L->b, "\n");
		break;
	case BK_ITEM:
		L->in_list = true;
		wrap(L->b, s, n, "  - ", "    ");
		break;
	case BK_END:
		break;
	}
}

/* Calls block() for each non-blank line of s. */
static void lines(layout *L, bk_kind k, const char *s)
{
	char line[4096];
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		size_t a = 0, e = n;
		while (a < e && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
			a++;
		while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
			e--;
		if (e > a && e - a < sizeof(line)) {
			memcpy(line, s + a, e - a);
			line[e - a] = 0;
			block(L, k, line);
		}
		s = nl ? nl + 1 : s + n;
	}
}

/* ------------------------------------------------------------ the content */

/* The person's content, in blocks. */
static void content(layout *L, const vg_notify_settings *s, const vg_notify_sources *src,
                    uint16_t cats, uint16_t sources, vg_lang lang)
{
	vg_notify_buf t;
	vg_buf_init(&t, 64 * 1024);
	const char *org = s->org_name ? s->org_name : "";
	bool special = (sources & src->special) != 0;

	block(L, BK_PARA, T(lang, "Madame, Monsieur,", "Dear Sir or Madam,"));
	vg_buf_printf(
	    &t,
	    T(lang,
	      "%s vous informe d'une violation de données personnelles qui vous concerne. "
	      "La loi (article 34 du RGPD) nous impose de vous le dire, et nous vous devons "
	      "une information claire : ce message dit exactement quelles données vous "
	      "concernant ont été exposées, ce que cela peut entraîner et comment vous "
	      "protéger.",
	      "%s is writing to tell you about a personal data breach that concerns you. "
	      "The law (GDPR article 34) requires us to tell you, and we owe you a clear "
	      "account: this message says exactly which data about you was exposed, what "
	      "it may lead to and how to protect yourself."),
	    org);
	block(L, BK_PARA, t.data);

	block(L, BK_TITLE, T(lang, "Ce qui s'est passé", "What happened"));
	lines(L, BK_PARA, s->nature);
	if (s->period_start[0] || s->period_end[0]) {
		nb_reset(&t);
		if (s->period_start[0] && s->period_end[0]) {
			vg_buf_puts(&t,
			            T(lang, "Les faits ont eu lieu du ", "It took place from "));
			date_words(&t, s->period_start, lang);
			vg_buf_puts(&t, T(lang, " au ", " to "));
			date_words(&t, s->period_end, lang);
		} else {
			vg_buf_puts(&t, T(lang, "Les faits ont commencé le ", "It started on "));
			date_words(&t, s->period_start[0] ? s->period_start : s->period_end, lang);
		}
		vg_buf_puts(&t, ".");
		block(L, BK_PARA, t.data);
	}

	block(L, BK_TITLE, T(lang, "Vos données concernées", "Your data concerned"));
	nb_reset(&t);
	unsigned nsrc = 0;
	for (unsigned i = 0; i < src->n; i++)
		if (sources & (1u << i)) {
			vg_buf_printf(&t, "%s%s", nsrc ? ", " : "", src->name[i]);
			nsrc++;
		}
	vg_notify_buf t2;
	vg_buf_init(&t2, 64 * 1024);
	vg_buf_printf(&t2,
	              nsrc > 1
	                  ? T(lang,
	                      "Les données suivantes vous concernant figurent dans les fichiers "
	                      "extraits (sources : %s) :",
	                      "The following data about you is in the files that were taken "
	                      "(sources: %s):")
	                  : T(lang,
	                      "Les données suivantes vous concernant figurent dans les fichiers "
	                      "extraits (source : %s) :",
	                      "The following data about you is in the files that were taken "
	                      "(source: %s):"),
	              t.data ? t.data : "");
	block(L, BK_PARA, t2.data);
	for (unsigned c = 0; c < VG_CAT__COUNT; c++)
		if (cats & VG_CAT_BIT(c))
			block(L, BK_ITEM, vg_datacat_label((vg_datacat)c, lang));
	block(L, BK_PARA,
	      T(lang,
	        "Aucune autre catégorie de données vous concernant n'a été exposée. Vos mots de "
	        "passe et vos coordonnées bancaires ne figuraient pas dans ces fichiers.",
	        "No other category of data about you was exposed. Your passwords and bank "
	        "details were not in these files."));
	if (special) {
		nb_reset(&t);
		unsigned k = 0;
		for (unsigned i = 0; i < src->n; i++)
			if (sources & src->special & (1u << i))
				vg_buf_printf(&t, "%s%s", k++ ? ", " : "", src->name[i]);
		nb_reset(&t2);
		vg_buf_printf(
		    &t2,
		    T(lang,
		      "Votre présence dans les fichiers de %s peut, à elle seule, laisser "
		      "deviner un handicap : c'est une donnée sensible (article 9 du RGPD), "
		      "que nous protégeons d'autant plus.",
		      "Being in %s's files may, by itself, reveal a disability: this is "
		      "sensitive data (GDPR article 9), which calls for even more care."),
		    t.data);
		block(L, BK_PARA, t2.data);
	}

	block(L, BK_TITLE, T(lang, "Ce que cela peut entraîner", "What this may lead to"));
	for (unsigned c = 0; c < VG_CAT__COUNT; c++) {
		if (!(cats & VG_CAT_BIT(c)))
			continue;
		nb_reset(&t);
		vg_buf_printf(&t, T(lang, "%s : %s", "%s: %s"),
		              vg_datacat_label((vg_datacat)c, lang),
		              vg_report_consequence((vg_datacat)c, lang));
		block(L, BK_ITEM, t.data);
	}
	if (special)
		block(L, BK_ITEM, vg_report_special_consequence(lang));

	block(L, BK_TITLE, T(lang, "Ce que nous avons fait", "What we have done"));
	if (s->measures_taken && *s->measures_taken)
		lines(L, BK_ITEM, s->measures_taken);
	else
		block(L, BK_ITEM,
		      T(lang, "Nous avons mis fin à l'accès frauduleux.",
		        "We have stopped the fraudulent access."));
	block(L, BK_ITEM,
	      T(lang, "Nous avons notifié la violation à la CNIL.",
	        "We have notified the breach to the CNIL (the French data protection authority)."));
	if (s->measures_proposed && *s->measures_proposed) {
		block(L, BK_PARA, T(lang, "Et nous allons :", "And we will:"));
		lines(L, BK_ITEM, s->measures_proposed);
	}

	block(L, BK_TITLE, T(lang, "Nos conseils", "Our advice"));
	uint32_t mask = cats;
	if (special)
		mask |= VG_ADVICE_SPECIAL;
	vg_advice_list al = vg_advice_for(mask, lang);
	for (size_t i = 0; i < al.n; i++) {
		nb_reset(&t);
		vg_buf_printf(&t, "%s. %s", al.item[i].title, al.item[i].text);
		block(L, BK_ITEM, t.data);
	}

	block(L, BK_TITLE,
	      T(lang, "Ce message est-il authentique ?", "Is this message genuine?"));
	nb_reset(&t);
	vg_buf_printf(
	    &t,
	    T(lang,
	      "Ce message ne contient aucun lien et ne vous demande rien : ni mot de passe, "
	      "ni coordonnées bancaires, ni paiement. Pour vérifier, tapez vous-même "
	      "l'adresse %s dans votre navigateur, ou appelez-nous au numéro habituel. "
	      "Un message qui vous demande de cliquer sur un lien au sujet de cette "
	      "violation n'est pas de nous.",
	      "This message holds no link and asks you for nothing: no password, no bank "
	      "details, no payment. To check, type the address %s into your browser "
	      "yourself, or call us on the usual number. A message about this breach that "
	      "asks you to click a link is not from us."),
	    s->site ? s->site : "");
	block(L, BK_PARA, t.data);

	block(L, BK_TITLE, T(lang, "Nous contacter", "Contact us"));
	nb_reset(&t);
	{
		const char *role = T(lang, "Délégué à la protection des données",
		                     "Data protection officer");
		if (s->dpo_name && strcmp(s->dpo_name, role) != 0)
			vg_buf_printf(&t, T(lang, "%s : %s", "%s: %s"), role, s->dpo_name);
		else
			vg_buf_puts(&t, role);
		block(L, BK_ITEM, t.data);
	}
	if (s->dpo_email) {
		nb_reset(&t);
		vg_buf_printf(&t, "%s%s", T(lang, "Courriel : ", "Email: "), s->dpo_email);
		block(L, BK_ITEM, t.data);
	}
	if (s->dpo_phone) {
		nb_reset(&t);
		vg_buf_printf(&t, "%s%s", T(lang, "Téléphone : ", "Phone: "), s->dpo_phone);
		block(L, BK_ITEM, t.data);
	}
	if (s->org_address) {
		nb_reset(&t);
		vg_buf_puts(&t, T(lang, "Courrier : ", "Post: "));
		vg_buf_puts(&t, org);
		vg_buf_puts(&t, ", ");
		for (const char *p = s->org_address; *p; p++) {
			if (*p == '\n')
				vg_buf_puts(&t, ", ");
			else
				vg_buf_put(&t, p, 1);
		}
		block(L, BK_ITEM, t.data);
	}
	block(L, BK_PARA,
	      T(lang,
	        "Vous pouvez aussi adresser une réclamation à la CNIL (Commission nationale de "
	        "l'informatique et des libertés), 3 place de Fontenoy, TSA 80715, 75334 Paris "
	        "Cedex 07, ou sur son site cnil.fr.",
	        "You may also lodge a complaint with the CNIL (the French data protection "
	        "authority), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France, or on "
	        "its site cnil.fr."));
	block(L, BK_PARA, org);
	close_list(L);
	vg_buf_release(&t);
	vg_buf_release(&t2);
}

const char *vg_notify_subject(vg_lang lang)
{
	return T(lang, "Information importante : vos données personnelles ont été exposées",
	         "Important: your personal data was exposed");
}

int vg_notify_email_text(const vg_notify_settings *s, const vg_notify_sources *src,
                         uint16_t cats, uint16_t sources, vg_lang lang, vg_notify_buf *out)
{
	layout L = {.b = out, .html = false};
	size_t before = out->len;
	content(&L, s, src, cats, sources, lang);
	if (out->full) {
		out->len = before;
		return VG_ETOOBIG;
	}
	return 0;
}

int vg_notify_email_body(const vg_notify_settings *s, const vg_notify_sources *src,
                         uint16_t cats, uint16_t sources, vg_lang lang, vg_notify_buf *out)
{
	vg_notify_buf text, html;
	vg_buf_init(&text, VG_NOTIFY_BODY_MAX);
	vg_buf_init(&html, VG_NOTIFY_BODY_MAX);
	layout L = {.b = &text, .html = false};
	content(&L, s, src, cats, sources, lang);
	layout H = {.b = &html, .html = true};
	vg_buf_printf(&html,
	              "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	              "<title>",
	              lang == VG_LANG_EN ? "en" : "fr");
	html_esc(&html, vg_notify_subject(lang), strlen(vg_notify_subject(lang)));
	vg_buf_puts(&html, "</title>\n</head>\n<body style=\"font-family: sans-serif; "
	                   "max-width: 40em; line-height: 1.4\">\n");
	content(&H, s, src, cats, sources, lang);
	vg_buf_puts(&html, "</body>\n</html>\n");

	size_t before = out->len;
	char boundary[48];
	snprintf(boundary, sizeof(boundary), "=_vigie_%02x%04x%04x", (unsigned)lang,
	         (unsigned)cats, (unsigned)sources);
	vg_buf_printf(out,
	              "MIME-Version: 1.0\r\n"
	              "Content-Type: multipart/alternative; boundary=\"%s\"\r\n"
	              "\r\n"
	              "--%s\r\n"
	              "Content-Type: text/plain; charset=utf-8\r\n"
	              "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	              boundary, boundary);
	vg_notify_qp(out, text.data ? text.data : "", text.len);
	vg_buf_printf(out,
	              "\r\n--%s\r\n"
	              "Content-Type: text/html; charset=utf-8\r\n"
	              "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	              boundary);
	vg_notify_qp(out, html.data ? html.data : "", html.len);
	vg_buf_printf(out, "\r\n--%s--\r\n", boundary);
	bool full = text.full || html.full || out->full;
	vg_buf_release(&text);
	vg_buf_release(&html);
	if (full) {
		out->len = before;
		return VG_ETOOBIG;
	}
	return 0;
}

/* RFC 5322 date, "Fri, 08 Mar 2024 10:00:00 +0100", in Paris time. */
static void rfc5322_date(vg_notify_buf *b, int64_t t)
{
	static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int32_t off = vg_report_paris_offset(t);
	int64_t l = t + off;
	int64_t days = l >= 0 ? l / 86400 : (l - 86399) / 86400;
	int64_t secs = l - days * 86400;
	/* civil from days (Howard Hinnant) */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	vg_buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", wd[((days % 7) + 7) % 7],
	              (int)d, mo[m - 1], (int)y, (int)(secs / 3600), (int)(secs / 60 % 60),
	              (int)(secs % 60), off < 0 ? '-' : '+', (int)(abs(off) / 3600),
	              (int)(abs(off) / 60 % 60));
}

void nm_headers_fixed(const vg_notify_settings *s, int64_t date, vg_lang lang, vg_notify_buf *pre,
                      vg_notify_buf *subject)
{
	/* the same calls, in the same order, as vg_notify_email_headers() */
	vg_buf_puts(pre, "Date: ");
	rfc5322_date(pre, date);
	vg_buf_puts(pre, "\r\n");
	vg_notify_header_mailbox(pre, "From", s->from_name, s->from);
	if (s->reply_to)
		vg_notify_header_mailbox(pre, "Reply-To", NULL, s->reply_to);
	vg_notify_header_text(subject, "Subject", vg_notify_subject(lang));
}

void vg_notify_email_headers(const vg_notify_settings *s, const char *plan_id, uint64_t seq,
                             int64_t date, const char *to, size_t to_len, vg_lang lang,
                             vg_notify_buf *out)
{
	vg_buf_puts(out, "Date: ");
	rfc5322_date(out, date);
	vg_buf_puts(out, "\r\n");
	vg_notify_header_mailbox(out, "From", s->from_name, s->from);
	if (s->reply_to)
		vg_notify_header_mailbox(out, "Reply-To", NULL, s->reply_to);
	vg_buf_puts(out, "To: ");
	vg_buf_put(out, to, to_len);
	vg_buf_puts(out, "\r\n");
	vg_notify_header_text(out, "Subject", vg_notify_subject(lang));
	vg_buf_printf(out, "Message-ID: <vigie.%s.%llu@%s>\r\n", plan_id, (unsigned long long)seq,
	              s->domain);
}

/* ------------------------------------------------------------ SMS */

/* Short category names for an SMS, GSM-7 only. */
static const char *sms_cat(unsigned c, vg_lang lang)
{
	static const char *const fr[VG_CAT__COUNT] = {
	    "nom", "numéro de sécurité sociale", "date de naissance", "identifiant",
	    "e-mail", "adresse", "téléphone", "sexe", "lieu de naissance", "inscription"};
	static const char *const en[VG_CAT__COUNT] = {
	    "name", "social security number", "date of birth", "identifier", "email",
	    "address", "phone", "sex", "place of birth", "registration"};
	return c < VG_CAT__COUNT ? (lang == VG_LANG_EN ? en[c] : fr[c]) : "";
}

/* Replaces characters outside GSM-7 by a base letter (é stays; ê -> e). */
static void gsm7_fold(const char *in, vg_notify_buf *out)
{
	static const struct {
		uint32_t cp;
		char c;
	} fold[] = {
	    {0xE2, 'a'}, {0xE1, 'a'}, {0xE3, 'a'}, {0xEA, 'e'}, {0xEB, 'e'}, {0xEE, 'i'},
	    {0xEF, 'i'}, {0xED, 'i'}, {0xF4, 'o'}, {0xF3, 'o'}, {0xF5, 'o'}, {0xFB, 'u'},
	    {0xFA, 'u'}, {0xE7, 'c'}, {0xC0, 'A'}, {0xC2, 'A'}, {0xC8, 'E'}, {0xCA, 'E'},
	    {0xCB, 'E'}, {0xCE, 'I'}, {0xCF, 'I'}, {0xD4, 'O'}, {0xD9, 'U'}, {0xDB, 'U'},
	    {0x2019, '\''}, {0x2018, '\''}, {0xAB, '"'}, {0xBB, '"'}, {0xA0, ' '},
	    {0x202F, ' '}, {0x2013, '-'}, {0x2014, '-'}, {0xFF, 'y'}, {0x153, 'o'},
	};
	const unsigned char *p = (const unsigned char *)in;
	size_t n = strlen(in), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t l = nb_utf8_next(p + i, n - i, &cp);
		if (l == 0) {
			vg_buf_put(out, "?", 1);
			i++;
			continue;
		}
		if (vg_sms_gsm7_cost(cp)) {
			vg_buf_put(out, p + i, l);
		} else {
			char c = '?';
			for (size_t k = 0; k < sizeof(fold) / sizeof(fold[0]); k++)
				if (fold[k].cp == cp)
					c = fold[k].c;
			vg_buf_put(out, &c, 1);
		}
		i += l;
	}
}

/* One variant: 0 with categories, 1 without. */
static void sms_variant(const vg_notify_settings *s, uint16_t cats, vg_lang lang, int v,
                        vg_notify_buf *b)
{
	const char *org = s->org_name ? s->org_name : "";
	vg_buf_printf(b, "%s : ", org);
	if (lang == VG_LANG_EN) {
		nb_reset(b);
		vg_buf_printf(b, "%s: ", org);
	}
	if (v == 0) {
		vg_buf_puts(b, T(lang, "des données vous concernant (", "data about you ("));
		unsigned k = 0;
		for (unsigned c = 0; c < VG_CAT__COUNT; c++)
			if (cats & VG_CAT_BIT(c))
				vg_buf_printf(b, "%s%s", k++ ? ", " : "", sms_cat(c, lang));
		vg_buf_puts(b, T(lang, ") ont été exposées lors d'une fuite de données. ",
		                 ") was exposed in a data breach. "));
	} else {
		vg_buf_puts(b, T(lang,
		                 "des données vous concernant ont été exposées lors d'une "
		                 "fuite de données. ",
		                 "data about you was exposed in a data breach. "));
	}
	vg_buf_printf(b,
	              T(lang,
	                "Détails et conseils : tapez l'adresse %s dans votre navigateur. Nous ne "
	                "vous demanderons jamais vos codes par message.",
	                "Details and advice: type %s into your browser yourself. We will never ask "
	                "for your codes by message."),
	              s->site ? s->site : "");
}

int vg_notify_sms_text(const vg_notify_settings *s, uint16_t cats, vg_lang lang,
                       vg_notify_buf *out, vg_sms_count *count)
{
	vg_notify_buf b, f;
	vg_buf_init(&b, 4096);
	vg_buf_init(&f, 4096);
	int rc = VG_ETOOBIG;
	for (int fold = 0; fold < 2 && rc; fold++) {
		for (int v = 0; v < 2 && rc; v++) {
			nb_reset(&b);
			nb_reset(&f);
			sms_variant(s, cats, lang, v, &b);
			const vg_notify_buf *use = &b;
			if (fold) {
				gsm7_fold(b.data, &f);
				use = &f;
			}
			vg_sms_count c;
			if (use->full || vg_sms_segments(use->data, use->len, &c) != 0)
				continue;
			if (c.segments <= VG_NOTIFY_SMS_MAX_SEGMENTS &&
			    (c.encoding == VG_SMS_GSM7 || fold)) {
				vg_buf_put(out, use->data, use->len);
				if (count)
					*count = c;
				rc = 0;
			}
		}
	}
	vg_buf_release(&b);
	vg_buf_release(&f);
	return rc;
}
