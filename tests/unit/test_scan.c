/*
 * test_scan.c: the scanner's text side: folding, URL extraction, domain
 * analysis (official, lookalikes, IDN, shorteners, IP), each text rule, the
 * identifiers quoted in a message, the brand list parser, scoring and the
 * verdicts of whole SMS. Inputs are copied into exact-size heap buffers so
 * the sanitizers catch a read past the end.
 */
#include "scan/scan_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static vg_scan *sc_rules; /* no model: rules only */
static vg_scan *sc_full;  /* built-in model */

static int setup(void **state)
{
	(void)state;
	vg_err err = {0};
	if (vg_scan_open("", &sc_rules, &err) != 0 || vg_scan_open(NULL, &sc_full, &err) != 0) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vg_scan_close(sc_rules);
	vg_scan_close(sc_full);
	return 0;
}

/* An exact-size heap copy of s. */
static char *dup_exact(const char *s, size_t n)
{
	char *b = malloc(n ? n : 1);
	assert_non_null(b);
	memcpy(b, s, n);
	return b;
}

/* ---- Folding ---- */

static void expect_fold(const char *in, const char *out)
{
	vg_fold f = {0};
	size_t n = strlen(in);
	char *b = dup_exact(in, n);
	vg_fold_text(&f, b, n);
	if (strcmp(f.s, out) != 0)
		fail_msg("fold '%s': expected '%s', got '%s'", in, out, f.s);
	/* the map is non-decreasing and ends at n */
	for (size_t i = 1; i <= f.len; i++)
		assert_true(f.map[i] >= f.map[i - 1]);
	assert_int_equal(f.map[f.len], n);
	free(b);
	vg_fold_free(&f);
}

static void test_fold(void **state)
{
	(void)state;
	expect_fold("Réglez IMMÉDIATEMENT", "reglez immediatement");
	expect_fold("Œuvre façade naïve", "oeuvre facade naive");
	expect_fold("1,99 €", "0,00 eur");
	expect_fold("£100 or $5", "gbp 000 or usd 0");
	expect_fold("montant de XXXX € le XX/XX", "montant de 0000 eur le 00/00");
	expect_fold("XBOX Xavier", "xbox xavier");     /* X inside words stays a letter */
	expect_fold("LP995215701FR", "lp000000000fr"); /* digits in words are digits */
	expect_fold("a\xE2\x80\x8B"
	            "meli",
	            "ameli");                          /* zero-width space vanishes */
	expect_fold("e\xCC\x81t\xC3\xA9", "ete");      /* combining accent */
	expect_fold("\xEF\xBC\xA1\xEF\xBD\x82", "ab"); /* fullwidth letters */
	expect_fold("  hello \t\n world  ", "hello world");
	expect_fold("caf\xE9", "cafe");              /* Latin-1 byte read as Windows-1252 */
	expect_fold("\x80 5", "eur 0");              /* Windows-1252 euro sign */
	expect_fold("\xD0\xB0meli", "\xD0\xB0meli"); /* Cyrillic a kept */
	expect_fold("l'accès d'urgence", "l'acces d'urgence");
	expect_fold("", "");
	vg_fold f = {0};
	vg_fold_text(&f, "Le code : 12", 12);
	vg_word w[8];
	size_t nw = vg_fold_words(&f, w, 8);
	assert_int_equal(nw, 3);
	assert_int_equal(w[2].len, 2);
	assert_memory_equal(f.s + w[2].off, "00", 2);
	assert_int_equal(vg_fold_words(&f, w, 2), 2); /* capped */
	vg_fold_free(&f);
}

/* ---- URL extraction ---- */

/* Extracts from text and checks the hosts found, in order (NULL-ended). */
static void expect_urls(const char *text, const char *const *hosts)
{
	size_t n = strlen(text);
	char *b = dup_exact(text, n);
	vg_url u[VG_URL_MAX];
	size_t k = vg_url_extract(b, n, u, VG_URL_MAX);
	size_t want = 0;
	while (hosts[want])
		want++;
	if (k != want)
		fail_msg("'%s': %zu URLs, expected %zu (first: %s)", text, k, want,
		         k ? u[0].host : "-");
	for (size_t i = 0; i < k; i++) {
		if (strcmp(u[i].host, hosts[i]) != 0)
			fail_msg("'%s': URL %zu host '%s', expected '%s'", text, i, u[i].host,
			         hosts[i]);
		assert_true(u[i].off + u[i].len <= n);
	}
	free(b);
}

#define URLS(text, ...) expect_urls(text, (const char *const[]){__VA_ARGS__, NULL})
#define NO_URLS(text) expect_urls(text, (const char *const[]){NULL})

static void test_urls(void **state)
{
	(void)state;
	URLS("Payez sur https://ameli-remboursement.com/form?id=3.", "ameli-remboursement.com");
	URLS("http://a.b.example.fr:8080/x et www.francetravail.fr", "a.b.example.fr",
	     "www.francetravail.fr");
	URLS("rdv sur francetravail.fr ou caf.fr, merci", "francetravail.fr", "caf.fr");
	URLS("suivez http //cutt.us/ EwWMp", "cutt.us");            /* SPAM-Hunter's lost colons */
	URLS("HXXPS://evil.example.com/login", "evil.example.com"); /* defanged */
	URLS("(voir https://x.org/a).", "x.org");
	URLS("http://ameli.fr@evil.ru/x", "evil.ru"); /* user part skipped */
	URLS("http://192.168.1.20/login", "192.168.1.20");
	URLS("ip 10.0.0.1/admin", "10.0.0.1");
	URLS("Consultez-le : mon-espace-sante.help", "mon-espace-sante.help");
	URLS("https://\xD0\xB0meli.fr/remb", "\xD0\xB0meli.fr"); /* Cyrillic a */
	URLS("http://[2001:db8::1]/x", "[2001:db8::1]");
	URLS("bit.ly/abc", "bit.ly");
	URLS("go.to/page", "go.to"); /* weak TLD with a path */
	NO_URLS("Ok.Do you want tea? Ok.Call me later");
	NO_URLS("Écrivez à contact@ameli.fr pour toute question"); /* a mail address */
	NO_URLS("Il est 12.30, le prix est 1.50 et la date 24.07.2018");
	NO_URLS("lar... Joking wif u oni...");
	NO_URLS("192.168.1.1 sans chemin");
	NO_URLS("http:// nothing");
	NO_URLS("");
	/* the flags */
	vg_url u[4];
	const char *t = "http://ameli.fr@evil.ru:8080/x https://a.fr www.b.fr c.com http //d.fr";
	size_t k = vg_url_extract(t, strlen(t), u, 4);
	assert_int_equal(k, 4);
	assert_true(u[0].flags & VG_URL_HTTP);
	assert_true(u[0].flags & VG_URL_USERINFO);
	assert_true(u[0].flags & VG_URL_PORT);
	assert_true(u[0].flags & VG_URL_PATH);
	assert_true(u[1].flags & VG_URL_HTTPS);
	assert_true(u[2].flags & VG_URL_WWW);
	assert_true(u[3].flags & VG_URL_BARE);
	/* at most max URLs */
	t = "a.com b.com c.com d.com e.com";
	assert_int_equal(vg_url_extract(t, strlen(t), u, 3), 3);
	/* hrefs */
	vg_url h;
	assert_true(vg_url_parse_href(" https://x.fr/a", 15, &h));
	assert_string_equal(h.host, "x.fr");
	assert_true(vg_url_parse_href("//cdn.example.com/a.js", 22, &h));
	assert_string_equal(h.host, "cdn.example.com");
	assert_false(vg_url_parse_href("mailto:a@b.fr", 13, &h));
	assert_false(vg_url_parse_href("/relative/path", 14, &h));
	assert_false(vg_url_parse_href("javascript:void(0)", 18, &h));
}

/* ---- Domains ---- */

static void analyze(const char *host, vg_host *h)
{
	size_t n = strlen(host);
	char *b = dup_exact(host, n);
	vg_host_analyze(sc_rules, b, n, h);
	free(b);
}

static void expect_official(const char *host, const char *brand_label)
{
	vg_host h;
	analyze(host, &h);
	if (!(h.flags & VG_HOST_OFFICIAL))
		fail_msg("%s: expected official", host);
	assert_int_equal(h.look, VG_LOOK_NONE);
	if (brand_label)
		assert_string_equal(sc_rules->brands.v[h.brand].label, brand_label);
	else
		assert_int_equal(h.brand, -1);
}

static void expect_look(const char *host, vg_look look, const char *imitated)
{
	vg_host h;
	analyze(host, &h);
	if (h.look != look)
		fail_msg("%s: expected lookalike kind %d, got %d (flags %u)", host, look, h.look,
		         h.flags);
	assert_false(h.flags & VG_HOST_OFFICIAL);
	if (imitated)
		assert_string_equal(h.imitated, imitated);
}

static void expect_plain(const char *host)
{
	vg_host h;
	analyze(host, &h);
	if (h.look != VG_LOOK_NONE || (h.flags & VG_HOST_OFFICIAL))
		fail_msg("%s: expected an ordinary domain, got look %d flags %u", host, h.look,
		         h.flags);
}

static void test_domains(void **state)
{
	(void)state;
	expect_official("francetravail.fr", "France Travail");
	expect_official("candidat.francetravail.fr", "France Travail");
	expect_official("WWW.AMELI.FR", "Assurance Maladie");
	expect_official("www.impots.gouv.fr", "Finances publiques (impots.gouv.fr)");
	expect_official("pole-emploi.fr", "France Travail");
	expect_official("www.laposte.fr", "La Poste / Colissimo");
	expect_official("ants.gouv.fr", "ANTS");
	expect_official("www.demarches.interieur.gouv.fr", NULL); /* any gouv.fr */
	/* typosquats and homographs */
	expect_look("francetravaiI.fr", VG_LOOK_HOMOGRAPH, "francetravail.fr");
	expect_look("francetravial.fr", VG_LOOK_TYPO, "francetravail.fr");
	expect_look("francetravai1.fr", VG_LOOK_HOMOGRAPH, "francetravail.fr");
	expect_look("arneli.fr", VG_LOOK_HOMOGRAPH, "ameli.fr");
	expect_look("\xD0\xB0meli.fr", VG_LOOK_HOMOGRAPH, "ameli.fr"); /* Cyrillic a */
	expect_look("xn--meli-43d.fr", VG_LOOK_HOMOGRAPH, "ameli.fr"); /* the same, punycode */
	expect_look("amelli.fr", VG_LOOK_TYPO, "ameli.fr");
	expect_look("imp0ts.fr", VG_LOOK_HOMOGRAPH, "impots.gouv.fr"); /* 0 for o */
	expect_look("impots.gouv.com", VG_LOOK_GOUV, "gouv.fr");
	expect_look("lapostte.fr", VG_LOOK_TYPO, "laposte.fr");
	/* another suffix, subdomains, gouv, combosquats */
	expect_look("ameli.com", VG_LOOK_TLD, "ameli.fr");
	expect_look("ameli.fr.secure-verif.com", VG_LOOK_SUBDOMAIN, "ameli.fr");
	expect_look("impots.gouv.fr-verif.com", VG_LOOK_SUBDOMAIN, "impots.gouv.fr");
	expect_look("impots-gouv.org", VG_LOOK_GOUV, "gouv.fr");
	expect_look("gouv-espace.site", VG_LOOK_GOUV, "gouv.fr");
	expect_look("ameli-remboursement.com", VG_LOOK_COMBO, "ameli.fr");
	expect_look("remboursement-ameli.online", VG_LOOK_COMBO, "ameli.fr");
	expect_look("ameliassure.com", VG_LOOK_COMBO, "ameli.fr");
	expect_look("francetravail-dossier.fr", VG_LOOK_COMBO, "francetravail.fr");
	expect_look("espace-client-orange.fr", VG_LOOK_COMBO,
	            "orange.fr"); /* weak token, lure word */
	expect_look("colissimo-suivi.com", VG_LOOK_COMBO, "laposte.fr");
	/* ordinary domains that must not be flagged */
	expect_plain("amelie-photo.fr"); /* a first name (except list) */
	expect_plain("camelia.fr");
	expect_plain("orange-bleue.fr"); /* weak token without a lure word */
	expect_plain("example.com");
	expect_plain("gouvernance-it.fr");
	expect_plain("cafe-des-arts.fr"); /* "caf" only as a whole word */
	/* other flags */
	vg_host h;
	analyze("bit.ly", &h);
	assert_true(h.flags & VG_HOST_SHORTENER);
	analyze("192.168.0.1", &h);
	assert_true(h.flags & VG_HOST_IP);
	analyze("3232235521", &h); /* an integer host */
	assert_true(h.flags & VG_HOST_IP);
	analyze("promo.example.xyz", &h);
	assert_true(h.flags & VG_HOST_RISKY_TLD);
	assert_string_equal(h.domain, "example.xyz");
	analyze("a.b.example.co.uk", &h);
	assert_string_equal(h.domain, "example.co.uk");
	analyze("xn--meli-43d.fr", &h);
	assert_true(h.flags & VG_HOST_IDN);
	assert_string_equal(h.unicode, "\xD0\xB0meli.fr");
	assert_true(h.flags & VG_HOST_MIXED_SCRIPT);
	analyze("xn--zz-zzzzzzzzzzzzzzzz.com", &h); /* not valid punycode */
	assert_true(h.flags & VG_HOST_BAD_IDN);
	analyze("", &h);
	assert_true(h.flags & VG_HOST_INVALID);
	/* edit distance */
	assert_int_equal(vg_edit_distance("ameli", 5, "ameli", 5, 2), 0);
	assert_int_equal(vg_edit_distance("ameli", 5, "amlei", 5, 2), 1); /* transposition */
	assert_int_equal(vg_edit_distance("ameli", 5, "amelie", 6, 2), 1);
	assert_int_equal(vg_edit_distance("abc", 3, "xyz", 3, 1), 2); /* capped at max+1 */
	assert_int_equal(vg_edit_distance("a", 1, "abcdef", 6, 2), 3);
}

/* ---- Brand list ---- */

static void expect_bad_list(const char *text, const char *msg_part)
{
	vg_brands b;
	vg_err err = {0};
	assert_int_equal(vg_brands_parse(&b, text, strlen(text), NULL, &err), VG_ECORRUPT);
	if (!strstr(err.msg, msg_part))
		fail_msg("brand list error '%s' lacks '%s'", err.msg, msg_part);
}

static void test_brands(void **state)
{
	(void)state;
	const char *ok =
	    "# comment\n[x]\nlabel = X\nkind = bank\ndomains = x.fr x.com\ntokens = xbank x!\n"
	    "names = x bank; ^X\nexcept = xx\nsource = here\n";
	vg_brands b;
	vg_err err = {0};
	assert_int_equal(vg_brands_parse(&b, ok, strlen(ok), NULL, &err), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.v[0].kind, VG_BRAND_BANK);
	assert_int_equal(b.v[0].ndomains, 2);
	assert_int_equal(b.v[0].ntokens, 2);
	assert_true(b.v[0].tokens[1].weak);
	assert_int_equal(b.nnames, 2);
	assert_true(b.names[1].case_sensitive);
	assert_int_equal(vg_strmap_get(&b.official, "x.com", 5), 0);
	assert_int_equal(vg_strmap_get(&b.official, "y.com", 5), -1);
	vg_brands_free(&b);
	expect_bad_list("label = X\n", "line 1");
	expect_bad_list("[x]\ncolour = blue\ndomains = x.fr\n", "unknown key");
	expect_bad_list("[x]\nkind = shop\ndomains = x.fr\n", "unknown kind");
	expect_bad_list("[x]\nlabel = X\n", "no domains");
	expect_bad_list("[]\n", "bad block");
	expect_bad_list("[x]\njust text\n", "line 2");
	/* the shipped list parses and holds the services of the issue */
	const char *must[] = {
	    "francetravail.fr",  "pole-emploi.fr", "ameli.fr",     "impots.gouv.fr",
	    "service-public.fr", "caf.fr",         "ants.gouv.fr", "moncompteformation.gouv.fr",
	    "laposte.fr"};
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		if (vg_strmap_get(&sc_rules->brands.official, must[i], strlen(must[i])) < 0)
			fail_msg("%s missing from data/scan/brands.txt", must[i]);
}

/* ---- Whole SMS ---- */

static void scan_sms(vg_scan *sc, const char *text, vg_scan_result *r)
{
	vg_scan_ctx *cx = vg_scan_ctx_new(sc);
	size_t n = strlen(text);
	char *b = dup_exact(text, n);
	vg_scan_sms(cx, b, n, r);
	free(b);
	vg_scan_ctx_free(cx);
}

static const vg_scan_hit *find_hit(const vg_scan_result *r, const char *code)
{
	for (size_t i = 0; i < r->nhits; i++)
		if (!strcmp(r->hits[i].reason->code, code))
			return &r->hits[i];
	return NULL;
}

/* Scans text with the rules only and checks that code is (or is not) a hit. */
static void expect_hit(const char *text, const char *code, bool present)
{
	vg_scan_result *r = malloc(sizeof(*r));
	scan_sms(sc_rules, text, r);
	const vg_scan_hit *h = find_hit(r, code);
	if (present && !h)
		fail_msg("'%s': expected reason %s", text, code);
	if (!present && h)
		fail_msg("'%s': unexpected reason %s (%s)", text, code, h->detail);
	free(r);
}

#define HIT(text, code) expect_hit(text, code, true)
#define NOHIT(text, code) expect_hit(text, code, false)

static void test_rules(void **state)
{
	(void)state;
	HIT("Réglez immédiatement votre facture", "urgency");
	HIT("URGENT: your account", "urgency");
	HIT("Votre carte Vitale expire bientôt", "urgency");
	NOHIT("Bonne soirée, à demain", "urgency");
	HIT("Actualisez-vous sous 48h", "deadline");
	HIT("Reply within 24 hours", "deadline");
	HIT("il vous reste 3 jours", "deadline");
	NOHIT("il vous reste 820 € de droits", "deadline");
	HIT("Votre compte a été suspendu", "account_threat");
	HIT("Unusual activity detected on your account", "account_threat");
	HIT("Frais de livraison non réglés", "payment_request");
	HIT("You have an unpaid invoice", "payment_request");
	HIT("Montant : 1,99 €", "amount");
	HIT("a XX € fee", "amount");
	HIT("only £5 today", "amount");
	HIT("Vous allez recevoir un remboursement", "lure");
	HIT("Congratulations, you have won", "lure");
	HIT("Votre colis est en attente", "parcel");
	/* requests: a verb, then within a few words what it asks for */
	HIT("Veuillez saisir votre mot de passe", "asks_credentials");
	HIT("Merci de nous communiquer le code reçu par SMS", "asks_credentials");
	HIT("Please enter your PIN", "asks_credentials");
	NOHIT("Votre code est 123456. Ne le communiquez à personne.", "asks_credentials");
	NOHIT("Ne communiquez jamais votre mot de passe", "asks_credentials");
	NOHIT("Votre mot de passe a été modifié", "asks_credentials");
	HIT("Confirmez vos coordonnées bancaires", "asks_bank_details");
	HIT("Renseignez votre numéro de carte et le cryptogramme", "asks_bank_details");
	NOHIT("Confirmez vos coordonnées bancaires",
	      "asks_personal_data"); /* one request, not two */
	HIT("Mettez à jour vos informations", "asks_personal_data");
	HIT("Indiquez votre numéro de sécurité sociale", "asks_personal_data");
	HIT("Please verify your identity", "asks_personal_data");
	HIT("Ne communiquez jamais vos codes", "security_advice");
	HIT("We will never ask for your password", "security_advice");
	HIT("Maman c'est moi, mon nouveau numéro. Tu peux me faire un virement ?",
	    "relative_new_number");
	/* identifiers quoted */
	HIT("M. Martin, NIR 1 85 05 78 006 084 91 : remboursement", "quotes_nir");
	NOHIT("M. Martin, NIR 1 85 05 78 006 084 36 : remboursement", "quotes_nir"); /* wrong key */
	NOHIT("Appelez le 06 12 34 56 78", "quotes_nir");
	HIT("Votre identifiant France Travail 1234567A est bloqué", "quotes_france_travail_id");
	NOHIT("Commande 1234567A expédiée", "quotes_france_travail_id"); /* no context */
	HIT("Virez sur FR76 3000 6000 0112 3456 7890 189", "bank_number_in_text");
	NOHIT("Virez sur FR76 3000 6000 0112 3456 7890 188", "bank_number_in_text"); /* bad check */
	HIT("Carte 4111 1111 1111 1111 bloquée", "bank_number_in_text");
	NOHIT("Carte 4111 1111 1111 1112 bloquée", "bank_number_in_text"); /* Luhn */
	/* links */
	HIT("Payez sur https://bit.ly/x", "shortener");
	HIT("Connectez-vous sur http://185.22.67.4/ft", "ip_host");
	HIT("Voir http://ameli.fr@evil.ru/x", "userinfo");
	HIT("Voir http://example.com/x", "plain_http");
	HIT("Voir https://promo.example.xyz/x", "risky_tld");
	HIT("Voir https://xn--bcher-kva.example/x", "idn");
	HIT("Ameli : remboursement sur https://example.com/form", "brand_link_mismatch");
	NOHIT("Ameli : remboursement sur https://www.ameli.fr/form", "brand_link_mismatch");
	HIT("Actualisez-vous sur francetravail.fr", "official_links");
	NOHIT("Actualisez-vous sur francetravail.fr ou francetravail-aide.com", "official_links");
	HIT("Urgent : cliquez sur https://example.com", "pressure_with_link");
	HIT("Cliquez sur https://example.com", "link_prompt");
	NOHIT("Cliquez sur https://www.francetravail.fr", "link_prompt");
	HIT("https://francetravaiI.fr", "lookalike_homograph");
	HIT("https://francetravial.fr", "lookalike_typo");
	HIT("https://ameli.com", "lookalike_tld");
	HIT("https://ameli.fr.secure-verif.com", "lookalike_subdomain");
	HIT("https://impots-gouv.org", "lookalike_gouv");
	HIT("https://ameli-remboursement.com", "lookalike_combo");
}

/* The detail of reason code in r (the test fails when it is missing). */
static const char *detail(const vg_scan_result *r, const char *code)
{
	const vg_scan_hit *h = find_hit(r, code);
	if (!h)
		fail_msg("expected reason %s", code);
	return h ? h->detail : "";
}

static void test_quotes(void **state)
{
	(void)state;
	vg_scan_result *r = malloc(sizeof(*r));
	scan_sms(sc_rules, "Réglez 1,99 € sous 24h", r);
	assert_string_equal(detail(r, "amount"), "“1,99 €”"); /* from the source, number whole */
	assert_string_equal(detail(r, "deadline"), "“sous 24h”");
	/* a NIR is never repeated in full */
	scan_sms(sc_rules, "NIR 185057800608491 connu", r);
	assert_null(strstr(detail(r, "quotes_nir"), "185057800608491"));
	/* the lookalike as written, so the capital I shows */
	scan_sms(sc_rules, "https://francetravaiI.fr/x", r);
	assert_non_null(strstr(detail(r, "lookalike_homograph"), "francetravaiI.fr"));
	assert_true(r->hits[0].decisive);
	/* details are valid UTF-8 even from bytes that are not */
	scan_sms(sc_rules, "URGENT \xFF\xFE r\xE9glez", r);
	for (size_t i = 0; i < r->nhits; i++) {
		json_t *j = json_string(r->hits[i].detail);
		assert_non_null(j);
		json_decref(j);
	}
	free(r);
}

/* ---- Scoring and verdicts ---- */

static void expect_verdict(vg_scan *sc, const char *text, vg_verdict v)
{
	vg_scan_result *r = malloc(sizeof(*r));
	scan_sms(sc, text, r);
	if (r->verdict != v)
		fail_msg("'%s': expected %s, got %s (score %.3f)", text, vg_verdict_name(v),
		         vg_verdict_name(r->verdict), r->score);
	assert_true(r->score >= 0 && r->score <= 1);
	free(r);
}

static void test_scoring(void **state)
{
	(void)state;
	/* the examples of the issue, with the model and with the rules only */
	vg_scan *both[2] = {sc_full, sc_rules};
	for (int k = 0; k < 2; k++) {
		vg_scan *sc = both[k];
		expect_verdict(
		    sc,
		    "Ameli : vous avez droit à un remboursement de 124,50 €. Remplissez le "
		    "formulaire sur https://ameli-remboursement.com sous 24h.",
		    VG_VERDICT_PHISHING);
		expect_verdict(sc,
		               "France Travail : actualisez votre situation sur francetravaiI.fr",
		               VG_VERDICT_PHISHING);
		expect_verdict(
		    sc,
		    "Impôts : remboursement de 312 € sur https://impots.gouv.fr.remboursement.eu",
		    VG_VERDICT_PHISHING);
		expect_verdict(
		    sc,
		    "France Travail : votre actualisation mensuelle est ouverte jusqu'au 15/04. "
		    "Actualisez-vous sur francetravail.fr.",
		    VG_VERDICT_LEGITIMATE);
		expect_verdict(sc, "Salut, tu rentres à quelle heure ce soir ?",
		               VG_VERDICT_LEGITIMATE);
		expect_verdict(sc, "", VG_VERDICT_LEGITIMATE);
	}
	/* the model is used when present */
	vg_scan_result *r = malloc(sizeof(*r));
	scan_sms(sc_full, "WINNER!! You have won a £1000 prize. Call 09061701461 to claim now", r);
	assert_true(r->model > 0.5);
	assert_int_equal(r->verdict, VG_VERDICT_PHISHING);
	scan_sms(sc_rules, "WINNER!! You have won a £1000 prize. Call 09061701461 to claim now", r);
	assert_true(r->model < 0); /* no model */
	/* rules only: score = sigmoid(evidence - 2) */
	scan_sms(sc_rules, "Cliquez sur https://bit.ly/x", r);
	double z = r->evidence - 2.0;
	assert_true(fabs(r->score - 1.0 / (1.0 + exp(-z))) < 1e-9);
	/* a decisive hit floors the score at 0.9, and comes first */
	scan_sms(sc_rules, "Bonne journée https://ameli.com", r);
	assert_true(r->score >= 0.9);
	assert_true(r->hits[0].decisive);
	/* hits are ordered by weight, strongest first */
	scan_sms(sc_rules, "URGENT cliquez https://bit.ly/x pour confirmer votre mot de passe", r);
	for (size_t i = 1; i < r->nhits; i++)
		if (!r->hits[i - 1].decisive && !r->hits[i].decisive)
			assert_true(r->hits[i - 1].weight >= r->hits[i].weight);
	/* verdict names and texts */
	assert_string_equal(vg_verdict_name(VG_VERDICT_PHISHING), "phishing");
	assert_string_equal(vg_verdict_name(VG_VERDICT_SUSPICIOUS), "suspicious");
	assert_string_equal(vg_verdict_name(VG_VERDICT_LEGITIMATE), "legitimate");
	assert_string_equal(vg_verdict_text(VG_VERDICT_PHISHING, VG_LANG_FR), "hameçonnage");
	assert_string_equal(vg_verdict_text(VG_VERDICT_LEGITIMATE, VG_LANG_EN), "legitimate");
	free(r);
}

static void test_links_and_json(void **state)
{
	(void)state;
	vg_scan_result *r = malloc(sizeof(*r));
	scan_sms(sc_rules,
	         "Voir ameli.fr, https://bit.ly/a, http://1.2.3.4/x et ameli-aide.com ; ameli.fr",
	         r);
	assert_int_equal(r->nlinks, 4); /* ameli.fr once */
	assert_int_equal(r->links[0].kind, VG_LINK_OFFICIAL);
	assert_int_equal(r->links[1].kind, VG_LINK_SHORTENER);
	assert_int_equal(r->links[2].kind, VG_LINK_IP);
	assert_true(r->links[2].http);
	assert_int_equal(r->links[3].kind, VG_LINK_LOOKALIKE);
	assert_string_equal(r->links[3].brand, "Assurance Maladie");
	json_t *o = vg_scan_result_json(r, VG_LANG_EN);
	assert_string_equal(json_string_value(json_object_get(o, "verdict")), "phishing");
	assert_string_equal(json_string_value(json_object_get(o, "channel")), "sms");
	json_t *reasons = json_object_get(o, "reasons");
	assert_int_equal(json_array_size(reasons), r->nhits);
	json_t *first = json_array_get(reasons, 0);
	assert_non_null(json_object_get(first, "code"));
	assert_non_null(strstr(json_string_value(json_object_get(first, "message")), "link"));
	assert_int_equal(json_array_size(json_object_get(o, "links")), 4);
	assert_true(json_is_null(json_object_get(o, "model")));
	json_decref(o);
	char msg[512];
	vg_scan_hit_message(&r->hits[0], VG_LANG_FR, msg, sizeof(msg));
	assert_non_null(strstr(msg, " : "));
	vg_scan_hit_message(&r->hits[0], VG_LANG_EN, msg, sizeof(msg));
	assert_null(strstr(msg, " : "));
	/* many links: the result keeps VG_SCAN_MAX_LINKS and says it was cut */
	char text[2048] = "";
	for (int i = 0; i < 30; i++) {
		char one[40];
		snprintf(one, sizeof(one), "https://s%d.example.com ", i);
		strcat(text, one);
	}
	scan_sms(sc_rules, text, r);
	assert_int_equal(r->nlinks, VG_SCAN_MAX_LINKS);
	assert_true(r->truncated);
	free(r);
}

/* Binary junk and long inputs: no crash, a verdict, bounded work. */
static void test_robustness(void **state)
{
	(void)state;
	vg_scan_result *r = malloc(sizeof(*r));
	vg_scan_ctx *cx = vg_scan_ctx_new(sc_full);
	unsigned char junk[4096];
	uint32_t x = 12345;
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			x = x * 1103515245u + 12345u;
			junk[i] = (unsigned char)(x >> 16);
		}
		size_t n = (x >> 8) % sizeof(junk);
		char *b = dup_exact((const char *)junk, n);
		vg_scan_sms(cx, b, n, r);
		assert_true(r->score >= 0 && r->score <= 1);
		free(b);
	}
	size_t big = VG_SCAN_TEXT_MAX * 2;
	char *b = malloc(big);
	for (size_t i = 0; i < big; i++)
		b[i] = "ab.c/ X1€ "[i % 10];
	vg_scan_sms(cx, b, big, r);
	assert_true(r->score >= 0 && r->score <= 1);
	free(b);
	vg_scan_ctx_free(cx);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fold),       cmocka_unit_test(test_urls),
	    cmocka_unit_test(test_domains),    cmocka_unit_test(test_brands),
	    cmocka_unit_test(test_rules),      cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_scoring),    cmocka_unit_test(test_links_and_json),
	    cmocka_unit_test(test_robustness),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
