/*
 * scan.c: one message in, a verdict and its reasons out.
 *
 * The scan reads a message once and collects "hits": a reason (stable code,
 * French and English message), a detail (the domain, the words quoted) and a
 * weight in log-odds. The weights are set by hand from what each sign means
 * (a lookalike of an official domain is all but proof, a shortened link is a
 * hint); their sum is the rules' evidence. The model (model.c) gives a logit
 * from the words; the calibration fitted by `vigie scan train` turns both
 * into one probability:
 *     score = sigmoid(a * logit + c * evidence + b).
 * Without a model, score = sigmoid(evidence - 2). A decisive hit (a
 * lookalike domain, an executable attachment) sets the score to at least 0.9.
 * Verdicts: phishing from VG_SCAN_PHISHING_AT, suspicious from
 * VG_SCAN_SUSPICIOUS_AT, else legitimate.
 *
 * Text rules: rules.c. Links: urls.c and domain.c. Email: mime.c and html.c.
 * Nothing here allocates per message once the context's buffers have grown.
 */
#include "scan/scan_int.h"

#include <libpsl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uspoof.h>

/* ---- Reasons ---- */

#define R(name, code, fr, en) static const vg_reason name = {code, fr, en}

R(r_urgency, "urgency", "Le message met la pression (urgence, menace de perte)",
  "The message puts you under pressure (urgency, threat of loss)");
R(r_deadline, "deadline", "Le message impose un délai très court",
  "The message sets a short deadline");
R(r_threat, "account_threat",
  "Le message annonce un compte suspendu, bloqué ou une activité inhabituelle",
  "The message claims an account is suspended, blocked or shows unusual activity");
R(r_payment, "payment_request", "Le message réclame un paiement ou des frais",
  "The message asks for a payment or fees");
R(r_amount, "amount", "Le message mentionne une somme d'argent",
  "The message mentions a sum of money");
R(r_lure, "lure", "Le message promet un remboursement, un gain ou un cadeau",
  "The message promises a refund, a prize or a gift");
R(r_parcel, "parcel", "Le message parle d'un colis (prétexte fréquent)",
  "The message is about a parcel (a common pretext)");
R(r_action, "link_prompt", "Le message pousse à cliquer sur un lien",
  "The message urges you to click a link");
R(r_ask_cred, "asks_credentials",
  "Le message demande un mot de passe ou un code : aucun organisme sérieux ne le fait",
  "The message asks for a password or a code: no genuine organisation does");
R(r_ask_bank, "asks_bank_details", "Le message demande des coordonnées bancaires",
  "The message asks for bank details");
R(r_ask_perso, "asks_personal_data",
  "Le message demande des données personnelles ou de « mettre à jour » vos informations",
  "The message asks for personal data or to \"update\" your information");
R(r_relative, "relative_new_number",
  "Un proche prétend écrire d'un nouveau numéro et demande de l'argent (arnaque « coucou maman »)",
  "A relative claims to write from a new number and asks for money (the \"hi mum\" scam)");
R(r_advice, "security_advice",
  "Le message rappelle de ne jamais communiquer vos codes, comme le font les messages authentiques",
  "The message reminds you never to share your codes, as genuine messages do");
R(r_nir, "quotes_nir",
  "Le message cite un numéro de sécurité sociale : cela ne prouve pas qu'il est authentique, ces "
  "données ont fuité",
  "The message quotes a social security number: that proves nothing, this data has leaked");
R(r_ftid, "quotes_france_travail_id",
  "Le message cite un identifiant France Travail : cela ne prouve pas qu'il est authentique, ces "
  "données ont fuité",
  "The message quotes a France Travail identifier: that proves nothing, this data has leaked");
R(r_banknum, "bank_number_in_text", "Le message contient un IBAN ou un numéro de carte bancaire",
  "The message contains an IBAN or a payment card number");
R(r_look_homograph, "lookalike_homograph",
  "Le lien imite un site officiel avec des caractères qui se ressemblent",
  "The link imitates an official site with look-alike characters");
R(r_look_typo, "lookalike_typo", "Le lien imite un site officiel à une ou deux lettres près",
  "The link imitates an official site, one or two letters apart");
R(r_look_tld, "lookalike_tld", "Le lien reprend le nom d'un site officiel avec une autre extension",
  "The link uses an official site's name under another extension");
R(r_look_sub, "lookalike_subdomain",
  "Le lien cache le nom d'un site officiel dans l'adresse d'un autre site",
  "The link hides an official site's name inside another site's address");
R(r_look_gouv, "lookalike_gouv",
  "Le lien imite un site de l'administration (« gouv ») sans être sous gouv.fr",
  "The link imitates a French government site (\"gouv\") but is not under gouv.fr");
R(r_look_combo, "lookalike_combo",
  "Le lien mène à un domaine qui reprend le nom d'un organisme sans lui appartenir",
  "The link goes to a domain that borrows an organisation's name without belonging to it");
R(r_brand_mismatch, "brand_link_mismatch",
  "Le message se présente comme venant d'un organisme, mais le lien mène ailleurs",
  "The message presents itself as coming from an organisation, but the link goes elsewhere");
R(r_shortener, "shortener", "Lien raccourci : la vraie destination est cachée",
  "Shortened link: the real destination is hidden");
R(r_ip, "ip_host", "Le lien pointe vers une adresse IP au lieu d'un nom de site",
  "The link points to an IP address instead of a site name");
R(r_userinfo, "userinfo", "L'adresse du lien contient un « @ » qui masque la vraie destination",
  "The link's address contains an \"@\" that hides the real destination");
R(r_mixed, "mixed_script", "Le nom de domaine mélange des alphabets (caractères trompeurs)",
  "The domain name mixes alphabets (deceptive characters)");
R(r_idn, "idn", "Nom de domaine internationalisé (punycode) : vérifiez chaque caractère",
  "Internationalized domain name (punycode): check every character");
R(r_bad_idn, "bad_idn", "Nom de domaine international invalide",
  "Invalid internationalized domain name");
R(r_risky_tld, "risky_tld", "Le lien utilise une extension fréquente dans l'hameçonnage",
  "The link uses an extension common in phishing");
R(r_http, "plain_http", "Le lien n'est pas chiffré (http://)",
  "The link is not encrypted (http://)");
R(r_official, "official_links", "Les liens mènent uniquement à des sites officiels",
  "The links only go to official sites");
R(r_pressure_link, "pressure_with_link",
  "Pression ou demande sensible accompagnée d'un lien : schéma typique de l'hameçonnage",
  "Pressure or a sensitive request together with a link: the typical phishing pattern");
R(r_model, "model",
  "Le texte ressemble aux messages frauduleux ou indésirables connus (modèle statistique)",
  "The text resembles known fraudulent or unwanted messages (statistical model)");
R(r_link_text, "link_text_mismatch",
  "Le texte d'un lien affiche un site mais le lien mène à un autre",
  "A link's text shows one site but the link goes to another");
R(r_dn_brand, "display_name_brand",
  "Le nom d'expéditeur affiche un organisme, mais l'adresse d'envoi n'est pas la sienne",
  "The sender name shows an organisation, but the sending address is not its own");
R(r_dn_addr, "display_name_address",
  "Le nom d'expéditeur contient une adresse différente de l'adresse réelle",
  "The sender name contains an address that differs from the real one");
R(r_reply_to, "reply_to_elsewhere",
  "Les réponses partent vers un autre domaine que celui de l'expéditeur (Reply-To)",
  "Replies go to a different domain than the sender's (Reply-To)");
R(r_spf, "spf_fail", "Le serveur d'envoi n'est pas autorisé par le domaine (SPF en échec)",
  "The sending server is not authorized by the domain (SPF fail)");
R(r_dkim, "dkim_fail", "La signature DKIM du message est invalide",
  "The message's DKIM signature is invalid");
R(r_dmarc, "dmarc_fail", "Le message échoue au contrôle DMARC du domaine expéditeur",
  "The message fails the sender domain's DMARC check");
R(r_auth_official, "authenticated_official",
  "Message authentifié (DMARC) venant d'un domaine officiel",
  "Authenticated message (DMARC) from an official domain");
R(r_att_double, "attachment_double_extension",
  "Pièce jointe à double extension (un programme déguisé en document)",
  "Attachment with a double extension (a program disguised as a document)");
R(r_att_exec, "attachment_executable", "Pièce jointe exécutable (programme ou script)",
  "Executable attachment (program or script)");
R(r_att_macro, "attachment_macro", "Document Office à macros en pièce jointe",
  "Office document with macros attached");
R(r_att_legacy, "attachment_office_legacy",
  "Document Office ancien format (peut contenir des macros)",
  "Legacy-format Office document (may contain macros)");
R(r_att_html, "attachment_html",
  "Page HTML en pièce jointe (souvent un faux formulaire de connexion)",
  "HTML page attached (often a fake login form)");
R(r_att_disk, "attachment_disk_image",
  "Image disque en pièce jointe (ISO, IMG, VHD : contourne les protections)",
  "Disk image attached (ISO, IMG, VHD: bypasses protections)");
R(r_att_archive, "attachment_archive", "Archive en pièce jointe (peut cacher un programme)",
  "Archive attached (may hide a program)");
R(r_form, "html_form",
  "Le message contient un formulaire (les données saisies partiraient ailleurs)",
  "The message contains a form (data typed in would be sent elsewhere)");
R(r_password_field, "password_field", "Le message contient un champ de mot de passe",
  "The message contains a password field");

/* Prior log-odds when there is no model. */
#define NO_MODEL_PRIOR (-2.0)
/* A decisive hit makes the score at least this. */
#define DECISIVE_FLOOR 0.9

/* ---- Context ---- */

#define MAX_WORDS 65536
#define MAX_VERBS 32

struct vg_scan_ctx {
	const vg_scan *sc;
	vg_fold fold;
	vg_word *w;
	size_t wcap;
	vg_url urls[VG_URL_MAX];
	size_t nurls;
	vg_feats feats;
	vg_email_doc doc;
	vg_buf text;
	vg_fold small;  /* display names, anchor texts */
	uint64_t *seen; /* bitmap of feature buckets, all zero between uses */
	size_t seen_words;
};

vg_scan_ctx *vg_scan_ctx_new(const vg_scan *sc)
{
	vg_scan_ctx *cx = vg_xcalloc(1, sizeof(*cx));
	cx->sc = sc;
	return cx;
}

void vg_scan_ctx_free(vg_scan_ctx *cx)
{
	if (!cx)
		return;
	vg_fold_free(&cx->fold);
	vg_fold_free(&cx->small);
	free(cx->w);
	vg_feats_free(&cx->feats);
	vg_email_doc_free(&cx->doc);
	vg_buf_release(&cx->text);
	free(cx->seen);
	free(cx);
}

/* ---- Hits ---- */

/* Makes s valid UTF-8 in place: bytes that do not form a character (a cut,
 * a message in another encoding) become '?'. */
static void utf8_clean(char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = vg_utf8_decode((const unsigned char *)s, i, n, &cp);
		if (!len) {
			s[i++] = '?';
			continue;
		}
		i += len;
	}
}

/* Adds a hit (once per reason: a repeated reason keeps its first detail). */
VG_PRINTF(5, 6)
static void hit(vg_scan_result *r, const vg_reason *rs, float weight, bool decisive,
                const char *fmt, ...)
{
	for (size_t i = 0; i < r->nhits; i++)
		if (r->hits[i].reason == rs)
			return;
	r->evidence += weight;
	if (r->nhits == VG_SCAN_MAX_HITS) {
		r->truncated = true;
		return;
	}
	vg_scan_hit *h = &r->hits[r->nhits++];
	h->reason = rs;
	h->weight = weight;
	h->decisive = decisive;
	h->detail[0] = 0;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(h->detail, sizeof(h->detail), fmt, ap);
		va_end(ap);
		utf8_clean(h->detail);
	}
}

/* Quotes source bytes s[a..b) into out: at most 60 bytes, on a UTF-8
 * boundary, control characters as spaces, "…" when cut. */
static void quote(const char *s, size_t a, size_t b, char *out, size_t cap)
{
	size_t n = b > a ? b - a : 0, o = 0;
	bool cut = n > 60;
	if (cut) {
		n = 60;
		while (n && ((unsigned char)s[a + n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n && o + 4 < cap; i++) {
		unsigned char c = (unsigned char)s[a + i];
		out[o++] = (char)(c < 0x20 || c == 0x7F ? ' ' : c);
	}
	if (cut && o + 4 < cap) {
		memcpy(out + o, "\xE2\x80\xA6", 3);
		o += 3;
	}
	out[o] = 0;
}

/* ---- Text rules ---- */

typedef struct span {
	size_t a, b; /* words [a, b) */
} span;

typedef struct textscan {
	const vg_fold *f;
	const vg_word *w;
	size_t nw;
	bool seen[VG_RULE__COUNT];
	span first[VG_RULE__COUNT];
	span verbs[MAX_VERBS];
	size_t nverbs;
	bool ask[3];
	span ask_at[3];  /* the verb to the object */
	span ask_obj[3]; /* the object */
	int brands[16];
	size_t nbrands;
} textscan;

/* True when the word w[i] negates what follows ("ne", "jamais", "never"). */
static bool negation(const textscan *ts, size_t i)
{
	static const char *const neg[] = {"ne", "n", "jamais", "never", "not", "don", "pas", "nor"};
	const char *t = ts->f->s + ts->w[i].off;
	size_t l = ts->w[i].len;
	for (size_t k = 0; k < sizeof(neg) / sizeof(neg[0]); k++)
		if (strlen(neg[k]) == l && !memcmp(neg[k], t, l))
			return true;
	return false;
}

/* Records a brand named in the text (once). */
static void add_brand(textscan *ts, int b)
{
	for (size_t i = 0; i < ts->nbrands; i++)
		if (ts->brands[i] == b)
			return;
	if (ts->nbrands < sizeof(ts->brands) / sizeof(ts->brands[0]))
		ts->brands[ts->nbrands++] = b;
}

static void brand_cs(void *arg, int b)
{
	add_brand(arg, b);
}

/* Phrase callback: first match per rule, verbs, requests, brands. */
static void on_phrase(void *arg, int rule, int brand, size_t word, size_t nwords)
{
	textscan *ts = arg;
	span sp = {word, word + nwords};
	if (rule == VG_RULE_BRAND) {
		add_brand(ts, brand);
		return;
	}
	if (!ts->seen[rule]) {
		ts->seen[rule] = true;
		ts->first[rule] = sp;
	}
	if (rule == VG_RULE_VERB) {
		bool neg =
		    (word >= 1 && negation(ts, word - 1)) || (word >= 2 && negation(ts, word - 2));
		if (!neg && ts->nverbs < MAX_VERBS)
			ts->verbs[ts->nverbs++] = sp;
		return;
	}
	int obj = rule == VG_RULE_OBJ_CRED    ? 0
	          : rule == VG_RULE_OBJ_BANK  ? 1
	          : rule == VG_RULE_OBJ_PERSO ? 2
	                                      : -1;
	if (obj < 0 || ts->ask[obj])
		return;
	for (size_t v = ts->nverbs; v-- > 0;) {
		const span *vs = &ts->verbs[v];
		if (vs->b <= word && word - vs->b <= 6) {
			ts->ask[obj] = true;
			ts->ask_at[obj] = (span){vs->a, sp.b};
			ts->ask_obj[obj] = sp;
			return;
		}
	}
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Quote of the words [a, b) of the folded text, from the source; a number
 * at either end is quoted whole ("1,99 €", not "99 €"). */
static void quote_words(const textscan *ts, const char *src, size_t n, span sp, char *out,
                        size_t cap)
{
	size_t fa = ts->w[sp.a].off, fb = ts->w[sp.b - 1].off + ts->w[sp.b - 1].len;
	size_t a = ts->f->map[fa], b = ts->f->map[fb];
	/* the last word may come from a character that folds to several bytes
	 * ("€" -> "eur"): quote that character whole */
	size_t last = ts->f->map[fb - 1];
	if (b <= last) {
		uint32_t cp;
		size_t l = vg_utf8_decode((const unsigned char *)src, last, n, &cp);
		b = last + (l ? l : 1);
	}
	while (a >= 2 && (src[a - 1] == ',' || src[a - 1] == '.') && digit(src[a - 2]) &&
	       digit(src[a]))
		for (a -= 1; a > 0 && digit(src[a - 1]); a--)
			;
	while (b + 1 < n && (src[b] == ',' || src[b] == '.') && digit(src[b - 1]) &&
	       digit(src[b + 1]))
		for (b += 1; b < n && digit(src[b]); b++)
			;
	quote(src, a, b, out, cap);
}

/* Folds s and splits it into words, in the context's buffers. */
static size_t fold_words(vg_scan_ctx *cx, vg_fold *f, const char *s, size_t n)
{
	vg_fold_text(f, s, n);
	size_t need = f->len / 2 + 2;
	if (need > MAX_WORDS)
		need = MAX_WORDS;
	if (cx->wcap < need) {
		cx->w = vg_xrealloc(cx->w, need * sizeof(*cx->w));
		cx->wcap = need;
	}
	return vg_fold_words(f, cx->w, cx->wcap);
}

/* The text rules: hits for the red flags of src[0..n); fills ts. */
static void text_rules(vg_scan_ctx *cx, const char *src, size_t n, textscan *ts, vg_scan_result *r)
{
	const vg_scan *sc = cx->sc;
	memset(ts, 0, sizeof(*ts));
	size_t nw = fold_words(cx, &cx->fold, src, n);
	ts->f = &cx->fold;
	ts->w = cx->w;
	ts->nw = nw;
	vg_phrases_scan(sc->phrases, &cx->fold, cx->w, nw, on_phrase, ts);
	vg_brand_names_cs(&sc->brands, src, n, brand_cs, ts);
	char q[VG_SCAN_DETAIL_MAX];
	static const struct {
		int rule;
		const vg_reason *rs;
		float w;
	} simple[] = {
	    {VG_RULE_URGENCY, &r_urgency, 1.0f}, {VG_RULE_DEADLINE, &r_deadline, 0.5f},
	    {VG_RULE_THREAT, &r_threat, 1.5f},   {VG_RULE_PAYMENT, &r_payment, 1.0f},
	    {VG_RULE_AMOUNT, &r_amount, 0.3f},   {VG_RULE_LURE, &r_lure, 1.0f},
	    {VG_RULE_PARCEL, &r_parcel, 0.4f},   {VG_RULE_ADVICE, &r_advice, -1.0f},
	};
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		if (!ts->seen[simple[i].rule])
			continue;
		quote_words(ts, src, n, ts->first[simple[i].rule], q, sizeof(q));
		hit(r, simple[i].rs, simple[i].w, false, "“%s”", q);
	}
	/* "vos coordonnées bancaires" is a bank request, not also a personal one */
	for (int k = 0; k < 2; k++)
		if (ts->ask[2] && ts->ask[k] && ts->ask_obj[2].a < ts->ask_obj[k].b &&
		    ts->ask_obj[k].a < ts->ask_obj[2].b)
			ts->ask[2] = false;
	static const vg_reason *const asks[3] = {&r_ask_cred, &r_ask_bank, &r_ask_perso};
	static const float ask_w[3] = {2.5f, 2.5f, 1.5f};
	for (int k = 0; k < 3; k++) {
		if (!ts->ask[k])
			continue;
		quote_words(ts, src, n, ts->ask_at[k], q, sizeof(q));
		hit(r, asks[k], ask_w[k], false, "“%s”", q);
	}
	if (ts->seen[VG_RULE_RELATIVE]) {
		quote_words(ts, src, n, ts->first[VG_RULE_RELATIVE], q, sizeof(q));
		hit(r, &r_relative, ts->seen[VG_RULE_TRANSFER] ? 3.0f : 0.8f, false, "“%s”", q);
	}
	vg_ident_spans sp;
	unsigned ids = vg_find_identifiers(src, n, &sp);
	if (ids & VG_IDENT_NIR) {
		/* never repeat the number itself: its first 5 characters only */
		quote(src, sp.at[0], sp.at[0] + (sp.len[0] < 6 ? sp.len[0] : 6), q, sizeof(q));
		hit(r, &r_nir, 0.3f, false, "%s…", q);
	}
	if (ids & VG_IDENT_FTID)
		hit(r, &r_ftid, 0.3f, false, "%.3s…", src + sp.at[1]);
	if (ids & (VG_IDENT_IBAN | VG_IDENT_CARD)) {
		int k = (ids & VG_IDENT_IBAN) ? 2 : 3;
		hit(r, &r_banknum, 1.0f, false, "%.4s…", src + sp.at[k]);
	}
}

/* ---- Links ---- */

/* Adds the link of host info h to the result (deduplicated); returns its
 * index or -1 when already there or no room. */
static int add_link(vg_scan_result *r, const vg_scan *sc, const vg_host *h, bool http)
{
	for (size_t i = 0; i < r->nlinks; i++)
		if (!strcmp(r->links[i].host, h->unicode)) {
			r->links[i].http |= http;
			return -1;
		}
	if (r->nlinks == VG_SCAN_MAX_LINKS) {
		r->truncated = true;
		return -1;
	}
	vg_scan_link *l = &r->links[r->nlinks];
	snprintf(l->host, sizeof(l->host), "%s", h->unicode);
	snprintf(l->domain, sizeof(l->domain), "%s", h->domain);
	utf8_clean(l->host); /* a host that is not a valid name may hold any bytes */
	utf8_clean(l->domain);
	l->http = http;
	l->brand = h->brand >= 0 ? sc->brands.v[h->brand].label : NULL;
	if (h->flags & VG_HOST_OFFICIAL)
		l->kind = VG_LINK_OFFICIAL;
	else if (h->look != VG_LOOK_NONE)
		l->kind = VG_LINK_LOOKALIKE;
	else if (h->flags & VG_HOST_IP)
		l->kind = VG_LINK_IP;
	else if (h->flags & VG_HOST_SHORTENER)
		l->kind = VG_LINK_SHORTENER;
	else
		l->kind = VG_LINK_OTHER;
	return (int)r->nlinks++;
}

/* What the links of a message say, together. */
typedef struct linkstate {
	size_t n, official, other; /* links, official ones, neither official nor lookalike */
	bool lookalike;
	int brands_ok[16]; /* brands with an official link */
	size_t nbrands_ok;
	int brands_imitated[16];
	size_t nimitated;
	char first_other[VG_SCAN_HOST_MAX];
} linkstate;

/* Analyzes one URL: a link entry and its hits. */
static void one_link(vg_scan_ctx *cx, const vg_url *u, vg_scan_result *r, linkstate *ls)
{
	const vg_scan *sc = cx->sc;
	vg_host h;
	vg_host_analyze(sc, u->host, u->hostlen, &h);
	if (h.flags & VG_HOST_INVALID)
		return;
	bool http = (u->flags & VG_URL_HTTP) != 0;
	add_link(r, sc, &h, http);
	ls->n++;
	const char *label = h.brand >= 0 ? sc->brands.v[h.brand].label : "gouv.fr";
	if (h.flags & VG_HOST_OFFICIAL) {
		ls->official++;
		if (h.brand >= 0 && ls->nbrands_ok < 16)
			ls->brands_ok[ls->nbrands_ok++] = h.brand;
		if (u->flags & VG_URL_USERINFO)
			hit(r, &r_userinfo, 3.0f, false, "%s", h.unicode);
		return;
	}
	if (h.look != VG_LOOK_NONE) {
		/* as written: the capital I of "francetravaiI.fr" is the trick */
		const char *shown = (h.flags & VG_HOST_IDN) ? h.unicode : u->host;
		static const vg_reason *const looks[] = {
		    NULL,          &r_look_typo, &r_look_homograph, &r_look_tld,
		    &r_look_combo, &r_look_sub,  &r_look_gouv};
		static const float look_w[] = {0, 6, 6, 5, 5, 6, 6};
		ls->lookalike = true;
		if (h.brand >= 0 && ls->nimitated < 16)
			ls->brands_imitated[ls->nimitated++] = h.brand;
		if (h.look == VG_LOOK_GOUV)
			hit(r, &r_look_gouv, look_w[h.look], true, "%s ≠ gouv.fr", shown);
		else
			hit(r, looks[h.look], look_w[h.look], true, "%s → %s (%s)", shown,
			    h.imitated, label);
	} else {
		ls->other++;
		if (!ls->first_other[0])
			snprintf(ls->first_other, sizeof(ls->first_other), "%s", h.unicode);
	}
	if (h.flags & VG_HOST_IP)
		hit(r, &r_ip, 2.5f, false, "%s", h.unicode);
	if (u->flags & VG_URL_USERINFO)
		hit(r, &r_userinfo, 3.0f, false, "%s", h.unicode);
	if (h.flags & VG_HOST_SHORTENER)
		hit(r, &r_shortener, 1.2f, false, "%s", h.unicode);
	if (h.flags & VG_HOST_MIXED_SCRIPT)
		hit(r, &r_mixed, 3.0f, false, "%s", h.unicode);
	if (h.flags & VG_HOST_BAD_IDN)
		hit(r, &r_bad_idn, 1.5f, false, "%s", u->host);
	else if (h.flags & VG_HOST_IDN)
		hit(r, &r_idn, 0.8f, false, "%s (%s)", h.unicode, h.ascii);
	if (h.flags & VG_HOST_RISKY_TLD) {
		const char *tld = strrchr(h.ascii, '.');
		hit(r, &r_risky_tld, 0.8f, false, "%s", tld ? tld : h.ascii);
	}
	if (http)
		hit(r, &r_http, 0.3f, false, "%s", h.unicode);
}

/* True when brand b is in v[0..n). */
static bool has_brand(const int *v, size_t n, int b)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == b)
			return true;
	return false;
}

/* The hits that need both the text and the links. */
static void combine(const vg_scan *sc, const textscan *ts, const linkstate *ls, vg_scan_result *r)
{
	/* a brand named, no official link of that brand, a link elsewhere */
	if (ls->other) {
		for (size_t i = 0; i < ts->nbrands; i++) {
			int b = ts->brands[i];
			if (has_brand(ls->brands_ok, ls->nbrands_ok, b) ||
			    has_brand(ls->brands_imitated, ls->nimitated, b))
				continue;
			hit(r, &r_brand_mismatch, 2.0f, false, "%s → %s", sc->brands.v[b].label,
			    ls->first_other);
			break;
		}
	}
	if (ls->n && ls->official == ls->n)
		hit(r, &r_official, -4.0f, false, "%s", r->nlinks ? r->links[0].domain : "");
	if (ls->n > ls->official) {
		if (ts->seen[VG_RULE_ACTION])
			hit(r, &r_action, 0.5f, false, NULL);
		if (ts->seen[VG_RULE_URGENCY] || ts->seen[VG_RULE_THREAT] ||
		    ts->seen[VG_RULE_PAYMENT] || ts->ask[0] || ts->ask[1] || ts->ask[2])
			hit(r, &r_pressure_link, 1.0f, false, NULL);
	}
}

/* ---- Model features ---- */

enum { NS_SMS = 1, NS_BODY = 2, NS_SUBJECT = 3, NS_TOKEN = 4 };

/* Appends the link tokens (registrable domain, top-level domain, kind). */
static void link_features(vg_feats *f, const vg_scan_result *r, unsigned bits)
{
	char tok[VG_SCAN_HOST_MAX + 8];
	for (size_t i = 0; i < r->nlinks; i++) {
		const vg_scan_link *l = &r->links[i];
		int n = snprintf(tok, sizeof(tok), "d:%s", l->domain);
		vg_feats_token(f, tok, (size_t)n < sizeof(tok) ? (size_t)n : sizeof(tok) - 1, bits,
		               NS_TOKEN);
		const char *tld = strrchr(l->domain, '.');
		n = snprintf(tok, sizeof(tok), "t:%s", tld ? tld + 1 : l->domain);
		vg_feats_token(f, tok, (size_t)n < sizeof(tok) ? (size_t)n : sizeof(tok) - 1, bits,
		               NS_TOKEN);
		n = snprintf(tok, sizeof(tok), "k:%d", (int)l->kind);
		vg_feats_token(f, tok, (size_t)n, bits, NS_TOKEN);
	}
	vg_feats_token(f, r->nlinks ? "links" : "nolinks", r->nlinks ? 5 : 7, bits, NS_TOKEN);
}

/* ---- Scoring ---- */

static double sigmoid(double z)
{
	return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

/*
 * The shown score's log-odds from the calibrated ones: shifted piecewise
 * linearly so that the part's thresholds (calibrated by `vigie scan train`
 * at a cross-validated false-positive rate) fall on the verdict thresholds
 * VG_SCAN_PHISHING_AT and VG_SCAN_SUSPICIOUS_AT. Monotone; the identity for
 * the default thresholds (the SMS part).
 */
double vg_scan_shift(const vg_model_part *p, double z)
{
	double tp = p->thr_phish, ts = p->thr_suspicious;
	if (!(ts < tp) || (p->thr_phish == (float)VG_LOGIT_PHISHING &&
	                   p->thr_suspicious == (float)VG_LOGIT_SUSPICIOUS))
		return z;
	if (z >= tp)
		return VG_LOGIT_PHISHING + (z - tp);
	if (z <= ts)
		return VG_LOGIT_SUSPICIOUS + (z - ts);
	return VG_LOGIT_SUSPICIOUS +
	       (z - ts) * (VG_LOGIT_PHISHING - VG_LOGIT_SUSPICIOUS) / (tp - ts);
}

/* Orders hits: decisive first, then by weight, strongest first. */
static int cmp_hits(const void *a, const void *b)
{
	const vg_scan_hit *x = a, *y = b;
	if (x->decisive != y->decisive)
		return x->decisive ? -1 : 1;
	float wx = x->weight, wy = y->weight;
	if (wx != wy)
		return wx > wy ? -1 : 1;
	return strcmp(x->reason->code, y->reason->code);
}

/* The score and verdict from the evidence and the model's features. */
static void finish(vg_scan_ctx *cx, vg_scan_channel ch, vg_scan_result *r)
{
	const vg_model_part *p = &cx->sc->model.part[ch];
	double z;
	if (p->present) {
		double logit = vg_model_logit(p, &cx->feats);
		double m = p->cal_a * logit + p->cal_b;
		/* The email model learned from long messages; on a short one (few
		 * distinct features) it has little to go on, so its log-odds are
		 * pulled toward the prior in proportion. */
		if (ch == VG_SCAN_EMAIL)
			m = vg_email_shrink(m, cx->feats.n);
		r->model = sigmoid(m);
		z = vg_scan_shift(p, m + p->cal_c * r->evidence);
		if (r->model >= 0.5) {
			double ev = r->evidence;
			hit(r, &r_model, (float)(p->cal_a * logit), false, "%.0f %%",
			    100 * r->model);
			r->evidence = ev; /* reported, not counted twice */
		}
	} else {
		r->model = -1;
		z = NO_MODEL_PRIOR + r->evidence;
	}
	r->score = sigmoid(z);
	bool decisive = false;
	for (size_t i = 0; i < r->nhits; i++)
		decisive |= r->hits[i].decisive;
	if (decisive && r->score < DECISIVE_FLOOR)
		r->score = DECISIVE_FLOOR;
	r->verdict = r->score >= VG_SCAN_PHISHING_AT     ? VG_VERDICT_PHISHING
	             : r->score >= VG_SCAN_SUSPICIOUS_AT ? VG_VERDICT_SUSPICIOUS
	                                                 : VG_VERDICT_LEGITIMATE;
	qsort(r->hits, r->nhits, sizeof(r->hits[0]), cmp_hits);
}

static void result_init(vg_scan_result *r, vg_scan_channel ch)
{
	r->channel = ch;
	r->verdict = VG_VERDICT_LEGITIMATE;
	r->score = 0;
	r->model = -1;
	r->evidence = 0;
	r->nhits = r->nlinks = 0;
	r->truncated = false;
}

/* ---- SMS ---- */

/* Rules and features of a text message; returns the evidence. */
static float analyze_sms(vg_scan_ctx *cx, const char *s, size_t n, vg_scan_result *r)
{
	if (n > VG_SCAN_TEXT_MAX)
		n = VG_SCAN_TEXT_MAX;
	result_init(r, VG_SCAN_SMS);
	textscan ts;
	text_rules(cx, s, n, &ts, r);
	linkstate ls;
	memset(&ls, 0, sizeof(ls));
	cx->nurls = vg_url_extract(s, n, cx->urls, VG_URL_MAX);
	for (size_t i = 0; i < cx->nurls; i++)
		one_link(cx, &cx->urls[i], r, &ls);
	combine(cx->sc, &ts, &ls, r);
	unsigned bits = cx->sc->model.bits ? cx->sc->model.bits : VG_MODEL_BITS_DEFAULT;
	cx->feats.n = 0;
	vg_feats_text(&cx->feats, &cx->fold, cx->w, ts.nw, bits, NS_SMS, true);
	link_features(&cx->feats, r, bits);
	return (float)r->evidence;
}

void vg_scan_sms(vg_scan_ctx *cx, const char *s, size_t n, vg_scan_result *out)
{
	analyze_sms(cx, s, n, out);
	finish(cx, VG_SCAN_SMS, out);
}

float vg_scan_sms_features(vg_scan_ctx *cx, const char *s, size_t n, vg_feats *out)
{
	vg_scan_result *r = vg_xmalloc(sizeof(*r));
	float ev = analyze_sms(cx, s, n, r);
	free(r);
	out->n = 0;
	for (size_t i = 0; i < cx->feats.n; i++)
		vg_feats_add(out, cx->feats.idx[i]);
	return ev;
}

/* ---- Email ---- */

/* The registrable domain of the part after '@' of addr (empty if none). */
static void addr_domain(const vg_scan *sc, const char *addr, char *out, size_t cap)
{
	out[0] = 0;
	const char *at = strrchr(addr, '@');
	if (!at || !at[1])
		return;
	vg_host h;
	vg_host_analyze(sc, at + 1, strlen(at + 1), &h);
	if (!(h.flags & VG_HOST_INVALID))
		snprintf(out, cap, "%s", h.domain);
}

/* True when domain d (registrable) is official for brand b. */
static bool official_for(const vg_scan *sc, const char *d, int b)
{
	vg_host h;
	vg_host_analyze(sc, d, strlen(d), &h);
	return (h.flags & VG_HOST_OFFICIAL) && h.brand == b;
}

/* Brands named in a short text (display name, anchor text). */
static size_t brands_in(vg_scan_ctx *cx, const char *s, size_t n, int *out, size_t max)
{
	textscan ts;
	memset(&ts, 0, sizeof(ts));
	vg_fold_text(&cx->small, s, n);
	vg_word w[64];
	size_t nw = vg_fold_words(&cx->small, w, 64);
	ts.f = &cx->small;
	ts.w = w;
	ts.nw = nw;
	vg_phrases_scan(cx->sc->phrases, &cx->small, w, nw, on_phrase, &ts);
	vg_brand_names_cs(&cx->sc->brands, s, n, brand_cs, &ts);
	size_t k = ts.nbrands < max ? ts.nbrands : max;
	memcpy(out, ts.brands, k * sizeof(int));
	return k;
}

/* Headers: display name, Reply-To, authentication results. */
static void header_rules(vg_scan_ctx *cx, vg_scan_result *r)
{
	const vg_scan *sc = cx->sc;
	const vg_email_doc *d = &cx->doc;
	char fdom[VG_SCAN_HOST_MAX], rdom[VG_SCAN_HOST_MAX];
	addr_domain(sc, d->from_addr, fdom, sizeof(fdom));
	if (d->from_name[0]) {
		int bs[8];
		size_t nb = brands_in(cx, d->from_name, strlen(d->from_name), bs, 8);
		for (size_t i = 0; i < nb; i++) {
			if (fdom[0] && official_for(sc, fdom, bs[i]))
				continue;
			hit(r, &r_dn_brand, 3.0f, false, "“%s” <%s>", d->from_name, d->from_addr);
			break;
		}
		/* an address or a domain name inside the display name */
		vg_url u[4];
		size_t nu = vg_url_extract(d->from_name, strlen(d->from_name), u, 4);
		const char *at = strchr(d->from_name, '@');
		/* an official domain shown in the name is a strong claim; any other
		 * ("Shop.com <news@mailer.net>") is how mailing services send */
		for (size_t i = 0; i < nu && fdom[0]; i++) {
			vg_host h;
			vg_host_analyze(sc, u[i].host, u[i].hostlen, &h);
			if (!(h.flags & VG_HOST_INVALID) && strcmp(h.domain, fdom)) {
				hit(r, &r_dn_addr, (h.flags & VG_HOST_OFFICIAL) ? 3.0f : 0.5f,
				    false, "“%s” <%s>", d->from_name, d->from_addr);
				break;
			}
		}
		if (at && fdom[0]) {
			char dn[VG_SCAN_HOST_MAX];
			addr_domain(sc, at, dn, sizeof(dn));
			if (dn[0] && strcmp(dn, fdom))
				hit(r, &r_dn_addr, 2.0f, false, "“%s” <%s>", d->from_name,
				    d->from_addr);
		}
	}
	addr_domain(sc, d->reply_addr, rdom, sizeof(rdom));
	if (rdom[0] && fdom[0] && strcmp(rdom, fdom))
		hit(r, &r_reply_to,
		    vg_strmap_get(&sc->brands.freemail, rdom, strlen(rdom)) >= 0 ? 1.5f : 0.8f,
		    false, "%s → %s", fdom, rdom);
	/* Authentication-Results: method=result tokens */
	char low[sizeof(d->auth)];
	size_t al = strlen(d->auth);
	for (size_t i = 0; i <= al; i++)
		low[i] = (char)((d->auth[i] >= 'A' && d->auth[i] <= 'Z') ? d->auth[i] | 0x20
		                                                         : d->auth[i]);
	if (strstr(low, "spf=fail") || strstr(low, "received-spf=fail"))
		hit(r, &r_spf, 1.5f, false, "fail");
	else if (strstr(low, "spf=softfail") || strstr(low, "received-spf=softfail"))
		hit(r, &r_spf, 0.7f, false, "softfail");
	if (strstr(low, "dkim=fail"))
		hit(r, &r_dkim, 1.5f, false, NULL);
	if (strstr(low, "dmarc=fail"))
		hit(r, &r_dmarc, 2.5f, false, NULL);
	if (strstr(low, "dmarc=pass") && fdom[0]) {
		vg_host h;
		vg_host_analyze(sc, fdom, strlen(fdom), &h);
		if (h.flags & VG_HOST_OFFICIAL)
			hit(r, &r_auth_official, -2.5f, false, "%s", fdom);
	}
}

/* True when ext (lowercase, no dot) is in the list. */
static bool ext_in(const char *ext, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(ext, *list))
			return true;
	return false;
}

static const char *const exec_ext[] = {
    "exe", "scr", "com", "pif",  "bat",  "cmd",         "js",     "jse", "vbs", "vbe", "wsf",
    "wsh", "hta", "msi", "msp",  "lnk",  "jar",         "ps1",    "cpl", "dll", "reg", "apk",
    "app", "sh",  "run", "appx", "msix", "application", "gadget", "inf", "scf", "url", NULL};
static const char *const doc_ext[] = {
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "jpg", "jpeg", "png", "gif",
    "odt", "ods", "csv",  "htm", "html", "zip", "mp3",  "mp4", "avi", "eml", "msg",  NULL};
static const char *const macro_ext[] = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm",
                                        "potm", "ppam", "ppsm", "sldm", NULL};
static const char *const legacy_ext[] = {"doc", "xls", "ppt", "dot", "xlt", "pps", NULL};
static const char *const html_ext[] = {"html", "htm", "shtml", "xhtml",
                                       "svg",  "mht", "mhtml", NULL};
static const char *const disk_ext[] = {"iso", "img", "vhd", "vhdx", "udf", NULL};
static const char *const archive_ext[] = {"zip", "rar", "7z", "ace", "arj", "cab", "gz", "tgz",
                                          "tar", "bz2", "xz", "lzh", "lha", "r00", "z",  NULL};

/* The last extension of name (lowercase, without the dot) into ext; the one
 * before it into prev. Trailing blanks and dots are ignored. */
static void extensions(const char *name, char *ext, char *prev, size_t cap)
{
	char n[128];
	size_t l = strlen(name);
	if (l >= sizeof(n))
		l = sizeof(n) - 1;
	for (size_t i = 0; i < l; i++)
		n[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] | 0x20 : name[i]);
	while (l && (n[l - 1] == ' ' || n[l - 1] == '.'))
		l--;
	n[l] = 0;
	ext[0] = prev[0] = 0;
	char *d = strrchr(n, '.');
	if (!d)
		return;
	snprintf(ext, cap, "%s", d + 1);
	*d = 0;
	size_t pl = strlen(n);
	while (pl && n[pl - 1] == ' ')
		n[--pl] = 0;
	char *d2 = strrchr(n, '.');
	if (d2)
		snprintf(prev, cap, "%s", d2 + 1);
}

/* Attachments: what their names and types say. */
static void attachment_rules(vg_scan_ctx *cx, vg_scan_result *r)
{
	const vg_email_doc *d = &cx->doc;
	for (size_t i = 0; i < d->natt; i++) {
		const vg_attachment *a = &d->att[i];
		char ext[32], prev[32];
		extensions(a->name, ext, prev, sizeof(ext));
		bool rlo =
		    strstr(a->name, "\xE2\x80\xAE") != NULL; /* U+202E right-to-left override */
		bool exec = ext_in(ext, exec_ext) ||
		            !strcmp(a->ctype, "application/x-msdownload") ||
		            !strcmp(a->ctype, "application/x-dosexec") ||
		            !strcmp(a->ctype, "application/hta") ||
		            !strcmp(a->ctype, "application/x-ms-shortcut");
		if ((exec && prev[0] && ext_in(prev, doc_ext)) || rlo)
			hit(r, &r_att_double, 6.0f, true, "%s", a->name);
		else if (exec)
			hit(r, &r_att_exec, 5.0f, true, "%s", a->name[0] ? a->name : a->ctype);
		if (ext_in(ext, macro_ext) || strstr(a->ctype, "macroenabled"))
			hit(r, &r_att_macro, 3.0f, false, "%s", a->name);
		else if (ext_in(ext, legacy_ext))
			hit(r, &r_att_legacy, 0.8f, false, "%s", a->name);
		if (ext_in(ext, html_ext) || (!strcmp(a->ctype, "text/html") && a->name[0]))
			hit(r, &r_att_html, 2.5f, false, "%s", a->name);
		if (ext_in(ext, disk_ext) || !strcmp(a->ctype, "application/x-iso9660-image"))
			hit(r, &r_att_disk, 3.5f, false, "%s", a->name);
		if (ext_in(ext, archive_ext) || !strcmp(a->ctype, "application/zip") ||
		    !strcmp(a->ctype, "application/x-rar-compressed") ||
		    !strcmp(a->ctype, "application/x-7z-compressed"))
			hit(r, &r_att_archive, 1.0f, false, "%s", a->name);
	}
	if (d->has_password_input)
		hit(r, &r_password_field, 3.0f, false, NULL);
	else if (d->has_form)
		hit(r, &r_form, 0.3f, false, NULL);
}

/*
 * Anchors: the domain a link's text names against the one it points to.
 * Newsletters send every link through a click-tracking domain, so a
 * mismatch alone is a weak sign; it is a strong one when the text shows an
 * official domain and the link leaves it, or when the link goes to an IP
 * address or a lookalike.
 */
static void anchor_rules(vg_scan_ctx *cx, vg_scan_result *r, linkstate *ls)
{
	const vg_scan *sc = cx->sc;
	const vg_email_doc *d = &cx->doc;
	char weak[VG_SCAN_DETAIL_MAX] = "";
	bool strong = false;
	for (size_t i = 0; i < d->nanchors; i++) {
		const vg_anchor *an = &d->anchors[i];
		vg_url href;
		if (!vg_url_parse_href(d->strings.data + an->href_off, an->href_len, &href))
			continue;
		one_link(cx, &href, r, ls);
		if (!an->text_len || strong)
			continue;
		vg_url shown[2];
		size_t ns = vg_url_extract(d->strings.data + an->text_off, an->text_len, shown, 2);
		if (!ns)
			continue;
		vg_host hh, hs;
		vg_host_analyze(sc, href.host, href.hostlen, &hh);
		vg_host_analyze(sc, shown[0].host, shown[0].hostlen, &hs);
		if ((hh.flags | hs.flags) & VG_HOST_INVALID || !strcmp(hh.domain, hs.domain))
			continue;
		bool official_left = (hs.flags & VG_HOST_OFFICIAL) &&
		                     !((hh.flags & VG_HOST_OFFICIAL) && hh.brand == hs.brand);
		if (official_left || (hh.flags & VG_HOST_IP) || hh.look != VG_LOOK_NONE) {
			hit(r, &r_link_text, 3.0f, false, "%s → %s", hs.unicode, hh.unicode);
			strong = true;
		} else if (!weak[0]) {
			snprintf(weak, sizeof(weak), "%.70s → %.70s", hs.unicode, hh.unicode);
		}
	}
	if (!strong && weak[0])
		hit(r, &r_link_text, 0.5f, false, "%s", weak);
}

/* Appends a named token (cut to the buffer). */
static void token(vg_feats *f, unsigned bits, const char *fmt, ...) VG_PRINTF(3, 4);
static void token(vg_feats *f, unsigned bits, const char *fmt, ...)
{
	char tok[VG_SCAN_HOST_MAX + 16];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tok, sizeof(tok), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	vg_feats_token(f, tok, (size_t)n < sizeof(tok) ? (size_t)n : sizeof(tok) - 1, bits,
	               NS_TOKEN);
}

/* "same" or "other": how host's registrable domain compares with the
 * sender's registrable domain fdom; NULL when either is unknown. */
static const char *same_domain(const vg_scan *sc, const char *host, const char *fdom)
{
	if (!host[0] || !fdom[0])
		return NULL;
	char d[VG_SCAN_HOST_MAX];
	vg_registrable(sc, host, d, sizeof(d));
	return strcmp(d, fdom) ? "other" : "same";
}

/*
 * The headers that tell legitimate bulk mail (mailing lists, newsletters)
 * from spam (VG_EF_BULK): List-Unsubscribe and List-Id, Precedence, a DKIM
 * or DomainKeys signature, whether the Return-Path and Message-ID domains
 * are the sender's, the length of the Received chain, the top content type.
 * Only what is there makes a token: a message pasted without its headers is
 * not judged by their absence. Their weights are learned; whether they are
 * used at all is decided by cross-validation on the training split
 * (train.c).
 */
static void bulk_features(vg_scan_ctx *cx, const char *fdom, unsigned bits)
{
	const vg_email_doc *d = &cx->doc;
	vg_feats *f = &cx->feats;
	if (d->list_unsubscribe)
		token(f, bits, "b:lu");
	if (d->list_id)
		token(f, bits, "b:li");
	if (d->dkim_signature)
		token(f, bits, "b:dkim");
	if (d->precedence[0])
		token(f, bits, "b:prec:%s", d->precedence);
	const char *rp = strrchr(d->return_path, '@');
	char host[VG_SCAN_HOST_MAX];
	snprintf(host, sizeof(host), "%s", rp ? rp + 1 : "");
	for (char *p = host; *p; p++)
		*p = (char)((*p >= 'A' && *p <= 'Z') ? *p | 0x20 : *p);
	const char *cmp = same_domain(cx->sc, host, fdom);
	if (cmp)
		token(f, bits, "b:rp:%s", cmp);
	cmp = same_domain(cx->sc, d->msgid_domain, fdom);
	if (cmp)
		token(f, bits, "b:mid:%s", cmp);
	if (d->nreceived)
		token(f, bits, "b:rcv:%u", d->nreceived < 8 ? d->nreceived : 8);
	if (d->top_ctype[0])
		token(f, bits, "b:ct:%s", d->top_ctype);
}

/* Appends the email's own features: subject words, sender domain,
 * attachment types, structure, links; and the optional groups. */
static void email_features(vg_scan_ctx *cx, const vg_scan_result *r, unsigned bits, uint32_t groups)
{
	const vg_email_doc *d = &cx->doc;
	vg_feats *f = &cx->feats;
	if (d->subject.len) {
		size_t nw = fold_words(cx, &cx->small, d->subject.data, d->subject.len);
		vg_feats_text(f, &cx->small, cx->w, nw, bits, NS_SUBJECT, true);
	}
	char tok[VG_SCAN_HOST_MAX + 8], fdom[VG_SCAN_HOST_MAX];
	addr_domain(cx->sc, d->from_addr, fdom, sizeof(fdom));
	int n = snprintf(tok, sizeof(tok), "fd:%s", fdom);
	vg_feats_token(f, tok, (size_t)n < sizeof(tok) ? (size_t)n : sizeof(tok) - 1, bits,
	               NS_TOKEN);
	const char *tld = strrchr(fdom, '.');
	n = snprintf(tok, sizeof(tok), "ft:%s", tld ? tld + 1 : fdom);
	vg_feats_token(f, tok, (size_t)n < sizeof(tok) ? (size_t)n : sizeof(tok) - 1, bits,
	               NS_TOKEN);
	for (size_t i = 0; i < d->natt; i++) {
		char ext[32], prev[32];
		extensions(d->att[i].name, ext, prev, sizeof(ext));
		n = snprintf(tok, sizeof(tok), "ax:%s", ext[0] ? ext : d->att[i].ctype);
		vg_feats_token(f, tok, (size_t)n < sizeof(tok) ? (size_t)n : sizeof(tok) - 1, bits,
		               NS_TOKEN);
	}
	if (d->html_only)
		vg_feats_token(f, "htmlonly", 8, bits, NS_TOKEN);
	link_features(f, r, bits);
	if (groups & VG_EF_BULK)
		bulk_features(cx, fdom, bits);
	if (groups & VG_EF_HNAMES)
		for (size_t i = 0; i < d->nhnames; i++)
			token(f, bits, "h:%s", d->hnames[i]);
	if (groups & VG_EF_RULES)
		for (size_t i = 0; i < r->nhits; i++)
			token(f, bits, "r:%s", r->hits[i].reason->code);
}

/* Keeps each feature once (presence, not counts): a newsletter repeating a
 * word fifty times says it no louder. A bitmap of the buckets, cleared
 * after use, makes it linear. */
static void dedup(vg_scan_ctx *cx, unsigned bits)
{
	size_t words = ((size_t)1 << bits) / 64;
	if (cx->seen_words != words) {
		free(cx->seen);
		cx->seen = vg_xcalloc(words, sizeof(uint64_t));
		cx->seen_words = words;
	}
	vg_feats *f = &cx->feats;
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++) {
		uint32_t x = f->idx[i];
		uint64_t bit = 1ull << (x & 63);
		if (cx->seen[x >> 6] & bit)
			continue;
		cx->seen[x >> 6] |= bit;
		f->idx[k++] = x;
	}
	f->n = k;
	for (size_t i = 0; i < k; i++)
		cx->seen[f->idx[i] >> 6] = 0;
}

/* Skips a leading mbox "From " line. */
static void skip_from_line(const char **raw, size_t *n)
{
	if (*n >= 5 && !memcmp(*raw, "From ", 5)) {
		const char *nl = memchr(*raw, '\n', *n);
		size_t skip = nl ? (size_t)(nl - *raw) + 1 : *n;
		*raw += skip;
		*n -= skip;
	}
}

/* Rules and features of an email; returns the evidence. */
static float analyze_email(vg_scan_ctx *cx, const char *raw, size_t n, vg_scan_result *r)
{
	result_init(r, VG_SCAN_EMAIL);
	skip_from_line(&raw, &n);
	vg_email_parse(&cx->doc, raw, n);
	const vg_email_doc *d = &cx->doc;
	/* the text the rules read: subject, then body */
	cx->text.len = 0;
	if (d->subject.len) {
		vg_buf_put(&cx->text, d->subject.data, d->subject.len);
		vg_buf_putc(&cx->text, '\n');
	}
	if (d->text.len)
		vg_buf_put(&cx->text, d->text.data, d->text.len);
	const char *t = cx->text.data ? cx->text.data : "";
	textscan ts;
	text_rules(cx, t, cx->text.len, &ts, r);
	linkstate ls;
	memset(&ls, 0, sizeof(ls));
	cx->nurls = vg_url_extract(t, cx->text.len, cx->urls, VG_URL_MAX);
	for (size_t i = 0; i < cx->nurls; i++)
		one_link(cx, &cx->urls[i], r, &ls);
	anchor_rules(cx, r, &ls);
	/* In an email, the sender claims an identity in the From name and the
	 * subject; the body names brands for many honest reasons (a newsletter,
	 * an order). So only those brands count for the link mismatch, and not
	 * when the sending domain is the brand's own. */
	{
		int bs[8];
		char fdom[VG_SCAN_HOST_MAX];
		addr_domain(cx->sc, d->from_addr, fdom, sizeof(fdom));
		ts.nbrands = 0;
		size_t nb = brands_in(cx, d->from_name, strlen(d->from_name), bs, 8);
		for (size_t i = 0; i < nb; i++)
			if (!fdom[0] || !official_for(cx->sc, fdom, bs[i]))
				add_brand(&ts, bs[i]);
		nb = d->subject.len ? brands_in(cx, d->subject.data, d->subject.len, bs, 8) : 0;
		for (size_t i = 0; i < nb; i++)
			if (!fdom[0] || !official_for(cx->sc, fdom, bs[i]))
				add_brand(&ts, bs[i]);
	}
	combine(cx->sc, &ts, &ls, r);
	header_rules(cx, r);
	attachment_rules(cx, r);
	unsigned bits = cx->sc->model.bits ? cx->sc->model.bits : VG_MODEL_BITS_DEFAULT;
	cx->feats.n = 0;
	/* features read at most the first 32 KiB of folded text */
	size_t nw = ts.nw;
	while (nw && cx->w[nw - 1].off > 32768)
		nw--;
	uint32_t groups = cx->sc->model.part[VG_SCAN_EMAIL].features;
	vg_feats_text(&cx->feats, &cx->fold, cx->w, nw, bits, NS_BODY, true);
	email_features(cx, r, bits, groups);
	if (!(groups & VG_EF_COUNTS))
		dedup(cx, bits);
	return (float)r->evidence;
}

int vg_scan_email(vg_scan_ctx *cx, const char *raw, size_t n, vg_scan_result *out)
{
	if (n > VG_SCAN_EMAIL_MAX) {
		result_init(out, VG_SCAN_EMAIL);
		return VG_ETOOBIG;
	}
	analyze_email(cx, raw, n, out);
	finish(cx, VG_SCAN_EMAIL, out);
	return 0;
}

float vg_scan_email_features(vg_scan_ctx *cx, const char *raw, size_t n, vg_feats *out,
                             bool *decisive)
{
	vg_scan_result *r = vg_xmalloc(sizeof(*r));
	float ev = analyze_email(cx, raw, n > VG_SCAN_EMAIL_MAX ? VG_SCAN_EMAIL_MAX : n, r);
	*decisive = false;
	for (size_t i = 0; i < r->nhits; i++)
		*decisive |= r->hits[i].decisive;
	free(r);
	out->n = 0;
	for (size_t i = 0; i < cx->feats.n; i++)
		vg_feats_add(out, cx->feats.idx[i]);
	return ev;
}

/* ---- Scanner ---- */

int vg_scan_open(const char *model_path, vg_scan **out, vg_err *err)
{
	*out = NULL;
	vg_scan *sc = vg_xcalloc(1, sizeof(*sc));
	UErrorCode e = U_ZERO_ERROR;
	sc->spoof = uspoof_open(&e);
	if (U_FAILURE(e)) {
		free(sc);
		return vg_err_set(err, VG_EINTERNAL, "ICU spoof checker: %s", u_errorName(e));
	}
	sc->psl = psl_builtin();
	if (!sc->psl) {
		uspoof_close(sc->spoof);
		free(sc);
		return vg_err_set(err, VG_EINTERNAL, "libpsl has no built-in Public Suffix List");
	}
	int rc = vg_brands_parse(&sc->brands, (const char *)vg_scan_builtin_brands,
	                         vg_scan_builtin_brands_len, sc->spoof, err);
	if (rc) {
		uspoof_close(sc->spoof);
		free(sc);
		return rc;
	}
	sc->phrases = vg_phrases_build(&sc->brands);
	if (model_path == NULL) {
		if (vg_scan_builtin_model_len)
			rc = vg_model_load(&sc->model, vg_scan_builtin_model,
			                   vg_scan_builtin_model_len, err);
	} else if (model_path[0]) {
		rc = vg_model_load_file(&sc->model, model_path, err);
	}
	if (rc) {
		vg_scan_close(sc);
		return rc;
	}
	*out = sc;
	return 0;
}

void vg_scan_close(vg_scan *sc)
{
	if (!sc)
		return;
	vg_brands_free(&sc->brands);
	vg_phrases_free(sc->phrases);
	vg_model_free(&sc->model);
	if (sc->spoof)
		uspoof_close(sc->spoof);
	free(sc);
}

bool vg_scan_has_model(const vg_scan *sc, vg_scan_channel ch)
{
	return sc->model.part[ch].present;
}

/* ---- Output ---- */

const char *vg_verdict_name(vg_verdict v)
{
	return v == VG_VERDICT_PHISHING     ? "phishing"
	       : v == VG_VERDICT_SUSPICIOUS ? "suspicious"
	                                    : "legitimate";
}

const char *vg_verdict_text(vg_verdict v, vg_lang lang)
{
	if (lang == VG_LANG_EN)
		return vg_verdict_name(v);
	return v == VG_VERDICT_PHISHING     ? "hameçonnage"
	       : v == VG_VERDICT_SUSPICIOUS ? "suspect"
	                                    : "légitime";
}

void vg_scan_hit_message(const vg_scan_hit *h, vg_lang lang, char *buf, size_t cap)
{
	const char *t = vg_reason_text(h->reason, lang);
	if (h->detail[0])
		snprintf(buf, cap, lang == VG_LANG_EN ? "%s: %s" : "%s : %s", t, h->detail);
	else
		snprintf(buf, cap, "%s", t);
}

static const char *link_kind_name(vg_link_kind k)
{
	static const char *const names[] = {"other", "official", "lookalike", "shortener", "ip"};
	return names[k];
}

json_t *vg_scan_result_json(const vg_scan_result *r, vg_lang lang)
{
	json_t *o = json_object();
	json_object_set_new(o, "channel",
	                    json_string(r->channel == VG_SCAN_EMAIL ? "email" : "sms"));
	json_object_set_new(o, "verdict", json_string(vg_verdict_name(r->verdict)));
	json_object_set_new(o, "score", json_real(round(r->score * 1000) / 1000));
	json_object_set_new(o, "model",
	                    r->model < 0 ? json_null() : json_real(round(r->model * 1000) / 1000));
	json_t *reasons = json_array();
	for (size_t i = 0; i < r->nhits; i++) {
		const vg_scan_hit *h = &r->hits[i];
		json_t *x = json_object();
		json_object_set_new(x, "code", json_string(h->reason->code));
		json_object_set_new(x, "message", json_string(vg_reason_text(h->reason, lang)));
		json_object_set_new(x, "detail",
		                    h->detail[0] ? json_string(h->detail) : json_null());
		json_object_set_new(x, "weight", json_real(round(h->weight * 100) / 100));
		if (h->decisive)
			json_object_set_new(x, "decisive", json_true());
		json_array_append_new(reasons, x);
	}
	json_object_set_new(o, "reasons", reasons);
	json_t *links = json_array();
	for (size_t i = 0; i < r->nlinks; i++) {
		const vg_scan_link *l = &r->links[i];
		json_t *x = json_object();
		json_object_set_new(x, "host", json_string(l->host));
		json_object_set_new(x, "domain", json_string(l->domain));
		json_object_set_new(x, "kind", json_string(link_kind_name(l->kind)));
		json_object_set_new(x, "brand", l->brand ? json_string(l->brand) : json_null());
		json_object_set_new(x, "http", json_boolean(l->http));
		json_array_append_new(links, x);
	}
	json_object_set_new(o, "links", links);
	if (r->truncated)
		json_object_set_new(o, "truncated", json_true());
	return o;
}
