/*
 * test_watch.c: the access-log parser (against jansson), timestamps, the
 * sketches, each detection rule, scoring and alerts, the memory bound, the
 * generator's determinism and ground truth, and the replay evaluation.
 */
#include "vigie/alog.h"
#include "vigie/alog_gen.h"
#include "vigie/watch.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <cmocka.h>

static vg_alog_parser P;

static void init_parser(vg_alog_format f, const char *names)
{
	vg_alog_opts o = {0};
	o.format = f;
	o.names = names;
	o.utc_offset = 3600;
	assert_int_equal(vg_alog_parser_init(&P, &o, VG_LANG_EN, NULL), 0);
}

static int parse(const char *s, vg_alog_event *ev, const char **code)
{
	const vg_reason *why = NULL;
	int rc = vg_alog_parse(&P, s, strlen(s), ev, &why);
	if (code)
		*code = why ? why->code : NULL;
	return rc;
}

static bool field_is(const vg_alog_event *ev, vg_alog_field f, const char *want)
{
	return ev->f[f].len == strlen(want) && !memcmp(ev->f[f].s, want, ev->f[f].len);
}

/* ---- parser ---- */

static void test_parse_json(void **state)
{
	(void)state;
	init_parser(VG_ALOG_AUTO, NULL);
	vg_alog_event ev;
	const char *code;
	assert_int_equal(
	    parse("{\"ts\":\"2024-02-06T19:12:05+01:00\",\"account\":\"ce000123\","
	          "\"role\":\"cap\",\"agency\":\"CE-004\",\"src\":\"185.220.101.7\","
	          "\"ua\":\"UA\",\"action\":\"read\",\"person\":\"1234567A\",\"x\":[1,{}]}",
	          &ev, &code),
	    VG_ALOG_EVENT);
	assert_true(field_is(&ev, VG_ALOG_ACCOUNT, "ce000123"));
	assert_true(field_is(&ev, VG_ALOG_PERSON, "1234567A"));
	assert_int_equal(ev.action, VG_ACT_READ);
	assert_int_equal(ev.ts, 1707243125); /* 18:12:05 UTC */
	assert_int_equal(ev.local - ev.ts, 3600);
	/* escapes are decoded */
	assert_int_equal(parse("{\"ts\":1707243125,\"account\":\"a\\u00e9\\\"b\\ud83d\\ude00\","
	                       "\"action\":\"Search\",\"results\":12}",
	                       &ev, NULL),
	                 VG_ALOG_EVENT);
	assert_true(field_is(&ev, VG_ALOG_ACCOUNT, "a\xc3\xa9\"b\xf0\x9f\x98\x80"));
	assert_int_equal(ev.action, VG_ACT_SEARCH);
	assert_true(ev.has_results);
	assert_int_equal(ev.results, 12);
	/* malformed lines carry a reason */
	struct {
		const char *line, *code;
	} bad[] = {
	    {"[1]", "not_object"},
	    {"{\"ts\":\"2024-02-06T19:12:05Z\",\"account\":\"a\"", "bad_json"},
	    {"{\"ts\":\"2024-02-06T19:12:05Z\",\"account\":\"a\",\"action\":\"read\"} x",
	     "trailing_data"},
	    {"{\"account\":\"a\",\"action\":\"read\"}", "missing_ts"},
	    {"{\"ts\":\"2024-02-06T19:12:05Z\",\"action\":\"read\"}", "missing_account"},
	    {"{\"ts\":\"2024-02-06T19:12:05Z\",\"account\":\"a\"}", "missing_action"},
	    {"{\"ts\":\"2024-02-30T19:12:05Z\",\"account\":\"a\",\"action\":\"read\"}", "bad_ts"},
	    {"{\"ts\":\"yesterday\",\"account\":\"a\",\"action\":\"read\"}", "bad_ts"},
	    {"{\"ts\":1,\"account\":\"a\\x\",\"action\":\"read\"}", "bad_string"},
	    {"{\"ts\":1,\"account\":\"a\\ud800\",\"action\":\"read\"}", "bad_string"},
	    {"{\"ts\":1,\"account\":\"\xc3\x28\",\"action\":\"read\"}", "bad_utf8"},
	    {"{\"ts\":1,\"account\":\"a\",\"action\":\"read\",\"n\":01}", "bad_number"},
	    {"{\"ts\":1,\"account\":\"a\",\"action\":\"search\",\"results\":-3}", "bad_results"},
	    {"{\"ts\":1,\"account\":\"a\",\"action\":\"search\",\"results\":\"x\"}", "bad_results"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].line, &ev, &code);
		if (rc != VG_EINVAL || strcmp(code, bad[i].code))
			fail_msg("line %zu: rc %d code %s, want %s", i, rc, code ? code : "-",
			         bad[i].code);
	}
	assert_int_equal(parse("   ", &ev, NULL), VG_ALOG_SKIP);
	/* configured names */
	init_parser(VG_ALOG_JSONL, "ts=horodatage,account=agent,action=op,person=dossier");
	assert_int_equal(parse("{\"horodatage\":\"2024-02-06 19:12:05\",\"agent\":\"x\",\"op\":"
	                       "\"consultation\",\"dossier\":\"9\"}",
	                       &ev, NULL),
	                 VG_ALOG_EVENT);
	assert_int_equal(ev.action, VG_ACT_READ);
	assert_int_equal(ev.ts, 1707243125); /* naive: at +01:00 */
	vg_err err;
	vg_alog_opts o = {.names = "when=x"};
	assert_int_equal(vg_alog_parser_init(&P, &o, VG_LANG_EN, &err), VG_EUSAGE);
	o.names = "ts";
	assert_int_equal(vg_alog_parser_init(&P, &o, VG_LANG_EN, &err), VG_EUSAGE);
}

static void test_parse_csv(void **state)
{
	(void)state;
	init_parser(VG_ALOG_AUTO, NULL);
	vg_alog_event ev;
	const char *code;
	assert_int_equal(parse("ts;account;action;person;ua;results", &ev, NULL), VG_ALOG_SKIP);
	assert_int_equal(parse("2024-02-06T19:12:05Z;ft1;read;123;\"a;b \"\"c\"\"\";", &ev, NULL),
	                 VG_ALOG_EVENT);
	assert_true(field_is(&ev, VG_ALOG_UA, "a;b \"c\""));
	assert_true(field_is(&ev, VG_ALOG_PERSON, "123"));
	assert_int_equal(ev.local - ev.ts, 3600); /* "Z": the configured wall clock */
	assert_int_equal(parse("2024-02-06T19:12:05Z;ft1", &ev, &code), VG_EINVAL);
	assert_string_equal(code, "short_csv");
	assert_int_equal(parse("2024-02-06T19:12:05Z;ft1;read;\"123;x", &ev, &code), VG_EINVAL);
	assert_string_equal(code, "bad_csv");
	init_parser(VG_ALOG_CSV, NULL);
	assert_int_equal(parse("time,user,what", &ev, &code), VG_EUSAGE);
	assert_string_equal(code, "csv_header");
}

static void test_time(void **state)
{
	(void)state;
	int64_t t;
	int32_t off;
	bool had;
	assert_int_equal(vg_alog_parse_time("2024-02-29T23:59:60.5-03:30", 27, 0, &t, &off, &had),
	                 0);
	assert_int_equal(off, -(3 * 3600 + 1800));
	assert_true(had);
	assert_int_equal(t, vg_alog_days_from_civil(2024, 2, 29) * 86400 + 86399 + 12600);
	assert_int_equal(vg_alog_parse_time("1707243125000", 13, 0, &t, &off, &had), 0);
	assert_int_equal(t, 1707243125);
	assert_int_not_equal(vg_alog_parse_time("2023-02-29T00:00Z", 17, 0, &t, &off, &had), 0);
	assert_int_not_equal(vg_alog_parse_time("2024-02-06T24:00Z", 17, 0, &t, &off, &had), 0);
	assert_int_not_equal(vg_alog_parse_time("2024-02-06", 10, 0, &t, &off, &had), 0);
	char buf[32];
	vg_alog_format_time(1707243125, 3600, buf);
	assert_string_equal(buf, "2024-02-06T19:12:05+01:00");
}

/* The generator's options for a small labelled history. */
static vg_alog_gen_opts small_history(unsigned advisors, unsigned days)
{
	vg_alog_gen_opts o;
	vg_alog_gen_defaults(&o);
	o.advisors = advisors;
	o.days = days;
	o.labels = true;
	return o;
}

/* Every generated line, and damaged copies of them, agree with jansson. */
static void test_against_jansson(void **state)
{
	(void)state;
	vg_alog_gen_opts o = small_history(40, 4);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(vg_alog_gen_run(&o, f, NULL, NULL, NULL), 0);
	fclose(f);
	init_parser(VG_ALOG_JSONL, NULL);
	uint64_t rng = 42, lines = 0, agree_bad = 0;
	char *line = buf;
	char *copy = malloc(70000);
	while (line < buf + len) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		size_t n = (size_t)(nl - line);
		for (int round = 0; round < 3; round++) {
			memcpy(copy, line, n);
			if (round) { /* damage one byte */
				rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
				size_t at = (size_t)(rng >> 33) % n;
				static const char junk[] = "\"\\{}[],:0-e. x\x01\xc3\xff";
				copy[at] = junk[(rng >> 20) % (sizeof(junk) - 1)];
			}
			vg_alog_event ev;
			const vg_reason *why;
			int rc = vg_alog_parse(&P, copy, n, &ev, &why);
			json_error_t je;
			json_t *j = json_loadb(copy, n, 0, &je);
			bool jok = json_is_object(j);
			if (rc == VG_ALOG_EVENT) {
				assert_true(jok);
				for (int fld = 0; fld < VG_ALOG__NFIELDS; fld++) {
					json_t *v = json_object_get(j, vg_alog_field_names[fld]);
					if (json_is_string(v)) {
						assert_int_equal(ev.f[fld].len,
						                 json_string_length(v));
						assert_memory_equal(ev.f[fld].s,
						                    json_string_value(v),
						                    ev.f[fld].len);
					} else if (json_is_integer(v)) {
						assert_int_equal(strtoll(ev.f[fld].s, NULL, 10),
						                 json_integer_value(v));
					}
				}
				assert_true(round ||
				            field_is(&ev, VG_ALOG_TS,
				                     json_string_value(json_object_get(j, "ts"))));
			} else if (!jok) {
				agree_bad++;
			} else {
				/* jansson reads an object: ours may only object to content */
				assert_int_equal(rc, VG_EINVAL);
				const char *c = why->code;
				assert_true(!strcmp(c, "bad_ts") || !strncmp(c, "missing_", 8) ||
				            !strcmp(c, "bad_results"));
			}
			json_decref(j);
		}
		lines++;
		line = nl + 1;
	}
	assert_true(lines > 1000);
	assert_true(agree_bad > 100);
	free(copy);
	free(buf);
}

/* ---- sketches ---- */

static void test_sketches(void **state)
{
	(void)state;
	uint8_t reg[1024] = {0};
	for (unsigned i = 0; i < 5000; i++) {
		char k[16];
		snprintf(k, sizeof(k), "p%u", i);
		vg_watch_hll_add(reg, 10, vg_watch_hash(k, strlen(k)));
		vg_watch_hll_add(reg, 10, vg_watch_hash(k, strlen(k))); /* twice: counted once */
	}
	double e = vg_watch_hll_estimate(reg, 10);
	assert_true(e > 4700 && e < 5300);
	char label[64];
	uint64_t a = vg_watch_network("185.220.101.7", 13, label, sizeof(label));
	assert_string_equal(label, "185.220.101.0/24");
	assert_int_equal(a, vg_watch_network("185.220.101.250", 15, NULL, 0));
	assert_int_not_equal(a, vg_watch_network("185.220.102.7", 13, NULL, 0));
	uint64_t b = vg_watch_network("2001:DB8:1:2::1", 15, label, sizeof(label));
	assert_string_equal(label, "2001:db8:1::/48");
	assert_int_equal(b, vg_watch_network("2001:db8:1:ff::9", 16, NULL, 0));
}

/* ---- the engine, on hand-made events ---- */

typedef struct collected {
	int n, stuffing, updates;
	uint64_t failures;
	vg_watch_alert last, update;
	char account[64];
	char text[2048], utext[2048];
} collected;

static void collect(void *ctx, const vg_watch_alert *a)
{
	collected *c = ctx;
	if (a->kind == VG_WATCH_STUFFING) {
		c->stuffing++;
		c->failures = a->failures;
		return;
	}
	if (a->kind == VG_WATCH_UPDATE) {
		c->updates++;
		c->update = *a;
		vg_watch_alert_text(a, VG_LANG_EN, c->utext, sizeof(c->utext));
		return;
	}
	c->n++;
	c->last = *a;
	snprintf(c->account, sizeof(c->account), "%s", a->account);
	vg_watch_alert_text(a, VG_LANG_EN, c->text, sizeof(c->text));
}

static const int64_t MON = 1707091200; /* 2024-02-05 00:00 UTC, a Monday */

static void ev_at(vg_watch *w, int64_t t, const char *acct, const char *src, const char *action,
                  const char *person, uint64_t results)
{
	vg_alog_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.ts = t;
	ev.local = t;
	ev.f[VG_ALOG_ACCOUNT] = (vg_alog_str){acct, strlen(acct)};
	ev.f[VG_ALOG_ROLE] = (vg_alog_str){"conseiller", 10};
	ev.f[VG_ALOG_AGENCY] = (vg_alog_str){"FT-0001", 7};
	ev.f[VG_ALOG_SRC] = (vg_alog_str){src, strlen(src)};
	ev.f[VG_ALOG_UA] = (vg_alog_str){"Mozilla/5.0 corp", 16};
	ev.f[VG_ALOG_ACTION] = (vg_alog_str){action, strlen(action)};
	ev.action = vg_alog_action_parse(action, strlen(action));
	if (person)
		ev.f[VG_ALOG_PERSON] = (vg_alog_str){person, strlen(person)};
	ev.results = results;
	ev.has_results = results > 0;
	vg_watch_event(w, &ev);
}

/* Days of ordinary work for a few advisors: 9:00-17:00, 8 reads an hour
 * from a portfolio of 60, from the agency network. */
static void ordinary_days(vg_watch *w, int days, int advisors)
{
	char acct[16], person[16], ip[20];
	for (int d = 0; d < days; d++) {
		if ((d % 7) >= 5)
			continue;
		for (int h = 9; h < 17; h++)
			for (int k = 0; k < 8; k++)
				for (int a = 0; a < advisors; a++) {
					int64_t t = MON + d * 86400 + h * 3600 + k * 450 + a;
					snprintf(acct, sizeof(acct), "adv%d", a);
					snprintf(ip, sizeof(ip), "10.0.1.%d", 10 + a);
					snprintf(person, sizeof(person), "P%d",
					         a * 1000 + (d * 7 + h * 13 + k * 31) % 60);
					ev_at(w, t, acct, ip, "read", person, 0);
				}
	}
}

/* An engine with the defaults; novelty_h > 0 replaces that threshold
 * (1000 keeps the novelty test out of the way of the other rules). */
static vg_watch *engine_h(collected *c, double novelty_h)
{
	vg_watch_opts o;
	vg_watch_defaults(&o);
	o.on_alert = collect;
	o.ctx = c;
	if (novelty_h > 0)
		o.novelty_h = novelty_h;
	return vg_watch_new(&o);
}

static vg_watch *engine(collected *c)
{
	return engine_h(c, 0);
}

static const vg_watch_finding *finding(const vg_watch_alert *a, vg_watch_rule r)
{
	for (unsigned i = 0; i < a->nfindings; i++)
		if (a->findings[i].rule == r)
			return &a->findings[i];
	return NULL;
}

static bool has_rule(const vg_watch_alert *a, vg_watch_rule r)
{
	for (unsigned i = 0; i < a->nfindings; i++)
		if (a->findings[i].rule == r)
			return true;
	return false;
}

static void test_benign_quiet(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	ordinary_days(w, 14, 6);
	assert_int_equal(c.n, 0);
	vg_watch_stats st;
	vg_watch_stats_get(w, &st);
	assert_int_equal(st.accounts, 6);
	assert_int_equal(st.account_days, 6 * 10);
	vg_watch_free(w);
}

static void test_rate_offhours_network(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine_h(&c, 1000); /* these rules alone */
	ordinary_days(w, 7, 6);
	/* Monday evening of week 2: adv2 from an unknown network reads 150 people in an hour */
	int64_t t = MON + 7 * 86400 + 20 * 3600;
	char person[16];
	ev_at(w, t, "adv2", "185.220.101.7", "login", NULL, 0);
	for (int i = 0; i < 150; i++) {
		snprintf(person, sizeof(person), "X%d", i * 7919);
		ev_at(w, t + 10 + i * 20, "adv2", "185.220.101.7", "read", person, 0);
	}
	/* the alert: an unknown network (5) and 20 people off hours (5) */
	assert_int_equal(c.n, 1);
	assert_string_equal(c.account, "adv2");
	assert_true(has_rule(&c.last, VG_RULE_NEW_NETWORK));
	assert_true(has_rule(&c.last, VG_RULE_OFF_HOURS));
	assert_false(has_rule(&c.last, VG_RULE_RATE));
	assert_true(c.last.since == t);
	assert_true(c.last.score >= 10);
	assert_true(c.last.people >= 19 && c.last.people <= 21);
	/* then the ceiling, as an update */
	assert_true(c.updates >= 1);
	assert_true(has_rule(&c.update, VG_RULE_RATE));
	assert_true(c.update.people >= 60);
	assert_non_null(strstr(c.text, "Account adv2 (conseiller, FT-0001)"));
	assert_non_null(
	    strstr(c.text, "network never seen in the organisation (185.220.101.0/24)"));
	/* privacy: no person identifier in the alert */
	json_t *j = vg_watch_alert_json(&c.last, VG_LANG_FR);
	char *s = json_dumps(j, 0);
	assert_null(strstr(s, "X7919"));
	assert_non_null(strstr(s, "\"rule\": \"off_hours\""));
	free(s);
	json_decref(j);
	/* the account's own network, in its updates: still "never seen in the
	 * organisation", not "already used by an account under alert" */
	const vg_watch_finding *nf = finding(&c.update, VG_RULE_NEW_NETWORK);
	assert_non_null(nf);
	assert_int_equal(nf->level, 1);
	assert_string_equal(nf->detail, "185.220.101.0/24");
	assert_null(strstr(c.utext, "already used"));
	/* the same network on another account is now hostile */
	ev_at(w, t + 4000, "adv3", "185.220.101.9", "login", NULL, 0);
	vg_watch_stats st;
	vg_watch_stats_get(w, &st);
	assert_int_equal(c.n, 1); /* 8 points: a finding, not yet an alert */
	ev_at(w, t + 4010, "adv3", "185.220.101.9", "export", NULL, 800);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.account, "adv3");
	assert_true(has_rule(&c.last, VG_RULE_EXPORT));
	assert_int_equal(
	    c.last.findings[0].rule == VG_RULE_NEW_NETWORK ? c.last.findings[0].level : 2, 2);
	/* adv2 reading on from its network, under alert, costs no memory */
	vg_watch_stats m1, m2;
	vg_watch_stats_get(w, &m1);
	for (int i = 0; i < 2000; i++) {
		snprintf(person, sizeof(person), "Y%d", i);
		ev_at(w, t + 4100 + i, "adv2", "185.220.101.7", "read", person, 0);
	}
	vg_watch_stats_get(w, &m2);
	assert_int_equal(m1.memory, m2.memory);
	vg_watch_free(w);
}

static void test_enumeration_readall(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine_h(&c, 1000); /* these rules alone */
	ordinary_days(w, 7, 6);
	int64_t t = MON + 7 * 86400 + 10 * 3600;
	char person[16];
	/* 25 consecutive identifiers, slowly, in working hours, from the usual desk */
	for (int i = 0; i < 25; i++) {
		snprintf(person, sizeof(person), "%07dA", 1200000 + i);
		ev_at(w, t + i * 60, "adv1", "10.0.1.11", "read", person, 0);
	}
	assert_int_equal(c.n, 0); /* 8 points only */
	ev_at(w, t + 1600, "adv1", "10.0.1.11", "logout", NULL, 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.updates, 0);
	/* adv0: five searches with 15 results each, every result read */
	for (int s = 0; s < 5; s++) {
		ev_at(w, t + 2000 + s * 300, "adv0", "10.0.1.10", "search", NULL, 15);
		for (int i = 0; i < 15; i++) {
			snprintf(person, sizeof(person), "S%d", s * 100 + i * 37);
			ev_at(w, t + 2001 + s * 300 + i * 5, "adv0", "10.0.1.10", "read", person,
			      0);
		}
	}
	ev_at(w, t + 4000, "adv0", "10.0.1.10", "logout", NULL, 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.account, "adv0");
	assert_true(has_rule(&c.last, VG_RULE_READ_ALL));
	/* adv1 again: the enumeration is still live, an export tips it over */
	ev_at(w, t + 4100, "adv1", "10.0.1.11", "export", NULL, 600);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.account, "adv1");
	assert_true(has_rule(&c.last, VG_RULE_ENUMERATION));
	assert_true(has_rule(&c.last, VG_RULE_EXPORT));
	vg_watch_free(w);
}

static void test_baseline_insider(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	ordinary_days(w, 14, 6);
	/* Monday of week 3: adv4 reads its usual 8 an hour, plus 8 strangers */
	char person[16];
	int64_t alerted = 0;
	for (int h = 9; h < 17 && !c.n; h++)
		for (int k = 0; k < 8; k++) {
			int64_t t = MON + 14 * 86400 + h * 3600 + k * 450;
			snprintf(person, sizeof(person), "P%d", 4000 + (k * 31 + h) % 60);
			ev_at(w, t, "adv4", "10.0.1.14", "read", person, 0);
			snprintf(person, sizeof(person), "N%d", h * 100 + k);
			ev_at(w, t + 200, "adv4", "10.0.1.14", "read", person, 0);
			if (c.n && !alerted)
				alerted = t;
		}
	assert_int_equal(c.n, 1);
	const vg_watch_finding *f = finding(&c.last, VG_RULE_BASELINE);
	assert_non_null(f);
	assert_int_equal(f->slot, 0); /* within the day */
	assert_true(f->value >= 3 && f->value > f->limit);
	assert_true(c.last.at - (MON + 14 * 86400 + 9 * 3600) < 8 * 3600);
	assert_non_null(strstr(c.text, "people never read before and not found by a search"));
	vg_watch_free(w);
}

/* One day of work for account number `a` of ordinary_days(): its usual 8
 * reads an hour from 9:00 to 17:00, plus `extra` new people an hour, each
 * right after a search that found 5 when `search`. */
static void work_day(vg_watch *w, int d, int a, int extra, bool search, int salt)
{
	char acct[16], person[16], ip[20];
	snprintf(acct, sizeof(acct), "adv%d", a);
	snprintf(ip, sizeof(ip), "10.0.1.%d", 10 + a);
	for (int h = 9; h < 17; h++)
		for (int k = 0; k < 8; k++) {
			int64_t t = MON + d * 86400 + h * 3600 + k * 450 + a;
			snprintf(person, sizeof(person), "P%d",
			         a * 1000 + (d * 7 + h * 13 + k * 31) % 60);
			ev_at(w, t, acct, ip, "read", person, 0);
			if (k >= extra)
				continue;
			if (search)
				ev_at(w, t + 100, acct, ip, "search", NULL, 5);
			snprintf(person, sizeof(person), "E%d-%d-%d-%d", salt, d, h, k);
			ev_at(w, t + 130, acct, ip, "read", person, 0);
		}
}

static void test_novelty_search_absence(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	/* three weeks; adv5 is away the third week */
	for (int d = 0; d < 21; d++)
		for (int a = 0; a < 6; a++)
			if (d % 7 < 5 && !(a == 5 && d >= 14))
				work_day(w, d, a, 0, false, 0);
	assert_int_equal(c.n, 0);
	/* Monday of week 4: adv3 reads 6 new people an hour, each found by a
	 * search: ordinary work, no alert */
	work_day(w, 21, 3, 6, true, 1);
	assert_int_equal(c.n, 0);
	/* adv5, back from a week away, reads as many strangers without
	 * searching: more new people are expected after days away, but not
	 * that many */
	work_day(w, 21, 5, 6, false, 2);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.account, "adv5");
	assert_true(has_rule(&c.last, VG_RULE_BASELINE));
	/* adv3 searching on is still ordinary */
	work_day(w, 22, 3, 6, true, 4);
	assert_int_equal(c.n, 1);
	vg_watch_free(w);
}

static void test_novelty_days(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	ordinary_days(w, 14, 6);
	/* from week 3, adv1 reads two strangers an hour (16 a day, where its
	 * known people make about 1 expected): found within its first day */
	int d = 14;
	for (; d < 14 + 21 && !c.n; d++)
		if (d % 7 < 5)
			for (int a = 0; a < 6; a++)
				work_day(w, d, a, a == 1 ? 2 : 0, false, 5);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.account, "adv1");
	const vg_watch_finding *f = finding(&c.last, VG_RULE_BASELINE);
	assert_non_null(f);
	assert_int_equal(f->slot, 0); /* within the day */
	assert_int_equal(d, 15);
	assert_true(f->value > f->limit);
	/* they do not become its habit: a week later it is still found */
	for (d = 15; d < 24; d++)
		if (d % 7 < 5)
			for (int a = 0; a < 6; a++)
				work_day(w, d, a, a == 1 ? 2 : 0, false, 6);
	vg_watch_stats st;
	vg_watch_stats_get(w, &st);
	assert_true(st.alerts + st.updates >= 2);
	assert_string_equal(c.account, "adv1");
	vg_watch_free(w);
}

/* One day of account number `a`'s work with a caseload that renews: 8
 * reads an hour from h0:00 to h1:00 (caseload_day: 9:00 to 17:00) of its
 * 60 cases; each case is replaced by a new person every 15 days (4 a day,
 * staggered), first read without a search; plus `extra` strangers an hour
 * from 10:00. */
static void caseload_hours(vg_watch *w, int d, int a, int extra, int h0, int h1)
{
	char acct[16], person[24], ip[20];
	snprintf(acct, sizeof(acct), "adv%d", a);
	snprintf(ip, sizeof(ip), "10.0.1.%d", 10 + a);
	for (int h = h0; h < h1; h++)
		for (int k = 0; k < 8; k++) {
			int64_t t = MON + d * 86400 + h * 3600 + k * 450 + a;
			/* a full day goes round the caseload; a short one picks */
			int slot =
			    h1 - h0 == 8
			        ? (d * 7 + h * 13 + k * 31) % 60
			        : (int)(((uint32_t)(d * 7919 + h * 613 + k * 31) * 2654435761u) >>
			                16) %
			              60;
			snprintf(person, sizeof(person), "P%d-%d-%d", a, slot,
			         (d + slot % 15) / 15);
			ev_at(w, t, acct, ip, "read", person, 0);
			if (h >= 10 && k < extra) {
				snprintf(person, sizeof(person), "X%d-%d-%d", d, h, k);
				ev_at(w, t + 200, acct, ip, "read", person, 0);
			}
		}
}

static void caseload_day(vg_watch *w, int d, int a, int extra)
{
	caseload_hours(w, d, a, extra, 9, 17);
}

/* Days 0 to days - 1 of steady work for the six accounts, weekdays only. */
static void caseload_weekdays(vg_watch *w, int days)
{
	for (int d = 0; d < days; d++)
		for (int a = 0; a < 6; a++)
			if (d % 7 < 5)
				caseload_day(w, d, a, 0);
}

/* The one alert is adv's, by the novelty test (slot: within the day, across
 * days, the whole day), more people than expected. */
static void assert_novelty_alert(const collected *c, const char *adv, uint32_t slot)
{
	assert_int_equal(c->n, 1);
	assert_string_equal(c->account, adv);
	const vg_watch_finding *f = finding(&c->last, VG_RULE_BASELINE);
	assert_non_null(f);
	assert_int_equal(f->slot, slot);
	assert_true(f->value > f->limit);
}

static void test_novelty_caseload_jump(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	/* three weeks of steady work, 4 new cases a day each: no alert */
	caseload_weekdays(w, 21);
	assert_int_equal(c.n, 0);
	/* Monday of week 4: adv2 adds 2 strangers an hour (14, against its 4
	 * new cases a day); the others go on as usual */
	for (int a = 0; a < 6; a++)
		caseload_day(w, 21, a, a == 2 ? 2 : 0);
	assert_novelty_alert(&c, "adv2", 0); /* within the day */
	assert_true(c.last.at < MON + 21 * 86400 + 17 * 3600);
	/* the steady accounts stay quiet the next days */
	for (int d = 22; d < 26; d++)
		for (int a = 0; a < 6; a++)
			if (a != 2)
				caseload_day(w, d, a, 0);
	assert_int_equal(c.n, 1);
	vg_watch_free(w);
}

/* A morning that starts with new cases: the first reads of a day are
 * few, the count of new people among them noisy, and the test looks at
 * every one; below 30 known reads it asks 0.25 nat more per known read
 * missing. A Tuesday that starts with 8 new people before the usual work
 * is no alert (without that margin, 7 are one). */
static void test_novelty_early_margin(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	caseload_weekdays(w, 22);
	assert_int_equal(c.n, 0);
	int d = 22;
	char person[24];
	for (int i = 0; i < 8; i++) {
		snprintf(person, sizeof(person), "M%d", i);
		ev_at(w, MON + d * 86400 + 8 * 3600 + 1800 + i * 120, "adv1", "10.0.1.11", "read",
		      person, 0);
	}
	for (int a = 0; a < 6; a++)
		caseload_day(w, d, a, 0);
	assert_int_equal(c.n, 0);
	/* the next day, 2 strangers an hour all day long are still found */
	for (int a = 0; a < 6; a++)
		caseload_day(w, d + 1, a, a == 1 ? 2 : 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.account, "adv1");
	assert_true(has_rule(&c.last, VG_RULE_BASELINE));
	vg_watch_free(w);
}

/* A short day judged whole: adv6 works mornings only (24 reads of its
 * caseload), so its days never reach the 30 known reads where the test
 * within the day stops asking more; a morning with strangers stays below
 * that test, and is found once the account has been idle for 4 hours,
 * on the whole day's counts: its last read in the 11:00 hour, the
 * stream's first event at 15:00 or later closes its day. */
static void test_novelty_day_close(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	for (int d = 0; d < 22; d++)
		if (d % 7 < 5) {
			caseload_hours(w, d, 6, 0, 9, 12);
			for (int a = 0; a < 6; a++)
				caseload_day(w, d, a, 0);
		}
	assert_int_equal(c.n, 0);
	int d = 22;
	caseload_hours(w, d, 6, 8, 9, 12); /* 16 strangers at 10:00-12:00 */
	assert_int_equal(c.n, 0);          /* not within the day */
	for (int a = 0; a < 6; a++)
		caseload_day(w, d, a, 0);
	assert_novelty_alert(&c, "adv6", 2); /* the whole day */
	assert_true(c.last.at >= MON + d * 86400 + 15 * 3600);
	assert_true(c.last.at < MON + d * 86400 + 16 * 3600);
	vg_watch_free(w);
}

/* A very slow reader: 2 strangers a day on top of its caseload's 4 new
 * cases a day, no day alarming by itself; the evidence across days must
 * add up, and the strangers must not become its habit meanwhile. */
static void test_novelty_slow_reader(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	caseload_weekdays(w, 21);
	assert_int_equal(c.n, 0);
	int d = 21, first = -1;
	char person[24];
	for (; d < 21 + 35 && !c.n; d++) {
		if (d % 7 >= 5)
			continue;
		for (int a = 0; a < 6; a++)
			caseload_day(w, d, a, 0);
		/* adv4: 2 strangers a day, at 11:05 and 15:05 */
		for (int h = 11; h < 17; h += 4) {
			snprintf(person, sizeof(person), "S%d-%d", d, h);
			ev_at(w, MON + d * 86400 + h * 3600 + 300, "adv4", "10.0.1.14", "read",
			      person, 0);
		}
		if (first < 0)
			first = d;
	}
	assert_int_equal(c.n, 1);
	assert_string_equal(c.account, "adv4");
	const vg_watch_finding *f = finding(&c.last, VG_RULE_BASELINE);
	assert_non_null(f);
	assert_int_equal(f->slot, 1); /* over several days: no day alone */
	assert_true(d - first <= 20); /* found on its 11th working day */
	vg_watch_free(w);
}

static void test_stuffing(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	ordinary_days(w, 7, 6);
	int64_t t = MON + 7 * 86400 + 3 * 3600;
	char acct[16], ip[20];
	/* adv5 gets in from a bot at the start of the burst */
	ev_at(w, t, "adv5", "77.1.2.3", "login", NULL, 0);
	assert_int_equal(c.n, 0);
	for (int i = 0; i < 30; i++) {
		snprintf(acct, sizeof(acct), "guess%d", i);
		snprintf(ip, sizeof(ip), "77.%d.2.3", i);
		ev_at(w, t + 5 + i * 3, acct, ip, "login_fail", NULL, 0);
	}
	assert_int_equal(c.stuffing, 1);
	assert_true(c.failures >= 20);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.account, "adv5");
	assert_true(has_rule(&c.last, VG_RULE_STUFFING));
	/* failed logins of unknown names create no account */
	vg_watch_stats st;
	vg_watch_stats_get(w, &st);
	assert_int_equal(st.accounts, 6);
	/* during the burst, an account never seen before: from the agency's
	 * network it is a new hire, from a network unknown to the organisation
	 * it is one more account the botnet got into */
	ev_at(w, t + 120, "hire1", "10.0.1.77", "login", NULL, 0);
	assert_int_equal(c.n, 1);
	ev_at(w, t + 130, "hire2", "77.200.2.3", "login", NULL, 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.account, "hire2");
	assert_true(has_rule(&c.last, VG_RULE_STUFFING));
	assert_false(has_rule(&c.last, VG_RULE_NEW_NETWORK));
	vg_watch_free(w);
}

static void test_warmup_and_memory(void **state)
{
	(void)state;
	collected c = {0};
	vg_watch *w = engine(&c);
	/* during the warm-up nothing is found, whatever happens */
	char person[16];
	for (int i = 0; i < 500; i++) {
		snprintf(person, sizeof(person), "%07d", 1000000 + i);
		ev_at(w, MON + 3600 + i, "early", "1.2.3.4", "read", person, 0);
	}
	assert_int_equal(c.n, 0);
	/* memory: one account reading a million people costs no more */
	vg_watch_stats a, b;
	vg_watch_stats_get(w, &a);
	for (int i = 0; i < 1000000; i++) {
		snprintf(person, sizeof(person), "Q%d", i);
		ev_at(w, MON + 7200 + i / 100, "early", "1.2.3.4", "read", person, 0);
	}
	vg_watch_stats_get(w, &b);
	assert_int_equal(a.memory, b.memory);
	/* 1000 more accounts: memory grows, by a few KiB each */
	for (int i = 0; i < 1000; i++) {
		char acct[16];
		snprintf(acct, sizeof(acct), "acct%d", i);
		ev_at(w, MON + 20000, acct, "1.2.3.4", "read", "x", 0);
	}
	vg_watch_stats_get(w, &b);
	assert_true(b.memory > a.memory + 1000 * 1500);
	assert_true(b.memory < a.memory + 1000 * 6000);
	vg_watch_free(w);
}

/* ---- generator ---- */

static char *generate(const vg_alog_gen_opts *o, size_t *len, char **truth, size_t *tlen)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len), *t = truth ? open_memstream(truth, tlen) : NULL;
	vg_alog_gen_stats st;
	assert_int_equal(vg_alog_gen_run(o, f, t, &st, NULL), 0);
	fclose(f);
	if (t)
		fclose(t);
	assert_int_equal(st.bytes, *len);
	return buf;
}

static void test_gen_determinism_and_labels(void **state)
{
	(void)state;
	vg_alog_gen_opts o = small_history(300, 12);
	size_t n1, n2, n3, tl;
	char *truth;
	char *a = generate(&o, &n1, &truth, &tl);
	char *b = generate(&o, &n2, NULL, NULL);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	o.seed = 2;
	char *c = generate(&o, &n3, NULL, NULL);
	assert_true(n3 != n1 || memcmp(a, c, n1));
	/* the truth: takeovers, an insider, the burst, its accounts, a summary */
	int takeover = 0, insider = 0, stuffing = 0, summary = 0;
	char *line = truth;
	while (line < truth + tl) {
		char *nl = strchr(line, '\n');
		json_t *j = json_loadb(line, (size_t)(nl - line), 0, NULL);
		assert_non_null(j);
		const char *sc = json_string_value(json_object_get(j, "scenario"));
		if (sc && !strcmp(sc, "takeover")) {
			takeover++;
			assert_string_equal(json_string_value(json_object_get(j, "role")),
			                    "conseiller_cap_emploi");
		}
		insider += sc && !strcmp(sc, "insider");
		stuffing += sc && !strcmp(sc, "stuffing");
		summary += !strcmp(json_string_value(json_object_get(j, "type")), "summary");
		json_decref(j);
		line = nl + 1;
	}
	assert_int_equal(takeover, 2);
	assert_int_equal(insider, 1);
	assert_true(stuffing >= 2); /* the burst and at least one account it got into */
	assert_int_equal(summary, 1);
	/* every line parses; time never goes back; labels match the truth counts */
	init_parser(VG_ALOG_JSONL, NULL);
	int64_t last = 0;
	uint64_t events = 0, malicious = 0;
	line = a;
	while (line < a + n1) {
		char *nl = memchr(line, '\n', (size_t)(a + n1 - line));
		vg_alog_event ev;
		const vg_reason *why;
		assert_int_equal(vg_alog_parse(&P, line, (size_t)(nl - line), &ev, &why),
		                 VG_ALOG_EVENT);
		assert_true(ev.ts >= last);
		last = ev.ts;
		events++;
		malicious += !memmem(line, (size_t)(nl - line), "\"label\":\"benign\"", 16);
		line = nl + 1;
	}
	json_t *s = json_loadb(strrchr(truth, '{'), strlen(strrchr(truth, '{')), 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(s, "events")), events);
	assert_int_equal(json_integer_value(json_object_get(s, "malicious_events")), malicious);
	assert_true(json_integer_value(json_object_get(s, "benign_account_days")) > 300 * 12 / 2);
	json_decref(s);
	/* CSV: the same events */
	o.seed = 1;
	o.format = VG_ALOG_CSV;
	size_t n4;
	char *d = generate(&o, &n4, NULL, NULL);
	size_t lines_csv = 0;
	for (size_t i = 0; i < n4; i++)
		lines_csv += d[i] == '\n';
	assert_int_equal(lines_csv, events + 1);
	free(a);
	free(b);
	free(c);
	free(d);
	free(truth);
}

static void test_gen_args(void **state)
{
	(void)state;
	vg_alog_gen_opts o;
	vg_err err;
	vg_alog_gen_defaults(&o);
	char *ok[] = {"--advisors",         "50",           "--days=3", "--attacks",
	              "takeover,stuffing",  "--format",     "csv",      "--start",
	              "2024-03-04",         "--utc-offset", "+02:00",   "--labels",
	              "--insider-extra=120"};
	assert_int_equal(vg_alog_gen_parse_args(&o, 13, ok, VG_LANG_EN, &err), 0);
	assert_int_equal(o.insider_pct, 120);
	assert_int_equal(o.advisors, 50);
	assert_int_equal(o.days, 3);
	assert_int_equal(o.attacks, VG_ALOG_ATTACK_TAKEOVER | VG_ALOG_ATTACK_STUFFING);
	assert_int_equal(o.format, VG_ALOG_CSV);
	assert_int_equal(o.start_day, vg_alog_days_from_civil(2024, 3, 4));
	assert_int_equal(o.utc_offset, 7200);
	assert_true(o.labels);
	char *bad[][2] = {
	    {"--advisors", "0"},   {"--days", "400"},         {"--attacks", "ddos"},
	    {"--format", "xml"},   {"--start", "2024-13-01"}, {"--bogus", "1"},
	    {"--utc-offset", "1"}, {"--insider-extra", "0"},  {"--insider-extra", "1001"}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vg_alog_gen_parse_args(&o, 2, bad[i], VG_LANG_EN, &err),
		                 VG_EUSAGE);
	char *missing[] = {"--days"};
	assert_int_equal(vg_alog_gen_parse_args(&o, 1, missing, VG_LANG_FR, &err), VG_EUSAGE);
}

/* The insider's strength: the benign events do not change, the insider's
 * reads of strangers scale with --insider-extra. */
static void test_gen_insider_extra(void **state)
{
	(void)state;
	vg_alog_gen_opts o = small_history(200, 15);
	o.attacks = VG_ALOG_ATTACK_INSIDER;
	uint64_t n[3], benign[3];
	unsigned pct[3] = {50, 100, 200};
	for (int i = 0; i < 3; i++) {
		o.insider_pct = pct[i];
		size_t len;
		char *a = generate(&o, &len, NULL, NULL);
		n[i] = benign[i] = 0;
		for (char *p = a; (p = memmem(p, len - (size_t)(p - a), "\"label\":\"", 9));
		     p += 9) {
			n[i] += !strncmp(p + 9, "insider", 7);
			benign[i] += !strncmp(p + 9, "benign", 6);
		}
		free(a);
	}
	assert_true(n[0] > 100);
	/* about twice as many each time (the extra reads take time from the day) */
	assert_true(n[1] > n[0] * 17 / 10 && n[1] < n[0] * 21 / 10);
	assert_true(n[2] > n[1] * 17 / 10 && n[2] < n[1] * 21 / 10);
	/* the ordinary work stays (only the insider's own draws move) */
	uint64_t d = benign[1] > benign[0] ? benign[1] - benign[0] : benign[0] - benign[1];
	assert_true(d < (n[1] - n[0]) / 4);
}

/* ---- end to end: generated log, engine, evaluation ---- */

static void test_replay_eval(void **state)
{
	(void)state;
	vg_alog_gen_opts o;
	vg_alog_gen_defaults(&o);
	o.advisors = 400;
	o.days = 28;
	size_t n, tl;
	char *truth;
	char *log = generate(&o, &n, &truth, &tl);
	char tpath[] = "/tmp/vigie-test-truth-XXXXXX";
	int fd = mkstemp(tpath);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, truth, tl), (ssize_t)tl);
	close(fd);
	vg_err err;
	vg_watch_eval *e = vg_watch_eval_load(tpath, &err);
	unlink(tpath);
	assert_non_null(e);
	vg_watch_opts wo;
	vg_watch_defaults(&wo);
	wo.on_alert = (void (*)(void *, const vg_watch_alert *))vg_watch_eval_alert;
	wo.ctx = e;
	vg_watch *w = vg_watch_new(&wo);
	init_parser(VG_ALOG_JSONL, NULL);
	char *line = log;
	while (line < log + n) {
		char *nl = memchr(line, '\n', (size_t)(log + n - line));
		vg_alog_event ev;
		const vg_reason *why;
		if (vg_alog_parse(&P, line, (size_t)(nl - line), &ev, &why) == VG_ALOG_EVENT)
			vg_watch_event(w, &ev);
		line = nl + 1;
	}
	json_t *j = vg_watch_eval_json(e);
	json_t *inc;
	size_t i;
	json_array_foreach(json_object_get(j, "incidents"), i, inc)
	{
		/* every incident within its target */
		const char *sc = json_string_value(json_object_get(inc, "scenario"));
		json_t *d = json_object_get(inc, "delay_s");
		if (!json_is_integer(d))
			fail_msg("incident %s missed", sc);
		if (!json_is_true(json_object_get(inc, "met")))
			fail_msg("incident %s late: %lld s", sc, (long long)json_integer_value(d));
	}
	/* the false-alert rate is measured on bigger runs (bench/watch.sh) */
	assert_true(json_integer_value(json_object_get(j, "false_alerts")) <= 3);
	json_decref(j);
	vg_watch_free(w);
	vg_watch_eval_free(e);
	free(log);
	free(truth);
}

/* ---- following a growing file ---- */

static void append(const char *path, const char *mode, const char *text)
{
	FILE *f = fopen(path, mode);
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The next line, as a string ("" at the end). */
static const char *next_line(vg_alog_reader *r, char *buf, size_t n)
{
	vg_alog_line l;
	int rc = vg_alog_reader_next(r, &l);
	assert_true(rc >= 0);
	if (rc == 0) {
		r->eof = false; /* resume following */
		r->idle = 0;
		return "";
	}
	snprintf(buf, n, "%.*s", (int)l.len, l.s);
	return buf;
}

static void test_follow(void **state)
{
	(void)state;
	char dir[] = "/tmp/vigie-test-follow-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64], old[80], buf[64];
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(old, sizeof(old), "%s/log.1", dir);
	append(path, "w", "a\nb\n");
	vg_alog_reader r;
	assert_int_equal(vg_alog_reader_open(&r, path, true, NULL), 0);
	r.poll_ms = 1;
	r.idle_limit = 3;
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "a");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "b");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "");
	/* the file grows */
	append(path, "a", "c\n");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "c");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "");
	/* rotation: the file is renamed, a new one takes its place */
	assert_int_equal(rename(path, old), 0);
	append(path, "w", "d\n");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "d");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "");
	/* truncation: read again from the start */
	append(path, "w", "");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "");
	append(path, "a", "e\n");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "e");
	/* a line being written waits for its end */
	append(path, "a", "{\"f");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "");
	append(path, "a", "g\"}\n");
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "{\"fg\"}");
	assert_int_equal(r.lineno, 6);
	/* a stop request ends following */
	volatile sig_atomic_t stop = 1;
	r.stop = &stop;
	r.idle_limit = 0;
	assert_string_equal(next_line(&r, buf, sizeof(buf)), "");
	vg_alog_reader_close(&r);
	unlink(path);
	unlink(old);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_json),
	    cmocka_unit_test(test_parse_csv),
	    cmocka_unit_test(test_time),
	    cmocka_unit_test(test_against_jansson),
	    cmocka_unit_test(test_sketches),
	    cmocka_unit_test(test_benign_quiet),
	    cmocka_unit_test(test_rate_offhours_network),
	    cmocka_unit_test(test_enumeration_readall),
	    cmocka_unit_test(test_baseline_insider),
	    cmocka_unit_test(test_gen_insider_extra),
	    cmocka_unit_test(test_novelty_search_absence),
	    cmocka_unit_test(test_novelty_days),
	    cmocka_unit_test(test_novelty_caseload_jump),
	    cmocka_unit_test(test_novelty_early_margin),
	    cmocka_unit_test(test_novelty_day_close),
	    cmocka_unit_test(test_novelty_slow_reader),
	    cmocka_unit_test(test_stuffing),
	    cmocka_unit_test(test_warmup_and_memory),
	    cmocka_unit_test(test_gen_determinism_and_labels),
	    cmocka_unit_test(test_gen_args),
	    cmocka_unit_test(test_replay_eval),
	    cmocka_unit_test(test_follow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
