/*
 * report.c: the content of the art. 33 report, decided once for the three
 * writers: the input from a config file, the checks, the 72-hour verdict,
 * the special-category statement, the art. 34 reasoning, the likely
 * consequences, the fixed phrases in French and English, and the buffer the
 * writers append to.
 *
 * What the GDPR asks of a notification (art. 33(3)) and where it lands:
 *   (a) nature, categories and approximate numbers of people and records
 *       -> sections nature, data, special;
 *   (b) the DPO's contact -> section controller;
 *   (c) likely consequences -> sections consequences, art34;
 *   (d) measures taken or proposed -> section measures (and advice);
 * and art. 33(1): after 72 hours, the reasons for the delay -> timeline.
 *
 * Nothing here reads the clock: "now" comes from the caller.
 */
#include "internal.h"

#include "vigie/email.h"
#include "vigie/notify.h"
#include "vigie/name.h"
#include "vigie/phone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* Numbers and times for people                                        */

/* A number with thousands separators. */
void rp_number(vg_report_buf *b, uint64_t v, vg_lang lang)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			vg_buf_puts(b, T(lang, "\u202f", ","));
		vg_buf_put(b, &digits[i], 1);
	}
}

/* A share as a whole percentage. */
void rp_percent(vg_report_buf *b, uint64_t part, uint64_t whole, vg_lang lang)
{
	if (whole == 0) {
		vg_buf_puts(b, "—");
		return;
	}
	/* exact for any real count; absurd ones (part * 100 overflows) use doubles */
	unsigned long long pct;
	if (part <= (UINT64_MAX - whole / 2) / 100)
		pct = (part * 100 + whole / 2) / whole;
	else
		pct = (unsigned long long)((double)part / (double)whole * 100.0 + 0.5);
	if (pct == 0 && part > 0)
		vg_buf_puts(b, T(lang, "< 1\u202f%", "< 1%"));
	else
		vg_buf_printf(b, "%llu%s", pct, T(lang, "\u202f%", "%"));
}

/* The ISO 8601 form of a time. */
rp_iso rp_time_iso(vg_report_time tm)
{
	rp_iso r;
	vg_report_time_format(tm, r.s, sizeof(r.s));
	return r;
}

/* A date and time in words, with its UTC offset. */
void rp_time_human(vg_report_buf *b, vg_report_time tm, vg_lang lang)
{
	static const char *const fr[] = {"janvier",   "février", "mars",     "avril",
	                                 "mai",       "juin",    "juillet",  "août",
	                                 "septembre", "octobre", "novembre", "décembre"};
	static const char *const en[] = {"January",   "February", "March",    "April",
	                                 "May",       "June",     "July",     "August",
	                                 "September", "October",  "November", "December"};
	rp_iso iso = rp_time_iso(tm);
	unsigned y, m, d, hh, mm, ss;
	if (!tm.set || sscanf(iso.s, "%4u-%2u-%2u", &y, &m, &d) != 3 || m < 1 || m > 12) {
		vg_buf_printf(b, "*%s*", rp_text(RP_TO_COMPLETE, lang));
		return;
	}
	if (lang == VG_LANG_EN)
		vg_buf_printf(b, "%u %s %u", d, en[m - 1], y);
	else
		vg_buf_printf(b, "%u%s %s %u", d, d == 1 ? "er" : "", fr[m - 1], y);
	if (tm.date_only || sscanf(iso.s + 11, "%2u:%2u:%2u", &hh, &mm, &ss) != 3)
		return;
	vg_buf_printf(b, " %s %02u:%02u", T(lang, "à", "at"), hh, mm);
	if (ss)
		vg_buf_printf(b, ":%02u", ss);
	int32_t off = tm.offset < 0 ? -tm.offset : tm.offset;
	vg_buf_printf(b, " (UTC%c%02d:%02d)", tm.offset < 0 ? '-' : '+', (int)(off / 3600),
	              (int)(off / 60 % 60));
}

/* A duration in hours and minutes (and seconds if any). */
void rp_duration(vg_report_buf *b, int64_t seconds)
{
	if (seconds < 0) {
		vg_buf_puts(b, "-");
		seconds = -seconds;
	}
	vg_buf_printf(b, "%lld h %02d min", (long long)(seconds / 3600), (int)(seconds / 60 % 60));
	if (seconds % 60)
		vg_buf_printf(b, " %02d s", (int)(seconds % 60));
}

/* ------------------------------------------------------------------ */
/* Fixed phrases                                                       */

static const struct {
	const char *id, *fr, *en;
} sections[RP_S_COUNT] = {
    [RP_S_CONTROLLER] = {"controller", "1. Responsable du traitement", "1. Controller"},
    [RP_S_NATURE] = {"nature", "2. Nature de la violation", "2. Nature of the breach"},
    [RP_S_TIMELINE] = {"timeline", "3. Chronologie et délai de 72 heures",
                       "3. Timeline and the 72-hour deadline"},
    [RP_S_DATA] = {"data", "4. Données et personnes concernées", "4. Data and people concerned"},
    [RP_S_SPECIAL] = {"special_category", "5. Données sensibles (article 9 du RGPD)",
                      "5. Special-category data (GDPR article 9)"},
    [RP_S_ART34] = {"art34",
                    "6. Risque pour les personnes et information des personnes (article 34)",
                    "6. Risk to people and communication to them (article 34)"},
    [RP_S_CONSEQUENCES] = {"consequences", "7. Conséquences probables", "7. Likely consequences"},
    [RP_S_MEASURES] = {"measures", "8. Mesures prises et proposées",
                       "8. Measures taken and proposed"},
    [RP_S_ADVICE] = {"advice", "9. Conseils donnés aux personnes concernées",
                     "9. Advice given to the people concerned"},
};

/* A section's title. */
const char *rp_section_title(int s, vg_lang lang)
{
	return T(lang, sections[s].fr, sections[s].en);
}

/* A section's stable identifier. */
const char *rp_section_id(int s)
{
	return sections[s].id;
}

static const struct {
	const char *fr, *en;
} phrases[RP_PHRASE_COUNT] = {
    [RP_TITLE] = {"Notification à la CNIL d'une violation de données personnelles (article 33 du "
                  "RGPD) — projet",
                  "Personal data breach notification to the CNIL (GDPR article 33) — draft"},
    [RP_DRAFT_NOTE] = {"Projet établi par vigie à partir du registre d'exposition. À relire et "
                       "compléter par le délégué à la protection des données avant sa "
                       "transmission sur le téléservice de notification de la CNIL.",
                       "Draft prepared by vigie from the exposure registry. To be reviewed and "
                       "completed by the data protection officer before it is filed through the "
                       "CNIL's online notification service."},
    [RP_TO_COMPLETE] = {"à compléter", "to be completed"},
    [RP_ORG_NAME] = {"Organisme", "Organisation"},
    [RP_ORG_ADDRESS] = {"Adresse", "Address"},
    [RP_ORG_SIREN] = {"SIREN", "SIREN"},
    [RP_DPO] = {"Délégué à la protection des données", "Data protection officer"},
    [RP_DPO_NAME] = {"Nom", "Name"},
    [RP_DPO_EMAIL] = {"Courriel", "Email"},
    [RP_DPO_PHONE] = {"Téléphone", "Phone"},
    [RP_DESCRIPTION] = {"Description", "Description"},
    [RP_DISCOVERY] = {"Circonstances de la découverte", "How it was discovered"},
    [RP_EVENT] = {"Événement", "Event"},
    [RP_DATE] = {"Date", "Date"},
    [RP_INTRUSION_START] = {"Début de l'intrusion", "Start of the intrusion"},
    [RP_INTRUSION_END] = {"Fin de l'intrusion", "End of the intrusion"},
    [RP_AWARENESS] = {"Prise de connaissance de la violation", "Awareness of the breach"},
    [RP_NOTIFICATION] = {"Notification à la CNIL", "Notification to the CNIL"},
    [RP_ELAPSED] = {"Délai entre la prise de connaissance et la notification",
                    "Time from awareness to notification"},
    [RP_WITHIN] = {"Dans le délai de 72 heures (article 33(1) du RGPD).",
                   "Within the 72-hour deadline (GDPR article 33(1))."},
    [RP_LATE] = {"Hors délai : en retard de", "Late: past the 72-hour deadline by"},
    [RP_DELAY_REASON] = {"Motifs du retard", "Reasons for the delay"},
    [RP_REASON_MISSING] = {"Aucun motif de retard n'est indiqué. L'article 33(1) du RGPD exige "
                           "qu'une notification faite après 72 heures soit accompagnée des "
                           "motifs du retard : renseignez la clé delay_reason de la section "
                           "[breach].",
                           "No reason for the delay is given. GDPR article 33(1) requires a "
                           "notification made after 72 hours to give the reasons for the delay: "
                           "fill in the delay_reason key of the [breach] section."},
    [RP_CATEGORY] = {"Catégorie de données", "Category of data"},
    [RP_RECORDS] = {"Enregistrements", "Records"},
    [RP_PEOPLE] = {"Personnes (environ)", "People (approx.)"},
    [RP_SHARE] = {"Part des personnes", "Share of people"},
    [RP_BY_CATEGORY] = {"Par catégorie de données", "By category of data"},
    [RP_BY_SOURCE] = {"Par source", "By source"},
    [RP_SOURCE] = {"Source", "Source"},
    [RP_SPECIAL_COL] = {"Données sensibles (art. 9)", "Special category (art. 9)"},
    [RP_FILES] = {"Fichiers", "Files"},
    [RP_ROWS_READ] = {"Lignes lues", "Rows read"},
    [RP_ROWS_ACCEPTED] = {"Acceptées", "Accepted"},
    [RP_ROWS_REJECTED] = {"Rejetées", "Rejected"},
    [RP_YES] = {"oui", "yes"},
    [RP_NO] = {"non", "no"},
    [RP_TOTAL] = {"Total", "Total"},
    [RP_SPECIAL_WARNING] = {"ATTENTION : des données sensibles (catégorie particulière, article 9 "
                            "du RGPD) sont concernées.",
                            "WARNING: special-category data (GDPR article 9) is involved."},
    [RP_SPECIAL_NONE] = {"Aucune source n'est signalée comme révélant des données sensibles "
                         "(article 9). À vérifier : la seule présence dans certains fichiers peut "
                         "en révéler (par exemple un handicap pour les fichiers de Cap Emploi).",
                         "No source is flagged as revealing special-category data (article 9). "
                         "Check this: mere presence in some files can reveal such data (for "
                         "example a disability for Cap Emploi's files)."},
    [RP_ART34_HIGH] = {"Le risque pour les droits et libertés des personnes est élevé. La "
                       "violation doit donc être communiquée à chaque personne concernée, dans "
                       "les meilleurs délais (article 34(1) du RGPD).",
                       "The risk to people's rights and freedoms is high. The breach must "
                       "therefore be communicated to each person concerned without undue delay "
                       "(GDPR article 34(1))."},
    [RP_ART34_NO_EXEMPTION] = {"Aucune exception de l'article 34(3) ne s'applique : les données "
                               "extraites étaient lisibles (non chiffrées), et aucune mesure prise "
                               "après coup ne supprime le risque pour des données déjà "
                               "divulguées. Chaque personne peut être informée individuellement "
                               "(vigie notify), une communication publique ne suffit donc pas.",
                               "None of the article 34(3) exemptions applies: the exfiltrated data "
                               "was readable (not encrypted), and no measure taken afterwards "
                               "removes the risk for data already disclosed. Each person can be "
                               "told individually (vigie notify), so a public communication "
                               "alone is not enough."},
    [RP_ART34_ASSESS] = {"Aucun critère de risque élevé n'a été détecté automatiquement. "
                         "Évaluez le risque avant de décider d'informer ou non les personnes "
                         "(article 34(1)).",
                         "No high-risk criterion was detected automatically. Assess the risk "
                         "before deciding whether to tell the people concerned (article 34(1))."},
    [RP_ART34_REASONS] = {"Le risque est élevé parce que", "The risk is high because"},
    [RP_MEASURES_TAKEN] = {"Mesures prises", "Measures taken"},
    [RP_MEASURES_PROPOSED] = {"Mesures proposées", "Measures proposed"},
    [RP_ADVICE_INTRO] = {"Les personnes concernées recevront ces conseils, adaptés aux données "
                         "exposées :",
                         "The people concerned will receive this advice, fitted to the data "
                         "exposed:"},
    [RP_CHART_TITLE] = {"Catégories de données exposées", "Categories of data exposed"},
    [RP_NO_DATA] = {"Aucune donnée exposée n'est enregistrée dans le registre.",
                    "No exposed data is recorded in the registry."},
    [RP_REGISTRY] = {"Registre d'exposition", "Exposure registry"},
    [RP_KEY_ID] = {"clé", "key"},
    [RP_VERSION] = {"version", "version"},
    [RP_GENERATED] = {"Généré le", "Generated on"},
};

/* A fixed phrase in lang. */
const char *rp_text(rp_phrase p, vg_lang lang)
{
	return T(lang, phrases[p].fr, phrases[p].en);
}

/* ------------------------------------------------------------------ */
/* Content                                                             */

/* "About N people; R records ..." for section 4. */
void rp_data_summary(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	const vg_report_totals *t = &in->totals;
	vg_buf_puts(b, T(lang, "Environ ", "About "));
	rp_number(b, t->people, lang);
	vg_buf_puts(b, T(lang, " personnes concernées ; ", " people concerned; "));
	rp_number(b, t->rows_accepted, lang);
	vg_buf_puts(b, T(lang, " enregistrements exposés (", " records exposed ("));
	rp_number(b, t->rows_read, lang);
	vg_buf_puts(b, T(lang, " lignes lues, dont ", " rows read, of which "));
	rp_number(b, t->rows_rejected, lang);
	vg_buf_puts(b, T(lang, " rejetées), dans ", " rejected), in "));
	rp_number(b, t->files, lang);
	vg_buf_printf(b, T(lang, " fichier(s) de %zu source(s).", " file(s) from %zu source(s)."),
	              in->n_sources);
}

/* The 72-hour verdict. */
void rp_deadline_verdict(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	vg_report_deadline dl = vg_report_deadline_of(in);
	if (dl.within) {
		vg_buf_puts(b, rp_text(RP_WITHIN, lang));
		return;
	}
	vg_buf_puts(b, rp_text(RP_LATE, lang));
	vg_buf_puts(b, " ");
	rp_duration(b, dl.late);
	vg_buf_puts(b, ".");
}

/* The special-category statement: which sources, what they reveal. */
void rp_special_statement(vg_report_buf *b, const vg_report_input *in, vg_lang lang)
{
	size_t k = 0;
	vg_buf_puts(b, T(lang, "Source(s) concernée(s) : ", "Source(s) concerned: "));
	for (size_t i = 0; i < in->n_sources; i++) {
		const vg_report_source *s = &in->sources[i];
		if (!s->special_category)
			continue;
		vg_buf_printf(b, "%s%s%s%s", k++ ? ", " : "", T(lang, "« ", "\""), s->name,
		              T(lang, " »", "\""));
		vg_buf_puts(b, T(lang, " (environ ", " (about "));
		rp_number(b, s->people, lang);
		vg_buf_puts(b, T(lang, " personnes)", " people)"));
	}
	vg_buf_puts(
	    b, T(lang,
	         ". La seule présence d'une personne dans ces fichiers révèle une donnée "
	         "sensible : pour Cap Emploi, un handicap (donnée de santé, article 9 du RGPD). "
	         "Ces données appellent une protection renforcée et rendent le risque élevé pour "
	         "les personnes concernées : l'article 34 impose de les informer.",
	         ". Mere presence in these files reveals special-category data: for Cap Emploi, a "
	         "disability (health data, GDPR article 9). Such data calls for stronger "
	         "protection and makes the risk to the people concerned high: article 34 "
	         "requires telling them."));
}

/* Why the risk is high, if it is. */
rp_risk rp_risk_of(const vg_report_input *in, vg_lang lang)
{
	rp_risk r;
	memset(&r, 0, sizeof(r));
	uint32_t cats = vg_report_categories(in);
	if (vg_report_special(in)) {
		r.code[r.n] = "special_category";
		r.text[r.n++] =
		    T(lang,
		      "des données sensibles sont concernées (article 9 : la présence dans "
		      "les fichiers de Cap Emploi révèle un handicap)",
		      "special-category data is involved (article 9: presence in Cap "
		      "Emploi's files reveals a disability)");
	}
	if (cats & VG_DATACAT_BIT(VG_DATACAT_NIR)) {
		r.code[r.n] = "nir";
		r.text[r.n++] =
		    T(lang,
		      "le numéro de sécurité sociale, identifiant national unique qui ne "
		      "peut pas être changé, est exposé",
		      "the social security number, a unique national identifier that "
		      "cannot be changed, is exposed");
	}
	uint32_t contact = VG_DATACAT_BIT(VG_DATACAT_EMAIL) | VG_DATACAT_BIT(VG_DATACAT_PHONE) |
	                   VG_DATACAT_BIT(VG_DATACAT_ADDRESS);
	if ((cats & VG_DATACAT_BIT(VG_DATACAT_NAME)) && (cats & contact)) {
		r.code[r.n] = "targeted_phishing";
		r.text[r.n++] =
		    T(lang,
		      "les noms et les coordonnées exposés permettent un hameçonnage ciblé, "
		      "crédible et à grande échelle",
		      "the exposed names and contact details allow targeted, credible "
		      "phishing at scale");
	}
	if ((cats & VG_DATACAT_BIT(VG_DATACAT_NAME)) && (cats & VG_DATACAT_BIT(VG_DATACAT_DOB)) &&
	    (cats & (VG_DATACAT_BIT(VG_DATACAT_NIR) | VG_DATACAT_BIT(VG_DATACAT_BIRTHPLACE) |
	             VG_DATACAT_BIT(VG_DATACAT_ADDRESS)))) {
		r.code[r.n] = "identity_theft";
		r.text[r.n++] =
		    T(lang,
		      "l'état civil exposé (nom, date de naissance et numéro, lieu de "
		      "naissance ou adresse) suffit à tenter une usurpation d'identité",
		      "the exposed civil status (name, date of birth, and number, place "
		      "of birth or address) is enough to attempt identity theft");
	}
	r.high = r.n > 0;
	return r;
}

static const struct {
	const char *fr, *en;
} consequences[VG_DATACAT_COUNT] = {
    [VG_DATACAT_NAME] = {"Les messages frauduleux s'adressent aux personnes par leur nom, ce qui "
                         "les rend crédibles ; combiné aux autres données, le nom permet "
                         "l'usurpation d'identité.",
                         "Fraudulent messages address people by name, which makes them "
                         "credible; combined with the other data, the name enables identity "
                         "theft."},
    [VG_DATACAT_NIR] = {"Usurpation d'identité (démarches, prestations, ouverture de comptes) et "
                        "hameçonnage ciblé citant le numéro de sécurité sociale pour paraître "
                        "officiel (faux messages de l'Assurance maladie ou des impôts). Le "
                        "numéro ne peut pas être changé : le risque dure toute la vie.",
                        "Identity theft (applications, benefits, new accounts) and targeted "
                        "phishing quoting the social security number to look official (fake "
                        "health insurance or tax office messages). The number cannot be "
                        "changed: the risk lasts a lifetime."},
    [VG_DATACAT_DOB] = {"Avec le nom, la date de naissance répond aux questions de vérification "
                        "d'identité des banques et des administrations, et rend crédibles les "
                        "appels de faux conseillers.",
                        "With the name, the date of birth answers the identity-check questions "
                        "of banks and public services, and makes fake advisers' calls "
                        "credible."},
    [VG_DATACAT_FTID] = {"Faux messages de France Travail citant l'identifiant pour paraître "
                         "authentiques ; tentatives de prise de contrôle de l'espace personnel.",
                         "Fake France Travail messages quoting the identifier to look genuine; "
                         "attempts to take over the personal account."},
    [VG_DATACAT_EMAIL] = {"Hameçonnage par courriel (phishing) imitant France Travail, "
                          "l'Assurance maladie ou une banque ; pourriels ; tentatives d'accès "
                          "aux comptes dont l'adresse est l'identifiant.",
                          "Email phishing imitating France Travail, the health insurance or a "
                          "bank; spam; attempts to break into accounts that use the address as "
                          "login."},
    [VG_DATACAT_ADDRESS] = {"Fraude par courrier postal (faux courriers de France Travail, "
                            "d'Ameli, des impôts ou d'huissiers), détournement de courrier, "
                            "justificatif de domicile pour une usurpation d'identité, "
                            "démarchage à domicile.",
                            "Postal mail fraud (fake letters from France Travail, Ameli, the "
                            "tax office or bailiffs), mail redirection, proof of address for "
                            "identity theft, doorstep scams."},
    [VG_DATACAT_PHONE] = {"Hameçonnage par SMS (smishing) et appels de faux conseillers "
                          "(vishing) ; tentatives de détournement de ligne (SIM swapping).",
                          "SMS phishing (smishing) and calls from fake advisers (vishing); "
                          "attempts to hijack the line (SIM swapping)."},
    [VG_DATACAT_SEX] = {"Peu de risque isolément ; rend plus crédibles les messages et les "
                        "usurpations (civilité).",
                        "Little risk on its own; makes messages and impersonation more "
                        "credible (title)."},
    [VG_DATACAT_BIRTHPLACE] = {"Avec le nom et la date de naissance, complète l'état civil "
                               "demandé pour obtenir des documents ou vérifier une identité.",
                               "With the name and date of birth, completes the civil status "
                               "asked to obtain documents or to check an identity."},
    [VG_DATACAT_REGISTRATION] = {"Révèle la situation de demandeur d'emploi (et donc une "
                                 "fragilité financière possible) ; arnaques aux allocations "
                                 "(« votre allocation va être suspendue »).",
                                 "Reveals job-seeker status (and so possible financial "
                                 "hardship); allowance scams (\"your allowance will be "
                                 "suspended\")."},
};

/* The likely consequences of exposing category c. */
const char *rp_consequence(vg_datacat c, vg_lang lang)
{
	return (unsigned)c < VG_DATACAT_COUNT ? T(lang, consequences[c].fr, consequences[c].en)
	                                      : "";
}

/* The likely consequences of exposing special-category data. */
const char *rp_special_consequence(vg_lang lang)
{
	return T(lang,
	         "Révélation d'un handicap : risque de discrimination (emploi, logement, "
	         "assurance), atteinte à la vie privée, arnaques ciblant les aides liées au "
	         "handicap.",
	         "Disclosure of a disability: risk of discrimination (work, housing, insurance), "
	         "intrusion into private life, scams targeting disability support.");
}

const char *vg_report_consequence(vg_datacat c, vg_lang lang)
{
	return rp_consequence(c, lang);
}

const char *vg_report_special_consequence(vg_lang lang)
{
	return rp_special_consequence(lang);
}

/* The advice the people concerned receive. */
vg_advice_list rp_advice(const vg_report_input *in, vg_lang lang)
{
	uint32_t mask = vg_report_categories(in);
	if (vg_report_special(in))
		mask |= VG_ADVICE_SPECIAL;
	return vg_advice_for(mask, lang);
}

/* Calls fn on each non-empty line of s. */
size_t rp_lines(const char *s, void (*fn)(void *ctx, const char *line, size_t n), void *ctx)
{
	size_t count = 0;
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		size_t a = 0, e = n;
		while (a < e && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
			a++;
		while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
			e--;
		if (e > a) {
			if (fn)
				fn(ctx, s + a, e - a);
			count++;
		}
		s = nl ? nl + 1 : s + n;
	}
	return count;
}

/* ------------------------------------------------------------------ */
/* Derived facts                                                       */

/* The 72-hour check. */
vg_report_deadline vg_report_deadline_of(const vg_report_input *in)
{
	vg_report_deadline d;
	memset(&d, 0, sizeof(d));
	d.elapsed = in->breach.notification.t - in->breach.awareness.t;
	d.within = d.elapsed <= VG_REPORT_DEADLINE_SECONDS;
	d.late = d.within ? 0 : d.elapsed - VG_REPORT_DEADLINE_SECONDS;
	d.reason_missing = !d.within && rp_lines(in->breach.delay_reason, NULL, NULL) == 0;
	return d;
}

/* True when a source is flagged special-category. */
bool vg_report_special(const vg_report_input *in)
{
	for (size_t i = 0; i < in->n_sources; i++)
		if (in->sources[i].special_category)
			return true;
	return false;
}

/* The categories with at least one record. */
uint32_t vg_report_categories(const vg_report_input *in)
{
	uint32_t m = 0;
	for (unsigned c = 0; c < VG_DATACAT_COUNT; c++)
		if (in->categories[c].records > 0 || in->categories[c].people > 0)
			m |= VG_DATACAT_BIT(c);
	return m;
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */

/* True when s is NULL or valid UTF-8 without NUL or control characters other
 * than tab and newline. */
static bool text_ok(const char *s)
{
	if (!s)
		return true;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned char b = *p;
		if (b < 0x80) {
			if ((b < 0x20 && b != '\t' && b != '\n') || b == 0x7F)
				return false;
			p++;
			continue;
		}
		size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
		if (b < 0xC2 || b > 0xF4)
			return false;
		if ((b == 0xE0 && p[1] < 0xA0) || (b == 0xED && p[1] > 0x9F) ||
		    (b == 0xF0 && p[1] < 0x90) || (b == 0xF4 && p[1] > 0x8F))
			return false;
		for (size_t k = 1; k < len; k++)
			if ((p[k] & 0xC0) != 0x80)
				return false; /* also stops at the NUL */
		p += len;
	}
	return true;
}

#define EF(fr, en, ...) vg_err_set(err, VG_EINVAL, T(lang, fr, en), __VA_ARGS__)
#define E0(fr, en) vg_err_set(err, VG_EINVAL, "%s", T(lang, fr, en))

/* Checks what the writers need. */
int vg_report_check(const vg_report_input *in, vg_lang lang, vg_err *err)
{
	const vg_report_time *s = &in->breach.intrusion_start, *e = &in->breach.intrusion_end;
	const vg_report_time *a = &in->breach.awareness, *n = &in->breach.notification;
	if (!a->set)
		return E0("date de prise de connaissance manquante ([breach] awareness)",
		          "missing awareness date ([breach] awareness)");
	if (!n->set)
		return E0("date de notification manquante ([breach] notification)",
		          "missing notification date ([breach] notification)");
	if (n->t < a->t)
		return E0("la notification précède la prise de connaissance de la violation",
		          "the notification is earlier than the awareness of the breach");
	if (s->set && e->set && e->t < s->t)
		return E0("la fin de l'intrusion précède son début",
		          "the end of the intrusion is earlier than its start");
	if (s->set && a->t < s->t)
		return E0("la prise de connaissance précède le début de l'intrusion",
		          "the awareness is earlier than the start of the intrusion");

	const char *texts[] = {in->org.name,
	                       in->org.address,
	                       in->org.siren,
	                       in->dpo.name,
	                       in->dpo.email,
	                       in->dpo.phone,
	                       in->breach.nature,
	                       in->breach.discovery,
	                       in->breach.measures_taken,
	                       in->breach.measures_proposed,
	                       in->breach.delay_reason,
	                       in->key_id};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!text_ok(texts[i]))
			return E0("texte invalide (UTF-8 incorrect ou caractère de contrôle)",
			          "invalid text (bad UTF-8 or a control character)");

	const vg_report_totals *t = &in->totals;
	if (t->rows_accepted > t->rows_read || t->rows_read - t->rows_accepted != t->rows_rejected)
		return EF("totaux incohérents : %llu lignes lues, %llu acceptées, %llu rejetées",
		          "inconsistent totals: %llu rows read, %llu accepted, %llu rejected",
		          (unsigned long long)t->rows_read, (unsigned long long)t->rows_accepted,
		          (unsigned long long)t->rows_rejected);
	if (in->n_sources && !in->sources)
		return E0("sources manquantes", "missing sources");
	uint64_t read = 0;
	for (size_t i = 0; i < in->n_sources; i++) {
		const vg_report_source *src = &in->sources[i];
		if (!src->name || !*src->name || !text_ok(src->name) || strchr(src->name, '\n'))
			return EF("source n°%zu : nom manquant ou invalide",
			          "source #%zu: missing or invalid name", i + 1);
		if (src->rows_accepted > src->rows_read ||
		    src->rows_read - src->rows_accepted != src->rows_rejected)
			return EF(
			    "source « %s » : %llu lignes lues ≠ %llu acceptées + %llu rejetées",
			    "source \"%s\": %llu rows read != %llu accepted + %llu rejected",
			    src->name, (unsigned long long)src->rows_read,
			    (unsigned long long)src->rows_accepted,
			    (unsigned long long)src->rows_rejected);
		if (read > UINT64_MAX - src->rows_read)
			return E0("nombres de lignes trop grands", "row counts too large");
		read += src->rows_read;
	}
	if (in->n_sources && read != t->rows_read)
		return EF("les sources totalisent %llu lignes lues, le total en indique %llu",
		          "the sources add up to %llu rows read, the total says %llu",
		          (unsigned long long)read, (unsigned long long)t->rows_read);
	return 0;
}

#undef EF
#undef E0

/* ------------------------------------------------------------------ */
/* From a config file                                                  */

const vg_config_key vg_report_config_keys[] = {
    {"organisation", "name", true},
    {"organisation", "address", false},
    {"organisation", "siren", false},
    {"dpo", "name", true},
    {"dpo", "email", true},
    {"dpo", "phone", false},
    {"breach", "nature", true},
    {"breach", "discovery", false},
    {"breach", "intrusion_start", false},
    {"breach", "intrusion_end", false},
    {"breach", "awareness", true},
    {"breach", "notification", false},
    {"breach", "measures_taken", false},
    {"breach", "measures_proposed", false},
    {"breach", "delay_reason", false},
    {"sources", "special_category", false},
};
const size_t vg_report_config_n_keys =
    sizeof(vg_report_config_keys) / sizeof(vg_report_config_keys[0]);

/* True when s is a SIREN: 9 digits with a valid Luhn key. */
static bool siren_ok(const char *s)
{
	unsigned sum = 0;
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\xc2' || *p == '\xa0')
			continue; /* "130 005 481" is fine */
		if (*p < '0' || *p > '9' || n == 9)
			return false;
		n++;
	}
	if (n != 9)
		return false;
	size_t k = 0;
	for (const char *p = s + strlen(s); p-- > s;) {
		if (*p < '0' || *p > '9')
			continue;
		unsigned d = (unsigned)(*p - '0');
		if (k++ % 2)
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	return sum % 10 == 0;
}

/* Reads an optional time key into *out; need_time refuses a bare date. */
static int time_key(vg_config *cfg, const char *key, bool need_time, vg_report_time *out,
                    vg_lang lang, vg_err *err)
{
	const vg_config_entry *e = vg_config_find(cfg, "breach", key);
	if (!e)
		return 0;
	vg_report_time tm;
	if (vg_report_time_parse(e->value, e->value_len, &tm) != 0)
		return vg_config_errf(
		    cfg, e, err, VG_EINVAL,
		    T(lang,
		      "date invalide '%s' (attendu AAAA-MM-JJTHH:MM, avec un "
		      "décalage comme +01:00 ou sans pour l'heure de Paris ; années "
		      "%d à %d)",
		      "invalid date '%s' (expected YYYY-MM-DDTHH:MM, with an offset "
		      "such as +01:00, or none for Paris time; years %d to %d)"),
		    e->value, VG_REPORT_YEAR_MIN, VG_REPORT_YEAR_MAX);
	if (need_time && tm.date_only)
		return vg_config_errf(cfg, e, err, VG_EINVAL, "%s",
		                      T(lang, "l'heure est nécessaire pour le délai de 72 heures",
		                        "the time of day is needed for the 72-hour deadline"));
	*out = tm;
	return 0;
}

/* Marks the sources listed in [sources] special_category. */
static int special_sources(vg_config *cfg, vg_report_input *in, vg_lang lang, vg_err *err)
{
	const vg_config_entry *e = vg_config_find(cfg, "sources", "special_category");
	if (!e)
		return 0;
	const char *p = e->value;
	while (*p) {
		const char *end = p;
		while (*end && *end != ',' && *end != '\n')
			end++;
		const char *a = p, *z = end;
		while (a < z && (*a == ' ' || *a == '\t'))
			a++;
		while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
			z--;
		if (z > a) {
			/* names compare folded: "cap_emploi" names "Cap Emploi" */
			bool found = false;
			char want[128], have[128];
			long wn = vg_text_fold(a, (size_t)(z - a), want, sizeof(want));
			for (size_t i = 0; i < in->n_sources; i++) {
				const char *name = in->sources[i].name;
				long hn = name ? vg_text_fold(name, strlen(name), have, sizeof(have)) : -1;
				if (wn > 0 && hn == wn && !memcmp(want, have, (size_t)wn)) {
					in->sources[i].special_category = true;
					found = true;
				}
			}
			if (!found)
				return vg_config_errf(
				    cfg, e, err, VG_EINVAL,
				    T(lang,
				      "aucune source ne s'appelle « %.*s » dans le "
				      "registre",
				      "no source is named \"%.*s\" in the registry"),
				    (int)(z - a), a);
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* Fills the input's organisation, DPO and breach fields from cfg. */
int vg_report_from_config(vg_config *cfg, int64_t now, vg_report_input *in, vg_err *err)
{
	/* one file serves `vigie report` and `vigie notify`: [notify] is known,
	 * and nothing in it is required for a report */
	vg_config_key *nk = vg_xcalloc(vg_notify_config_n_keys, sizeof(*nk));
	for (size_t i = 0; i < vg_notify_config_n_keys; i++) {
		nk[i] = vg_notify_config_keys[i];
		nk[i].required = false;
	}
	int rc = vg_report_from_config_ext(cfg, now, nk, vg_notify_config_n_keys, in, err);
	free(nk);
	return rc;
}

/* The same, knowing more keys (another command's section in the same file). */
int vg_report_from_config_ext(vg_config *cfg, int64_t now, const vg_config_key *extra,
                              size_t n_extra, vg_report_input *in, vg_err *err)
{
	vg_lang lang = cfg->lang;
	size_t nk = vg_report_config_n_keys + n_extra;
	vg_config_key *keys = vg_xcalloc(nk, sizeof(*keys));
	memcpy(keys, vg_report_config_keys, vg_report_config_n_keys * sizeof(*keys));
	if (n_extra)
		memcpy(keys + vg_report_config_n_keys, extra, n_extra * sizeof(*keys));
	int rc = vg_config_validate(cfg, keys, nk, err);
	free(keys);
	if (rc)
		return rc;
	in->org.name = vg_config_get(cfg, "organisation", "name");
	in->org.address = vg_config_get(cfg, "organisation", "address");
	const vg_config_entry *e = vg_config_find(cfg, "organisation", "siren");
	if (e && !siren_ok(e->value))
		return vg_config_errf(cfg, e, err, VG_EINVAL, "%s",
		                      T(lang, "SIREN invalide (9 chiffres, clé de Luhn)",
		                        "invalid SIREN (9 digits, Luhn check digit)"));
	in->org.siren = e ? e->value : NULL;

	in->dpo.name = vg_config_get(cfg, "dpo", "name");
	e = vg_config_find(cfg, "dpo", "email");
	vg_email em;
	if (e && vg_email_normalize(e->value, e->value_len, &em) != 0)
		return vg_config_errf(
		    cfg, e, err, VG_EINVAL, "%s : %s",
		    T(lang, "adresse électronique invalide", "invalid email address"),
		    vg_reason_text(em.c.reason, lang));
	in->dpo.email = e ? e->value : NULL;
	e = vg_config_find(cfg, "dpo", "phone");
	vg_phone ph;
	if (e && vg_phone_normalize(e->value, e->value_len, &ph) != 0)
		return vg_config_errf(
		    cfg, e, err, VG_EINVAL, "%s : %s",
		    T(lang, "numéro de téléphone invalide", "invalid phone number"),
		    vg_reason_text(ph.c.reason, lang));
	in->dpo.phone = e ? e->value : NULL;

	in->breach.nature = vg_config_get(cfg, "breach", "nature");
	in->breach.discovery = vg_config_get(cfg, "breach", "discovery");
	in->breach.measures_taken = vg_config_get(cfg, "breach", "measures_taken");
	in->breach.measures_proposed = vg_config_get(cfg, "breach", "measures_proposed");
	in->breach.delay_reason = vg_config_get(cfg, "breach", "delay_reason");

	memset(&in->breach.intrusion_start, 0, sizeof(vg_report_time));
	memset(&in->breach.intrusion_end, 0, sizeof(vg_report_time));
	in->breach.notification = vg_report_time_paris(now);
	if ((rc =
	         time_key(cfg, "intrusion_start", false, &in->breach.intrusion_start, lang, err)) ||
	    (rc = time_key(cfg, "intrusion_end", false, &in->breach.intrusion_end, lang, err)) ||
	    (rc = time_key(cfg, "awareness", true, &in->breach.awareness, lang, err)) ||
	    (rc = time_key(cfg, "notification", true, &in->breach.notification, lang, err)))
		return rc;
	const vg_report_time *st = &in->breach.intrusion_start, *en = &in->breach.intrusion_end;
	if (st->set && en->set && en->t < st->t)
		return vg_config_errf(cfg, vg_config_find(cfg, "breach", "intrusion_end"), err,
		                      VG_EINVAL, "%s",
		                      T(lang, "la fin de l'intrusion précède son début",
		                        "the end of the intrusion is earlier than its start"));
	if (st->set && in->breach.awareness.t < st->t)
		return vg_config_errf(
		    cfg, vg_config_find(cfg, "breach", "awareness"), err, VG_EINVAL, "%s",
		    T(lang, "la prise de connaissance précède le début de l'intrusion",
		      "the awareness is earlier than the start of the intrusion"));
	if (in->breach.notification.t < in->breach.awareness.t) {
		const vg_config_entry *ne = vg_config_find(cfg, "breach", "notification");
		return vg_config_errf(cfg, ne ? ne : vg_config_find(cfg, "breach", "awareness"),
		                      err, VG_EINVAL, "%s",
		                      T(lang,
		                        "la notification précède la prise de connaissance de la "
		                        "violation",
		                        "the notification is earlier than the awareness of the "
		                        "breach"));
	}
	return special_sources(cfg, in, lang, err);
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

/* Writes the report in the given format. */
int vg_report_write(const vg_report_input *in, vg_report_format fmt, vg_lang lang,
                    vg_report_buf *out, vg_err *err)
{
	switch (fmt) {
	case VG_REPORT_MARKDOWN:
		return vg_report_write_markdown(in, lang, out, err);
	case VG_REPORT_JSON:
		return vg_report_write_json(in, lang, out, err);
	case VG_REPORT_HTML:
		return vg_report_write_html(in, lang, out, err);
	}
	return vg_err_set(err, VG_EINTERNAL, "unknown report format %d", (int)fmt);
}

/* Writes the report to a stream. */
int vg_report_print(const vg_report_input *in, vg_report_format fmt, vg_lang lang, FILE *f,
                    vg_err *err)
{
	vg_report_buf b;
	vg_buf_init(&b, VG_REPORT_MAX_BYTES);
	int rc = vg_report_write(in, fmt, lang, &b, err);
	if (rc == 0 && (fwrite(b.data, 1, b.len, f) != b.len || fflush(f) != 0))
		rc = vg_err_set(
		    err, VG_EIO, "%s",
		    T(lang, "écriture du rapport impossible", "cannot write the report"));
	vg_buf_release(&b);
	return rc;
}
