/*
 * eval.c: `vigie watch --replay --truth`: each alert matched against the
 * generator's ground truth, the detection delay of each incident, and the
 * false-alert rate per 10,000 benign account-days.
 *
 * Matching: an account alert is true when the truth has an incident on
 * that account that started at or before the alert and ended less than 24
 * hours before it; a stuffing alert is true within an hour around the
 * burst. Everything else is a false alert. An incident's delay is the time
 * from its first malicious event to its first true alert; for the
 * credential-stuffing burst, to the first alert about the burst or about
 * an account it got into.
 */
#include "vigie/watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct incident {
	int id;
	char scenario[16];
	char account[64]; /* "" for the stuffing burst */
	int64_t start, end;
	int32_t offset;
	int64_t detected; /* time of the first true alert, or -1 */
} incident;

typedef struct alert_rec {
	int kind;
	char account[64];
	int64_t at;
	int32_t offset;
	int incident; /* index, or -1: false */
} alert_rec;

struct vg_watch_eval {
	incident *inc;
	size_t ninc;
	alert_rec *al;
	size_t nal, cap;
	uint64_t benign_days;
};

static int parse_ts(json_t *o, const char *k, int64_t *t, int32_t *off)
{
	const char *s = json_string_value(json_object_get(o, k));
	bool had;
	return s && !vg_alog_parse_time(s, strlen(s), 0, t, off, &had) ? 0 : -1;
}

vg_watch_eval *vg_watch_eval_load(const char *path, vg_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		vg_err_set(err, VG_ENOTFOUND, "%s: %s", path, strerror(errno));
		return NULL;
	}
	vg_watch_eval *e = vg_xcalloc(1, sizeof(*e));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	bool summary = false;
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		json_error_t je;
		json_t *o = json_loadb(line, (size_t)n, 0, &je);
		const char *type = o ? json_string_value(json_object_get(o, "type")) : NULL;
		if (!type) {
			json_decref(o);
			vg_err_set(err, VG_ECORRUPT, "%s:%u: %s", path, lineno,
			           o ? "no \"type\"" : je.text);
			goto fail;
		}
		if (!strcmp(type, "incident")) {
			incident in = {0};
			in.id = (int)json_integer_value(json_object_get(o, "id"));
			const char *sc = json_string_value(json_object_get(o, "scenario"));
			const char *ac = json_string_value(json_object_get(o, "account"));
			snprintf(in.scenario, sizeof(in.scenario), "%s", sc ? sc : "?");
			snprintf(in.account, sizeof(in.account), "%s", ac ? ac : "");
			in.detected = -1;
			if (parse_ts(o, "start", &in.start, &in.offset) ||
			    parse_ts(o, "end", &in.end, &in.offset)) {
				json_decref(o);
				vg_err_set(err, VG_ECORRUPT, "%s:%u: bad start or end", path,
				           lineno);
				goto fail;
			}
			e->inc = vg_xrealloc(e->inc, (e->ninc + 1) * sizeof(incident));
			e->inc[e->ninc++] = in;
		} else if (!strcmp(type, "summary")) {
			e->benign_days =
			    (uint64_t)json_integer_value(json_object_get(o, "benign_account_days"));
			summary = true;
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (!summary) {
		vg_err_set(err, VG_ECORRUPT, "%s: no summary line", path);
		vg_watch_eval_free(e);
		return NULL;
	}
	return e;
fail:
	free(line);
	fclose(f);
	vg_watch_eval_free(e);
	return NULL;
}

void vg_watch_eval_free(vg_watch_eval *e)
{
	if (!e)
		return;
	free(e->inc);
	free(e->al);
	free(e);
}

void vg_watch_eval_alert(vg_watch_eval *e, const vg_watch_alert *a)
{
	if (a->kind == VG_WATCH_UPDATE)
		return;
	if (e->nal == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 64;
		e->al = vg_xrealloc(e->al, e->cap * sizeof(alert_rec));
	}
	alert_rec *r = &e->al[e->nal++];
	memset(r, 0, sizeof(*r));
	r->kind = a->kind;
	snprintf(r->account, sizeof(r->account), "%s", a->account ? a->account : "");
	r->at = a->at;
	r->offset = a->offset;
	r->incident = -1;
	for (size_t i = 0; i < e->ninc; i++) {
		incident *in = &e->inc[i];
		bool burst = !in->account[0];
		bool match;
		if (a->kind == VG_WATCH_STUFFING)
			match = burst && a->at >= in->start - 60 && a->at <= in->end + 3600;
		else
			match = !burst && !strcmp(in->account, r->account) && a->at >= in->start &&
			        a->at <= in->end + 86400;
		if (!match)
			continue;
		r->incident = (int)i;
		if (in->detected < 0)
			in->detected = a->at;
		break;
	}
	/* an alert on an account the burst got into also detects the burst */
	if (r->incident >= 0 && !strcmp(e->inc[r->incident].scenario, "stuffing"))
		for (size_t i = 0; i < e->ninc; i++)
			if (!e->inc[i].account[0] && e->inc[i].detected < 0 &&
			    a->at >= e->inc[i].start)
				e->inc[i].detected = a->at;
}

static int64_t target_of(const char *scenario)
{
	if (!strcmp(scenario, "takeover"))
		return VG_WATCH_TARGET_TAKEOVER;
	if (!strcmp(scenario, "insider"))
		return VG_WATCH_TARGET_INSIDER;
	return VG_WATCH_TARGET_STUFFING;
}

static size_t false_alerts(const vg_watch_eval *e)
{
	size_t n = 0;
	for (size_t i = 0; i < e->nal; i++)
		n += e->al[i].incident < 0;
	return n;
}

static double false_rate(const vg_watch_eval *e)
{
	return e->benign_days ? 10000.0 * (double)false_alerts(e) / (double)e->benign_days : 0;
}

bool vg_watch_eval_ok(const vg_watch_eval *e)
{
	for (size_t i = 0; i < e->ninc; i++) {
		const incident *in = &e->inc[i];
		if (in->detected < 0 || in->detected - in->start > target_of(in->scenario))
			return false;
	}
	return false_rate(e) <= VG_WATCH_TARGET_FALSE_PER_10K;
}

json_t *vg_watch_eval_json(const vg_watch_eval *e)
{
	json_t *o = json_object(), *al = json_array(), *inc = json_array();
	char t[32];
	for (size_t i = 0; i < e->nal; i++) {
		const alert_rec *r = &e->al[i];
		json_t *x = json_object();
		vg_alog_format_time(r->at, r->offset, t);
		json_object_set_new(x, "at", json_string(t));
		json_object_set_new(x, "account",
		                    r->account[0] ? json_string(r->account) : json_null());
		if (r->incident >= 0) {
			const incident *in = &e->inc[r->incident];
			json_object_set_new(x, "incident", json_integer(in->id));
			json_object_set_new(x, "scenario", json_string(in->scenario));
			json_object_set_new(x, "delay_s",
			                    json_integer((json_int_t)(r->at - in->start)));
		} else {
			json_object_set_new(x, "incident", json_null());
			json_object_set_new(x, "false", json_true());
		}
		json_array_append_new(al, x);
	}
	for (size_t i = 0; i < e->ninc; i++) {
		const incident *in = &e->inc[i];
		json_t *x = json_object();
		json_object_set_new(x, "id", json_integer(in->id));
		json_object_set_new(x, "scenario", json_string(in->scenario));
		json_object_set_new(x, "account",
		                    in->account[0] ? json_string(in->account) : json_null());
		vg_alog_format_time(in->start, in->offset, t);
		json_object_set_new(x, "start", json_string(t));
		json_object_set_new(x, "delay_s",
		                    in->detected >= 0
		                        ? json_integer((json_int_t)(in->detected - in->start))
		                        : json_null());
		json_object_set_new(x, "target_s",
		                    json_integer((json_int_t)target_of(in->scenario)));
		json_object_set_new(x, "met",
		                    json_boolean(in->detected >= 0 && in->detected - in->start <=
		                                                          target_of(in->scenario)));
		json_array_append_new(inc, x);
	}
	json_object_set_new(o, "alerts", al);
	json_object_set_new(o, "incidents", inc);
	json_object_set_new(o, "false_alerts", json_integer((json_int_t)false_alerts(e)));
	json_object_set_new(o, "benign_account_days", json_integer((json_int_t)e->benign_days));
	json_object_set_new(o, "false_per_10k_account_days", json_real(false_rate(e)));
	json_object_set_new(o, "targets_met", json_boolean(vg_watch_eval_ok(e)));
	return o;
}

static void print_delay(FILE *f, int64_t d)
{
	if (d >= 3600)
		fprintf(f, "%lld h %02lld min %02lld s", (long long)(d / 3600),
		        (long long)(d / 60 % 60), (long long)(d % 60));
	else
		fprintf(f, "%lld min %02lld s", (long long)(d / 60), (long long)(d % 60));
}

void vg_watch_eval_print(const vg_watch_eval *e, FILE *f, vg_lang lang)
{
	bool en = lang == VG_LANG_EN;
	char t[32];
	fputs(en ? "alerts:\n" : "alertes :\n", f);
	for (size_t i = 0; i < e->nal; i++) {
		const alert_rec *r = &e->al[i];
		vg_alog_format_time(r->at, r->offset, t);
		fprintf(f, "  %s  %-10s  ", t, r->account[0] ? r->account : "*");
		if (r->incident >= 0) {
			const incident *in = &e->inc[r->incident];
			fprintf(f, en ? "%s (incident %d), delay " : "%s (incident %d), délai ",
			        in->scenario, in->id);
			print_delay(f, r->at - in->start);
			fputc('\n', f);
		} else {
			fputs(en ? "false alert\n" : "fausse alerte\n", f);
		}
	}
	fputs(en ? "incidents:\n" : "incidents :\n", f);
	for (size_t i = 0; i < e->ninc; i++) {
		const incident *in = &e->inc[i];
		int64_t tg = target_of(in->scenario);
		vg_alog_format_time(in->start, in->offset, t);
		fprintf(f, "  %d  %-9s %-10s %s %s  ", in->id, in->scenario,
		        in->account[0] ? in->account : "*", en ? "from" : "depuis", t);
		if (in->detected < 0) {
			fputs(en ? "MISSED\n" : "NON DÉTECTÉ\n", f);
			continue;
		}
		fputs(en ? "detected after " : "détecté après ", f);
		print_delay(f, in->detected - in->start);
		fputs(en ? " (target " : " (objectif ", f);
		print_delay(f, tg);
		fprintf(f, ") %s\n",
		        in->detected - in->start <= tg ? "OK" : (en ? "LATE" : "EN RETARD"));
	}
	fprintf(
	    f,
	    en ? "false alerts: %zu for %llu benign account-days = %.2f per 10,000 (target <= "
	         "%.0f) %s\n"
	       : "fausses alertes : %zu pour %llu jours-compte bénins = %.2f pour 10 000 (objectif "
	         "<= %.0f) %s\n",
	    false_alerts(e), (unsigned long long)e->benign_days, false_rate(e),
	    VG_WATCH_TARGET_FALSE_PER_10K,
	    false_rate(e) <= VG_WATCH_TARGET_FALSE_PER_10K ? "OK" : (en ? "TOO MANY" : "TROP"));
}
