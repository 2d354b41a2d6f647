/*
 * alog_gen.c: the synthetic access-log generator (vigie/alog_gen.h).
 *
 * Shape: every actor (one per advisor, one per hijacked account's
 * attacker, one for the credential-stuffing botnet, one per account the
 * botnet gets into) computes its next event and the time of it; a binary
 * heap on (time, actor) hands out the earliest. An advisor's day is
 * planned from a random stream seeded by (seed, advisor, day), so what an
 * advisor does does not depend on what the others do, and the whole output
 * is a pure function of the options.
 *
 * Lines are formatted by hand into one output buffer (the date part of the
 * timestamp is cached per day): no allocation per event.
 */
#include "vigie/alog_gen.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers ---- */

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* splitmix64: small state, good enough statistics for a simulation. */
static inline uint64_t rnd(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return mix64(*s);
}

static inline double unif(uint64_t *s)
{
	return (double)(rnd(s) >> 11) * (1.0 / 9007199254740992.0);
}

static inline uint64_t below(uint64_t *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

static inline bool chance(uint64_t *s, double p)
{
	return unif(s) < p;
}

static double normal(uint64_t *s)
{
	double u = unif(s), v = unif(s);
	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static inline double expo(uint64_t *s, double mean)
{
	double u = unif(s);
	return -log(1.0 - u) * mean;
}

static inline uint64_t seed_of(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	return mix64(seed ^ mix64(a * 0x100000001b3ULL ^ mix64(b * 0x9e3779b97f4a7c15ULL ^ c)));
}

/* ---- the organisation ---- */

enum { ROLE_CONSEILLER, ROLE_GESTIONNAIRE, ROLE_MANAGER, ROLE_CAP_EMPLOI, NROLES };
static const char *const role_names[NROLES] = {"conseiller", "gestionnaire", "manager",
                                               "conseiller_cap_emploi"};
/* reads per hour of work, by role (the median advisor) */
static const double role_reads[NROLES] = {9.0, 16.0, 3.0, 7.0};

static const char *const corp_ua[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0.0.0 Safari/537.36",
};
#define NCORP_UA 4
#define UA_TAKEOVER 4
#define UA_STUFFING 5
static const char *const other_ua[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0",
    "python-requests/2.31.0",
};

static const char *const queries[] = {"nom", "nom+prenom",         "identifiant",
                                      "nir", "nom+date_naissance", "commune+nom"};

typedef struct advisor {
	uint32_t agency;
	uint8_t role;
	uint8_t ua;
	uint8_t telework; /* weekday bits */
	bool parttime, saturday, insider;
	uint16_t start_min, end_min; /* usual arrival and leaving, minutes after midnight */
	uint16_t hire_day;
	uint16_t vac_start, vac_len;
	uint16_t portfolio;
	uint8_t host;
	float rate; /* reads per hour */
	uint64_t pseed;
	/* ground truth bookkeeping */
	int32_t last_day;
	bool day_benign, day_bad;
} advisor;

/* ---- actors ---- */

enum { A_ADVISOR, A_TAKEOVER, A_STUFFING, A_STUFFED };
enum { EV_NONE, EV_LOGIN_FAIL, EV_LOGIN, EV_LOGOUT, EV_SEARCH, EV_READ, EV_EXPORT, EV_UPDATE };
static const char *const ev_action[] = {"",       "login_fail", "login",  "logout",
                                        "search", "read",       "export", "update"};
enum { LBL_BENIGN, LBL_TAKEOVER, LBL_INSIDER, LBL_STUFFING };
static const char *const lbl_names[] = {"benign", "takeover", "insider", "stuffing"};

typedef struct actor {
	uint8_t kind;
	uint8_t ev; /* the pending event */
	uint8_t label;
	uint8_t ua;
	uint32_t acct; /* advisor index, or UINT32_MAX for a made-up name */
	uint32_t fake; /* made-up user name number */
	int64_t t;     /* time of the pending event, UTC ms */
	uint64_t rng;
	uint32_t ip;
	uint32_t person;  /* record number of a read */
	uint32_t results; /* of a search or an export */
	uint8_t query;
	/* plan of the current day */
	int32_t day;
	int64_t s0[2], s1[2]; /* sessions, UTC ms */
	uint8_t nsess, sess;
	uint8_t phase;   /* 0 before login, 1 working, 2 done */
	double gap_ms;   /* mean time between events */
	double p_extra;  /* insider: chance that a read is an extra one */
	double p_search; /* chance that an event is a search */
	uint32_t pend;   /* reads of search results still to come */
	bool export_today;
	int64_t export_t;
	uint32_t export_rows;
	/* attackers */
	uint8_t mode; /* takeover: 0 recon, 1 enumerate, 2 search-and-read-all */
	uint32_t next_id;
	int64_t recon_end;
	uint32_t burst; /* stuffing: attempt number */
	uint32_t reads_left;
} actor;

typedef struct incident {
	uint8_t scenario;
	uint32_t acct;
	int64_t start, end; /* ms; start = -1 until the first malicious event */
	uint64_t events;
} incident;

#define MAX_STUFFED 8
#define STUFF_ATTEMPTS 300
#define STUFF_BOTS 40

typedef struct gen {
	const vg_alog_gen_opts *o;
	advisor *adv;
	unsigned nadv, nagencies, nce;
	actor *act;
	unsigned nact;
	uint32_t *heap;
	unsigned nheap;
	int64_t t0; /* UTC ms of local midnight of day 0 */
	int64_t dayms;
	incident inc[4 + MAX_STUFFED];
	unsigned ninc;
	int stuff_inc;
	uint32_t stuffed_acct[MAX_STUFFED];
	unsigned nstuffed;
	uint32_t bot_ip[STUFF_BOTS];
	/* output */
	FILE *out;
	char *buf;
	size_t len, cap;
	bool werr;
	int64_t date_day;
	char date[16];
	char offs[8];
	vg_alog_gen_stats st;
} gen;

/* ---- agencies and networks ---- */

static bool agency_is_ce(const gen *g, uint32_t a)
{
	return a >= g->nagencies - g->nce;
}

/* The desk address of an advisor: the agency's /24. */
static uint32_t desk_ip(const gen *g, const advisor *v)
{
	uint32_t a = v->agency;
	if (agency_is_ce(g, a))
		return (172u << 24) | ((16u + a / 256) << 16) | ((a % 256) << 8) | v->host;
	return (10u << 24) | ((a / 256) << 16) | ((a % 256) << 8) | v->host;
}

/* ---- heap on (t, actor) ---- */

static inline bool before(const gen *g, uint32_t a, uint32_t b)
{
	return g->act[a].t < g->act[b].t || (g->act[a].t == g->act[b].t && a < b);
}

static void heap_push(gen *g, uint32_t a)
{
	unsigned i = g->nheap++;
	while (i) {
		unsigned p = (i - 1) / 2;
		if (!before(g, a, g->heap[p]))
			break;
		g->heap[i] = g->heap[p];
		i = p;
	}
	g->heap[i] = a;
}

static void heap_sift(gen *g, unsigned i)
{
	uint32_t a = g->heap[i];
	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= g->nheap)
			break;
		if (c + 1 < g->nheap && before(g, g->heap[c + 1], g->heap[c]))
			c++;
		if (!before(g, g->heap[c], a))
			break;
		g->heap[i] = g->heap[c];
		i = c;
	}
	g->heap[i] = a;
}

/* ---- output ---- */

static void flush_out(gen *g)
{
	if (g->len && fwrite(g->buf, 1, g->len, g->out) != g->len)
		g->werr = true;
	g->st.bytes += g->len;
	g->len = 0;
}

static inline void put(gen *g, const char *s, size_t n)
{
	memcpy(g->buf + g->len, s, n);
	g->len += n;
}

static inline void puts_(gen *g, const char *s)
{
	put(g, s, strlen(s));
}

static inline void put_u(gen *g, uint64_t v)
{
	char t[24];
	int i = 24;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(g, t + i, (size_t)(24 - i));
}

static inline void put_2(gen *g, unsigned v)
{
	g->buf[g->len++] = (char)('0' + v / 10);
	g->buf[g->len++] = (char)('0' + v % 10);
}

static void put_ip(gen *g, uint32_t ip)
{
	put_u(g, ip >> 24);
	g->buf[g->len++] = '.';
	put_u(g, (ip >> 16) & 255);
	g->buf[g->len++] = '.';
	put_u(g, (ip >> 8) & 255);
	g->buf[g->len++] = '.';
	put_u(g, ip & 255);
}

/* "2024-02-05T08:47:12+01:00" for t (UTC ms). */
static void put_ts(gen *g, int64_t t)
{
	int64_t local = t / 1000 + g->o->utc_offset;
	int64_t day = local / 86400, sec = local % 86400;
	if (day != g->date_day) {
		char tmp[32];
		vg_alog_format_time(day * 86400 - g->o->utc_offset, g->o->utc_offset, tmp);
		memcpy(g->date, tmp, 11); /* "YYYY-MM-DDT" */
		memcpy(g->offs, tmp + 19, 6);
		g->date_day = day;
	}
	put(g, g->date, 11);
	put_2(g, (unsigned)(sec / 3600));
	g->buf[g->len++] = ':';
	put_2(g, (unsigned)(sec / 60 % 60));
	g->buf[g->len++] = ':';
	put_2(g, (unsigned)(sec % 60));
	put(g, g->offs, 6);
}

static void put_account(gen *g, const actor *a)
{
	if (a->acct == UINT32_MAX) {
		puts_(g, "ft");
		char t[8];
		uint32_t v = a->fake;
		for (int i = 5; i >= 0; i--, v /= 10)
			t[i] = (char)('0' + v % 10);
		put(g, t, 6);
		return;
	}
	const advisor *v = &g->adv[a->acct];
	puts_(g, v->role == ROLE_CAP_EMPLOI ? "ce" : "ft");
	char t[8];
	uint32_t x = a->acct;
	for (int i = 5; i >= 0; i--, x /= 10)
		t[i] = (char)('0' + x % 10);
	put(g, t, 6);
}

static void put_agency(gen *g, uint32_t ag)
{
	char t[8];
	if (agency_is_ce(g, ag)) {
		puts_(g, "CE-");
		uint32_t x = ag - (g->nagencies - g->nce);
		for (int i = 2; i >= 0; i--, x /= 10)
			t[i] = (char)('0' + x % 10);
		put(g, t, 3);
	} else {
		puts_(g, "FT-");
		uint32_t x = ag;
		for (int i = 3; i >= 0; i--, x /= 10)
			t[i] = (char)('0' + x % 10);
		put(g, t, 4);
	}
}

/* A record number as a France Travail-like identifier: 7 digits and a letter. */
static void put_person(gen *g, uint32_t n)
{
	static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
	uint32_t v = 1000000u + n;
	char t[8];
	for (int i = 6; i >= 0; i--, v /= 10)
		t[i] = (char)('0' + v % 10);
	t[7] = letters[(n * 7u) % 23u];
	put(g, t, 8);
}

/* One event line. */
static void emit(gen *g, actor *a)
{
	bool csv = g->o->format == VG_ALOG_CSV;
	const advisor *v = a->acct == UINT32_MAX ? NULL : &g->adv[a->acct];
	const char *ua = a->ua < NCORP_UA ? corp_ua[a->ua] : other_ua[a->ua - NCORP_UA];
	const char *role = v ? role_names[v->role] : "";
	if (g->cap - g->len < 2048)
		flush_out(g);
	if (csv) {
		put_ts(g, a->t);
		g->buf[g->len++] = ',';
		put_account(g, a);
		g->buf[g->len++] = ',';
		puts_(g, role);
		g->buf[g->len++] = ',';
		if (v)
			put_agency(g, v->agency);
		g->buf[g->len++] = ',';
		put_ip(g, a->ip);
		puts_(g, ",\"");
		puts_(g, ua);
		puts_(g, "\",");
		puts_(g, ev_action[a->ev]);
		g->buf[g->len++] = ',';
		if (a->ev == EV_READ)
			put_person(g, a->person);
		g->buf[g->len++] = ',';
		if (a->ev == EV_SEARCH)
			puts_(g, queries[a->query]);
		g->buf[g->len++] = ',';
		if (a->ev == EV_SEARCH || a->ev == EV_EXPORT)
			put_u(g, a->results);
		if (g->o->labels) {
			g->buf[g->len++] = ',';
			puts_(g, lbl_names[a->label]);
		}
		g->buf[g->len++] = '\n';
	} else {
		puts_(g, "{\"ts\":\"");
		put_ts(g, a->t);
		puts_(g, "\",\"account\":\"");
		put_account(g, a);
		if (v) {
			puts_(g, "\",\"role\":\"");
			puts_(g, role);
			puts_(g, "\",\"agency\":\"");
			put_agency(g, v->agency);
		}
		puts_(g, "\",\"src\":\"");
		put_ip(g, a->ip);
		puts_(g, "\",\"ua\":\"");
		puts_(g, ua);
		puts_(g, "\",\"action\":\"");
		puts_(g, ev_action[a->ev]);
		if (a->ev == EV_READ) {
			puts_(g, "\",\"person\":\"");
			put_person(g, a->person);
		} else if (a->ev == EV_SEARCH) {
			puts_(g, "\",\"query\":\"");
			puts_(g, queries[a->query]);
		}
		g->buf[g->len++] = '"';
		if (a->ev == EV_SEARCH || a->ev == EV_EXPORT) {
			puts_(g, ",\"results\":");
			put_u(g, a->results);
		}
		if (g->o->labels) {
			puts_(g, ",\"label\":\"");
			puts_(g, lbl_names[a->label]);
			g->buf[g->len++] = '"';
		}
		puts_(g, "}\n");
	}
	g->st.events++;
	/* ground truth: account-days, incidents */
	if (a->label != LBL_BENIGN) {
		g->st.malicious_events++;
		for (unsigned i = 0; i < g->ninc; i++) {
			incident *in = &g->inc[i];
			bool mine = (int)i == g->stuff_inc
			                ? a->label == LBL_STUFFING
			                : in->acct == a->acct && in->scenario == a->label;
			if (!mine)
				continue;
			if (in->start < 0)
				in->start = a->t;
			in->end = a->t;
			in->events++;
		}
	}
	if (v) {
		advisor *w = &g->adv[a->acct];
		int32_t d = (int32_t)((a->t - g->t0) / g->dayms);
		if (d != w->last_day) {
			if (w->last_day >= 0) {
				g->st.account_days++;
				g->st.benign_account_days += w->day_benign && !w->day_bad;
			}
			w->last_day = d;
			w->day_benign = w->day_bad = false;
		}
		if (a->label == LBL_BENIGN)
			w->day_benign = true;
		else
			w->day_bad = true;
	}
}

/* ---- advisors ---- */

static int weekday(const gen *g, int day)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0) */
	return (int)(((g->o->start_day + day) % 7 + 7 + 3) % 7);
}

/* Plans the working day `day` of an advisor: sessions, network, pace. */
static void plan_day(gen *g, actor *a, int day)
{
	const advisor *v = &g->adv[a->acct];
	uint64_t r = seed_of(g->o->seed, 1, a->acct, (uint64_t)day);
	a->day = day;
	a->nsess = 0;
	a->sess = 0;
	a->phase = 0;
	a->pend = 0;
	a->export_today = false;
	if ((unsigned)day >= g->o->days)
		return;
	int wd = weekday(g, day);
	bool works = wd < 5 && !(v->parttime && wd == 2) && !chance(&r, 0.06) &&
	             !(day >= v->vac_start && day < v->vac_start + v->vac_len) &&
	             day >= v->hire_day;
	bool sat = wd == 5 && v->saturday && chance(&r, 0.25) && day >= v->hire_day;
	if (!works && !sat)
		return;
	int64_t mid = g->t0 + (int64_t)day * g->dayms;
	a->ip = desk_ip(g, v);
	a->ua = v->ua;
	if (works && (v->telework >> wd & 1)) {
		if (chance(&r, 0.004)) /* a home connection without the VPN */
			a->ip = (82u << 24) | (uint32_t)below(&r, 1u << 24);
		else
			a->ip = (10u << 24) | (250u << 16) | ((uint32_t)below(&r, 8) << 8) |
			        (1 + (uint32_t)below(&r, 250));
	}
	double start = v->start_min + normal(&r) * 15.0;
	double end = v->end_min + normal(&r) * 20.0;
	if (chance(&r, 0.08))
		end += 30 + unif(&r) * 90; /* overtime */
	if (chance(&r, 0.03))
		start -= 30 + unif(&r) * 45;
	if (sat) {
		start = 540 + unif(&r) * 20;
		end = 740 + unif(&r) * 30;
	}
	double lunch = 720 + unif(&r) * 60, lunch_len = 40 + unif(&r) * 40;
	if (sat || end < lunch + lunch_len + 30 || start > lunch - 30) {
		a->s0[0] = mid + (int64_t)(start * 60000);
		a->s1[0] = mid + (int64_t)(end * 60000);
		a->nsess = 1;
	} else {
		a->s0[0] = mid + (int64_t)(start * 60000);
		a->s1[0] = mid + (int64_t)(lunch * 60000);
		a->s0[1] = mid + (int64_t)((lunch + lunch_len) * 60000);
		a->s1[1] = mid + (int64_t)(end * 60000);
		a->nsess = 2;
	}
	double pace = exp(normal(&r) * 0.25);
	a->p_search = 0.30;
	if (chance(&r, 0.02)) {
		pace *= 2.0; /* a campaign day: calls to many job seekers of the portfolio */
		a->p_search = 0.15;
	}
	double reads = v->rate * pace;
	double events = reads * 1.55; /* searches, updates */
	a->p_extra = 0;
	if (v->insider && day >= (int)g->o->days / 3) {
		double extra = reads * (double)g->o->insider_pct / 100.0;
		a->p_extra = extra / (events + extra);
		events += extra;
	}
	a->gap_ms = 3600000.0 / events;
	if (v->role == ROLE_MANAGER ? (wd == 0 && chance(&r, 0.6)) : chance(&r, 0.01)) {
		a->export_today = true;
		a->export_rows =
		    (uint32_t)(v->role == ROLE_MANAGER ? 50 + below(&r, 350) : 10 + below(&r, 70));
		a->export_t = a->s0[0] + (int64_t)(unif(&r) * (double)(a->s1[0] - a->s0[0]));
	}
	a->rng = r;
}

/* The record of the k-th job seeker of an advisor's portfolio on a day. */
static uint32_t portfolio_person(const gen *g, const advisor *v, uint32_t k, int day)
{
	uint64_t gen_ =
	    (uint64_t)(day + (int)(k * 7 % 40)) / 40; /* each slot renews every 40 days */
	return (uint32_t)(mix64(v->pseed ^ mix64(k * 0x9e37ull + (gen_ << 32))) % g->o->people);
}

/* Computes an advisor's next event; false when the period is over. */
static bool advisor_next(gen *g, actor *a)
{
	const advisor *v = &g->adv[a->acct];
	for (;;) {
		if (a->nsess == 0 || a->sess >= a->nsess) {
			if (a->day + 1 >= (int)g->o->days)
				return false;
			plan_day(g, a, a->day + 1);
			continue;
		}
		uint64_t *r = &a->rng;
		int s = a->sess;
		a->label = LBL_BENIGN;
		if (a->phase == 0) {
			a->t = a->s0[s] + (int64_t)below(r, 60000);
			a->ev = EV_LOGIN;
			if (chance(r, 0.03)) { /* a typo first; the login follows */
				a->ev = EV_LOGIN_FAIL;
				a->s0[s] = a->t + 5000 + (int64_t)below(r, 20000) - 0;
				return true;
			}
			a->phase = 1;
			return true;
		}
		if (a->phase == 1) {
			/* the results of a search are read within the next minute or so */
			int64_t t =
			    a->t + 1000 +
			    (a->pend ? (int64_t)below(r, 90000) : (int64_t)expo(r, a->gap_ms));
			if (a->export_today && a->export_t <= t && a->export_t > a->t) {
				a->export_today = false;
				a->t = a->export_t;
				a->ev = EV_EXPORT;
				a->results = a->export_rows;
				return true;
			}
			if (t >= a->s1[s]) {
				a->phase = 2;
				if (chance(r, 0.8)) {
					a->t = a->s1[s];
					a->ev = EV_LOGOUT;
					a->phase = 0;
					a->sess++;
					return true;
				}
				a->phase = 0;
				a->sess++;
				continue;
			}
			a->t = t;
			if (a->p_extra > 0 && chance(r, a->p_extra)) {
				a->ev = EV_READ;
				a->person = (uint32_t)below(r, g->o->people);
				a->label = LBL_INSIDER;
				return true;
			}
			double u = unif(r);
			if (a->pend) {
				a->pend--;
				a->ev = EV_READ;
				a->person = (uint32_t)below(r, g->o->people);
			} else if (u < a->p_search) {
				a->ev = EV_SEARCH;
				a->query = (uint8_t)below(r, 6);
				if (a->query == 2 || a->query == 3)
					a->results = chance(r, 0.9) ? 1 : 0;
				else
					a->results = 1 + (uint32_t)expo(r, 6.0);
				if (a->results > 200)
					a->results = 200;
				uint32_t want = a->results ? (uint32_t)(chance(r, 0.75)) +
				                                 (uint32_t)chance(r, 0.25)
				                           : 0;
				a->pend = want < a->results ? want : a->results;
			} else if (u < a->p_search + 0.06) {
				a->ev = EV_UPDATE;
			} else {
				a->ev = EV_READ;
				a->person = portfolio_person(g, v, (uint32_t)below(r, v->portfolio),
				                             a->day);
			}
			return true;
		}
		a->phase = 0;
		a->sess++;
	}
}

/* ---- the takeover attacker (France Travail scenario) ---- */

static const uint32_t hosting_nets[] = {
    (185u << 24) | (220u << 16) | (101u << 8), (45u << 24) | (134u << 16) | (26u << 8),
    (194u << 24) | (26u << 16) | (192u << 8),  (5u << 24) | (188u << 16) | (62u << 8),
    (91u << 24) | (219u << 16) | (236u << 8),  (146u << 24) | (70u << 16) | (199u << 8),
};

/* Plans the attacker's sessions on a day (evenings, weekends). */
static void takeover_plan(gen *g, actor *a, int day, int first_day)
{
	uint64_t r = seed_of(g->o->seed, 2, a->acct, (uint64_t)day);
	int64_t mid = g->t0 + (int64_t)day * g->dayms;
	a->day = day;
	a->nsess = 0;
	a->sess = 0;
	a->phase = 0;
	if ((unsigned)day >= g->o->days)
		return;
	int wd = weekday(g, day);
	bool first = day == first_day;
	if (!first && !chance(&r, wd >= 5 ? 0.85 : 0.6))
		return;
	double start, len;
	if (wd >= 5 && !first) {
		start = 600 + unif(&r) * 600; /* 10:00 - 20:00 */
		len = 120 + unif(&r) * 180;
	} else {
		start = 1140 + unif(&r) * 120; /* 19:00 - 21:00 */
		len = 60 + unif(&r) * 150;
	}
	if (start + len > 1435)
		len = 1435 - start;
	a->s0[0] = mid + (int64_t)(start * 60000);
	a->s1[0] = mid + (int64_t)((start + len) * 60000);
	a->nsess = 1;
	a->ip = hosting_nets[first ? 0 : below(&r, 6)] | (uint32_t)(2 + below(&r, 250));
	a->ua = UA_TAKEOVER;
	a->mode = first ? 0 : (uint8_t)(1 + below(&r, 2));
	a->recon_end = first ? a->s0[0] + (int64_t)((15 + unif(&r) * 15) * 60000) : 0;
	a->next_id = (uint32_t)below(&r, g->o->people);
	a->export_today = chance(&r, 0.25);
	a->export_t = a->s0[0] + (int64_t)(unif(&r) * (double)(a->s1[0] - a->s0[0]));
	a->export_rows = 500 + (uint32_t)below(&r, 4500);
	a->pend = 0;
	a->rng = r;
}

static bool takeover_next(gen *g, actor *a)
{
	for (;;) {
		if (a->nsess == 0 || a->sess >= a->nsess) {
			if (a->day + 1 >= (int)g->o->days)
				return false;
			takeover_plan(g, a, a->day + 1, -1);
			continue;
		}
		uint64_t *r = &a->rng;
		a->label = LBL_TAKEOVER;
		if (a->phase == 0) {
			a->t = a->s0[0];
			a->ev = EV_LOGIN;
			a->phase = 1;
			return true;
		}
		if (a->phase == 2) {
			a->sess++;
			continue;
		}
		bool recon = a->mode == 0 && a->t < a->recon_end;
		int64_t t = a->t + (recon ? 40000 + (int64_t)below(r, 80000)
		                          : 1500 + (int64_t)below(r, 4000));
		if (a->mode == 0 && !recon)
			a->mode = 1 + (uint8_t)below(r, 2);
		if (t >= a->s1[0]) {
			a->t = a->s1[0];
			a->ev = EV_LOGOUT;
			a->phase = 2;
			return true;
		}
		a->t = t;
		if (a->export_today && a->export_t <= t && !recon) {
			a->export_today = false;
			a->ev = EV_EXPORT;
			a->results = a->export_rows;
			return true;
		}
		if (recon) {
			if (chance(r, 0.4)) {
				a->ev = EV_SEARCH;
				a->query = 1;
				a->results = 1 + (uint32_t)below(r, 8);
			} else {
				a->ev = EV_READ;
				a->person = (uint32_t)below(r, g->o->people);
			}
		} else if (a->mode == 1) {
			a->ev = EV_READ;
			a->person = a->next_id++ % (uint32_t)g->o->people;
		} else if (a->pend) {
			a->pend--;
			a->ev = EV_READ;
			a->person = (uint32_t)below(r, g->o->people);
		} else {
			a->ev = EV_SEARCH;
			a->query = 5;
			a->results = 20 + (uint32_t)below(r, 41);
			a->pend = a->results;
		}
		return true;
	}
}

/* ---- credential stuffing ---- */

static bool stuffed_next(gen *g, actor *a)
{
	uint64_t *r = &a->rng;
	a->label = LBL_STUFFING;
	if (a->reads_left == 0) {
		if (a->ev == EV_LOGOUT)
			return false;
		a->ev = EV_LOGOUT;
		a->t += 5000 + (int64_t)below(r, 20000);
		return true;
	}
	a->reads_left--;
	a->t += 8000 + (int64_t)below(r, 20000);
	if (chance(r, 0.3)) {
		a->ev = EV_SEARCH;
		a->query = 0;
		a->results = 5 + (uint32_t)below(r, 30);
	} else {
		a->ev = EV_READ;
		a->person = (uint32_t)below(r, g->o->people);
	}
	return true;
}

static bool stuffing_next(gen *g, actor *a)
{
	uint64_t *r = &a->rng;
	if (a->burst >= STUFF_ATTEMPTS)
		return false;
	if (a->burst > 0)
		a->t += 1200 + (int64_t)below(r, 2400);
	a->burst++;
	a->label = LBL_STUFFING;
	a->ip = g->bot_ip[below(r, STUFF_BOTS)];
	a->ua = UA_STUFFING;
	a->ev = EV_LOGIN_FAIL;
	/* one name in four does not exist; of the others, a few get in */
	if (chance(r, 0.25)) {
		a->acct = UINT32_MAX;
		a->fake = 900000 + (uint32_t)below(r, 99999);
		return true;
	}
	a->acct = (uint32_t)below(r, g->nadv);
	bool in = (a->burst % 60 == 7) && g->nstuffed < MAX_STUFFED;
	for (unsigned i = 0; i < g->nstuffed; i++)
		if (g->stuffed_acct[i] == a->acct)
			in = false;
	if (in && g->adv[a->acct].insider)
		in = false;
	for (unsigned i = 0; i < g->ninc; i++)
		if (in && g->inc[i].acct == a->acct)
			in = false;
	if (in) {
		a->ev = EV_LOGIN;
		unsigned k = g->nstuffed++;
		g->stuffed_acct[k] = a->acct;
		incident *in_ = &g->inc[g->ninc++];
		in_->scenario = LBL_STUFFING;
		in_->acct = a->acct;
		in_->start = -1;
		in_->end = -1;
		in_->events = 0;
		/* its own actor reads a little, then leaves */
		actor *s = &g->act[g->nact - MAX_STUFFED + k];
		s->kind = A_STUFFED;
		s->acct = a->acct;
		s->ip = a->ip;
		s->ua = UA_STUFFING;
		s->rng = seed_of(g->o->seed, 4, k, 0);
		s->t = a->t;
		s->reads_left = 5 + (uint32_t)below(&s->rng, 25);
		s->ev = EV_NONE;
		if (stuffed_next(g, s))
			heap_push(g, (uint32_t)(g->nact - MAX_STUFFED + k));
	}
	return true;
}

/* ---- set-up ---- */

static void setup(gen *g)
{
	const vg_alog_gen_opts *o = g->o;
	uint64_t r = seed_of(o->seed, 0, 0, 0);
	g->nadv = o->advisors;
	g->nagencies = g->nadv / 25 + 2;
	g->nce = g->nagencies * 15 / 100 + 1;
	g->adv = vg_xcalloc(g->nadv, sizeof(advisor));
	for (unsigned i = 0; i < g->nadv; i++) {
		advisor *v = &g->adv[i];
		uint64_t s = seed_of(o->seed, 3, i, 0);
		/* the last agencies are Cap Emploi's; a share of advisors to match */
		bool ce = i % 100 < 12;
		if (ce) {
			v->agency = g->nagencies - g->nce + (uint32_t)below(&s, g->nce);
			v->role = ROLE_CAP_EMPLOI;
		} else {
			v->agency = (uint32_t)below(&s, g->nagencies - g->nce);
			unsigned u = (unsigned)below(&s, 100);
			v->role = u < 78   ? ROLE_CONSEILLER
			          : u < 94 ? ROLE_GESTIONNAIRE
			                   : ROLE_MANAGER;
		}
		v->ua = chance(&s, 0.85) ? (uint8_t)(v->agency % NCORP_UA)
		                         : (uint8_t)below(&s, NCORP_UA);
		v->host = (uint8_t)(10 + below(&s, 240));
		v->parttime = chance(&s, 0.10);
		v->saturday = !ce && v->agency % 10 == 3;
		if (!ce && chance(&s, 0.45)) {
			v->telework = (uint8_t)(1u << below(&s, 5));
			if (chance(&s, 0.5))
				v->telework |= (uint8_t)(1u << below(&s, 5));
		}
		double st = 525 + normal(&s) * 25;
		if (st < 450)
			st = 450;
		if (st > 600)
			st = 600;
		v->start_min = (uint16_t)st;
		v->end_min = (uint16_t)(st + 480 + normal(&s) * 30);
		v->rate = (float)(role_reads[v->role] * exp(normal(&s) * 0.35));
		v->portfolio = (uint16_t)(80 + below(&s, 170));
		v->pseed = rnd(&s);
		v->hire_day = chance(&s, 0.02)
		                  ? (uint16_t)(5 + below(&s, o->days > 10 ? o->days - 10 : 1))
		                  : 0;
		v->vac_len = chance(&s, 0.3) ? 5 : 0;
		v->vac_start = (uint16_t)below(&s, o->days);
		v->last_day = -1;
	}
	/* actors: advisors, two attackers, the botnet, the accounts it gets into */
	g->nact = g->nadv + 3 + MAX_STUFFED;
	g->act = vg_xcalloc(g->nact, sizeof(actor));
	g->heap = vg_xcalloc(g->nact, sizeof(uint32_t));
	g->t0 = (o->start_day * 86400 - o->utc_offset) * 1000;
	g->dayms = 86400000;
	g->stuff_inc = -1;
	for (unsigned i = 0; i < g->nadv; i++) {
		actor *a = &g->act[i];
		a->kind = A_ADVISOR;
		a->acct = i;
		plan_day(g, a, 0);
		if (advisor_next(g, a))
			heap_push(g, i);
	}
	/* the takeover: two Cap Emploi accounts in work from day 0 */
	if (o->attacks & VG_ALOG_ATTACK_TAKEOVER) {
		unsigned found = 0;
		uint32_t start = (uint32_t)below(&r, g->nadv);
		for (unsigned k = 0; k < g->nadv && found < 2; k++) {
			uint32_t i = (start + k * 7919u) % g->nadv;
			advisor *v = &g->adv[i];
			if (v->role != ROLE_CAP_EMPLOI || v->hire_day || v->insider)
				continue;
			if (found == 1 && g->inc[0].acct == i)
				continue;
			actor *a = &g->act[g->nadv + found];
			a->kind = A_TAKEOVER;
			a->acct = i;
			int first = 1 + (int)found * (1 + (int)below(&r, 2));
			takeover_plan(g, a, first, first);
			incident *in = &g->inc[g->ninc++];
			in->scenario = LBL_TAKEOVER;
			in->acct = i;
			in->start = in->end = -1;
			if (takeover_next(g, a))
				heap_push(g, g->nadv + found);
			found++;
		}
	}
	if (o->attacks & VG_ALOG_ATTACK_INSIDER && o->days >= 6) {
		uint32_t start = (uint32_t)below(&r, g->nadv);
		for (unsigned k = 0; k < g->nadv; k++) {
			uint32_t i = (start + k * 104729u) % g->nadv;
			advisor *v = &g->adv[i];
			bool taken = false;
			for (unsigned j = 0; j < g->ninc; j++)
				taken |= g->inc[j].acct == i;
			if (v->role != ROLE_CONSEILLER || v->hire_day || v->parttime || taken ||
			    (v->vac_len && v->vac_start + v->vac_len >= o->days / 3 &&
			     v->vac_start <= o->days / 3 + 3))
				continue;
			v->insider = true;
			incident *in = &g->inc[g->ninc++];
			in->scenario = LBL_INSIDER;
			in->acct = i;
			in->start = in->end = -1;
			break;
		}
	}
	if (o->attacks & VG_ALOG_ATTACK_STUFFING && o->days >= 3) {
		actor *a = &g->act[g->nadv + 2];
		a->kind = A_STUFFING;
		a->rng = seed_of(o->seed, 5, 0, 0);
		int day = (int)(o->days * 2 / 3);
		a->t = g->t0 + (int64_t)day * g->dayms +
		       (int64_t)(2 * 3600 + below(&a->rng, 7200)) * 1000;
		static const uint8_t first[] = {31, 37,  46,  62,  77,  78,  89,
		                                93, 109, 176, 178, 188, 195, 212};
		for (unsigned b = 0; b < STUFF_BOTS; b++)
			g->bot_ip[b] = ((uint32_t)first[below(&a->rng, sizeof(first))] << 24) |
			               (uint32_t)below(&a->rng, 1u << 24);
		g->stuff_inc = (int)g->ninc;
		incident *in = &g->inc[g->ninc++];
		in->scenario = LBL_STUFFING;
		in->acct = UINT32_MAX;
		in->start = in->end = -1;
		if (stuffing_next(g, a))
			heap_push(g, g->nadv + 2);
	}
}

/* Writes an account name for the truth file. */
static void truth_account(const gen *g, uint32_t i, char out[16])
{
	snprintf(out, 16, "%s%06u", g->adv[i].role == ROLE_CAP_EMPLOI ? "ce" : "ft", i);
}

static void write_truth(gen *g, FILE *f)
{
	char a[16], s[32], e[32];
	for (unsigned i = 0; i < g->ninc; i++) {
		const incident *in = &g->inc[i];
		if (in->start < 0)
			continue;
		vg_alog_format_time(in->start / 1000, g->o->utc_offset, s);
		vg_alog_format_time(in->end / 1000, g->o->utc_offset, e);
		fprintf(f, "{\"type\":\"incident\",\"id\":%u,\"scenario\":\"%s\",", i + 1,
		        lbl_names[in->scenario]);
		if (in->acct != UINT32_MAX) {
			truth_account(g, in->acct, a);
			const advisor *v = &g->adv[in->acct];
			fprintf(f, "\"account\":\"%s\",\"role\":\"%s\",", a, role_names[v->role]);
		} else {
			fprintf(f, "\"account\":null,\"attempts\":%u,", STUFF_ATTEMPTS);
		}
		fprintf(f, "\"start\":\"%s\",\"end\":\"%s\",\"events\":%llu}\n", s, e,
		        (unsigned long long)in->events);
		g->st.incidents++;
	}
	char t0[32], t1[32];
	vg_alog_format_time(g->t0 / 1000, g->o->utc_offset, t0);
	vg_alog_format_time((g->t0 + (int64_t)g->o->days * g->dayms) / 1000, g->o->utc_offset, t1);
	fprintf(f,
	        "{\"type\":\"summary\",\"seed\":%llu,\"advisors\":%u,\"days\":%u,\"from\":\"%s\","
	        "\"to\":\"%s\",\"insider_extra_pct\":%u,\"events\":%llu,\"malicious_events\":%llu,"
	        "\"account_days\":%llu,"
	        "\"benign_account_days\":%llu}\n",
	        (unsigned long long)g->o->seed, g->nadv, g->o->days, t0, t1, g->o->insider_pct,
	        (unsigned long long)g->st.events, (unsigned long long)g->st.malicious_events,
	        (unsigned long long)g->st.account_days,
	        (unsigned long long)g->st.benign_account_days);
}

int vg_alog_gen_run(const vg_alog_gen_opts *o, FILE *out, FILE *truth, vg_alog_gen_stats *st,
                    vg_err *err)
{
	gen g;
	memset(&g, 0, sizeof(g));
	g.o = o;
	g.out = out;
	g.cap = 1 << 20;
	g.buf = vg_xmalloc(g.cap);
	g.date_day = INT64_MIN;
	setup(&g);
	if (o->format == VG_ALOG_CSV) {
		puts_(&g, "ts,account,role,agency,src,ua,action,person,query,results");
		if (o->labels)
			puts_(&g, ",label");
		g.buf[g.len++] = '\n';
	}
	while (g.nheap) {
		uint32_t top = g.heap[0];
		actor *a = &g.act[top];
		emit(&g, a);
		bool more;
		switch (a->kind) {
		case A_ADVISOR:
			more = advisor_next(&g, a);
			break;
		case A_TAKEOVER:
			more = takeover_next(&g, a);
			break;
		case A_STUFFING:
			more = stuffing_next(&g, a);
			break;
		default:
			more = stuffed_next(&g, a);
			break;
		}
		if (more) {
			heap_sift(&g, 0);
		} else {
			g.heap[0] = g.heap[--g.nheap];
			if (g.nheap)
				heap_sift(&g, 0);
		}
	}
	flush_out(&g);
	/* close the last account-day of everyone */
	for (unsigned i = 0; i < g.nadv; i++) {
		advisor *v = &g.adv[i];
		if (v->last_day >= 0) {
			g.st.account_days++;
			g.st.benign_account_days += v->day_benign && !v->day_bad;
		}
	}
	g.st.accounts = g.nadv;
	if (truth)
		write_truth(&g, truth);
	int rc = 0;
	if (fflush(out) != 0 || g.werr || (truth && (fflush(truth) != 0 || ferror(truth))))
		rc = vg_err_set(err, VG_EIO, "write: %s", strerror(errno));
	if (st)
		*st = g.st;
	free(g.buf);
	free(g.adv);
	free(g.act);
	free(g.heap);
	return rc;
}

/* ---- options ---- */

void vg_alog_gen_defaults(vg_alog_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->advisors = 2000;
	o->days = 28;
	o->start_day = vg_alog_days_from_civil(2024, 2, 5);
	o->people = 2000000;
	o->attacks = VG_ALOG_ATTACK_ALL;
	o->insider_pct = 50;
	o->format = VG_ALOG_JSONL;
	o->utc_offset = 3600;
}

static int num_arg(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (!s || !*s)
		return -1;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int vg_alog_gen_parse_args(vg_alog_gen_opts *o, int argc, char **argv, vg_lang lang, vg_err *err)
{
	bool en = lang == VG_LANG_EN;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		char name[32];
		const char *eq = strchr(a, '=');
		size_t nl = eq && !strncmp(a, "--", 2) ? (size_t)(eq - a) : strlen(a);
		if (nl >= sizeof(name))
			nl = sizeof(name) - 1;
		memcpy(name, a, nl);
		name[nl] = 0;
		if (!strcmp(name, "--labels")) {
			o->labels = true;
			continue;
		}
		static const char *const with_value[] = {
		    "--advisors", "--days",    "--seed",       "--start",
		    "--people",   "--attacks", "--format",     "-o",
		    "--output",   "--truth",   "--utc-offset", "--insider-extra"};
		bool known = false;
		for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			known |= !strcmp(name, with_value[k]);
		if (!known)
			return vg_err_set(err, VG_EUSAGE,
			                  en ? "unknown option: '%s'" : "option inconnue : '%s'",
			                  a);
		if (eq && !strncmp(a, "--", 2))
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return vg_err_set(err, VG_EUSAGE,
			                  en ? "%s needs a value" : "%s attend une valeur", name);
		uint64_t v;
		if (!strcmp(name, "--advisors")) {
			if (num_arg(val, 1, VG_ALOG_GEN_ADVISORS_MAX, &v))
				return vg_err_set(err, VG_EUSAGE,
				                  en ? "--advisors: an integer from 1 to %d"
				                     : "--advisors : un entier de 1 à %d",
				                  VG_ALOG_GEN_ADVISORS_MAX);
			o->advisors = (unsigned)v;
		} else if (!strcmp(name, "--days")) {
			if (num_arg(val, 1, VG_ALOG_GEN_DAYS_MAX, &v))
				return vg_err_set(err, VG_EUSAGE,
				                  en ? "--days: an integer from 1 to %d"
				                     : "--days : un entier de 1 à %d",
				                  VG_ALOG_GEN_DAYS_MAX);
			o->days = (unsigned)v;
		} else if (!strcmp(name, "--seed")) {
			if (num_arg(val, 0, UINT64_MAX - 1, &v))
				return vg_err_set(err, VG_EUSAGE,
				                  en ? "--seed: a non-negative integer"
				                     : "--seed : un entier positif ou nul");
			o->seed = v;
		} else if (!strcmp(name, "--people")) {
			if (num_arg(val, 1000, VG_ALOG_GEN_PEOPLE_MAX, &v))
				return vg_err_set(err, VG_EUSAGE,
				                  en ? "--people: an integer from 1000 to %d"
				                     : "--people : un entier de 1000 à %d",
				                  VG_ALOG_GEN_PEOPLE_MAX);
			o->people = v;
		} else if (!strcmp(name, "--start")) {
			int64_t utc;
			int32_t off;
			bool had;
			char tmp[40];
			if (strlen(val) != 10 ||
			    (snprintf(tmp, sizeof(tmp), "%sT00:00:00Z", val),
			     vg_alog_parse_time(tmp, strlen(tmp), 0, &utc, &off, &had)))
				return vg_err_set(err, VG_EUSAGE,
				                  en ? "--start: a date YYYY-MM-DD"
				                     : "--start : une date AAAA-MM-JJ");
			o->start_day = utc / 86400;
		} else if (!strcmp(name, "--attacks")) {
			unsigned m = 0;
			const char *p = val;
			while (*p) {
				size_t l = strcspn(p, ",");
				if (l == 8 && !strncmp(p, "takeover", l))
					m |= VG_ALOG_ATTACK_TAKEOVER;
				else if (l == 7 && !strncmp(p, "insider", l))
					m |= VG_ALOG_ATTACK_INSIDER;
				else if (l == 8 && !strncmp(p, "stuffing", l))
					m |= VG_ALOG_ATTACK_STUFFING;
				else if (l == 3 && !strncmp(p, "all", l))
					m |= VG_ALOG_ATTACK_ALL;
				else if (!(l == 4 && !strncmp(p, "none", l)))
					return vg_err_set(err, VG_EUSAGE,
					                  en ? "--attacks: takeover, insider, "
					                       "stuffing, all or none"
					                     : "--attacks : takeover, insider, "
					                       "stuffing, all ou none");
				p += l;
				if (*p == ',')
					p++;
			}
			o->attacks = m;
		} else if (!strcmp(name, "--insider-extra")) {
			if (num_arg(val, 1, 1000, &v))
				return vg_err_set(
				    err, VG_EUSAGE,
				    en ? "--insider-extra: a percentage from 1 to 1000"
				       : "--insider-extra : un pourcentage de 1 à 1000");
			o->insider_pct = (unsigned)v;
		} else if (!strcmp(name, "--format")) {
			if (!strcmp(val, "jsonl"))
				o->format = VG_ALOG_JSONL;
			else if (!strcmp(val, "csv"))
				o->format = VG_ALOG_CSV;
			else
				return vg_err_set(err, VG_EUSAGE,
				                  en ? "--format: jsonl or csv"
				                     : "--format : jsonl ou csv");
		} else if (!strcmp(name, "-o") || !strcmp(name, "--output")) {
			o->output = val;
		} else if (!strcmp(name, "--truth")) {
			o->truth = val;
		} else if (!strcmp(name, "--utc-offset")) {
			int64_t utc;
			int32_t off;
			bool had;
			char tmp[48];
			snprintf(tmp, sizeof(tmp), "2000-01-01T00:00:00%s", val);
			if (strlen(val) > 6 ||
			    vg_alog_parse_time(tmp, strlen(tmp), 0, &utc, &off, &had) || !had)
				return vg_err_set(err, VG_EUSAGE,
				                  en ? "--utc-offset: +hh:mm or -hh:mm"
				                     : "--utc-offset : +hh:mm ou -hh:mm");
			o->utc_offset = off;
		}
	}
	return 0;
}

const char *vg_alog_gen_usage(vg_lang lang)
{
	if (lang == VG_LANG_EN)
		return "  --advisors N       advisors (default 2000, at most 200000)\n"
		       "  --days N           days simulated (default 28, at most 366)\n"
		       "  --start DATE       first day, YYYY-MM-DD (default 2024-02-05, a Monday)\n"
		       "  --seed S           seed (default 1): same options, same bytes\n"
		       "  --people N         records in the system (default 2000000)\n"
		       "  --attacks LIST     takeover,insider,stuffing, all (default) or none\n"
		       "  --insider-extra P  the insider's reads of strangers, in % of their "
		       "usual\n"
		       "                     reads (default 50)\n"
		       "  --format F         jsonl (default) or csv\n"
		       "  --labels           add each event's ground-truth label\n"
		       "  -o, --output F     the log (default: standard output)\n"
		       "  --truth F          ground truth: the incidents, then a summary (JSONL)\n"
		       "  --utc-offset +hh:mm  offset the times are written at (default +01:00)\n";
	return "  --advisors N       conseillers (2000 par défaut, au plus 200000)\n"
	       "  --days N           jours simulés (28 par défaut, au plus 366)\n"
	       "  --start DATE       premier jour, AAAA-MM-JJ (2024-02-05 par défaut, un lundi)\n"
	       "  --seed S           graine (1 par défaut) : mêmes options, mêmes octets\n"
	       "  --people N         dossiers du système (2000000 par défaut)\n"
	       "  --attacks LISTE    takeover,insider,stuffing, all (défaut) ou none\n"
	       "  --insider-extra P  lectures d'inconnus de l'initié, en % de ses lectures\n"
	       "                     habituelles (50 par défaut)\n"
	       "  --format F         jsonl (défaut) ou csv\n"
	       "  --labels           ajoute l'étiquette de vérité terrain de chaque événement\n"
	       "  -o, --output F     le journal (défaut : sortie standard)\n"
	       "  --truth F          vérité terrain : les incidents, puis un résumé (JSONL)\n"
	       "  --utc-offset +hh:mm  décalage des heures écrites (+01:00 par défaut)\n";
}
