/*
 * model.c: the statistical part of the scanner: hashed features, logistic
 * regression, its training and its file.
 *
 * Features are hashed into 1 << bits buckets (the "hashing trick"): the
 * words of the folded text, the pairs of adjacent words, and the character
 * 3-, 4- and 5-grams of each word padded with spaces (which carry spelling:
 * "remboursement", "rembourser", "remboursé" share most of them, and they
 * survive the word splits SMS spam uses), plus named tokens (link domains,
 * header names). A message is a bag of these with weight 1/sqrt(count), so
 * long and short messages score on the same scale.
 *
 * The model is one logistic regression per channel (SMS, email), trained by
 * AdaGrad with L2 decay in a fixed order (a seeded shuffle): the same data
 * gives the same bytes. The calibration (a, b, c) of
 *     score = sigmoid(a * logit + c * evidence + b)
 * is fitted by Newton's method on out-of-fold logits (k-fold cross-fitting),
 * so the rules' evidence and the model are combined on data the model did
 * not see.
 *
 * File (little-endian), every field checked on load:
 *   "VGSCANM1" | u32 version (2) | u32 bits | u32 nparts (2)
 *   per part: u32 present | u32 features (VG_EF_*)
 *             | f32 bias, scale, cal_a, cal_b, cal_c, thr_phish, thr_suspicious
 *             | present ? (1 << bits) i16 weights : nothing
 *   u32 CRC-32 (zlib) of everything before it.
 * Weights are quantized to 16 bits (weight = q * scale), which keeps the
 * file at 512 KiB for 2^17 buckets and two parts.
 */
#include "scan/scan_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define MAGIC "VGSCANM1"
#define VERSION 2u
#define PART_HEAD 36
#define NPARTS 2u

/* ---- Hashing ---- */

/* The murmur3 finalizer: spreads the bits of h over the whole word. */
static inline uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* FNV-1a step. */
static inline uint32_t step(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

static inline uint32_t bucket(uint32_t h, unsigned bits)
{
	return mix(h) & ((1u << bits) - 1);
}

/* Appends one feature index. */
void vg_feats_add(vg_feats *f, uint32_t h)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->idx = vg_xrealloc(f->idx, f->cap * sizeof(*f->idx));
	}
	f->idx[f->n++] = h;
}

/* Frees the list. */
void vg_feats_free(vg_feats *f)
{
	free(f->idx);
	memset(f, 0, sizeof(*f));
}

/* Appends the hashed token s[0..n) in namespace ns. */
void vg_feats_token(vg_feats *f, const char *s, size_t n, unsigned bits, uint32_t ns)
{
	uint32_t h = step(2166136261u, (unsigned char)ns) ^ (ns << 8);
	for (size_t i = 0; i < n; i++)
		h = step(h, (unsigned char)s[i]);
	vg_feats_add(f, bucket(h, bits));
}

/* Appends words, word pairs and character n-grams of a folded text. */
void vg_feats_text(vg_feats *f, const vg_fold *fold, const vg_word *w, size_t nw, unsigned bits,
                   uint32_t ns, bool chars)
{
	const unsigned char *s = (const unsigned char *)fold->s;
	uint32_t base = step(2166136261u, (unsigned char)ns) ^ (ns << 8);
	uint32_t prev = 0;
	for (size_t i = 0; i < nw; i++) {
		const unsigned char *p = s + w[i].off;
		size_t len = w[i].len;
		/* the word */
		uint32_t h = step(base, 'w');
		for (size_t k = 0; k < len; k++)
			h = step(h, p[k]);
		vg_feats_add(f, bucket(h, bits));
		/* the pair with the previous word */
		if (i > 0)
			vg_feats_add(f, bucket(mix(prev) * 31u + h, bits));
		prev = h;
		/* character 3- to 5-grams of " word " */
		if (!chars || len > 24)
			continue; /* a long token is noise, not spelling */
		for (size_t st = 0; st + 3 <= len + 2; st++) {
			uint32_t g = step(base, 'c');
			for (size_t k = 0; k < 5 && st + k < len + 2; k++) {
				size_t at = st + k;
				unsigned char c = (at == 0 || at == len + 1) ? ' ' : p[at - 1];
				g = step(g, c);
				if (k >= 2)
					vg_feats_add(f, bucket(g ^ (uint32_t)k, bits));
			}
		}
	}
}

/* ---- Scoring ---- */

/* The logit of a feature list under part p. */
double vg_model_logit(const vg_model_part *p, const vg_feats *f)
{
	if (!f->n)
		return p->bias;
	int64_t acc = 0;
	for (size_t i = 0; i < f->n; i++)
		acc += p->w[f->idx[i]];
	return p->bias + (double)acc * p->scale / sqrt((double)f->n);
}

/* ---- File ---- */

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8), p[2] = (unsigned char)(v >> 16),
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_f32(unsigned char *p, float f)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	put_u32(p, v);
}

static float get_f32(const unsigned char *p)
{
	uint32_t v = get_u32(p);
	float f;
	memcpy(&f, &v, 4);
	return f;
}

/* Loads a model from data[0..n); VG_ECORRUPT says what is wrong. */
int vg_model_load(vg_model *m, const unsigned char *data, size_t n, vg_err *err)
{
	memset(m, 0, sizeof(*m));
	if (n < 8 + 12 + 4 || memcmp(data, MAGIC, 8) != 0)
		return vg_err_set(err, VG_ECORRUPT,
		                  "not a vigie scan model (bad magic or too short)");
	uint32_t crc = (uint32_t)crc32(0L, data, (uInt)(n - 4));
	if (crc != get_u32(data + n - 4))
		return vg_err_set(err, VG_ECORRUPT,
		                  "model checksum mismatch (file damaged or truncated)");
	uint32_t version = get_u32(data + 8), bits = get_u32(data + 12),
	         nparts = get_u32(data + 16);
	if (version != VERSION)
		return vg_err_set(err, VG_ECORRUPT, "unsupported model version %u", version);
	if (bits < VG_MODEL_BITS_MIN || bits > VG_MODEL_BITS_MAX || nparts != NPARTS)
		return vg_err_set(err, VG_ECORRUPT, "bad model header (bits %u, parts %u)", bits,
		                  nparts);
	size_t pos = 20, nw = (size_t)1 << bits;
	m->bits = bits;
	for (unsigned k = 0; k < NPARTS; k++) {
		if (n - 4 < pos + PART_HEAD) {
			vg_model_free(m);
			return vg_err_set(err, VG_ECORRUPT, "model truncated in part %u", k);
		}
		vg_model_part *p = &m->part[k];
		uint32_t present = get_u32(data + pos);
		p->features = get_u32(data + pos + 4);
		p->bias = get_f32(data + pos + 8);
		p->scale = get_f32(data + pos + 12);
		p->cal_a = get_f32(data + pos + 16);
		p->cal_b = get_f32(data + pos + 20);
		p->cal_c = get_f32(data + pos + 24);
		p->thr_phish = get_f32(data + pos + 28);
		p->thr_suspicious = get_f32(data + pos + 32);
		pos += PART_HEAD;
		if (present > 1 || (p->features & ~(uint32_t)VG_EF__ALL) || !isfinite(p->bias) ||
		    !isfinite(p->scale) || !isfinite(p->cal_a) || !isfinite(p->cal_b) ||
		    !isfinite(p->cal_c) || !isfinite(p->thr_phish) ||
		    !isfinite(p->thr_suspicious) || !(p->thr_suspicious < p->thr_phish)) {
			vg_model_free(m);
			return vg_err_set(err, VG_ECORRUPT, "bad values in model part %u", k);
		}
		if (!present)
			continue;
		if (n - 4 < pos + 2 * nw) {
			vg_model_free(m);
			return vg_err_set(err, VG_ECORRUPT,
			                  "model truncated in the weights of part %u", k);
		}
		p->present = true;
		p->w = vg_xmalloc(nw * sizeof(int16_t));
		for (size_t i = 0; i < nw; i++)
			p->w[i] =
			    (int16_t)(uint16_t)(data[pos + 2 * i] | data[pos + 2 * i + 1] << 8);
		pos += 2 * nw;
	}
	if (pos != n - 4) {
		vg_model_free(m);
		return vg_err_set(err, VG_ECORRUPT, "model has %zu unexpected trailing bytes",
		                  n - 4 - pos);
	}
	return 0;
}

/* Reads and loads a model file. */
int vg_model_load_file(vg_model *m, const char *path, vg_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return vg_err_set(err, errno == ENOENT ? VG_ENOTFOUND : VG_EIO, "%s: %s", path,
		                  strerror(errno));
	size_t cap = 1 << 20, len = 0, got;
	unsigned char *buf = vg_xmalloc(cap);
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			if (cap >= (64u << 20)) {
				free(buf);
				fclose(f);
				return vg_err_set(err, VG_ECORRUPT, "%s: too large for a model",
				                  path);
			}
			buf = vg_xrealloc(buf, cap *= 2);
		}
	}
	int rd = ferror(f);
	fclose(f);
	if (rd) {
		free(buf);
		return vg_err_set(err, VG_EIO, "%s: read error", path);
	}
	int rc = vg_model_load(m, buf, len, err);
	free(buf);
	if (rc && err) {
		char msg[sizeof(err->msg)];
		memcpy(msg, err->msg, sizeof(msg));
		vg_err_set(err, rc, "%s: %s", path, msg);
	}
	return rc;
}

/* Writes m to path (through a temporary file renamed into place). */
int vg_model_save(const vg_model *m, const char *path, vg_err *err)
{
	size_t nw = (size_t)1 << m->bits, size = 20 + 4;
	for (unsigned k = 0; k < NPARTS; k++)
		size += PART_HEAD + (m->part[k].present ? 2 * nw : 0);
	unsigned char *buf = vg_xmalloc(size), *p = buf;
	memcpy(p, MAGIC, 8);
	put_u32(p + 8, VERSION);
	put_u32(p + 12, m->bits);
	put_u32(p + 16, NPARTS);
	p += 20;
	for (unsigned k = 0; k < NPARTS; k++) {
		const vg_model_part *q = &m->part[k];
		/* an absent part keeps the default thresholds (a valid file) */
		bool thr = q->thr_suspicious < q->thr_phish;
		put_u32(p, q->present);
		put_u32(p + 4, q->features);
		put_f32(p + 8, q->bias);
		put_f32(p + 12, q->scale);
		put_f32(p + 16, q->cal_a);
		put_f32(p + 20, q->cal_b);
		put_f32(p + 24, q->cal_c);
		put_f32(p + 28, thr ? q->thr_phish : (float)VG_LOGIT_PHISHING);
		put_f32(p + 32, thr ? q->thr_suspicious : (float)VG_LOGIT_SUSPICIOUS);
		p += PART_HEAD;
		if (!q->present)
			continue;
		for (size_t i = 0; i < nw; i++) {
			uint16_t v = (uint16_t)q->w[i];
			p[2 * i] = (unsigned char)v;
			p[2 * i + 1] = (unsigned char)(v >> 8);
		}
		p += 2 * nw;
	}
	put_u32(p, (uint32_t)crc32(0L, buf, (uInt)(size - 4)));
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		free(buf);
		return vg_err_set(err, VG_EINVAL, "path too long");
	}
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		free(buf);
		return vg_err_set(err, VG_EIO, "%s: %s", tmp, strerror(errno));
	}
	bool ok = fwrite(buf, 1, size, f) == size;
	ok = (fclose(f) == 0) && ok;
	free(buf);
	if (!ok || rename(tmp, path) != 0) {
		remove(tmp);
		return vg_err_set(err, VG_EIO, "%s: cannot write the model", path);
	}
	return 0;
}

/* Frees the weights. */
void vg_model_free(vg_model *m)
{
	for (unsigned k = 0; k < NPARTS; k++)
		free(m->part[k].w);
	memset(m, 0, sizeof(*m));
}

/* ---- Training ---- */

/* Appends an example (the feature list is copied). */
void vg_trainset_add(vg_trainset *t, const vg_feats *f, float evidence, int y)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->x = vg_xrealloc(t->x, t->cap * sizeof(*t->x));
		t->evidence = vg_xrealloc(t->evidence, t->cap * sizeof(*t->evidence));
		t->y = vg_xrealloc(t->y, t->cap);
	}
	vg_feats *c = &t->x[t->n];
	c->n = c->cap = f->n;
	c->idx = vg_xmalloc((f->n ? f->n : 1) * sizeof(*c->idx));
	if (f->n)
		memcpy(c->idx, f->idx, f->n * sizeof(*c->idx));
	t->evidence[t->n] = evidence;
	t->y[t->n] = (unsigned char)(y != 0);
	t->n++;
}

/* Frees the set. */
void vg_trainset_free(vg_trainset *t)
{
	for (size_t i = 0; i < t->n; i++)
		vg_feats_free(&t->x[i]);
	free(t->x);
	free(t->evidence);
	free(t->y);
	memset(t, 0, sizeof(*t));
}

/* splitmix64: the deterministic source of the shuffles. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double sigmoid(double z)
{
	return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

/* Float weights being trained. */
typedef struct lr {
	float *w, *g2;
	double b, gb2;
	size_t nw;
} lr;

/* The logit of example x under the float weights. */
static double lr_logit(const lr *m, const vg_feats *x)
{
	if (!x->n)
		return m->b;
	double acc = 0;
	for (size_t i = 0; i < x->n; i++)
		acc += m->w[x->idx[i]];
	return m->b + acc / sqrt((double)x->n);
}

/* AdaGrad logistic regression on the examples listed in order[0..n). */
static void lr_fit(lr *m, const vg_trainset *t, const size_t *order, size_t n,
                   const vg_train_params *tp, uint64_t seed)
{
	size_t *perm = vg_xmalloc((n ? n : 1) * sizeof(*perm));
	memcpy(perm, order, n * sizeof(*perm));
	for (unsigned ep = 0; ep < tp->epochs; ep++) {
		for (size_t i = n; i > 1; i--) {
			size_t j = (size_t)(next_rand(&seed) % i);
			size_t tmp = perm[i - 1];
			perm[i - 1] = perm[j];
			perm[j] = tmp;
		}
		for (size_t k = 0; k < n; k++) {
			size_t e = perm[k];
			const vg_feats *x = &t->x[e];
			double y = t->y[e], p = sigmoid(lr_logit(m, x));
			double g = (p - y) * (y > 0.5 ? tp->pos_weight : 1.0);
			double s = x->n ? 1.0 / sqrt((double)x->n) : 0;
			for (size_t i = 0; i < x->n; i++) {
				uint32_t j = x->idx[i];
				double gr = g * s + tp->l2 * m->w[j];
				m->g2[j] += (float)(gr * gr);
				m->w[j] -= (float)(tp->lr * gr / sqrt(m->g2[j]));
			}
			m->gb2 += g * g;
			m->b -= tp->lr * g / sqrt(m->gb2);
		}
	}
	free(perm);
}

static void lr_init(lr *m, unsigned bits)
{
	m->nw = (size_t)1 << bits;
	m->w = vg_xcalloc(m->nw, sizeof(float));
	m->g2 = vg_xcalloc(m->nw, sizeof(float));
	for (size_t i = 0; i < m->nw; i++)
		m->g2[i] = 1e-6f;
	m->b = 0;
	m->gb2 = 1e-6;
}

static void lr_free(lr *m)
{
	free(m->w);
	free(m->g2);
}

/*
 * Fits (a, b, c) of sigmoid(a * logit + c * evidence + b) by Newton's method
 * on the log loss, with a light ridge toward (1, 0, 1) so that a class the
 * held-out data never shows does not push a weight to infinity.
 */
void vg_model_calibrate(const double *logit, const float *ev, const unsigned char *y, size_t n,
                        float *a_out, float *b_out, float *c_out)
{
	double th[3] = {1, 0, 1};
	const double prior[3] = {1, 0, 1}, ridge = 1.0;
	*a_out = 1, *b_out = 0, *c_out = 1;
	for (int it = 0; it < 50; it++) {
		double g[3] = {0}, h[3][3] = {{0}};
		for (size_t i = 0; i < n; i++) {
			double x[3] = {logit[i], 1.0, ev[i]};
			double z = th[0] * x[0] + th[1] * x[1] + th[2] * x[2];
			double p = sigmoid(z), r = p - y[i], wgt = p * (1 - p);
			for (int a = 0; a < 3; a++) {
				g[a] += r * x[a];
				for (int b = 0; b < 3; b++)
					h[a][b] += wgt * x[a] * x[b];
			}
		}
		for (int a = 0; a < 3; a++) {
			g[a] += ridge * (th[a] - prior[a]);
			h[a][a] += ridge;
		}
		/* solve h d = g (3x3, Gaussian elimination with pivoting) */
		double m[3][4];
		for (int a = 0; a < 3; a++) {
			for (int b = 0; b < 3; b++)
				m[a][b] = h[a][b];
			m[a][3] = g[a];
		}
		for (int col = 0; col < 3; col++) {
			int piv = col;
			for (int r = col + 1; r < 3; r++)
				if (fabs(m[r][col]) > fabs(m[piv][col]))
					piv = r;
			for (int k = 0; k < 4; k++) {
				double tmp = m[col][k];
				m[col][k] = m[piv][k];
				m[piv][k] = tmp;
			}
			if (fabs(m[col][col]) < 1e-12)
				return;
			for (int r = 0; r < 3; r++) {
				if (r == col)
					continue;
				double f = m[r][col] / m[col][col];
				for (int k = col; k < 4; k++)
					m[r][k] -= f * m[col][k];
			}
		}
		double step_len = 0;
		for (int a = 0; a < 3; a++) {
			double d = m[a][3] / m[a][a];
			th[a] -= d;
			step_len += fabs(d);
		}
		if (step_len < 1e-9)
			break;
	}
	*a_out = (float)th[0];
	*b_out = (float)th[1];
	*c_out = (float)th[2];
}

/* Quantizes float weights into p. */
static void quantize(vg_model_part *p, const lr *m)
{
	float mx = 0;
	for (size_t i = 0; i < m->nw; i++)
		if (fabsf(m->w[i]) > mx)
			mx = fabsf(m->w[i]);
	p->scale = mx > 0 ? mx / 32767.0f : 1.0f;
	free(p->w);
	p->w = vg_xmalloc(m->nw * sizeof(int16_t));
	for (size_t i = 0; i < m->nw; i++)
		p->w[i] = (int16_t)lrintf(m->w[i] / p->scale);
	p->bias = (float)m->b;
	p->present = true;
}

/* Cross-fitting: the held-out logit of every example. */
void vg_model_cv(unsigned bits, const vg_trainset *t, const vg_train_params *tp, double *oof)
{
	size_t n = t->n;
	uint64_t seed = tp->seed;
	size_t *perm = vg_xmalloc((n ? n : 1) * sizeof(*perm));
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(next_rand(&seed) % i);
		size_t tmp = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = tmp;
	}
	size_t *tr = vg_xmalloc((n ? n : 1) * sizeof(size_t));
	unsigned folds = tp->folds < 2 ? 2 : tp->folds;
	for (unsigned k = 0; k < folds; k++) {
		size_t ntr = 0;
		for (size_t i = 0; i < n; i++)
			if (i % folds != k)
				tr[ntr++] = perm[i];
		lr m;
		lr_init(&m, bits);
		lr_fit(&m, t, tr, ntr, tp, tp->seed + 1 + k);
		for (size_t i = k; i < n; i += folds)
			oof[perm[i]] = lr_logit(&m, &t->x[perm[i]]);
		lr_free(&m);
	}
	free(tr);
	free(perm);
}

/* Trains part p on t: cross-fitted calibration, then the final fit. */
void vg_model_train(vg_model_part *p, unsigned bits, const vg_trainset *t,
                    const vg_train_params *tp, double *oof)
{
	size_t n = t->n;
	double *held = vg_xmalloc((n ? n : 1) * sizeof(double));
	vg_model_cv(bits, t, tp, held);
	vg_model_calibrate(held, t->evidence, t->y, n, &p->cal_a, &p->cal_b, &p->cal_c);
	p->thr_phish = (float)VG_LOGIT_PHISHING;
	p->thr_suspicious = (float)VG_LOGIT_SUSPICIOUS;
	if (oof)
		memcpy(oof, held, n * sizeof(double));
	size_t *tr = vg_xmalloc((n ? n : 1) * sizeof(size_t));
	lr m;
	lr_init(&m, bits);
	for (size_t i = 0; i < n; i++)
		tr[i] = i;
	lr_fit(&m, t, tr, n, tp, tp->seed + 1000);
	quantize(p, &m);
	lr_free(&m);
	free(tr);
	free(held);
}

/* The email model's log-odds on a message with n distinct features: the
 * model learned from long messages, so on a short one it is pulled toward
 * the prior in proportion. */
double vg_email_shrink(double m, size_t n)
{
	if (n >= VG_EMAIL_FULL_FEATURES)
		return m;
	return VG_EMAIL_PRIOR + (m - VG_EMAIL_PRIOR) * (double)n / VG_EMAIL_FULL_FEATURES;
}
