/*
 * alert.c: what an alert says, for people (French or English) and as JSON.
 * Texts give counts and the account's own attributes, never a person read.
 */
#include "vigie/watch.h"

#include <stdio.h>
#include <string.h>

static const char *const day_fr[7] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                      "vendredi", "samedi", "dimanche"};
static const char *const day_en[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                      "Friday", "Saturday", "Sunday"};

/* "2024-02-06 19:12" in the log's wall clock. */
static void short_time(int64_t utc, int32_t off, char out[32])
{
	char t[32];
	vg_alog_format_time(utc, off, t);
	snprintf(out, 32, "%.10s %.5s", t, t + 11);
}

void vg_watch_finding_text(const vg_watch_finding *f, int32_t offset, vg_lang lang, char *buf,
                           size_t n)
{
	bool en = lang == VG_LANG_EN;
	unsigned long long v = f->value, l = f->limit;
	(void)offset;
	switch (f->rule) {
	case VG_RULE_RATE:
		snprintf(buf, n,
		         en ? "%llu distinct people read in one hour (ceiling %llu)"
		            : "%llu personnes distinctes consultées en une heure (plafond %llu)",
		         v, l);
		break;
	case VG_RULE_PEER:
		snprintf(
		    buf, n,
		    en ? "%llu people in one hour, far above peers with the same role and agency "
		         "(at most %llu)"
		       : "%llu personnes en une heure, bien au-delà des collègues de même rôle et "
		         "même agence (%llu au plus)",
		    v, l);
		break;
	case VG_RULE_BASELINE:
		if (f->slot == 2)
			snprintf(
			    buf, n,
			    en ? "people never read before and not found by a search: %llu over "
			         "the account's whole day, about %llu expected from its reads of "
			         "people it knows"
			       : "personnes jamais consultées et non trouvées par une recherche : "
			         "%llu sur toute la journée du compte, environ %llu attendues "
			         "d'après ses lectures de personnes connues",
			    v, l);
		else if (f->slot)
			snprintf(
			    buf, n,
			    en ? "people never read before and not found by a search, above the "
			         "account's habit day after day: %llu on its latest day "
			         "(about %llu expected)"
			       : "personnes jamais consultées et non trouvées par une recherche, "
			         "au-dessus de l'habitude du compte jour après jour : "
			         "%llu sur sa dernière journée (environ %llu attendues)",
			    v, l);
		else
			snprintf(
			    buf, n,
			    en ? "people never read before and not found by a search: %llu in the "
			         "day, about %llu expected from its reads of people it knows"
			       : "personnes jamais consultées et non trouvées par une recherche : "
			         "%llu dans la journée, environ %llu attendues d'après ses "
			         "lectures "
			         "de personnes connues",
			    v, l);
		break;
	case VG_RULE_OFF_HOURS:
		snprintf(
		    buf, n,
		    en ? "activity outside the usual hours of the account and its peers (%s %u:00)"
		       : "activité hors des heures habituelles du compte et de ses collègues (%s "
		         "%u h)",
		    en ? day_en[f->slot / 24 % 7] : day_fr[f->slot / 24 % 7], f->slot % 24);
		break;
	case VG_RULE_NEW_NETWORK:
		if (f->level == 2)
			snprintf(buf, n,
			         en ? "network already used by an account under alert (%s)"
			            : "réseau déjà utilisé par un compte en alerte (%s)",
			         f->detail);
		else if (f->level == 1)
			snprintf(buf, n,
			         en ? "network never seen in the organisation (%s)"
			            : "réseau jamais vu dans l'organisation (%s)",
			         f->detail);
		else
			snprintf(buf, n,
			         en ? "network new to this account (%s)"
			            : "réseau nouveau pour ce compte (%s)",
			         f->detail);
		break;
	case VG_RULE_NEW_UA:
		snprintf(buf, n, "%s",
		         f->level ? (en ? "browser never seen in the organisation"
		                        : "navigateur jamais vu dans l'organisation")
		                  : (en ? "browser new to this account"
		                        : "navigateur nouveau pour ce compte"));
		break;
	case VG_RULE_ENUMERATION:
		snprintf(buf, n,
		         en ? "%llu records read in a row by consecutive identifiers"
		            : "%llu dossiers consultés à la suite par identifiants consécutifs",
		         v);
		break;
	case VG_RULE_READ_ALL:
		snprintf(
		    buf, n,
		    en ? "%llu searches followed by reading every result (%llu results or more)"
		       : "%llu recherches suivies de la lecture de tous leurs résultats (%llu "
		         "résultats ou plus)",
		    v, l);
		break;
	case VG_RULE_EXPORT:
		snprintf(buf, n,
		         en ? "export of %llu rows (threshold %llu)"
		            : "export de %llu lignes (seuil %llu)",
		         v, l);
		break;
	case VG_RULE_STUFFING:
		snprintf(buf, n, "%s",
		         en ? "login from a new network during a credential-stuffing burst"
		            : "connexion depuis un nouveau réseau pendant une vague de bourrage "
		              "d'identifiants");
		break;
	default:
		snprintf(buf, n, "?");
	}
}

void vg_watch_alert_text(const vg_watch_alert *a, vg_lang lang, char *buf, size_t n)
{
	bool en = lang == VG_LANG_EN;
	char since[32];
	short_time(a->since, a->offset, since);
	if (a->kind == VG_WATCH_STUFFING) {
		snprintf(
		    buf, n,
		    en ? "Credential stuffing: %llu failed logins on about %llu accounts since %s, "
		         "from networks unknown to these accounts."
		       : "Bourrage d'identifiants : %llu connexions échouées sur environ %llu "
		         "comptes depuis le %s, depuis des réseaux inconnus de ces comptes.",
		    (unsigned long long)a->failures, (unsigned long long)a->accounts_tried, since);
		return;
	}
	int k =
	    snprintf(buf, n,
	             en ? "%sAccount %s (%s, %s): about %llu people read since %s; score %.0f; "
	                  "why: "
	                : "%sCompte %s (%s, %s) : environ %llu personnes consultées depuis le %s ; "
	                  "score %.0f ; motifs : ",
	             a->kind == VG_WATCH_UPDATE ? (en ? "Update: " : "Suite : ") : "", a->account,
	             *a->role ? a->role : "?", *a->agency ? a->agency : "?",
	             (unsigned long long)a->people, since, a->score);
	for (unsigned i = 0; i < a->nfindings && k >= 0 && (size_t)k < n; i++) {
		char t[256];
		vg_watch_finding_text(&a->findings[i], a->offset, lang, t, sizeof(t));
		k += snprintf(buf + k, n - (size_t)k, "%s%s", i ? " ; " : "", t);
	}
	if (k >= 0 && (size_t)k < n)
		snprintf(buf + k, n - (size_t)k, ".");
}

json_t *vg_watch_alert_json(const vg_watch_alert *a, vg_lang lang)
{
	static const char *const kinds[] = {"alert", "update", "credential_stuffing"};
	json_t *o = json_object();
	char t[32], msg[2048];
	json_object_set_new(o, "type", json_string(kinds[a->kind]));
	vg_alog_format_time(a->at, a->offset, t);
	json_object_set_new(o, "at", json_string(t));
	if (a->kind != VG_WATCH_STUFFING) {
		json_object_set_new(o, "account", json_string(a->account));
		json_object_set_new(o, "role", json_string(a->role));
		json_object_set_new(o, "agency", json_string(a->agency));
	}
	vg_alog_format_time(a->since, a->offset, t);
	json_object_set_new(o, "since", json_string(t));
	if (a->kind == VG_WATCH_STUFFING) {
		json_object_set_new(o, "failed_logins", json_integer((json_int_t)a->failures));
		json_object_set_new(o, "accounts", json_integer((json_int_t)a->accounts_tried));
	} else {
		json_object_set_new(o, "people", json_integer((json_int_t)a->people));
		json_object_set_new(o, "reads", json_integer((json_int_t)a->reads));
		json_object_set_new(o, "exported_rows", json_integer((json_int_t)a->exported));
		json_object_set_new(o, "score", json_real((double)(int)(a->score * 10 + 0.5) / 10));
		json_t *rs = json_array();
		for (unsigned i = 0; i < a->nfindings; i++) {
			const vg_watch_finding *f = &a->findings[i];
			json_t *r = json_object();
			char txt[256];
			json_object_set_new(r, "rule", json_string(vg_watch_rule_name(f->rule)));
			json_object_set_new(r, "points",
			                    json_real((double)(int)(f->points * 10 + 0.5) / 10));
			vg_alog_format_time(f->first, a->offset, t);
			json_object_set_new(r, "since", json_string(t));
			vg_watch_finding_text(f, a->offset, lang, txt, sizeof(txt));
			json_object_set_new(r, "text", json_string(txt));
			json_array_append_new(rs, r);
		}
		json_object_set_new(o, "reasons", rs);
	}
	vg_watch_alert_text(a, lang, msg, sizeof(msg));
	json_object_set_new(o, "message", json_string(msg));
	return o;
}
