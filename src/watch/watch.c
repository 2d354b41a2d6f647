/*
 * watch.c: the detection engine of `vigie watch` (vigie/watch.h).
 *
 * One event costs: a hash of the account name and a probe of the account
 * table (open addressing, linear probing, doubling at 50% load), a few
 * comparisons against the account's networks and user agents, and for a
 * read: one bit in the hour sketch, two Bloom-filter words, the enumeration
 * and search trackers, four additions for the novelty test (a few
 * exponentials once it climbs), and when an incident is pending one
 * HyperLogLog register. No allocation.
 *
 * Invariants:
 *   1. An account's hour sketch and reads describe the local hour
 *      acct->hour only; crossing into a later hour first closes the hour
 *      (close_hour), which updates the rate baselines. Its day's counts
 *      describe the local day acct->day only; crossing into a later day
 *      first ends the day (novelty_day_end), which learns the day and sets
 *      the novelty test's expectation for the new one.
 *   2. Baselines (rates, working hours, networks, user agents, the share of
 *      orphan reads, organisation tables) learn only from accounts without
 *      a pending or open incident, so an attacker does not teach the model
 *      his habits; the share learns a suspicious day only up to the usual.
 *      The people an account read are always remembered (a fact, not a
 *      habit).
 *   3. A finding is kept per rule (the strongest in the last 24 hours);
 *      the score is the sum of the live findings' points. An incident opens
 *      when the score reaches the threshold and closes after 24 hours
 *      without a finding; one alert per incident, then updates.
 *   4. Before `warmup` seconds of log have passed, nothing is found: the
 *      engine learns only.
 */
#include "vigie/watch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_BITS 2048
#define BLOOM_LOG2_WORDS 7 /* 128 words of 64 bits per generation */
#define BLOOM_BITS (64 << BLOOM_LOG2_WORDS)
#define BLOOM_CAP 1200 /* inserts per generation */
#define NNETS 8
#define NHELD 4
#define NUAS 4
#define HLL_P 10
#define WINDOW 86400 /* findings live 24 hours */
#define MIN_HOURS 24 /* active hours before an account's own baseline counts */

static const char *const rule_names[VG_RULE__COUNT] = {
    "rate_ceiling",   "peer_rate",   "baseline",         "off_hours", "new_network",
    "new_user_agent", "enumeration", "read_all_results", "export",    "credential_stuffing",
};

const char *vg_watch_rule_name(vg_watch_rule r)
{
	return (unsigned)r < VG_RULE__COUNT ? rule_names[r] : "?";
}

void vg_watch_defaults(vg_watch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ceiling = 60;
	o->enum_run = 20;
	o->export_rows = 500;
	o->readall_min = 10;
	o->threshold = 10;
	o->novelty_h = 10;
	o->warmup = 86400;
	o->max_accounts = 1000000;
}

/* ---- hashing and sketches ---- */

static inline uint64_t fmix(uint64_t z)
{
	z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
	z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53ULL;
	return z ^ (z >> 33);
}

uint64_t vg_watch_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0x100000001b3ULL);
	while (n >= 8) {
		uint64_t v;
		memcpy(&v, s, 8);
		h = fmix(h ^ v) + 0x632be59bd9b4e019ULL;
		s += 8;
		n -= 8;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)s[i] << (8 * i);
	return fmix(h ^ v ^ 0x8ebc6af09c88c6e3ULL);
}

void vg_watch_hll_add(uint8_t *reg, unsigned p, uint64_t h)
{
	uint32_t i = (uint32_t)(h >> (64 - p));
	uint64_t w = (h << p) | (1ull << (p - 1));
	uint8_t rank = (uint8_t)(__builtin_clzll(w) + 1);
	if (rank > reg[i])
		reg[i] = rank;
}

double vg_watch_hll_estimate(const uint8_t *reg, unsigned p)
{
	unsigned m = 1u << p, zeros = 0;
	double sum = 0;
	for (unsigned i = 0; i < m; i++) {
		sum += ldexp(1.0, -reg[i]);
		zeros += reg[i] == 0;
	}
	double alpha = 0.7213 / (1 + 1.079 / m);
	double e = alpha * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log((double)m / zeros); /* linear counting for small sets */
	return e;
}

/* Parses up to 3 decimal bytes; -1 if not a byte. */
static int dec_byte(const char *s, size_t n, size_t *i)
{
	size_t b = *i;
	int v = 0;
	while (*i < n && *i - b < 3 && s[*i] >= '0' && s[*i] <= '9')
		v = v * 10 + (s[(*i)++] - '0');
	return *i == b || v > 255 ? -1 : v;
}

uint64_t vg_watch_network(const char *s, size_t n, char *label, size_t lsize)
{
	size_t i = 0;
	int o[4];
	bool v4 = true;
	for (int k = 0; k < 4 && v4; k++) {
		o[k] = dec_byte(s, n, &i);
		if (o[k] < 0 || (k < 3 && (i >= n || s[i++] != '.')))
			v4 = false;
	}
	if (v4 && i == n) {
		if (label)
			snprintf(label, lsize, "%d.%d.%d.0/24", o[0], o[1], o[2]);
		return ((uint64_t)4 << 56) | ((uint64_t)o[0] << 16) | ((uint64_t)o[1] << 8) |
		       (uint64_t)o[2];
	}
	/* IPv6: the first three groups (a /48), lower-cased */
	size_t colons = 0, j = 0;
	bool hex = n > 0;
	for (j = 0; j < n && colons < 3; j++) {
		char c = s[j];
		if (c == ':')
			colons++;
		else if (!((c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f')))
			hex = false;
	}
	if (hex && colons == 3 && memchr(s, ':', n)) {
		char low[64];
		size_t l = j - 1 < sizeof(low) ? j - 1 : sizeof(low) - 1;
		for (size_t k = 0; k < l; k++)
			low[k] = (char)(s[k] >= 'A' && s[k] <= 'F' ? s[k] | 32 : s[k]);
		if (label)
			snprintf(label, lsize, "%.*s::/48", (int)l, low);
		return ((uint64_t)6 << 56) | (vg_watch_hash(low, l) >> 8);
	}
	if (label) {
		size_t l = n < 40 ? n : 40;
		size_t k = 0;
		for (; k < l && k + 1 < lsize; k++)
			label[k] = (s[k] >= 0x20 && s[k] < 0x7f && s[k] != '"') ? s[k] : '?';
		if (lsize)
			label[k] = 0;
	}
	return ((uint64_t)7 << 56) | (vg_watch_hash(s, n) >> 8);
}

/* ---- state ---- */

typedef struct rule_state {
	float points;
	int64_t first, last;
	uint64_t value; /* what was seen (an export's rows may pass 2^32) */
	uint32_t limit;
	uint32_t slot;
	uint8_t level;
} rule_state;

typedef struct acct {
	uint64_t key;                /* hash of the name; 0 = empty slot */
	uint32_t name, role, agency; /* offsets in the string arena */
	uint32_t peer;
	int32_t hour, day; /* local hour and day being counted */
	uint32_t active_hours;
	uint16_t active_days;
	uint8_t slot_days[168];  /* days active in each hour of the week */
	uint64_t slots_today[3]; /* hours of the week marked today */
	/* the current hour */
	uint16_t h_bits, h_reads;
	uint64_t hour_bm[HOUR_BITS / 64];
	/* baselines */
	float rate_mean, rate_var;
	/* novelty (the section of that name): today's reads, known reads and
	 * orphans; the caseload fit's sums, first day, last day learned; the
	 * orphans so far; the recent orphans and direct reads (decayed);
	 * today's expected share, highest score, the CUSUM across days */
	uint32_t d_reads, d_known, d_orph;
	double nfit[9];
	int32_t nday0, nday_fit;
	float nc, rec_o, rec_r;
	float y0, nov_max, nov_c;
	bool nov_fired;    /* the test across days found today */
	bool nov_closed;   /* today was judged whole (day_close) */
	uint8_t away;      /* calendar days without activity before today */
	uint16_t nov_days; /* days learned */
	uint64_t bloom[2][BLOOM_BITS / 64];
	uint16_t bloom_n;
	uint8_t bloom_cur;
	uint64_t nets[NNETS];
	uint32_t uas[NUAS];
	uint8_t nnets, nuas;
	/* networks the account used while under suspicion, with the level
	 * they had then: its own later use of them is not "hostile" */
	uint64_t held_nets[NHELD];
	uint8_t held_level[NHELD], nheld, held_next;
	char net_label[44]; /* of the new_network finding */
	/* trackers */
	uint64_t last_id;
	uint32_t run, srch_results, srch_reads;
	int64_t srch_t;
	uint64_t last_person;
	uint16_t readall;
	int64_t readall_t;
	/* findings and incident */
	rule_state r[VG_RULE__COUNT];
	bool pending, open;
	bool hold; /* suspect: learn nothing from this account for now */
	int64_t opened, last_finding, last_update;
	uint8_t *hll;
	uint64_t inc_reads, inc_exported, reported_people;
	uint16_t reported_rules;
} acct_t;

typedef struct peer {
	uint64_t key;
	uint32_t account_days;
	uint32_t slot_days[168];
	float rate_mean, rate_var;
	uint32_t hours;
	uint32_t role; /* the group of the same role in every agency */
} peer;

/* An open-addressing set of 64-bit keys (0 is empty), bounded. */
typedef struct keyset {
	uint64_t *k;
	uint8_t *flag;
	size_t cap, n, max;
} keyset;

#define STUFF_MINUTES 5
typedef struct minute {
	int64_t minute;
	uint32_t fails;
	uint64_t accts[4]; /* 256-bit set of account-name hashes */
} minute;

#define RECENT 256
typedef struct recent_login {
	uint32_t acct;
	int64_t t;
} recent_login;

struct vg_watch {
	vg_watch_opts o;
	acct_t *a;
	size_t acap, na;
	uint32_t *index; /* open addressing: account number + 1, 0 = empty */
	size_t icap;
	peer *p;
	size_t pcap, np;
	uint32_t *pindex;
	size_t picap;
	char *str;
	size_t slen, scap;
	keyset nets, uas;
	minute min[STUFF_MINUTES];
	int64_t stuff_until, stuff_alerted, stuff_since;
	recent_login recent[RECENT];
	unsigned nrecent;
	vg_watch_stats st;
	bool started;
	int64_t t_start;
	int32_t offset;
	int32_t clock_hour; /* the stream's local hour: each new one closes idle days */
};

/* ---- small tables ---- */

static void keyset_init(keyset *s, size_t max)
{
	s->cap = 1024;
	s->k = vg_xcalloc(s->cap, sizeof(uint64_t));
	s->flag = vg_xcalloc(s->cap, 1);
	s->n = 0;
	s->max = max;
}

static void keyset_free(keyset *s)
{
	free(s->k);
	free(s->flag);
}

/* The slot of key, or of the empty place where it would go. */
static size_t keyset_slot(const keyset *s, uint64_t key)
{
	size_t i = (size_t)fmix(key) & (s->cap - 1);
	while (s->k[i] && s->k[i] != key)
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Adds key (unless full); returns its flag byte, or NULL. */
static uint8_t *keyset_add(keyset *s, uint64_t key)
{
	key |= 1; /* never 0 */
	size_t i = keyset_slot(s, key);
	if (s->k[i])
		return &s->flag[i];
	if (s->n >= s->max)
		return NULL;
	if (2 * (s->n + 1) > s->cap) {
		keyset old = *s;
		s->cap *= 2;
		s->k = vg_xcalloc(s->cap, sizeof(uint64_t));
		s->flag = vg_xcalloc(s->cap, 1);
		for (size_t j = 0; j < old.cap; j++)
			if (old.k[j]) {
				size_t t = keyset_slot(s, old.k[j]);
				s->k[t] = old.k[j];
				s->flag[t] = old.flag[j];
			}
		keyset_free(&old);
		i = keyset_slot(s, key);
	}
	s->k[i] = key;
	s->n++;
	return &s->flag[i];
}

static uint8_t *keyset_find(const keyset *s, uint64_t key)
{
	key |= 1;
	size_t i = keyset_slot(s, key);
	return s->k[i] ? &s->flag[i] : NULL;
}

static uint32_t intern(vg_watch *w, const char *s, size_t n)
{
	if (n > 255)
		n = 255;
	if (w->slen + n + 1 > w->scap) {
		w->scap = (w->slen + n + 1) * 2;
		w->str = vg_xrealloc(w->str, w->scap);
	}
	uint32_t off = (uint32_t)w->slen;
	for (size_t i = 0; i < n; i++) /* names are shown: no control characters */
		w->str[w->slen + i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	w->str[w->slen + n] = 0;
	w->slen += n + 1;
	return off;
}

vg_watch *vg_watch_new(const vg_watch_opts *o)
{
	vg_watch *w = vg_xcalloc(1, sizeof(*w));
	if (o)
		w->o = *o;
	else
		vg_watch_defaults(&w->o);
	if (!w->o.max_accounts)
		w->o.max_accounts = 1000000;
	w->acap = 256;
	w->a = vg_xcalloc(w->acap, sizeof(acct_t));
	w->icap = 512;
	w->index = vg_xcalloc(w->icap, sizeof(uint32_t));
	w->pcap = 32;
	w->p = vg_xcalloc(w->pcap, sizeof(peer));
	w->picap = 64;
	w->pindex = vg_xcalloc(w->picap, sizeof(uint32_t));
	w->scap = 4096;
	w->str = vg_xmalloc(w->scap);
	w->slen = 0;
	intern(w, "", 0);
	keyset_init(&w->nets, 1u << 22);
	keyset_init(&w->uas, 1u << 16);
	w->stuff_alerted = INT64_MIN / 2;
	w->clock_hour = INT32_MIN;
	return w;
}

void vg_watch_free(vg_watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->na; i++)
		free(w->a[i].hll);
	free(w->a);
	free(w->index);
	free(w->p);
	free(w->pindex);
	free(w->str);
	keyset_free(&w->nets);
	keyset_free(&w->uas);
	free(w);
}

void vg_watch_stats_get(const vg_watch *w, vg_watch_stats *st)
{
	*st = w->st;
	st->accounts = w->na;
	st->peers = w->np;
	size_t mem = sizeof(*w) + w->acap * sizeof(acct_t) + w->icap * 4 + w->pcap * sizeof(peer) +
	             w->picap * 4 + w->scap + w->nets.cap * 9 + w->uas.cap * 9;
	for (size_t i = 0; i < w->na; i++)
		if (w->a[i].hll)
			mem += 1u << HLL_P;
	st->memory = mem;
}

/* Finds a key in an index of numbers + 1 into an array with a key field. */
#define FIND(index, icap, arr, key, out)                                                           \
	do {                                                                                       \
		size_t i_ = (size_t)fmix(key) & ((icap)-1);                                        \
		(out) = SIZE_MAX;                                                                  \
		while ((index)[i_]) {                                                              \
			if ((arr)[(index)[i_] - 1].key == (key)) {                                 \
				(out) = (index)[i_] - 1;                                           \
				break;                                                             \
			}                                                                          \
			i_ = (i_ + 1) & ((icap)-1);                                                \
		}                                                                                  \
	} while (0)

static void reindex(uint32_t **index, size_t *icap, size_t n, const void *arr, size_t stride)
{
	*icap *= 2;
	free(*index);
	*index = vg_xcalloc(*icap, sizeof(uint32_t));
	for (size_t j = 0; j < n; j++) {
		uint64_t key;
		memcpy(&key, (const char *)arr + j * stride, sizeof(key));
		size_t i = (size_t)fmix(key) & (*icap - 1);
		while ((*index)[i])
			i = (i + 1) & (*icap - 1);
		(*index)[i] = (uint32_t)(j + 1);
	}
}

static void index_put(uint32_t *index, size_t icap, uint64_t key, size_t j)
{
	size_t i = (size_t)fmix(key) & (icap - 1);
	while (index[i])
		i = (i + 1) & (icap - 1);
	index[i] = (uint32_t)(j + 1);
}

/* The group of a key, created if new. */
static uint32_t group_of(vg_watch *w, uint64_t key, bool *created)
{
	size_t j;
	*created = false;
	FIND(w->pindex, w->picap, w->p, key, j);
	if (j != SIZE_MAX)
		return (uint32_t)j;
	if (w->np == w->pcap) {
		w->pcap *= 2;
		w->p = vg_xrealloc(w->p, w->pcap * sizeof(peer));
	}
	if (2 * (w->np + 1) > w->picap)
		reindex(&w->pindex, &w->picap, w->np, w->p, sizeof(peer));
	j = w->np++;
	memset(&w->p[j], 0, sizeof(peer));
	w->p[j].key = key;
	w->p[j].role = (uint32_t)j;
	index_put(w->pindex, w->picap, key, j);
	*created = true;
	return (uint32_t)j;
}

/* The peer group (role + agency) of an event; with it, the group of the
 * role across agencies, which novelty falls back on for small groups. */
static uint32_t peer_of(vg_watch *w, const vg_alog_event *ev)
{
	const vg_alog_str *r = &ev->f[VG_ALOG_ROLE], *g = &ev->f[VG_ALOG_AGENCY];
	uint64_t hr = vg_watch_hash(r->s, r->len);
	uint64_t key = (hr * 31 + vg_watch_hash(g->s, g->len)) | 1;
	bool created;
	uint32_t j = group_of(w, key, &created);
	if (created) {
		uint64_t rkey = fmix(hr ^ 0x726f6c6520616c6cULL) | 1; /* "role all" */
		uint32_t k = group_of(w, rkey, &created);
		w->p[j].role = k;
	}
	return j;
}

/* The account of an event, created if new (and allowed); NULL otherwise. */
static acct_t *account_of(vg_watch *w, const vg_alog_event *ev, uint64_t key, bool create)
{
	size_t j;
	FIND(w->index, w->icap, w->a, key, j);
	if (j != SIZE_MAX)
		return &w->a[j];
	if (!create || w->na >= w->o.max_accounts)
		return NULL;
	if (w->na == w->acap) {
		w->acap *= 2;
		w->a = vg_xrealloc(w->a, w->acap * sizeof(acct_t));
	}
	if (2 * (w->na + 1) > w->icap)
		reindex(&w->index, &w->icap, w->na, w->a, sizeof(acct_t));
	j = w->na++;
	acct_t *a = &w->a[j];
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->name = intern(w, ev->f[VG_ALOG_ACCOUNT].s, ev->f[VG_ALOG_ACCOUNT].len);
	a->role = intern(w, ev->f[VG_ALOG_ROLE].s, ev->f[VG_ALOG_ROLE].len);
	a->agency = intern(w, ev->f[VG_ALOG_AGENCY].s, ev->f[VG_ALOG_AGENCY].len);
	a->peer = peer_of(w, ev);
	a->hour = INT32_MIN;
	a->nday_fit = INT32_MIN;
	a->day = INT32_MIN;
	index_put(w->index, w->icap, key, j);
	return a;
}

/* ---- findings, score, alerts ---- */

/* Distinct people read in the account's current hour (linear counting). */
static inline uint32_t hour_distinct(const acct_t *a)
{
	if (a->h_bits >= HOUR_BITS)
		return 100000;
	return (uint32_t)(-(double)HOUR_BITS * log1p(-(double)a->h_bits / HOUR_BITS) + 0.5);
}

static inline bool live(const rule_state *r, int64_t now)
{
	return r->points > 0 && now - r->last < WINDOW;
}

static double score_of(const acct_t *a, int64_t now)
{
	double s = 0;
	for (int k = 0; k < VG_RULE__COUNT; k++)
		if (live(&a->r[k], now))
			s += a->r[k].points;
	return s;
}

static void fill_alert(const vg_watch *w, const acct_t *a, int64_t now, vg_watch_alert *al)
{
	memset(al, 0, sizeof(*al));
	al->account = w->str + a->name;
	al->role = w->str + a->role;
	al->agency = w->str + a->agency;
	al->at = now;
	al->offset = w->offset;
	al->since = now;
	for (int k = 0; k < VG_RULE__COUNT; k++) {
		const rule_state *r = &a->r[k];
		if (!live(r, now))
			continue;
		vg_watch_finding *f = &al->findings[al->nfindings++];
		f->rule = (vg_watch_rule)k;
		f->points = r->points;
		f->first = r->first;
		f->last = r->last;
		f->value = r->value;
		f->limit = r->limit;
		f->slot = r->slot;
		f->level = r->level;
		if (k == VG_RULE_NEW_NETWORK)
			snprintf(f->detail, sizeof(f->detail), "%s", a->net_label);
		if (r->first < al->since)
			al->since = r->first;
	}
	al->score = score_of(a, now);
	al->people = a->hll ? (uint64_t)(vg_watch_hll_estimate(a->hll, HLL_P) + 0.5) : 0;
	if (a->h_reads && hour_distinct(a) > al->people) /* the hour that raised it */
		al->people = hour_distinct(a);
	al->reads = a->inc_reads;
	al->exported = a->inc_exported;
}

/* Records a finding (keeping the strongest of the window) and acts on the score. */
static void find(vg_watch *w, acct_t *a, vg_watch_rule k, float points, int64_t now, uint64_t value,
                 uint32_t limit)
{
	rule_state *r = &a->r[k];
	if (!live(r, now)) {
		r->points = 0;
		r->first = now;
	}
	if (points >= r->points) {
		r->points = points;
		r->value = value;
		r->limit = limit;
	}
	r->last = now;
	a->last_finding = now;
	if (!a->pending) {
		a->pending = true;
		if (!a->hll)
			a->hll = vg_xcalloc(1u << HLL_P, 1);
		a->inc_reads = a->inc_exported = 0;
	}
	double s = score_of(a, now);
	a->hold = a->open || s >= w->o.threshold / 2;
	vg_watch_alert al;
	if (!a->open && s >= w->o.threshold) {
		a->open = true;
		a->opened = now;
		a->last_update = now;
		fill_alert(w, a, now, &al);
		al.kind = VG_WATCH_ALERT;
		a->reported_people = al.people;
		a->reported_rules = 0;
		for (unsigned i = 0; i < al.nfindings; i++)
			a->reported_rules |= (uint16_t)(1u << al.findings[i].rule);
		w->st.alerts++;
		if (w->o.on_alert)
			w->o.on_alert(w->o.ctx, &al);
	} else if (a->open && !(a->reported_rules >> k & 1) && now - a->last_update >= 900) {
		fill_alert(w, a, now, &al);
		al.kind = VG_WATCH_UPDATE;
		a->reported_rules |= (uint16_t)(1u << k);
		a->reported_people = al.people;
		a->last_update = now;
		w->st.updates++;
		if (w->o.on_alert)
			w->o.on_alert(w->o.ctx, &al);
	}
}

/* Checks whether an open incident's people doubled; closes stale ones. */
static void incident_tick(vg_watch *w, acct_t *a, int64_t now)
{
	if (!a->pending)
		return;
	if (!a->open)
		a->hold = score_of(a, now) >= w->o.threshold / 2;
	if (now - a->last_finding >= WINDOW) {
		a->pending = a->open = a->hold = false;
		free(a->hll);
		a->hll = NULL;
		memset(a->r, 0, sizeof(a->r));
		return;
	}
	if (a->open && now - a->last_update >= 3600 && a->hll) {
		uint64_t p = (uint64_t)(vg_watch_hll_estimate(a->hll, HLL_P) + 0.5);
		if (p >= 2 * a->reported_people && p >= a->reported_people + 100) {
			vg_watch_alert al;
			fill_alert(w, a, now, &al);
			al.kind = VG_WATCH_UPDATE;
			a->reported_people = al.people;
			a->last_update = now;
			w->st.updates++;
			if (w->o.on_alert)
				w->o.on_alert(w->o.ctx, &al);
		}
	}
}

/* ---- baselines ---- */

static inline float sdev(float var, float mean)
{
	float s = sqrtf(var > 0 ? var : 0);
	float floor_ = sqrtf(mean > 1 ? mean : 1);
	return s > floor_ ? s : floor_;
}

/* Closes the account's current hour: baselines learn from it. */
static void close_hour(vg_watch *w, acct_t *a)
{
	if (a->hour == INT32_MIN || a->h_reads == 0 || a->hold)
		goto reset;
	float x = (float)hour_distinct(a);
	a->active_hours++;
	float al = a->active_hours < 20 ? 1.0f / (float)a->active_hours : 0.05f;
	float d = x - a->rate_mean;
	a->rate_mean += al * d;
	a->rate_var = (1 - al) * (a->rate_var + al * d * d);
	peer *p = &w->p[a->peer];
	p->hours++;
	float pa = p->hours < 50 ? 1.0f / (float)p->hours : 0.02f;
	d = x - p->rate_mean;
	p->rate_mean += pa * d;
	p->rate_var = (1 - pa) * (p->rate_var + pa * d * d);
reset:
	memset(a->hour_bm, 0, sizeof(a->hour_bm));
	a->h_bits = a->h_reads = 0;
}

/* ---- novelty: people never read before, not reached through a search ---- */

/*
 * A read is "known" when the account read the person before (Bloom
 * filter), "explained" when the person is new but among the first
 * EXPLAIN_MAX new people read after a search that found them, each within
 * EXPLAIN_WINDOW seconds of the previous step, and an "orphan" otherwise.
 * In ordinary work orphans are the first reads of the account's caseload:
 * many while vigie discovers it, then about the pace at which new cases
 * arrive. A slow insider reading people outside their work adds orphans
 * without adding known reads.
 *
 * The caseload model: an account follows about P people, of which S are
 * still unknown to vigie; new cases arrive at nu P a day. S starts at P
 * and each orphan makes one known: the expected share of orphans among
 * the direct reads (known + orphan) is y = S / P = a + nu T - C / P, T
 * the days since the account's first day, C its orphans so far. a, nu and
 * 1/P are fitted by weighted least squares on its past days (weights: the
 * day's direct reads; a ridge towards a = 1, nu = 2 %, P = 167 of
 * NOV_RIDGE_* direct reads; the days' weights halve every NOV_HALF_LIFE
 * days). The share follows the warm-up, absences (T grows while C does
 * not: cases piled up while away) and busy days alike; y is floored at
 * half the account's recent share (about NOV_MEMORY direct reads),
 * raised by NOV_AWAY_F per calendar day away before today (at most
 * NOV_AWAY_MAX days: on those days the fit, which rarely saw an absence,
 * under-predicts), and at 1 %.
 *
 * The test, within the day, at each orphan: the orphans so far, given the
 * known reads so far (at least NOV_MIN_KNOWN), follow a negative binomial
 * (orphans before the known reads), its share uncertain: a beta of
 * NOV_NEFF reads around y (fewer in the first NOV_NEFF_DAYS learned
 * days). The log of the tail probability of today's orphans, less
 * NOV_EARLY nat per known read short of NOV_EARLY_K (the first reads of a
 * day are few and the test looks at every orphan: most false alerts came
 * from the morning), reaching -novelty_h is a finding: an insider's
 * strangers raise the orphans without the known reads that come with
 * ordinary orphans.
 *
 * Across days, a CUSUM of the days' log likelihood ratios "orphans
 * NOV_RHO times as frequent per known read as expected" against "as
 * expected", checked at each orphan with today's ratio so far (threshold
 * NOV_DAYS_H): a reader a little above the usual adds a few nats a day,
 * an ordinary day takes some away. It does not reset at midnight.
 *
 * The whole day, once: when the account has been idle for NOV_IDLE_H
 * hours by the stream's clock (checked at each new hour of the stream: its
 * working day is over, a lunch break is shorter), its day so far is judged
 * on its whole counts by the same tail probability, without the early-day
 * margin (one look, not one per orphan), from NOV_CLOSE_DAYS learned days;
 * reaching novelty_h is a finding. A low-volume day whose orphans never
 * stood out in the morning is judged like a busy one, and an insider's
 * first day is judged the same evening, even when the account's next
 * working day is after a weekend.
 *
 * Learning: at the end of each day of at least 10 reads, the fit learns the
 * day, its orphans capped at the expected + NOV_CAP_SD sd, + 2 sd when the
 * day was suspicious (a score of NOV_SUSPECT x the threshold); all orphans
 * count in C (a fact: they are known now). An account is judged after
 * NOV_MIN_DAYS learned days.
 */
#define EXPLAIN_MAX 3
#define EXPLAIN_WINDOW 120
#define NOV_RIDGE_A 20.0
#define NOV_RIDGE_NU 3000.0
#define NOV_RIDGE_Q 600000.0
#define NOV_A0 1.0
#define NOV_NU0 0.02
#define NOV_Q0 0.006
#define NOV_HALF_LIFE 60.0
#define NOV_MEMORY 100.0f
#define NOV_FLOOR 0.5f
#define NOV_MIN_KNOWN 10
#define NOV_EARLY 0.25
#define NOV_EARLY_K 30
#define NOV_CAP_SD 4.0
#define NOV_NEFF_DAYS 10
#define NOV_MIN_DAYS 5
#define NOV_SUSPECT 0.5f
#define NOV_NEFF 150.0
#define NOV_AWAY_F 0.25
#define NOV_AWAY_MAX 4
#define NOV_RHO 2.0
#define NOV_DAYS_H 30.0f
#define NOV_CLOSE_DAYS 3
#define NOV_IDLE_H 4

enum { READ_KNOWN, READ_ORPHAN, READ_EXPLAINED };

/* Solves the 3 x 3 symmetric system m x = v (Gaussian elimination with
 * partial pivoting); false when singular. */
static bool solve3(double m[3][3], double v[3], double x[3])
{
	double a[3][4];
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++)
			a[i][j] = m[i][j];
		a[i][3] = v[i];
	}
	for (int i = 0; i < 3; i++) {
		int p = i;
		for (int r = i + 1; r < 3; r++)
			if (fabs(a[r][i]) > fabs(a[p][i]))
				p = r;
		if (fabs(a[p][i]) < 1e-12)
			return false;
		if (p != i)
			for (int c = 0; c < 4; c++) {
				double s = a[i][c];
				a[i][c] = a[p][c];
				a[p][c] = s;
			}
		for (int r = 0; r < 3; r++) {
			if (r == i)
				continue;
			double f = a[r][i] / a[i][i];
			for (int c = i; c < 4; c++)
				a[r][c] -= f * a[i][c];
		}
	}
	for (int i = 0; i < 3; i++)
		x[i] = a[i][3] / a[i][i];
	return true;
}

/* The expected share of orphans today (day number `day`). */
static float novelty_share(const acct_t *a, int32_t day)
{
	/* sums: 0 1 2 = x0x0 x0x1 x0x2, 3 4 = x1x1 x1x2, 5 = x2x2, 6 7 8 = xy;
	 * x = (1, T, -C) */
	const double *s = a->nfit;
	double m[3][3] = {{s[0] + NOV_RIDGE_A, s[1], s[2]},
	                  {s[1], s[3] + NOV_RIDGE_NU, s[4]},
	                  {s[2], s[4], s[5] + NOV_RIDGE_Q}};
	double v[3] = {s[6] + NOV_RIDGE_A * NOV_A0, s[7] + NOV_RIDGE_NU * NOV_NU0,
	               s[8] + NOV_RIDGE_Q * NOV_Q0};
	double x[3];
	if (!solve3(m, v, x)) {
		x[0] = NOV_A0;
		x[1] = NOV_NU0;
		x[2] = NOV_Q0;
	}
	double y = x[0] + x[1] * (double)(day - a->nday0) - x[2] * (double)a->nc;
	double away = a->away < NOV_AWAY_MAX ? a->away : NOV_AWAY_MAX;
	double floor_ = NOV_FLOOR * (1 + NOV_AWAY_F * away) * (a->rec_o + 1.0) / (a->rec_r + 5.0);
	if (y < floor_)
		y = floor_;
	return (float)(y < 0.01 ? 0.01 : y > 0.9 ? 0.9 : y);
}

/* Mean and standard deviation of the orphans before `r` known reads when
 * the share is beta-distributed around y (NOV_NEFF reads). */
static void novelty_moments(double r, double y, double n, double *mean, double *sd)
{
	double al = n * y, be = n * (1 - y);
	*mean = r * al / (be - 1);
	double var = r * al * (r + be - 1) * (al + be - 1) / ((be - 2) * (be - 1) * (be - 1));
	*sd = sqrt(var);
}

/* log P(X >= o), X the orphans before r known reads, the share being
 * beta(NOV_NEFF y, NOV_NEFF (1 - y)) (a beta negative binomial). */
static double novelty_logtail(uint32_t o, double r, double y, double n)
{
	if (o == 0)
		return 0;
	double al = n * y, be = n * (1 - y), k = o;
	double lp = lgamma(k + r) - lgamma(r) - lgamma(k + 1) + lgamma(al + k) + lgamma(be + r) -
	            lgamma(al + be + k + r) - lgamma(al) - lgamma(be) + lgamma(al + be);
	double s = 1, term = 1;
	for (int i = 0; i < 5000; i++, k++) {
		term *= (k + r) / (k + 1) * (al + k) / (al + be + r + k);
		s += term;
		if (term < 1e-9 * s)
			break;
	}
	return lp + log(s);
}

/* How sure the expected share is, in reads: it grows with the days
 * learned. */
static double novelty_neff(const acct_t *a)
{
	double f = (double)a->nov_days / NOV_NEFF_DAYS;
	return NOV_NEFF * (f < 1 ? f : 1);
}

/* The known reads the day's orphans are judged against (at least
 * NOV_MIN_KNOWN), + 1. */
static double novelty_r(const acct_t *a)
{
	return (a->d_known > NOV_MIN_KNOWN ? a->d_known : NOV_MIN_KNOWN) + 1;
}

/* Today's score: -log of the tail probability of its orphans (0 when not
 * above the expected + 2 sd), less the early-day margin when `early` (the
 * test within the day; not the whole day's). */
static float novelty_score(const acct_t *a, bool early)
{
	double r = novelty_r(a), mean, sd;
	novelty_moments(r, a->y0, novelty_neff(a), &mean, &sd);
	if (a->d_orph <= mean + 2 * sd)
		return 0;
	double m = early ? NOV_EARLY * (NOV_EARLY_K - (double)a->d_known) : 0;
	return (float)(-novelty_logtail(a->d_orph, r, a->y0, novelty_neff(a)) - (m > 0 ? m : 0));
}

/* A finding of the novelty test (slot: 0 within the day, 1 across days,
 * 2 the whole day) at t: today's orphans against the expected ones before
 * r known reads. */
static void novelty_find(vg_watch *w, acct_t *a, uint32_t slot, double r, int64_t t)
{
	double mean, sd;
	novelty_moments(r, a->y0, novelty_neff(a), &mean, &sd);
	a->r[VG_RULE_BASELINE].slot = slot;
	find(w, a, VG_RULE_BASELINE, 10, t, a->d_orph, (uint32_t)(mean + 0.5));
}

/* Today's log likelihood ratio so far: orphans NOV_RHO times as likely
 * per known read as expected, against as expected (the negative binomial
 * of the orphans before the known reads). */
static double novelty_llr(const acct_t *a)
{
	double m0 = (double)a->y0 / (1 - (double)a->y0);
	return (double)a->d_orph * log(NOV_RHO) -
	       ((double)a->d_orph + a->d_known) * log((1 + NOV_RHO * m0) / (1 + m0));
}

/* The test across days finds (at t): the CUSUM starts again. */
static void novelty_days_found(vg_watch *w, acct_t *a, int64_t t)
{
	novelty_find(w, a, 1, (double)a->d_known + 1, t);
	a->nov_c = 0;
	a->nov_fired = true;
}

#ifdef VG_WATCH_TRACE
/* A developer build (meson -Dwatch_trace=true) writes each account-day's
 * novelty counts to the file named by VIGIE_WATCH_TRACE, for the offline
 * analysis of bench/watch-evidence.sh (docs/watch.md): account, day, reads,
 * known reads, orphans, expected share, highest score, days learned, days
 * away, orphans so far, suspect, CUSUM. Account names only: no person. */
static void novelty_trace(const vg_watch *w, const acct_t *a)
{
	static FILE *tf;
	static bool tried;
	if (!tried) {
		const char *p = getenv("VIGIE_WATCH_TRACE");
		tried = true;
		tf = p ? fopen(p, "w") : NULL;
	}
	if (tf && a->day != INT32_MIN)
		fprintf(tf, "%s %d %u %u %u %.5f %.3f %u %u %.1f %d %.3f\n", w->str + a->name,
		        a->day, a->d_reads, a->d_known, a->d_orph, (double)a->y0,
		        (double)a->nov_max, a->nov_days, a->away, (double)a->nc, a->hold,
		        (double)a->nov_c);
}
#endif

/* The account's day ends (at its next day's first event, t, of day number
 * `day`): the test across days, then the fit learns the day. */
static void novelty_day_end(vg_watch *w, acct_t *a, int32_t day, int64_t t, bool find_on)
{
	float h = (float)w->o.novelty_h;
	bool suspect = a->nov_max >= NOV_SUSPECT * h;
#ifdef VG_WATCH_TRACE
	novelty_trace(w, a);
#endif
	if (find_on && a->nov_days >= NOV_MIN_DAYS && a->d_reads >= 10) {
		float c = a->nov_fired ? 0 : a->nov_c + (float)novelty_llr(a);
		a->nov_c = c > 0 ? c : 0;
		if (a->nov_c >= NOV_DAYS_H)
			novelty_days_found(w, a, t);
	}
	if (a->day != INT32_MIN) {
		if (a->d_reads >= 10 && !a->hold) {
			/* the weights of past days halve every NOV_HALF_LIFE days */
			if (a->nday_fit != INT32_MIN) {
				double f = exp2(-(double)(a->day - a->nday_fit) / NOV_HALF_LIFE);
				for (int i = 0; i < 9; i++)
					a->nfit[i] *= f;
			}
			a->nday_fit = a->day;
			double o = a->d_orph, n = (double)a->d_known + a->d_orph;
			if (a->nov_days >= NOV_MIN_DAYS) {
				double mean, sd;
				novelty_moments((double)a->d_known + 1, a->y0, novelty_neff(a),
				                &mean, &sd);
				double cap = mean + (suspect ? 2 : NOV_CAP_SD) * sd;
				if (o > cap)
					o = cap;
			}
			double x[3] = {1, (double)(a->day - a->nday0), -(double)a->nc};
			double y = n > 0 ? o / n : 0, *s = a->nfit;
			s[0] += n;
			s[1] += n * x[1];
			s[2] += n * x[2];
			s[3] += n * x[1] * x[1];
			s[4] += n * x[1] * x[2];
			s[5] += n * x[2] * x[2];
			s[6] += n * y;
			s[7] += n * x[1] * y;
			s[8] += n * x[2] * y;
			float k = expf(-(float)n / NOV_MEMORY);
			a->rec_o = k * a->rec_o + (float)o;
			a->rec_r = k * a->rec_r + (float)n;
			if (a->nov_days < UINT16_MAX)
				a->nov_days++;
		}
		a->nc += (float)a->d_orph; /* they are known now */
		a->away = (uint8_t)(day - a->day - 1 < 200 ? day - a->day - 1 : 200);
	} else {
		a->nday0 = day;
	}
	a->d_reads = a->d_known = a->d_orph = 0;
	a->nov_max = 0;
	a->nov_fired = false;
	a->nov_closed = false;
	a->y0 = novelty_share(a, day);
}

/* The account's day is over (idle for NOV_IDLE_H hours at t): the test
 * on the whole day, once (the comment of the novelty section). */
static void novelty_close(vg_watch *w, acct_t *a, int64_t t, bool find_on)
{
	a->nov_closed = true;
	float h = (float)w->o.novelty_h;
	if (!find_on || a->nov_days < NOV_CLOSE_DAYS || a->d_reads < 10 || a->nov_max >= h)
		return;
	float s = novelty_score(a, false);
	if (s > a->nov_max)
		a->nov_max = s;
	if (s >= h)
		novelty_find(w, a, 2, novelty_r(a), t);
}

/* The stream entered local hour `hour` (at t): closes the days of the
 * accounts idle since NOV_IDLE_H hours. */
static void close_days(vg_watch *w, int32_t hour, int64_t t, bool find_on)
{
	for (size_t i = 0; i < w->na; i++) {
		acct_t *a = &w->a[i];
		if (a->key && a->day != INT32_MIN && !a->nov_closed && a->hour <= hour - NOV_IDLE_H)
			novelty_close(w, a, t, find_on);
	}
}

/* One read of a person: the counts and the test. */
static void novelty_read(vg_watch *w, acct_t *a, int kind, bool find_on, int64_t t)
{
	a->d_reads++;
	if (kind == READ_KNOWN)
		a->d_known++;
	if (kind != READ_ORPHAN)
		return;
	a->d_orph++;
	if (!find_on || a->nov_days < NOV_MIN_DAYS)
		return;
	float s = novelty_score(a, true), before = a->nov_max;
	if (s > a->nov_max)
		a->nov_max = s;
	/* a finding when the score first crosses the threshold today */
	if (s >= (float)w->o.novelty_h && before < (float)w->o.novelty_h)
		novelty_find(w, a, 0, novelty_r(a), t);
	/* the test across days, with today so far */
	if (!a->nov_fired && a->nov_c + novelty_llr(a) >= NOV_DAYS_H)
		novelty_days_found(w, a, t);
}

/*
 * Is this hour of the week usual for the account or its peers? Weekdays
 * share their hours (a Tuesday 15 h is usual if Mondays at 15 h are);
 * Saturdays and Sundays stand alone. The account's own habit counts the
 * neighbouring hours too.
 */
static bool usual_slot(const vg_watch *w, const acct_t *a, unsigned slot)
{
	unsigned day = slot / 24, h = slot % 24;
	unsigned own = 0;
	uint64_t peer_days = 0;
	const peer *p = &w->p[a->peer];
	for (unsigned d = 0; d < 7; d++) {
		if ((d < 5) != (day < 5) || (day >= 5 && d != day))
			continue;
		for (int k = -1; k <= 1; k++)
			own += a->slot_days[d * 24 + (unsigned)(((int)h + k + 24) % 24)];
		peer_days += p->slot_days[d * 24 + h];
	}
	if (own >= 3)
		return true;
	if (p->account_days < 5)
		return a->active_days < 3; /* nothing known yet: do not accuse */
	return (double)peer_days >= 0.05 * p->account_days;
}

/* Marks activity in the hour of the week; counts account-days. */
static void mark_activity(vg_watch *w, acct_t *a, int32_t day, unsigned slot, int64_t t,
                          bool find_on)
{
	peer *p = &w->p[a->peer];
	if (day != a->day) {
		novelty_day_end(w, a, day, t, find_on);
		a->day = day;
		memset(a->slots_today, 0, sizeof(a->slots_today));
		w->st.account_days++;
		if (!a->hold) {
			if (a->active_days < UINT16_MAX)
				a->active_days++;
			p->account_days++;
		}
	}
	if (a->slots_today[slot / 64] >> (slot % 64) & 1)
		return;
	a->slots_today[slot / 64] |= 1ull << (slot % 64);
	if (a->hold)
		return;
	if (a->slot_days[slot] < 255)
		a->slot_days[slot]++;
	p->slot_days[slot]++;
}

/* ---- stuffing ---- */

static void stuffing_fail(vg_watch *w, const vg_alog_event *ev, acct_t *a, uint64_t net)
{
	bool known = false;
	if (a)
		for (unsigned i = 0; i < a->nnets; i++)
			known |= a->nets[i] == net;
	if (known)
		return;
	int64_t m = ev->ts / 60;
	minute *b = &w->min[m % STUFF_MINUTES];
	if (b->minute != m) {
		memset(b, 0, sizeof(*b));
		b->minute = m;
	}
	b->fails++;
	uint64_t h = vg_watch_hash(ev->f[VG_ALOG_ACCOUNT].s, ev->f[VG_ALOG_ACCOUNT].len);
	b->accts[(h >> 6) & 3] |= 1ull << (h & 63);
	uint32_t fails = 0;
	uint64_t set[4] = {0};
	int64_t since = m;
	for (int k = 0; k < STUFF_MINUTES; k++) {
		const minute *c = &w->min[k];
		if (c->minute > m - STUFF_MINUTES && c->minute <= m && c->fails) {
			fails += c->fails;
			for (int j = 0; j < 4; j++)
				set[j] |= c->accts[j];
			if (c->minute < since)
				since = c->minute;
		}
	}
	unsigned distinct = 0;
	for (int j = 0; j < 4; j++)
		distinct += (unsigned)__builtin_popcountll(set[j]);
	if (fails < 20 || distinct < 10)
		return;
	bool fresh = ev->ts > w->stuff_until;
	w->stuff_until = ev->ts + 1800;
	if (fresh)
		w->stuff_since = since * 60;
	if (ev->ts - w->stuff_alerted >= 3600) {
		w->stuff_alerted = ev->ts;
		vg_watch_alert al;
		memset(&al, 0, sizeof(al));
		al.kind = VG_WATCH_STUFFING;
		al.account = al.role = al.agency = "";
		al.at = ev->ts;
		al.since = w->stuff_since;
		al.offset = w->offset;
		al.failures = fails;
		al.accounts_tried = distinct;
		al.score = w->o.threshold;
		w->st.stuffing_alerts++;
		if (w->o.on_alert)
			w->o.on_alert(w->o.ctx, &al);
	}
	/* accounts that logged in from a network new to them in the last minutes */
	for (unsigned i = 0; i < w->nrecent && i < RECENT; i++) {
		recent_login *r = &w->recent[i];
		if (r->t >= w->stuff_since - 600 && r->t <= ev->ts && r->acct < w->na) {
			acct_t *x = &w->a[r->acct];
			find(w, x, VG_RULE_STUFFING, 10, ev->ts, 0, 0);
			r->t = INT64_MIN; /* once */
		}
	}
}

/* ---- the event ---- */

/* The number in a record identifier: its longest run of digits. */
static bool record_number(const char *s, size_t n, uint64_t *out)
{
	size_t best = 0, bl = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] < '0' || s[i] > '9') {
			i++;
			continue;
		}
		size_t b = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i - b > bl) {
			bl = i - b;
			best = b;
		}
	}
	if (!bl || bl > 18)
		return false;
	uint64_t v = 0;
	for (size_t i = best; i < best + bl; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	*out = v;
	return true;
}

static void on_network(vg_watch *w, acct_t *a, const vg_alog_event *ev, bool find_on, int64_t t)
{
	const vg_alog_str *src = &ev->f[VG_ALOG_SRC];
	if (!src->len)
		return;
	uint64_t net = vg_watch_network(src->s, src->len, NULL, 0);
	for (unsigned i = 0; i < a->nnets; i++)
		if (a->nets[i] == net)
			return;
	uint8_t *org = keyset_find(&w->nets, net);
	uint8_t level = !org ? 1 : (*org & 2) ? 2 : 0;
	unsigned held = NHELD;
	for (unsigned i = 0; i < a->nheld; i++)
		if (a->held_nets[i] == net)
			held = i;
	if (held < NHELD) {
		level = a->held_level[held]; /* its own network, as it was first seen */
	} else if (a->hold) {
		held = a->held_next;
		a->held_next = (uint8_t)((a->held_next + 1) % NHELD);
		if (a->nheld < NHELD)
			a->nheld++;
		a->held_nets[held] = net;
		a->held_level[held] = level;
	}
	/* every network is new to a new account: only one the organisation
	 * does not know counts then, and only for credential stuffing */
	bool established = a->active_days >= 2;
	if (find_on && (established || level > 0)) {
		if (established) {
			float pts = level == 2 ? 8.0f : level == 1 ? 5.0f : 1.5f;
			rule_state *r = &a->r[VG_RULE_NEW_NETWORK];
			if (!live(r, t) || pts >= r->points) {
				/* the label and level first: find() may raise the alert */
				vg_watch_network(src->s, src->len, a->net_label,
				                 sizeof(a->net_label));
				r->level = level;
			}
			find(w, a, VG_RULE_NEW_NETWORK, pts, t, 0, 0);
		}
		if (w->stuff_until >= t) {
			find(w, a, VG_RULE_STUFFING, 10, t, 0, 0);
		} else if (ev->action == VG_ACT_LOGIN) {
			recent_login *r2 = &w->recent[w->nrecent++ % RECENT];
			r2->acct = (uint32_t)(a - w->a);
			r2->t = t;
		}
	}
	if (a->hold) {
		/* a network seen on an account under suspicion is hostile to others */
		if (a->open) {
			uint8_t *f = keyset_add(&w->nets, net);
			if (f && !(*f & 1))
				*f |= 2;
		}
		return;
	}
	uint8_t *f = keyset_add(&w->nets, net);
	if (f)
		*f = (uint8_t)((*f & ~2) | 1);
	if (a->nnets < NNETS) {
		a->nets[a->nnets++] = net;
	} else {
		memmove(a->nets, a->nets + 1, (NNETS - 1) * sizeof(uint64_t));
		a->nets[NNETS - 1] = net;
	}
}

static void on_ua(vg_watch *w, acct_t *a, const vg_alog_event *ev, bool find_on, int64_t t)
{
	const vg_alog_str *ua = &ev->f[VG_ALOG_UA];
	if (!ua->len)
		return;
	uint64_t h = vg_watch_hash(ua->s, ua->len);
	uint32_t h32 = (uint32_t)(h >> 32) | 1;
	for (unsigned i = 0; i < a->nuas; i++)
		if (a->uas[i] == h32)
			return;
	uint8_t *org = keyset_find(&w->uas, h);
	if (find_on && a->active_days >= 2) {
		find(w, a, VG_RULE_NEW_UA, org ? 1.0f : 2.0f, t, 0, 0);
		a->r[VG_RULE_NEW_UA].level = !org;
	}
	if (a->hold)
		return;
	keyset_add(&w->uas, h);
	if (a->nuas < NUAS) {
		a->uas[a->nuas++] = h32;
	} else {
		memmove(a->uas, a->uas + 1, (NUAS - 1) * sizeof(uint32_t));
		a->uas[NUAS - 1] = h32;
	}
}

/* Bloom filter: was this person read by the account before? Learns it. */
static bool seen_before(acct_t *a, uint64_t h)
{
	unsigned word = (unsigned)(h >> (64 - BLOOM_LOG2_WORDS));
	uint64_t bits = (1ull << (h & 63)) | (1ull << ((h >> 6) & 63)) | (1ull << ((h >> 12) & 63));
	uint64_t *cur = &a->bloom[a->bloom_cur][word], *old = &a->bloom[a->bloom_cur ^ 1][word];
	if ((*cur & bits) == bits)
		return true;
	bool was = (*old & bits) == bits;
	*cur |= bits; /* learn, or refresh from the old generation */
	if (++a->bloom_n >= BLOOM_CAP) {
		a->bloom_cur ^= 1;
		memset(a->bloom[a->bloom_cur], 0, sizeof(a->bloom[0]));
		a->bloom_n = 0;
	}
	return was;
}

/* Should a rule be found again: stronger now, or not yet this hour? */
static inline bool due(const rule_state *r, float pts, int64_t t, int64_t hstart)
{
	return !live(r, t) || pts > r->points || r->last < hstart;
}

static void on_read(vg_watch *w, acct_t *a, const vg_alog_event *ev, bool find_on, int64_t t,
                    unsigned slot, int64_t hstart)
{
	const vg_alog_str *p = &ev->f[VG_ALOG_PERSON];
	uint64_t h = vg_watch_hash(p->s, p->len);
	a->h_reads++;
	if (a->hll) {
		vg_watch_hll_add(a->hll, HLL_P, h);
		a->inc_reads++;
	}
	/* distinct people this hour */
	uint32_t bit = (uint32_t)(h >> 20) & (HOUR_BITS - 1);
	bool new_bit = !(a->hour_bm[bit / 64] >> (bit % 64) & 1);
	if (new_bit) {
		a->hour_bm[bit / 64] |= 1ull << (bit % 64);
		a->h_bits++;
	}
	/* a new person is explained when among the results of the last search */
	bool explained = a->srch_reads < a->srch_results && a->srch_reads < EXPLAIN_MAX &&
	                 t - a->srch_t <= (int64_t)EXPLAIN_WINDOW;
	int kind = READ_KNOWN;
	if (!seen_before(a, h)) {
		kind = explained ? READ_EXPLAINED : READ_ORPHAN;
		if (explained)
			a->srch_t = t;
		if (a->srch_results && h != a->last_person)
			a->srch_reads++;
	}
	a->last_person = h;
	novelty_read(w, a, kind, find_on, t);
	/* enumeration */
	uint64_t id;
	if (record_number(p->s, p->len, &id)) {
		uint64_t d = id > a->last_id ? id - a->last_id : a->last_id - id;
		a->run = d >= 1 && d <= 3 ? a->run + 1 : 0;
		a->last_id = id;
	}
	if (!find_on)
		return;
	uint32_t x = new_bit ? hour_distinct(a) : 0;
	/* the ceiling: the option, or twice the account's own high mark */
	/* the ceiling: the option, or twice the usual high mark of the account
	 * (once known), else of its peers */
	uint32_t ceil_ = w->o.ceiling;
	const peer *pr = &w->p[a->peer];
	bool own_known = a->active_hours >= MIN_HOURS;
	float own_hi = a->rate_mean + 6 * sdev(a->rate_var, a->rate_mean);
	float peer_hi = pr->rate_mean + 6 * sdev(pr->rate_var, pr->rate_mean);
	if (own_known && own_hi > (float)ceil_)
		ceil_ = (uint32_t)own_hi;
	else if (!own_known && pr->hours >= 50 && peer_hi > (float)ceil_)
		ceil_ = (uint32_t)peer_hi;
	if (x >= ceil_) {
		float pts = 5 + 5 * fminf(1.0f, (float)(x - ceil_) / (float)ceil_);
		if (due(&a->r[VG_RULE_RATE], pts, t, hstart) || x % 50 == 0)
			find(w, a, VG_RULE_RATE, pts, t, x, ceil_);
	}
	if (x && pr->hours >= 50) {
		float lim = peer_hi < 30 ? 30 : peer_hi;
		if ((float)x >= lim && (!own_known || (float)x >= own_hi) &&
		    due(&a->r[VG_RULE_PEER], 3, t, hstart))
			find(w, a, VG_RULE_PEER, 3, t, x, (uint32_t)lim);
	}
	if (x >= 3 && !usual_slot(w, a, slot)) {
		float pts = x >= 20 ? 5.0f : 3.0f;
		if (due(&a->r[VG_RULE_OFF_HOURS], pts, t, hstart)) {
			a->r[VG_RULE_OFF_HOURS].slot = slot;
			find(w, a, VG_RULE_OFF_HOURS, pts, t, x, 0);
		}
	}
	if (a->run == w->o.enum_run || a->run == 50)
		find(w, a, VG_RULE_ENUMERATION, a->run >= 50 ? 10.0f : 8.0f, t, a->run,
		     w->o.enum_run);
}

/* A search ended (another search, a login): were all its results read? */
static void end_search(vg_watch *w, acct_t *a, bool find_on, int64_t t)
{
	if (a->srch_results >= w->o.readall_min && a->srch_reads >= a->srch_results) {
		if (t - a->readall_t > 3600)
			a->readall = 0;
		a->readall++;
		a->readall_t = t;
		if (find_on)
			find(w, a, VG_RULE_READ_ALL,
			     a->readall >= 5   ? 8.0f
			     : a->readall >= 3 ? 6.0f
			                       : 3.0f,
			     t, a->readall, w->o.readall_min);
	}
	a->srch_results = a->srch_reads = 0;
}

void vg_watch_event(vg_watch *w, const vg_alog_event *ev)
{
	int64_t t = ev->ts;
	w->st.events++;
	if (!w->started) {
		w->started = true;
		w->t_start = t;
		w->st.first = t;
	}
	if (t > w->st.last)
		w->st.last = t;
	w->offset = (int32_t)(ev->local - ev->ts);
	bool find_on = t - w->t_start >= w->o.warmup;
	const vg_alog_str *name = &ev->f[VG_ALOG_ACCOUNT];
	uint64_t key = vg_watch_hash(name->s, name->len) | 1;
	acct_t *a = account_of(w, ev, key, ev->action != VG_ACT_LOGIN_FAIL);
	if (ev->action == VG_ACT_LOGIN_FAIL) {
		if (ev->f[VG_ALOG_SRC].len)
			stuffing_fail(w, ev, a,
			              vg_watch_network(ev->f[VG_ALOG_SRC].s, ev->f[VG_ALOG_SRC].len,
			                               NULL, 0));
		return;
	}
	if (!a) {
		w->st.dropped++;
		return;
	}
	int64_t local = ev->local;
	int32_t hour = (int32_t)(local >= 0 ? local / 3600 : (local - 3599) / 3600);
	int32_t day = (int32_t)(hour >= 0 ? hour / 24 : (hour - 23) / 24);
	/* 1970-01-01 was a Thursday: Monday 0 h is slot 0 */
	unsigned slot = (unsigned)((((int64_t)day + 3) % 7 + 7) % 7 * 24 + (hour - day * 24));
	if (hour > w->clock_hour) {
		if (w->clock_hour != INT32_MIN)
			close_days(w, hour, t, find_on);
		w->clock_hour = hour;
	}
	bool new_hour = hour > a->hour;
	if (new_hour) {
		close_hour(w, a);
		a->hour = hour;
		incident_tick(w, a, t);
	}
	mark_activity(w, a, day, slot, t, find_on);
	on_network(w, a, ev, find_on, t);
	on_ua(w, a, ev, find_on, t);
	switch (ev->action) {
	case VG_ACT_READ:
		if (ev->f[VG_ALOG_PERSON].len)
			on_read(w, a, ev, find_on, t, slot, t - (local - (int64_t)hour * 3600));
		break;
	case VG_ACT_SEARCH:
		end_search(w, a, find_on, t);
		a->srch_results =
		    ev->has_results
		        ? (uint32_t)(ev->results > UINT32_MAX ? UINT32_MAX : ev->results)
		        : 0;
		a->srch_t = t;
		break;
	case VG_ACT_EXPORT:
		if (a->hll)
			a->inc_exported += ev->results;
		if (find_on && ev->results >= w->o.export_rows) {
			float pts =
			    6 +
			    4 * fminf(1.0f, (float)log10((double)ev->results / w->o.export_rows));
			find(w, a, VG_RULE_EXPORT, pts, t, ev->results, w->o.export_rows);
		}
		break;
	case VG_ACT_LOGIN:
	case VG_ACT_LOGOUT:
		end_search(w, a, find_on, t);
		break;
	default:
		break;
	}
}
