/* test_report.c: the art. 33 report: times and the Paris offset, the input
 * checks, the config file, the 72-hour check, special-category data, and the
 * Markdown, JSON and HTML outputs in French and English. */
#include "vigie/report.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#define EXAMPLE_CONF VG_TEST_DATA "/../../docs/examples/report.conf"

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

/* Parses an ISO time or fails the test. */
static vg_report_time at(const char *s)
{
	vg_report_time tm;
	if (vg_report_time_parse(s, strlen(s), &tm) != 0)
		fail_msg("cannot parse %s", s);
	return tm;
}

static vg_report_source sources[2];

/* A complete input: two sources, every category but birthplace. */
static vg_report_input fixture(void)
{
	vg_report_input in;
	memset(&in, 0, sizeof(in));
	sources[0] =
	    (vg_report_source){"france_travail", false, 12, 43012345, 43000000, 12345, 36200000};
	sources[1] = (vg_report_source){"cap_emploi", false, 3, 1210000, 1200000, 10000, 1150000};
	in.sources = sources;
	in.n_sources = 2;
	in.totals = (vg_report_totals){36800000, 15, 44222345, 44200000, 22345};
	static const uint64_t cats[VG_DATACAT_COUNT][2] = {
	    {44200000, 36800000}, {40100000, 34000000}, {44200000, 36800000},
	    {43000000, 36200000}, {38000000, 32500000}, {41000000, 35000000},
	    {39500000, 33900000}, {44200000, 36800000}, {0, 0},
	    {43000000, 36200000}};
	for (int c = 0; c < VG_DATACAT_COUNT; c++) {
		in.categories[c].records = cats[c][0];
		in.categories[c].people = cats[c][1];
	}
	in.org.name = "France Travail";
	in.org.address = "1 avenue du Docteur Gley\n75020 Paris";
	in.org.siren = "130005481";
	in.dpo.name = "Camille Martin";
	in.dpo.email = "dpo@example.org";
	in.dpo.phone = "01 23 45 67 89";
	in.breach.nature = "Comptes de conseillers détournés.\nDonnées extraites.";
	in.breach.discovery = "Revue des journaux d'accès.";
	in.breach.intrusion_start = at("2024-02-06");
	in.breach.intrusion_end = at("2024-03-05");
	in.breach.awareness = at("2024-03-05T18:00:00+01:00");
	in.breach.notification = at("2024-03-08T10:00:00+01:00");
	in.breach.measures_taken =
	    "Comptes désactivés\nMots de passe réinitialisés\nPlainte déposée";
	in.breach.measures_proposed = "Double authentification\nDroits d'accès réduits";
	in.key_id = "k1:3f9a2c41";
	in.registry_version = 3;
	in.generated_at = at("2024-03-08T10:10:00+01:00");
	return in;
}

/* The report as a NUL-terminated string (freed by the caller). */
static char *render(const vg_report_input *in, vg_report_format fmt, vg_lang lang)
{
	vg_report_buf b;
	vg_err err = {0};
	vg_buf_init(&b, VG_REPORT_MAX_BYTES);
	int rc = vg_report_write(in, fmt, lang, &b, &err);
	if (rc != 0)
		fail_msg("render failed: %d %s", rc, err.msg);
	assert_int_equal(strlen(b.data), b.len);
	return b.data;
}

/* Number of non-overlapping occurrences of needle in s. */
static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

#define HAS(s, x) assert_non_null(strstr((s), (x)))
#define HASNT(s, x) assert_null(strstr((s), (x)))

/* ------------------------------------------------------------------ */
/* Times                                                               */

static void test_time_parse(void **state)
{
	(void)state;
	char buf[40];
	static const struct {
		const char *in, *out;
	} ok[] = {
	    {"2024-03-08T10:00:00+01:00", "2024-03-08T10:00:00+01:00"},
	    {"2024-03-08T10:00+01:00", "2024-03-08T10:00:00+01:00"},
	    {"2024-03-08 10:00", "2024-03-08T10:00:00+01:00"},    /* Paris, winter */
	    {"2024-07-14t09:30:05", "2024-07-14T09:30:05+02:00"}, /* Paris, summer */
	    {"2024-03-08T09:00:00Z", "2024-03-08T09:00:00Z"},
	    {"2024-03-08T09:00:00.123z", "2024-03-08T09:00:00Z"}, /* fraction dropped */
	    {"2024-03-08T09:00:00,5+0530", "2024-03-08T09:00:00+05:30"},
	    {"2024-03-08T09:00-03", "2024-03-08T09:00:00-03:00"},
	    {"2024-02-29", "2024-02-29"},
	    {"2000-02-29", "2000-02-29"},
	    {"2199-12-31T23:59:59Z", "2199-12-31T23:59:59Z"},
	    {"2024-10-27 02:30", "2024-10-27T02:30:00+02:00"}, /* repeated hour: the first */
	    {"2024-10-27 03:00", "2024-10-27T03:00:00+01:00"},
	    {"2024-03-31 01:59:59", "2024-03-31T01:59:59+01:00"},
	    {"2024-03-31 03:00", "2024-03-31T03:00:00+02:00"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		vg_report_time tm = at(ok[i].in);
		assert_true(tm.set);
		assert_true(vg_report_time_format(tm, buf, sizeof(buf)) > 0);
		if (strcmp(buf, ok[i].out))
			fail_msg("%s -> %s, want %s", ok[i].in, buf, ok[i].out);
		/* the output reads back as the same instant */
		vg_report_time again = at(buf);
		assert_true(again.t == tm.t && again.offset == tm.offset);
	}
	assert_true(at("2024-03-08T09:00:00Z").t == 1709888400);
	assert_true(at("2024-03-08T10:00:00+01:00").t == 1709888400);
	assert_true(at("2024-03-08 10:00").t == 1709888400);
	assert_true(at("2024-03-08").date_only);
	assert_false(at("2024-03-08 00:00").date_only);
	assert_true(at("2024-03-08").t == at("2024-03-08T00:00:00+01:00").t);
	/* the repeated autumn hour: 02:30 summer time is one hour before 02:30 winter time */
	assert_true(at("2024-10-27T02:30:00+01:00").t - at("2024-10-27 02:30").t == 3600);

	static const char *const bad[] = {
	    "",
	    "2024",
	    "2024-03",
	    "2024-3-8",
	    "24-03-08",
	    "2024/03/08",
	    "08/03/2024",
	    "2024-13-01",
	    "2024-00-10",
	    "2024-02-30",
	    "2023-02-29",
	    "2100-02-29",
	    "2024-04-31",
	    "1999-12-31",
	    "2200-01-01",
	    "2024-03-08T",
	    "2024-03-08T10",
	    "2024-03-08T24:00",
	    "2024-03-08T10:60",
	    "2024-03-08T10:00:60",
	    "2024-03-08T10:00:00.",
	    "2024-03-08X10:00",
	    "2024-03-08T10:00+15:00",
	    "2024-03-08T10:00+01:60",
	    "2024-03-08T10:00+1",
	    "2024-03-08T10:00+01:0",
	    "2024-03-08T10:00Zjunk",
	    "2024-03-08 10:00 ",
	    " 2024-03-08",
	    "2024-03-08Z",
	    "2024-03-08+01:00",
	    "2024-03-31 02:30", /* skipped by the spring change */
	    "2024-03-31 02:00",
	    "2024-03-08T1０:00",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vg_report_time tm = {.set = false};
		if (vg_report_time_parse(bad[i], strlen(bad[i]), &tm) != VG_EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_false(tm.set);
	}
	/* never reads past n */
	const char s[] = "2024-03-08T10:00:00+01:00";
	vg_report_time tm;
	assert_int_equal(vg_report_time_parse(s, 10, &tm), 0);
	assert_true(tm.date_only);
	assert_int_equal(vg_report_time_parse(s, 16, &tm), 0);
	assert_int_equal(tm.offset, 3600);
	assert_int_equal(vg_report_time_parse(s, 17, &tm), VG_EINVAL);

	/* unset and too-small buffers give "" */
	vg_report_time unset = {0};
	assert_int_equal(vg_report_time_format(unset, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(vg_report_time_format(at("2024-03-08"), buf, 25), 0);
}

static void test_paris_offset(void **state)
{
	(void)state;
	/* 2024: summer time from 31 March 01:00 UTC to 27 October 01:00 UTC */
	int64_t start = at("2024-03-31T01:00:00Z").t, end = at("2024-10-27T01:00:00Z").t;
	assert_int_equal(vg_report_paris_offset(start - 1), 3600);
	assert_int_equal(vg_report_paris_offset(start), 7200);
	assert_int_equal(vg_report_paris_offset(end - 1), 7200);
	assert_int_equal(vg_report_paris_offset(end), 3600);
	/* 2025: 30 March and 26 October; 2030: 31 March and 27 October */
	assert_int_equal(vg_report_paris_offset(at("2025-03-30T00:59:59Z").t), 3600);
	assert_int_equal(vg_report_paris_offset(at("2025-03-30T01:00:00Z").t), 7200);
	assert_int_equal(vg_report_paris_offset(at("2025-10-26T00:59:59Z").t), 7200);
	assert_int_equal(vg_report_paris_offset(at("2025-10-26T01:00:00Z").t), 3600);
	assert_int_equal(vg_report_paris_offset(at("2030-03-31T01:00:00Z").t), 7200);
	assert_int_equal(vg_report_paris_offset(at("2030-03-30T12:00:00Z").t), 3600);
	assert_int_equal(vg_report_paris_offset(at("2024-01-01T00:00:00Z").t), 3600);
	assert_int_equal(vg_report_paris_offset(at("2024-12-31T23:59:59Z").t), 3600);

	vg_report_time p = vg_report_time_paris(at("2024-07-01T10:00:00Z").t);
	char buf[40];
	vg_report_time_format(p, buf, sizeof(buf));
	assert_string_equal(buf, "2024-07-01T12:00:00+02:00");
}

/* ------------------------------------------------------------------ */
/* The 72-hour check                                                   */

/* The fixture notified `minutes` after awareness, with an optional reason. */
static vg_report_input notified_after(int64_t minutes, const char *reason)
{
	vg_report_input in = fixture();
	in.breach.notification = in.breach.awareness;
	in.breach.notification.t += minutes * 60;
	in.breach.delay_reason = reason;
	return in;
}

static void test_deadline(void **state)
{
	(void)state;
	static const struct {
		int64_t minutes;
		bool within;
		int64_t late;
		const char *md_fr, *md_en;
	} cases[] = {
	    {71 * 60 + 59, true, 0, "71 h 59 min.", "71 h 59 min."},
	    {72 * 60, true, 0, "72 h 00 min.", "72 h 00 min."},
	    {72 * 60 + 1, false, 60, "72 h 01 min.", "72 h 01 min."},
	    {0, true, 0, "0 h 00 min.", "0 h 00 min."},
	    {100 * 60 + 30, false, (28 * 60 + 30) * 60, "100 h 30 min.", "100 h 30 min."},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int with_reason = 0; with_reason < 2; with_reason++) {
			const char *reason = with_reason ? "Analyse & expertise <longues>" : NULL;
			vg_report_input in = notified_after(cases[i].minutes, reason);
			vg_report_deadline d = vg_report_deadline_of(&in);
			assert_true(d.elapsed == cases[i].minutes * 60);
			assert_int_equal(d.within, cases[i].within);
			assert_true(d.late == cases[i].late);
			assert_int_equal(d.reason_missing, !cases[i].within && !with_reason);

			char *fr = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
			char *en = render(&in, VG_REPORT_MARKDOWN, VG_LANG_EN);
			char *js = render(&in, VG_REPORT_JSON, VG_LANG_FR);
			char *ht = render(&in, VG_REPORT_HTML, VG_LANG_EN);
			HAS(fr, cases[i].md_fr);
			HAS(en, cases[i].md_en);
			json_t *root = json_loads(js, 0, NULL);
			assert_non_null(root);
			json_t *tl = json_object_get(root, "timeline");
			assert_int_equal(json_is_true(json_object_get(tl, "within_deadline")),
			                 cases[i].within);
			assert_true(json_integer_value(json_object_get(tl, "late_seconds")) ==
			            cases[i].late);
			assert_true(json_integer_value(json_object_get(tl, "elapsed_seconds")) ==
			            cases[i].minutes * 60);
			assert_int_equal(
			    json_integer_value(json_object_get(tl, "deadline_seconds")), 259200);
			assert_int_equal(json_is_true(json_object_get(tl, "delay_reason_missing")),
			                 d.reason_missing);
			if (cases[i].within) {
				HAS(fr, "**Dans le délai de 72 heures (article 33(1) du RGPD).**");
				HAS(en, "**Within the 72-hour deadline (GDPR article 33(1)).**");
				HASNT(fr, "Hors délai");
				HASNT(fr, "Motifs du retard");
				HASNT(fr, "Aucun motif de retard");
				HAS(ht, "class=\"within\"");
				assert_true(json_is_null(json_object_get(tl, "delay_reason")));
				assert_true(json_is_null(json_object_get(tl, "warning")));
			} else {
				HASNT(fr, "Dans le délai de 72 heures");
				HAS(ht, "class=\"late\"");
				if (cases[i].minutes == 72 * 60 + 1) {
					HAS(fr, "**Hors délai : en retard de 0 h 01 min.**");
					HAS(en,
					    "**Late: past the 72-hour deadline by 0 h 01 min.**");
				} else {
					HAS(fr, "en retard de 28 h 30 min.");
				}
				if (with_reason) {
					HAS(fr, "**Motifs du retard :**\n\nAnalyse & expertise "
					        "\\<longues\\>");
					HAS(en, "**Reasons for the delay:**");
					HAS(ht, "<p>Analyse &amp; expertise &lt;longues&gt;</p>");
					HASNT(fr, "Aucun motif de retard");
					assert_string_equal(
					    json_string_value(json_object_get(tl, "delay_reason")),
					    reason);
				} else {
					HAS(fr, "> **Attention :** Aucun motif de retard n'est "
					        "indiqué. "
					        "L'article 33(1) du RGPD exige");
					HAS(en, "No reason for the delay is given. GDPR article "
					        "33(1) requires");
					HAS(ht, "role=\"alert\"><p><strong>Warning:</strong> No "
					        "reason for the delay");
					HASNT(fr, "Motifs du retard");
					assert_true(
					    json_is_null(json_object_get(tl, "delay_reason")));
					HAS(json_string_value(json_object_get(tl, "warning")),
					    "33(1)");
				}
			}
			json_decref(root);
			free(fr);
			free(en);
			free(js);
			free(ht);
		}
	}
	/* seconds show when not zero: 72 h 00 min 30 s is late by 30 s */
	vg_report_input in = notified_after(72 * 60, "x");
	in.breach.notification.t += 30;
	char *fr = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	HAS(fr, "72 h 00 min 30 s.");
	HAS(fr, "en retard de 0 h 00 min 30 s.");
	free(fr);
}

/* ------------------------------------------------------------------ */
/* Markdown                                                            */

static void test_markdown_sections(void **state)
{
	(void)state;
	vg_report_input in = fixture();
	char *fr = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	static const char *const titles_fr[] = {
	    "# Notification à la CNIL d'une violation de données personnelles (article 33 du RGPD)",
	    "## 1. Responsable du traitement",
	    "## 2. Nature de la violation",
	    "## 3. Chronologie et délai de 72 heures",
	    "## 4. Données et personnes concernées",
	    "### Par catégorie de données",
	    "### Par source",
	    "## 5. Données sensibles (article 9 du RGPD)",
	    "## 6. Risque pour les personnes et information des personnes (article 34)",
	    "## 7. Conséquences probables",
	    "## 8. Mesures prises et proposées",
	    "### Mesures prises",
	    "### Mesures proposées",
	    "## 9. Conseils donnés aux personnes concernées",
	};
	const char *prev = fr;
	for (size_t i = 0; i < sizeof(titles_fr) / sizeof(titles_fr[0]); i++) {
		const char *p = strstr(fr, titles_fr[i]);
		if (!p || p < prev)
			fail_msg("missing or out of order: %s", titles_fr[i]);
		prev = p;
	}
	/* controller, DPO, nature, timeline */
	HAS(fr, "- **Organisme :** France Travail\n");
	HAS(fr, "- **Adresse :** 1 avenue du Docteur Gley, 75020 Paris\n");
	HAS(fr, "- **SIREN :** 130005481\n");
	HAS(fr, "  - **Courriel :** dpo@example.org\n");
	HAS(fr, "\n\nComptes de conseillers détournés.\n\nDonnées extraites.\n\n");
	HAS(fr, "| Début de l'intrusion | 6 février 2024 |\n");
	HAS(fr, "| Fin de l'intrusion | 5 mars 2024 |\n");
	HAS(fr, "| Prise de connaissance de la violation | 5 mars 2024 à 18:00 (UTC+01:00) |\n");
	HAS(fr, "| Notification à la CNIL | 8 mars 2024 à 10:00 (UTC+01:00) |\n");
	HAS(fr, "64 h 00 min.");
	HAS(fr, "clé k1:3f9a2c41, version 3. Généré le 8 mars 2024 à 10:10 (UTC+01:00).");
	/* numbers per category (narrow no-break spaces) and per source */
	HAS(fr, "Environ 36\u202f800\u202f000 personnes concernées ; 44\u202f200\u202f000 "
	        "enregistrements exposés (44\u202f222\u202f345 lignes lues, dont 22\u202f345 "
	        "rejetées), dans 15 fichier(s) de 2 source(s).");
	HAS(fr, "| Numéro de sécurité sociale (NIR) (`nir`) | 40\u202f100\u202f000 | "
	        "34\u202f000\u202f000 | 92\u202f% |\n");
	HAS(fr, "| Nom et prénom (`name`) | 44\u202f200\u202f000 | 36\u202f800\u202f000 | "
	        "100\u202f% |\n");
	HAS(fr, "| Adresse électronique (`email`) | 38\u202f000\u202f000 | 32\u202f500\u202f000 | "
	        "88\u202f% |\n");
	HASNT(fr, "`birthplace`"); /* no record: not listed */
	HAS(fr, "| france\\_travail | non | 12 | 43\u202f012\u202f345 | 43\u202f000\u202f000 | "
	        "12\u202f345 | 36\u202f200\u202f000 |\n");
	HAS(fr,
	    "| cap\\_emploi | non | 3 | 1\u202f210\u202f000 | 1\u202f200\u202f000 | 10\u202f000 | "
	    "1\u202f150\u202f000 |\n");
	HAS(fr,
	    "| **Total** | non | **15** | **44\u202f222\u202f345** | **44\u202f200\u202f000** | "
	    "**22\u202f345** | **36\u202f800\u202f000** |\n");
	/* consequences per category */
	HAS(fr, "- **Numéro de sécurité sociale (NIR) :** Usurpation d'identité");
	HAS(fr, "hameçonnage ciblé citant le numéro de sécurité sociale");
	HAS(fr, "- **Numéro de téléphone :** Hameçonnage par SMS (smishing)");
	HAS(fr, "- **Adresse postale :** Fraude par courrier postal");
	HAS(fr, "- **Adresse électronique :** Hameçonnage par courriel");
	HASNT(fr, "- **Lieu de naissance :**");
	/* measures as lists */
	HAS(fr, "### Mesures prises\n\n- Comptes désactivés\n- Mots de passe réinitialisés\n"
	        "- Plainte déposée\n\n");
	HAS(fr, "### Mesures proposées\n\n- Double authentification\n- Droits d'accès réduits\n\n");
	/* advice, with cybermalveillance.gouv.fr */
	HAS(fr, "- **Votre numéro de sécurité sociale ne peut pas être changé.**");
	HAS(fr, "cybermalveillance.gouv.fr");
	/* art. 34: NIR and contact data make the risk high even without art. 9 data */
	HAS(fr, "- le numéro de sécurité sociale, identifiant national unique");
	HAS(fr, "**Le risque pour les droits et libertés des personnes est élevé.");
	HAS(fr, "Aucune exception de l'article 34(3) ne s'applique");
	free(fr);

	char *en = render(&in, VG_REPORT_MARKDOWN, VG_LANG_EN);
	HAS(en, "# Personal data breach notification to the CNIL (GDPR article 33) — draft");
	HAS(en, "## 4. Data and people concerned");
	HAS(en, "About 36,800,000 people concerned; 44,200,000 records exposed (44,222,345 rows "
	        "read, of which 22,345 rejected), in 15 file(s) from 2 source(s).");
	HAS(en, "| Social security number (NIR) (`nir`) | 40,100,000 | 34,000,000 | 92% |\n");
	HAS(en, "| Awareness of the breach | 5 March 2024 at 18:00 (UTC+01:00) |\n");
	HAS(en, "- **Organisation:** France Travail\n");
	HAS(en, "- **Your social security number cannot be changed.**");
	HAS(en, "- **Postal address:** Postal mail fraud");
	HASNT(en, "Organisme");
	HASNT(en, "\u202f");
	free(en);
}

static void test_markdown_missing_and_escaping(void **state)
{
	(void)state;
	vg_report_input in = fixture();
	in.org.name = "A*B_C [x](y) <b> | & &amp; `c` #1";
	in.org.address = NULL;
	in.org.siren = NULL;
	in.dpo.phone = "";
	in.breach.discovery = NULL;
	in.breach.measures_taken = "\n  \n";
	in.breach.intrusion_start = (vg_report_time){0};
	in.breach.nature = "# not a heading\n- not a list\n1. not a list\n> not a quote";
	sources[0].name = "src|with*pipes";
	char *fr = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	HAS(fr, "- **Organisme :** A\\*B\\_C \\[x\\](y) \\<b\\> \\| & \\&amp; \\`c\\` \\#1\n");
	HAS(fr, "- **Adresse :** *à compléter*\n");
	HASNT(fr, "SIREN");
	HAS(fr, "  - **Téléphone :** *à compléter*\n");
	HAS(fr, "**Circonstances de la découverte :**\n\n*à compléter*\n\n");
	HAS(fr, "### Mesures prises\n\n- *à compléter*\n");
	HAS(fr, "| Début de l'intrusion | *à compléter* |\n");
	HAS(fr, "\\# not a heading\n\n\\- not a list\n\n1\\. not a list\n\n\\> not a quote\n\n");
	HAS(fr, "| src\\|with\\*pipes | non |");
	free(fr);
	char *en = render(&in, VG_REPORT_MARKDOWN, VG_LANG_EN);
	HAS(en, "- **Address:** *to be completed*\n");
	free(en);
}

/* ------------------------------------------------------------------ */
/* Special-category data                                               */

static void test_special(void **state)
{
	(void)state;
	vg_report_input in = fixture();
	assert_false(vg_report_special(&in));
	char *off_md = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	char *off_js = render(&in, VG_REPORT_JSON, VG_LANG_FR);
	char *off_ht = render(&in, VG_REPORT_HTML, VG_LANG_FR);
	HAS(off_md, "Aucune source n'est signalée comme révélant des données sensibles");
	HASNT(off_md, "ATTENTION");
	HASNT(off_md, "- **Données sensibles :**");
	HASNT(off_md, "peuvent révéler un handicap.**"); /* the special advice item */
	HASNT(off_ht, "role=\"alert\"");
	json_t *root = json_loads(off_js, 0, NULL);
	assert_non_null(root);
	json_t *sp = json_object_get(root, "special_category");
	assert_true(json_is_false(json_object_get(sp, "involved")));
	assert_int_equal(json_array_size(json_object_get(sp, "sources")), 0);
	assert_true(json_is_null(json_object_get(sp, "warning")));
	json_decref(root);

	sources[1].special_category = true;
	assert_true(vg_report_special(&in));
	char *on_md = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	char *on_en = render(&in, VG_REPORT_MARKDOWN, VG_LANG_EN);
	char *on_js = render(&in, VG_REPORT_JSON, VG_LANG_EN);
	char *on_ht = render(&in, VG_REPORT_HTML, VG_LANG_FR);
	HAS(on_md, "> **ATTENTION : des données sensibles (catégorie particulière, article 9 du "
	           "RGPD) sont concernées.**\n>\n> Source(s) concernée(s) : « cap\\_emploi » "
	           "(environ 1\u202f150\u202f000 personnes).");
	HAS(on_md, "un handicap (donnée de santé, article 9 du RGPD)");
	HAS(on_md, "l'article 34 impose de les informer");
	HAS(on_md, "- des données sensibles sont concernées (article 9");
	HAS(on_md, "- **Données sensibles :** Révélation d'un handicap");
	HAS(on_md, "| cap\\_emploi | **oui** (handicap) |");
	HAS(on_md, "| **Total** | oui |");
	HAS(on_md, "- **Les données exposées peuvent révéler un handicap.**");
	HASNT(on_md, "Aucune source n'est signalée");
	/* the warning comes before the tables of section 6 */
	assert_true(strstr(on_md, "ATTENTION") < strstr(on_md, "## 6."));
	HAS(on_en, "> **WARNING: special-category data (GDPR article 9) is involved.**");
	HAS(on_en, "Mere presence in these files reveals special-category data: for Cap Emploi, a "
	           "disability");
	HAS(on_en, "None of the article 34(3) exemptions applies");
	HAS(on_ht, "<div class=\"alert\" role=\"alert\">\n<p><strong>ATTENTION : des données "
	           "sensibles");
	HAS(on_ht, "<strong>oui (handicap)</strong>");
	root = json_loads(on_js, 0, NULL);
	assert_non_null(root);
	sp = json_object_get(root, "special_category");
	assert_true(json_is_true(json_object_get(sp, "involved")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(sp, "sources"), 0)),
	                    "cap_emploi");
	HAS(json_string_value(json_object_get(sp, "statement")), "disability");
	json_t *a34 = json_object_get(root, "art34");
	assert_true(json_is_true(json_object_get(a34, "high_risk")));
	assert_true(json_is_true(json_object_get(a34, "communication_required")));
	assert_true(json_is_false(json_object_get(a34, "exemption_applies")));
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(a34, "reasons"), 0), "code")),
	                    "special_category");
	assert_true(json_is_true(json_object_get(
	    json_array_get(json_object_get(root, "sources"), 1), "special_category")));
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(root, "advice"), 0), "code")),
	                    "special_category");
	json_decref(root);
	free(off_md);
	free(off_js);
	free(off_ht);
	free(on_md);
	free(on_en);
	free(on_js);
	free(on_ht);
}

/* Only special-category data makes the risk high when nothing else would. */
static void test_art34_assess(void **state)
{
	(void)state;
	vg_report_input in = fixture();
	memset(in.categories, 0, sizeof(in.categories));
	in.categories[VG_DATACAT_EMAIL] = (vg_report_category){100, 90};
	char *md = render(&in, VG_REPORT_MARKDOWN, VG_LANG_EN);
	HAS(md, "No high-risk criterion was detected automatically.");
	HASNT(md, "The risk is high because");
	HAS(md, "- **Expect phishing emails.**");
	HASNT(md, "social security number cannot be changed");
	free(md);
	char *js = render(&in, VG_REPORT_JSON, VG_LANG_EN);
	json_t *root = json_loads(js, 0, NULL);
	json_t *a34 = json_object_get(root, "art34");
	assert_true(json_is_false(json_object_get(a34, "high_risk")));
	assert_int_equal(json_array_size(json_object_get(a34, "reasons")), 0);
	assert_true(json_is_null(json_object_get(a34, "exemption_applies")));
	json_decref(root);
	free(js);

	sources[0].special_category = true;
	md = render(&in, VG_REPORT_MARKDOWN, VG_LANG_EN);
	HAS(md, "The risk is high because:\n\n- special-category data is involved");
	HAS(md, "communicated to each person concerned");
	free(md);

	/* no category at all */
	sources[0].special_category = false;
	memset(in.categories, 0, sizeof(in.categories));
	md = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	HAS(md, "### Par catégorie de données\n\nAucune donnée exposée n'est enregistrée");
	free(md);
	char *ht = render(&in, VG_REPORT_HTML, VG_LANG_FR);
	HASNT(ht, "<svg");
	free(ht);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

static void test_json(void **state)
{
	(void)state;
	vg_report_input in = fixture();
	char *js = render(&in, VG_REPORT_JSON, VG_LANG_FR);
	json_error_t jerr;
	json_t *root = json_loads(js, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		fail_msg("JSON does not parse: %s (line %d)", jerr.text, jerr.line);
	assert_string_equal(json_string_value(json_object_get(root, "schema")),
	                    "vigie.report.art33/1");
	assert_string_equal(json_string_value(json_object_get(root, "lang")), "fr");
	assert_string_equal(json_string_value(json_object_get(root, "generated_at")),
	                    "2024-03-08T10:10:00+01:00");
	json_t *reg = json_object_get(root, "registry");
	assert_string_equal(json_string_value(json_object_get(reg, "key_id")), "k1:3f9a2c41");
	assert_true(json_is_integer(json_object_get(reg, "version")));
	assert_int_equal(json_integer_value(json_object_get(reg, "version")), 3);

	json_t *ctl = json_object_get(root, "controller");
	assert_string_equal(json_string_value(json_object_get(ctl, "name")), "France Travail");
	assert_string_equal(json_string_value(json_object_get(ctl, "address")),
	                    "1 avenue du Docteur Gley\n75020 Paris");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(ctl, "dpo"), "email")),
	    "dpo@example.org");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(root, "breach"), "nature")),
	    in.breach.nature);

	json_t *tl = json_object_get(root, "timeline");
	assert_string_equal(json_string_value(json_object_get(tl, "intrusion_start")),
	                    "2024-02-06");
	assert_string_equal(json_string_value(json_object_get(tl, "awareness")),
	                    "2024-03-05T18:00:00+01:00");
	assert_string_equal(json_string_value(json_object_get(tl, "notification")),
	                    "2024-03-08T10:00:00+01:00");
	assert_int_equal(json_integer_value(json_object_get(tl, "elapsed_seconds")), 64 * 3600);
	assert_true(json_is_true(json_object_get(tl, "within_deadline")));
	assert_string_equal(json_string_value(json_object_get(tl, "verdict")),
	                    "Dans le délai de 72 heures (article 33(1) du RGPD).");

	json_t *tot = json_object_get(root, "totals");
	static const struct {
		const char *key;
		json_int_t v;
	} totals[] = {{"people_approx", 36800000}, {"files", 15},
	              {"rows_read", 44222345},     {"rows_accepted", 44200000},
	              {"rows_rejected", 22345},    {"sources", 2}};
	for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++) {
		json_t *v = json_object_get(tot, totals[i].key);
		assert_true(json_is_integer(v));
		assert_true(json_integer_value(v) == totals[i].v);
	}

	json_t *cats = json_object_get(root, "categories");
	assert_int_equal(json_array_size(cats), 9); /* all but birthplace */
	json_t *nir = json_array_get(cats, 1);
	assert_string_equal(json_string_value(json_object_get(nir, "name")), "nir");
	assert_string_equal(json_string_value(json_object_get(nir, "label")),
	                    "Numéro de sécurité sociale (NIR)");
	assert_int_equal(json_integer_value(json_object_get(nir, "records")), 40100000);
	assert_int_equal(json_integer_value(json_object_get(nir, "people_approx")), 34000000);
	HAS(json_string_value(json_object_get(nir, "consequences")), "Usurpation d'identité");
	for (size_t i = 0; i < json_array_size(cats); i++)
		assert_string_not_equal(
		    json_string_value(json_object_get(json_array_get(cats, i), "name")),
		    "birthplace");

	json_t *srcs = json_object_get(root, "sources");
	assert_int_equal(json_array_size(srcs), 2);
	json_t *s0 = json_array_get(srcs, 0);
	assert_string_equal(json_string_value(json_object_get(s0, "name")), "france_travail");
	assert_true(json_is_false(json_object_get(s0, "special_category")));
	assert_int_equal(json_integer_value(json_object_get(s0, "rows_read")), 43012345);
	assert_int_equal(json_integer_value(json_object_get(s0, "rows_rejected")), 12345);
	assert_int_equal(json_integer_value(json_object_get(s0, "people_approx")), 36200000);

	json_t *m = json_object_get(root, "measures");
	assert_int_equal(json_array_size(json_object_get(m, "taken")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(m, "taken"), 1)),
	                    "Mots de passe réinitialisés");
	assert_int_equal(json_array_size(json_object_get(m, "proposed")), 2);
	json_t *adv = json_object_get(root, "advice");
	assert_true(json_array_size(adv) >= 6);
	assert_string_equal(json_string_value(json_object_get(json_array_get(adv, 0), "code")),
	                    "nir_permanent");
	assert_true(json_is_true(json_object_get(json_object_get(root, "art34"), "high_risk")));
	json_decref(root);
	free(js);

	/* absent fields are null; English texts */
	in.org.siren = NULL;
	in.key_id = NULL;
	in.generated_at = (vg_report_time){0};
	in.breach.intrusion_end = (vg_report_time){0};
	js = render(&in, VG_REPORT_JSON, VG_LANG_EN);
	root = json_loads(js, 0, NULL);
	assert_non_null(root);
	assert_true(json_is_null(json_object_get(json_object_get(root, "controller"), "siren")));
	assert_true(json_is_null(json_object_get(json_object_get(root, "registry"), "key_id")));
	assert_true(json_is_null(json_object_get(root, "generated_at")));
	assert_true(
	    json_is_null(json_object_get(json_object_get(root, "timeline"), "intrusion_end")));
	assert_string_equal(json_string_value(json_object_get(root, "lang")), "en");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(root, "categories"), 1), "label")),
	                    "Social security number (NIR)");
	json_decref(root);
	free(js);
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */

/*
 * Checks that h is balanced HTML: every non-void element closed in order,
 * attributes quoted in pairs, no '<' that does not start a tag, no stray '>'
 * and no '&' that does not start an entity in text.
 */
static void check_html(const char *h)
{
	static const char *const voids[] = {"meta", "br", "hr", "img", "input", "link", "wbr"};
	char stack[64][16];
	int depth = 0;
	const char *p = h;
	assert_int_equal(strncmp(p, "<!DOCTYPE html>\n", 16), 0);
	p += 16;
	while (*p) {
		if (*p == '>')
			fail_msg("stray '>' at offset %td", p - h);
		if (*p == '&') {
			if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) &&
			    strncmp(p, "&gt;", 4) && strncmp(p, "&quot;", 6) &&
			    strncmp(p, "&#39;", 5))
				fail_msg("bare '&' at offset %td", p - h);
			p++;
			continue;
		}
		if (*p != '<') {
			p++;
			continue;
		}
		bool closing = p[1] == '/';
		const char *n = p + 1 + closing;
		size_t len = 0;
		while ((n[len] >= 'a' && n[len] <= 'z') || (n[len] >= '0' && n[len] <= '9'))
			len++;
		if (len == 0 || len >= 16)
			fail_msg("'<' that starts no tag at offset %td", p - h);
		const char *end = strchr(n, '>');
		assert_non_null(end);
		size_t quotes = 0;
		for (const char *q = n; q < end; q++) {
			quotes += *q == '"';
			if (*q == '<')
				fail_msg("'<' inside a tag at offset %td", q - h);
		}
		if (quotes % 2)
			fail_msg("unbalanced quotes in tag at offset %td", p - h);
		bool self = end[-1] == '/';
		bool is_void = false;
		for (size_t i = 0; i < sizeof(voids) / sizeof(voids[0]); i++)
			is_void |= strlen(voids[i]) == len && !strncmp(voids[i], n, len);
		if (closing) {
			if (depth == 0 || strlen(stack[depth - 1]) != len ||
			    strncmp(stack[depth - 1], n, len))
				fail_msg("</%.*s> closes <%s> at offset %td", (int)len, n,
				         depth ? stack[depth - 1] : "(nothing)", p - h);
			depth--;
		} else if (!self && !is_void) {
			assert_true(depth < 64);
			memcpy(stack[depth], n, len);
			stack[depth++][len] = 0;
		}
		p = end + 1;
		/* <style> content is CSS: skip to its end */
		if (!closing && len == 5 && !strncmp(n, "style", 5)) {
			const char *close = strstr(p, "</style>");
			assert_non_null(close);
			p = close;
		}
	}
	if (depth)
		fail_msg("<%s> never closed", stack[depth - 1]);
}

static void test_html(void **state)
{
	(void)state;
	vg_report_input in = fixture();
	in.org.name = "Agence <Test> & \"Fils\" l'été";
	sources[0].name = "a<b>&c\"";
	in.breach.measures_proposed = "<script>alert(1)</script>";
	char *fr = render(&in, VG_REPORT_HTML, VG_LANG_FR);
	check_html(fr);
	HAS(fr, "<html lang=\"fr\">");
	HAS(fr, "<meta charset=\"utf-8\">");
	HAS(fr, "<dt>Organisme</dt><dd>Agence &lt;Test&gt; &amp; &quot;Fils&quot; l&#39;été</dd>");
	HAS(fr,
	    "<title>Notification à la CNIL d&#39;une violation de données personnelles (article 33 "
	    "du RGPD) — projet — Agence &lt;Test&gt; &amp; &quot;Fils&quot; l&#39;été</title>");
	HASNT(fr, "<Test>");
	HASNT(fr, "\"Fils\"");
	HAS(fr, "<tr><th scope=\"row\">a&lt;b&gt;&amp;c&quot;</th>");
	HAS(fr, "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>");
	/* no script, no external resource */
	for (char *q = fr; *q; q++)
		assert_false(strncasecmp(q, "<script", 7) == 0);
	HASNT(fr, " src=");
	HASNT(fr, " href=");
	HASNT(fr, "url(");
	HASNT(fr, "@import");
	HAS(fr, "content=\"default-src 'none'; style-src 'unsafe-inline'\"");
	/* the chart: one bar per category present, accessible */
	assert_int_equal(count(fr, "class=\"bar\""), 9);
	assert_int_equal(count(fr, "<svg "), 1);
	HAS(fr, "role=\"img\" aria-labelledby=\"chart-title chart-desc\"");
	HAS(fr, "<title id=\"chart-title\">Catégories de données exposées</title>");
	HAS(fr,
	    "<desc id=\"chart-desc\">Nombre approximatif de personnes par catégorie de données : "
	    "Nom et prénom 36\u202f800\u202f000 ; Numéro de sécurité sociale (NIR) "
	    "34\u202f000\u202f000 ;");
	/* labels and numbers on the bars, not only colour */
	HAS(fr, "text-anchor=\"end\">Numéro de sécurité sociale (NIR)</text>");
	HAS(fr, ">34\u202f000\u202f000 (92\u202f%)</text>");
	/* the full-width bar is the largest */
	HAS(fr, "<rect class=\"bar\" x=\"260\" y=\"10\" width=\"300\"");
	HAS(fr, "width=\"277\""); /* 34.0 / 36.8 * 300 = 277.2 */
	/* the data table next to it */
	HAS(fr, "<table class=\"categories\">\n<caption>Catégories de données exposées</caption>");
	assert_int_equal(count(strstr(fr, "<table class=\"categories\">"), "<code>"), 9);
	HAS(fr, "<th scope=\"row\">Numéro de sécurité sociale (NIR) <code>nir</code></th><td "
	        "class=\"n\">40\u202f100\u202f000</td><td class=\"n\">34\u202f000\u202f000</td>"
	        "<td class=\"n\">92\u202f%</td></tr>");
	HAS(fr,
	    "<time datetime=\"2024-03-05T18:00:00+01:00\">5 mars 2024 à 18:00 (UTC+01:00)</time>");
	for (int s = 1; s <= 9; s++) {
		char h2[16];
		snprintf(h2, sizeof(h2), "<h2>%d. ", s);
		HAS(fr, h2);
	}
	free(fr);

	/* fewer categories, fewer bars; English */
	memset(in.categories, 0, sizeof(in.categories));
	in.categories[VG_DATACAT_NAME] = (vg_report_category){10, 10};
	in.categories[VG_DATACAT_PHONE] = (vg_report_category){7, 5};
	in.categories[VG_DATACAT_BIRTHPLACE] = (vg_report_category){1, 0};
	char *en = render(&in, VG_REPORT_HTML, VG_LANG_EN);
	check_html(en);
	HAS(en, "<html lang=\"en\">");
	assert_int_equal(count(en, "class=\"bar\""), 3);
	HAS(en, "text-anchor=\"end\">Place of birth</text>");
	HAS(en, "width=\"1\""); /* present with 0 people: still a visible bar */
	HAS(en, "<th scope=\"row\">Phone number <code>phone</code>");
	HAS(en, "<h2>9. Advice given to the people concerned</h2>");
	HASNT(en, "<h2>1. Responsable");
	free(en);
}

/* Numbers at the edges: small shares, no people, counts past INT64_MAX. */
static void test_numbers(void **state)
{
	(void)state;
	vg_report_input in = fixture();
	memset(in.categories, 0, sizeof(in.categories));
	in.totals.people = 1000;
	in.categories[VG_DATACAT_EMAIL] = (vg_report_category){3, 1};
	in.categories[VG_DATACAT_PHONE] = (vg_report_category){999, 995};
	in.categories[VG_DATACAT_NIR] = (vg_report_category){UINT64_MAX, UINT64_MAX};
	char *fr = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	HAS(fr, "| Adresse électronique (`email`) | 3 | 1 | < 1\u202f% |\n");
	HAS(fr,
	    "| Numéro de téléphone (`phone`) | 999 | 995 | 100\u202f% |\n"); /* 99.5 rounds up */
	HAS(fr, "| Numéro de sécurité sociale (NIR) (`nir`) | "
	        "18\u202f446\u202f744\u202f073\u202f709\u202f551\u202f615 |");
	free(fr);
	char *en = render(&in, VG_REPORT_MARKDOWN, VG_LANG_EN);
	HAS(en, "| Email address (`email`) | 3 | 1 | < 1% |\n");
	HAS(en, "18,446,744,073,709,551,615");
	free(en);
	char *js = render(&in, VG_REPORT_JSON, VG_LANG_EN);
	json_t *root = json_loads(js, 0, NULL);
	assert_non_null(root);
	json_t *nir = json_array_get(json_object_get(root, "categories"), 0);
	assert_string_equal(json_string_value(json_object_get(nir, "name")), "nir");
	assert_true(json_integer_value(json_object_get(nir, "records")) == INT64_MAX);
	json_decref(root);
	free(js);
	char *ht = render(&in, VG_REPORT_HTML, VG_LANG_EN);
	HAS(ht, "&lt; 1%"); /* escaped in HTML */
	assert_int_equal(count(ht, "class=\"bar\""), 3);
	free(ht);

	in.totals.people = 0;
	fr = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	HAS(fr, "| Adresse électronique (`email`) | 3 | 1 | — |\n");
	free(fr);
}

/* ------------------------------------------------------------------ */
/* Checks, buffers, determinism                                        */

static void test_check(void **state)
{
	(void)state;
	vg_err err;
	vg_report_input in = fixture();
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), 0);

	in.breach.notification.t = in.breach.awareness.t - 1;
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	assert_string_equal(err.msg,
	                    "the notification is earlier than the awareness of the breach");
	vg_report_buf b;
	vg_buf_init(&b, 1 << 20);
	assert_int_equal(vg_report_write_markdown(&in, VG_LANG_FR, &b, &err), VG_EINVAL);
	assert_string_equal(err.msg,
	                    "la notification précède la prise de connaissance de la violation");
	assert_int_equal(b.len, 0);

	in = fixture();
	in.breach.awareness.set = false;
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	assert_string_equal(err.msg, "missing awareness date ([breach] awareness)");
	in = fixture();
	in.breach.notification.set = false;
	assert_int_equal(vg_report_write_json(&in, VG_LANG_EN, &b, &err), VG_EINVAL);
	in = fixture();
	in.breach.intrusion_end = at("2024-02-01");
	assert_int_equal(vg_report_write_html(&in, VG_LANG_EN, &b, &err), VG_EINVAL);
	assert_string_equal(err.msg, "the end of the intrusion is earlier than its start");
	in = fixture();
	in.breach.awareness = at("2024-02-05T10:00");
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	assert_string_equal(err.msg, "the awareness is earlier than the start of the intrusion");

	in = fixture();
	sources[1].rows_rejected = 9999;
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	assert_string_equal(
	    err.msg,
	    "source \"cap_emploi\": 1210000 rows read != 1200000 accepted + 9999 rejected");
	in = fixture();
	in.totals.rows_read++;
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	HAS(err.msg, "inconsistent totals");
	in = fixture();
	in.totals.rows_read++;
	in.totals.rows_rejected++;
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	assert_string_equal(err.msg,
	                    "the sources add up to 44222345 rows read, the total says 44222346");
	in = fixture();
	sources[0].name = "bad\xff";
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	assert_string_equal(err.msg, "source #1: missing or invalid name");
	in = fixture();
	sources[0].name = NULL;
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	in = fixture();
	in.org.name = "caf\xe9";
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	HAS(err.msg, "invalid text");
	in = fixture();
	in.dpo.name = "ok\x1b[2J";
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	in = fixture();
	in.breach.nature = "trunc\xe2\x82";
	assert_int_equal(vg_report_check(&in, VG_LANG_EN, &err), VG_EINVAL);
	vg_buf_release(&b);
}

static void test_buffer(void **state)
{
	(void)state;
	vg_report_input in = fixture();
	vg_err err;
	vg_report_buf b;
	/* an appending write keeps what was there */
	vg_buf_init(&b, VG_REPORT_MAX_BYTES);
	assert_int_equal(vg_report_write_markdown(&in, VG_LANG_FR, &b, &err), 0);
	size_t one = b.len;
	char *first = strdup(b.data);
	assert_int_equal(vg_report_write_markdown(&in, VG_LANG_FR, &b, &err), 0);
	assert_int_equal(b.len, 2 * one);
	/* deterministic: the same input gives the same bytes */
	assert_memory_equal(b.data + one, first, one);
	free(first);

	/* over the maximum: VG_ETOOBIG, and the earlier content is intact */
	vg_report_buf small;
	vg_buf_init(&small, one + 100);
	assert_int_equal(vg_report_write_markdown(&in, VG_LANG_FR, &small, &err), 0);
	for (int fmt = 0; fmt < 3; fmt++) {
		assert_int_equal(vg_report_write(&in, fmt, VG_LANG_FR, &small, &err), VG_ETOOBIG);
		assert_int_equal(small.len, one);
		assert_int_equal(strlen(small.data), one);
		HAS(err.msg, "rapport plus gros que la limite");
	}
	vg_buf_release(&small);
	assert_int_equal(vg_report_write(&in, (vg_report_format)7, VG_LANG_FR, &b, &err),
	                 VG_EINTERNAL);

	/* to a FILE: the same bytes */
	for (int fmt = 0; fmt < 3; fmt++) {
		FILE *f = tmpfile();
		assert_non_null(f);
		assert_int_equal(vg_report_print(&in, fmt, VG_LANG_EN, f, &err), 0);
		long size = ftell(f);
		char *s = render(&in, fmt, VG_LANG_EN);
		assert_int_equal(size, (long)strlen(s));
		char *back = malloc((size_t)size + 1);
		rewind(f);
		assert_int_equal(fread(back, 1, (size_t)size, f), (size_t)size);
		assert_memory_equal(back, s, (size_t)size);
		free(back);
		free(s);
		fclose(f);
	}
	/* a stream that cannot be written */
	FILE *ro = fopen("/dev/null", "r");
	assert_non_null(ro);
	assert_int_equal(vg_report_print(&in, VG_REPORT_JSON, VG_LANG_EN, ro, &err), VG_EIO);
	fclose(ro);
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		assert_int_equal(vg_report_print(&in, VG_REPORT_HTML, VG_LANG_EN, full, &err),
		                 VG_EIO);
		fclose(full);
	}
	vg_buf_release(&b);
}

/* ------------------------------------------------------------------ */
/* From a config file                                                  */

/* Parses s as a config and applies it to a fresh fixture. */
static int from_config(const char *s, vg_config *c, vg_report_input *in, vg_err *err)
{
	*in = fixture();
	vg_config_init(c, VG_LANG_EN);
	int rc = vg_config_parse(c, "r.conf", s, strlen(s), err);
	if (rc)
		return rc;
	return vg_report_from_config(c, at("2024-03-08T09:30:00Z").t, in, err);
}

#define BASE                                                                                       \
	"[organisation]\nname = Org\n[dpo]\nname = D\nemail = d@example.org\n[breach]\n"           \
	"nature = N\nawareness = 2024-03-05 18:00\n"

static void test_config(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	vg_report_input in;

	/* the documented example */
	in = fixture();
	vg_config_init(&c, VG_LANG_FR);
	assert_int_equal(vg_config_load(&c, EXAMPLE_CONF, &err), 0);
	assert_int_equal(vg_report_from_config(&c, 0, &in, &err), 0);
	assert_string_equal(in.org.name, "France Travail");
	assert_string_equal(in.org.address, "1 avenue du Docteur Gley\n75020 Paris");
	assert_string_equal(in.dpo.email, "dpo@example.org");
	assert_true(in.breach.awareness.t == at("2024-03-05T18:00:00+01:00").t);
	assert_true(in.breach.notification.t == at("2024-03-08T10:00:00+01:00").t);
	assert_true(in.breach.intrusion_start.date_only);
	assert_null(in.breach.delay_reason);
	assert_false(sources[0].special_category);
	assert_true(sources[1].special_category); /* cap_emploi */
	char *md = render(&in, VG_REPORT_MARKDOWN, VG_LANG_FR);
	HAS(md, "- Réinitialisation des mots de passe de tous les conseillers partenaires\n");
	HAS(md, "ATTENTION");
	free(md);
	vg_config_release(&c);

	/* the minimal config; notification defaults to now, in Paris time */
	assert_int_equal(from_config(BASE, &c, &in, &err), 0);
	assert_true(in.breach.notification.t == at("2024-03-08T09:30:00Z").t);
	assert_int_equal(in.breach.notification.offset, 3600);
	assert_null(in.org.siren);
	assert_null(in.dpo.phone);
	assert_false(in.breach.intrusion_start.set);
	vg_config_release(&c);

	/* late, with a multi-line reason */
	assert_int_equal(from_config(BASE "notification = 2024-03-09T12:00:00+01:00\n"
	                                  "delay_reason =\n  first\n  second\n",
	                             &c, &in, &err),
	                 0);
	assert_false(vg_report_deadline_of(&in).within);
	md = render(&in, VG_REPORT_MARKDOWN, VG_LANG_EN);
	HAS(md, "**Reasons for the delay:**\n\nfirst\n\nsecond\n\n");
	free(md);
	vg_config_release(&c);

	/* errors name the file, the line and the key */
	static const struct {
		const char *extra, *want;
	} bad[] = {
	    {"awarness = 2024-03-05 18:00\n",
	     "r.conf:9: unknown key 'awarness' in [breach] (did you mean 'awareness'?)"},
	    {"[other]\nx = 1\n", "r.conf:9: unknown section [other]"},
	    {"notification = 08/03/2024\n",
	     "r.conf:9: [breach] notification: invalid date '08/03/2024'"},
	    {"notification = 2024-03-08\n",
	     "r.conf:9: [breach] notification: the time of day is needed for the 72-hour deadline"},
	    {"notification = 2024-03-05T17:00+01:00\n",
	     "r.conf:9: [breach] notification: the notification is earlier than the awareness"},
	    {"intrusion_start = 2024-03-06\n", "r.conf:8: [breach] awareness: the awareness is "
	                                       "earlier than the start of the intrusion"},
	    {"intrusion_start = 2024-02-06\nintrusion_end = 2024-02-05\n",
	     "r.conf:10: [breach] intrusion_end: the end of the intrusion is earlier than its "
	     "start"},
	    {"intrusion_end = 2024-02-30\n", "r.conf:9: [breach] intrusion_end: invalid date"},
	    {"[sources]\nspecial_category = cap_emploi, pole_emploi\n",
	     "r.conf:10: [sources] special_category: no source is named \"pole_emploi\" in the "
	     "registry"},
	    {"[organisation]\n", "section [organisation] already opened at line 1"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char s[1024];
		snprintf(s, sizeof(s), "%s%s", BASE, bad[i].extra);
		int rc = from_config(s, &c, &in, &err);
		if (rc != VG_EINVAL || !strstr(err.msg, bad[i].want))
			fail_msg("case %zu: rc %d, \"%s\", want \"%s\"", i, rc, err.msg,
			         bad[i].want);
		vg_config_release(&c);
	}

	/* required keys */
	assert_int_equal(from_config("[organisation]\nname = x\n", &c, &in, &err), VG_EINVAL);
	HAS(err.msg, "r.conf: missing required key 'name' in [dpo] (and 3 more problem(s))");
	vg_config_release(&c);

	/* SIREN, DPO email and phone are checked */
	const char *ids[][2] = {
	    {"[organisation]\nname = O\nsiren = 130005482\n",
	     "r.conf:3: [organisation] siren: invalid SIREN"},
	    {"[organisation]\nname = O\nsiren = 13000548\n", "invalid SIREN"},
	    {"[organisation]\nname = O\nsiren = 13000548a\n", "invalid SIREN"},
	    {"[dpo]\nname = D\nemail = not-an-email\n",
	     "r.conf:3: [dpo] email: invalid email address"},
	    {"[dpo]\nname = D\nemail = d@example.org\nphone = 12\n",
	     "r.conf:4: [dpo] phone: invalid phone number"},
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char s[1024];
		const char *org =
		    strstr(ids[i][0], "[organisation]") ? "" : "[organisation]\nname = O\n";
		const char *dpo =
		    strstr(ids[i][0], "[dpo]") ? "" : "[dpo]\nname = D\nemail = d@example.org\n";
		snprintf(s, sizeof(s), "%s%s%s[breach]\nnature = N\nawareness = 2024-03-05 18:00\n",
		         ids[i][0], org, dpo);
		int rc = from_config(s, &c, &in, &err);
		if (rc != VG_EINVAL || !strstr(err.msg, ids[i][1]))
			fail_msg("case %zu: rc %d, \"%s\", want \"%s\"", i, rc, err.msg, ids[i][1]);
		vg_config_release(&c);
	}
	assert_int_equal(from_config(BASE "[organisation]\n", &c, &in, &err), VG_EINVAL);
	vg_config_release(&c);
	assert_int_equal(
	    from_config("[organisation]\nname = O\nsiren = 130 005 481\n[dpo]\nname = D\n"
	                "email = d@example.org\nphone = +33 1 23 45 67 89\n[breach]\n"
	                "nature = N\nawareness = 2024-03-05 18:00\n[sources]\n"
	                "special_category = CAP_EMPLOI ,\n",
	                &c, &in, &err),
	    0);
	assert_string_equal(in.org.siren, "130 005 481");
	assert_true(sources[1].special_category);
	assert_false(sources[0].special_category);
	vg_config_release(&c);

	/* French messages */
	in = fixture();
	vg_config_init(&c, VG_LANG_FR);
	const char *s = BASE "notification = demain\n";
	assert_int_equal(vg_config_parse(&c, "r.conf", s, strlen(s), &err), 0);
	assert_int_equal(vg_report_from_config(&c, 0, &in, &err), VG_EINVAL);
	HAS(err.msg, "r.conf:9: [breach] notification: date invalide 'demain'");
	vg_config_release(&c);

	/* every key the module knows is in the key table of docs/report.md */
	FILE *f = fopen(VG_TEST_DATA "/../../docs/report.md", "r");
	assert_non_null(f);
	char *doc = calloc(1, 1 << 20);
	size_t got = fread(doc, 1, (1 << 20) - 1, f);
	fclose(f);
	assert_true(got > 0);
	for (size_t i = 0; i < vg_report_config_n_keys; i++) {
		char want[96];
		snprintf(want, sizeof(want), "`[%s]`", vg_report_config_keys[i].section);
		HAS(doc, want);
		snprintf(want, sizeof(want), "| `%s` | %s|", vg_report_config_keys[i].key,
		         vg_report_config_keys[i].required ? "yes " : "");
		if (!strstr(doc, want))
			fail_msg("docs/report.md does not document %s", want);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time_parse),
	    cmocka_unit_test(test_paris_offset),
	    cmocka_unit_test(test_deadline),
	    cmocka_unit_test(test_markdown_sections),
	    cmocka_unit_test(test_markdown_missing_and_escaping),
	    cmocka_unit_test(test_special),
	    cmocka_unit_test(test_art34_assess),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_buffer),
	    cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
