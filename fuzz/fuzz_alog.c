/*
 * fuzz_alog.c: the access-log line parser on arbitrary bytes. The first
 * byte picks JSONL or CSV (CSV lines after a fixed header); every line of
 * the rest is parsed. Checks: a result is an event, a skip or a malformed
 * line with a reason; an event has its required fields, slices inside the
 * line or the scratch buffer, and a timestamp that formats and parses back.
 * JSON lines are also given to jansson: a line the parser accepts must be
 * a JSON object for jansson too. The events then go through a detection
 * engine (vigie/watch.h) without warm-up, whose alerts are written out in
 * both languages and as JSON: arbitrary events, times out of order or
 * decades apart, must neither crash it nor break its accounts.
 */
#include "vigie/alog.h"
#include "vigie/watch.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_alog_parser parser;

/* Every alert is written out; an account alert names an account. */
static void on_alert(void *ctx, const vg_watch_alert *a)
{
	char buf[2048];
	(void)ctx;
	if (a->kind != VG_WATCH_STUFFING && !a->account[0])
		__builtin_trap();
	if (a->nfindings > VG_RULE__COUNT)
		__builtin_trap();
	vg_watch_alert_text(a, VG_LANG_FR, buf, sizeof(buf));
	vg_watch_alert_text(a, VG_LANG_EN, buf, sizeof(buf));
	json_t *j = vg_watch_alert_json(a, VG_LANG_EN);
	if (!json_is_object(j))
		__builtin_trap();
	json_decref(j);
}

static int inside(const vg_alog_str *v, const char *line, size_t n)
{
	const char *s = v->s;
	return (s >= line && s + v->len <= line + n) ||
	       (s >= parser.scratch && s + v->len <= parser.scratch + sizeof(parser.scratch));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	vg_alog_opts o = {0};
	o.format = data[0] & 1 ? VG_ALOG_CSV : VG_ALOG_JSONL;
	o.utc_offset = 3600;
	if (vg_alog_parser_init(&parser, &o, VG_LANG_EN, NULL))
		__builtin_trap();
	if (o.format == VG_ALOG_CSV) {
		const char *h = "ts,account,role,agency,src,ua,action,person,query,results";
		vg_alog_event ev;
		const vg_reason *why;
		if (vg_alog_parse(&parser, h, strlen(h), &ev, &why) != VG_ALOG_SKIP)
			__builtin_trap();
	}
	vg_watch_opts wo;
	vg_watch_defaults(&wo);
	wo.warmup = 0;
	wo.max_accounts = 64;
	wo.on_alert = on_alert;
	vg_watch *w = vg_watch_new(&wo);
	uint64_t events = 0;
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* an exact copy so that ASan sees any read past the line */
		char *line = malloc(n ? n : 1);
		memcpy(line, p, n);
		vg_alog_event ev;
		const vg_reason *why = NULL;
		int rc = vg_alog_parse(&parser, line, n, &ev, &why);
		if (rc == VG_ALOG_EVENT) {
			for (int f = 0; f < VG_ALOG__NFIELDS; f++)
				if (ev.f[f].len && !inside(&ev.f[f], line, n))
					__builtin_trap();
			if (!ev.f[VG_ALOG_TS].len || !ev.f[VG_ALOG_ACCOUNT].len ||
			    !ev.f[VG_ALOG_ACTION].len)
				__builtin_trap();
			char t[32];
			int64_t back;
			int32_t off;
			bool had;
			vg_alog_format_time(ev.ts, 0, t);
			if (vg_alog_parse_time(t, strlen(t), 0, &back, &off, &had) || back != ev.ts)
				__builtin_trap();
			if (o.format == VG_ALOG_JSONL) {
				json_error_t je;
				json_t *j = json_loadb(line, n, 0, &je);
				if (!json_is_object(j))
					__builtin_trap();
				json_decref(j);
			}
			vg_watch_event(w, &ev);
			events++;
		} else if (rc != VG_ALOG_SKIP) {
			if (!why || !why->code || !why->fr || !why->en)
				__builtin_trap();
		}
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
	vg_watch_stats st;
	vg_watch_stats_get(w, &st);
	if (st.events != events || st.accounts > 64 || st.account_days > events)
		__builtin_trap();
	vg_watch_free(w);
	return 0;
}
