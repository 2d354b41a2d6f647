/*
 * train.c: `vigie scan train`: the corpora in, the model file out.
 *
 * The recipe (fixed, so the model in the repository can be reproduced):
 *   SMS part:
 *     - UCI SMS Spam Collection, the first 30 % of its lines (the standard
 *       protocol; the last 70 % are the test set of the benchmark);
 *     - SPAM-Hunter French rows, the first 70 % of the lines, as spam, minus
 *       the acknowledgements of the 33700 spam-report service and
 *       unsubscription confirmations (genuine messages in a spam-only set);
 *     - the hand-written French set data/scan/sms_fr_train.tsv (genuine
 *       notices of France Travail, Ameli, banks, carriers, personal messages,
 *       and post-leak phishing), all of it.
 *     The Mendeley set is never used: it shares most texts with UCI.
 *   Email part (with --spamassassin DIR): the SpamAssassin public corpus
 *     spam-1 (spam) and easy-ham-1 (ham), the *.txt files in name order.
 *     The feature groups, the L2 decay and the verdict thresholds are
 *     chosen by 5-fold cross-validation on these two sets (train_email);
 *     the test sets (spam-2, easy-ham-2, hard-ham-1) are never read.
 * Every example goes through the scanner's own analysis (rules and
 * features), so training sees exactly what scanning sees. Training is
 * deterministic (model.c): the same corpora give the same bytes.
 */
#include "scan/scan_int.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reads a whole file into a NUL-terminated buffer (*len bytes). */
static char *slurp(const char *path, size_t *len, vg_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		vg_err_set(err, VG_ENOTFOUND, "%s: cannot open", path);
		return NULL;
	}
	size_t cap = 1 << 16, n = 0, got;
	char *buf = vg_xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap)
			buf = vg_xrealloc(buf, cap *= 2);
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		vg_err_set(err, VG_EIO, "%s: read error", path);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* Splits buf into lines (in place): pointers and lengths, \r\n handled. */
static size_t lines(char *buf, size_t n, char ***out, size_t **lens)
{
	size_t cap = 1024, k = 0, i = 0;
	*out = vg_xmalloc(cap * sizeof(char *));
	*lens = vg_xmalloc(cap * sizeof(size_t));
	while (i < n) {
		char *nl = memchr(buf + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - buf) : n;
		size_t l = e - i;
		if (l && buf[i + l - 1] == '\r')
			l--;
		if (k == cap) {
			cap *= 2;
			*out = vg_xrealloc(*out, cap * sizeof(char *));
			*lens = vg_xrealloc(*lens, cap * sizeof(size_t));
		}
		(*out)[k] = buf + i;
		(*lens)[k] = l;
		k++;
		i = e + 1;
	}
	return k;
}

/* Adds one SMS example. */
static void add_sms(vg_scan_ctx *cx, vg_trainset *t, vg_feats *tmp, const char *s, size_t n, int y)
{
	float ev = vg_scan_sms_features(cx, s, n, tmp);
	vg_trainset_add(t, tmp, ev, y);
}

/* A "label<TAB>text" file: the first frac of its lines (all when 1). */
static int add_tsv(vg_scan_ctx *cx, vg_trainset *t, const char *path, double frac, size_t *count,
                   vg_err *err)
{
	size_t n;
	char *buf = slurp(path, &n, err);
	if (!buf)
		return err ? err->code : VG_EIO;
	char **l;
	size_t *ll;
	size_t nl = lines(buf, n, &l, &ll);
	size_t use = frac >= 1 ? nl : (size_t)floor(frac * (double)nl);
	vg_feats tmp = {0};
	*count = 0;
	for (size_t i = 0; i < use; i++) {
		const char *tab = memchr(l[i], '\t', ll[i]);
		if (!tab || l[i][0] == '#')
			continue;
		size_t lab = (size_t)(tab - l[i]);
		int y = (lab == 4 && !memcmp(l[i], "spam", 4))  ? 1
		        : (lab == 3 && !memcmp(l[i], "ham", 3)) ? 0
		                                                : -1;
		if (y < 0)
			continue;
		add_sms(cx, t, &tmp, tab + 1, ll[i] - lab - 1, y);
		(*count)++;
	}
	vg_feats_free(&tmp);
	free(l);
	free(ll);
	free(buf);
	return 0;
}

/* True for a SPAM-Hunter row that is a genuine service message. */
static bool spamhunter_ack(const char *s, size_t n)
{
	static const char *const marks[] = {"Merci de votre aide Pour compl",
	                                    "procédure de signalement", "désinscription"};
	for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
		if (memmem(s, n, marks[k], strlen(marks[k])))
			return true;
	return false;
}

/* SPAM-Hunter: the first 70 % of the rows, as spam, acknowledgements out. */
static int add_spamhunter(vg_scan_ctx *cx, vg_trainset *t, const char *path, size_t *count,
                          vg_err *err)
{
	size_t n;
	char *buf = slurp(path, &n, err);
	if (!buf)
		return err ? err->code : VG_EIO;
	char **l;
	size_t *ll;
	size_t nl = lines(buf, n, &l, &ll);
	size_t use = (size_t)floor(0.7 * (double)nl);
	vg_feats tmp = {0};
	*count = 0;
	for (size_t i = 0; i < use; i++) {
		if (!ll[i] || spamhunter_ack(l[i], ll[i]))
			continue;
		add_sms(cx, t, &tmp, l[i], ll[i], 1);
		(*count)++;
	}
	vg_feats_free(&tmp);
	free(l);
	free(ll);
	free(buf);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Raw emails in memory (each is parsed once per feature variant). */
typedef struct rawset {
	char **buf;
	size_t *len;
	unsigned char *y;
	size_t n;
} rawset;

static void rawset_free(rawset *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->buf[i]);
	free(r->buf);
	free(r->len);
	free(r->y);
	memset(r, 0, sizeof(*r));
}

/* The *.txt messages of a SpamAssassin set directory, in name order. */
static int add_email_dir(rawset *rs, const char *dir, int y, size_t *count, vg_err *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return vg_err_set(err, VG_ENOTFOUND, "%s: cannot open the directory", dir);
	char **names = NULL;
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".txt")) {
			names = vg_xrealloc(names, (nn + 1) * sizeof(char *));
			names[nn++] = vg_xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, nn, sizeof(char *), cmp_str);
	int rc = 0;
	*count = 0;
	for (size_t i = 0; i < nn; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		size_t n;
		char *buf = slurp(path, &n, err);
		if (!buf) {
			rc = err ? err->code : VG_EIO;
			break;
		}
		rs->buf = vg_xrealloc(rs->buf, (rs->n + 1) * sizeof(char *));
		rs->len = vg_xrealloc(rs->len, (rs->n + 1) * sizeof(size_t));
		rs->y = vg_xrealloc(rs->y, rs->n + 1);
		rs->buf[rs->n] = buf;
		rs->len[rs->n] = n;
		rs->y[rs->n] = (unsigned char)y;
		rs->n++;
		(*count)++;
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The training set of the emails with the feature groups `groups`; dec[i]
 * says whether a decisive rule fired on email i. */
static void email_set(vg_scan *sc, vg_scan_ctx *cx, const rawset *rs, uint32_t groups,
                      vg_trainset *t, unsigned char *dec)
{
	sc->model.part[VG_SCAN_EMAIL].features = groups;
	vg_feats tmp = {0};
	for (size_t i = 0; i < rs->n; i++) {
		bool d;
		float ev = vg_scan_email_features(cx, rs->buf[i], rs->len[i], &tmp, &d);
		vg_trainset_add(t, &tmp, ev, rs->y[i]);
		dec[i] = d;
	}
	vg_feats_free(&tmp);
}

/* What cross-validation says of one email configuration. */
typedef struct cvres {
	double recall05, recall1;       /* recall at a held-out false-positive rate of 0.5 %, 1 % */
	double loss;                    /* log loss of the calibrated score */
	float a, b, c;                  /* calibration */
	double cv_phish, cv_suspicious; /* log-odds at 0.5 % and 2 % held-out FP */
	float thr_phish, thr_suspicious; /* the thresholds kept (not below 0.5, 0.35) */
} cvres;

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* The calibrated log-odds of a held-out email as scanning computes them
 * (the short-message shrink), without the decisive rules. */
static double email_z(const cvres *c, const vg_trainset *t, const double *oof, size_t i)
{
	return vg_email_shrink(c->a * oof[i] + c->b, t->x[i].n) + c->c * t->evidence[i];
}

/* The held-out log-odds at or below which lie all but a fraction fpr of the
 * ham (ham[] sorted in decreasing order, nh of them), and the recall of the
 * spam above it. */
static double threshold_at(const double *ham, size_t nh, const double *spam_z, size_t ns,
                           double fpr, double *recall)
{
	size_t k = (size_t)floor(fpr * (double)nh);
	double thr = k < nh ? ham[k] : -INFINITY;
	size_t tp = 0;
	for (size_t i = 0; i < ns; i++)
		tp += spam_z[i] > thr;
	*recall = ns ? (double)tp / (double)ns : 0;
	return thr;
}

/*
 * Cross-validates one configuration: out-of-fold logits (5 folds), the
 * calibration fitted on them, then on the calibrated held-out scores the
 * recall at 0.5 % and 1 % false positives, the log loss, and the verdict
 * thresholds: phishing at a held-out false-positive rate of at most 0.5 %,
 * suspicious at most 2 %, and never below the calibrated probabilities 0.5
 * and 0.35. A decisive rule makes an email phishing whatever its score: it
 * counts as +infinity.
 */
static void cv_email(const vg_trainset *t, const unsigned char *dec, unsigned bits,
                     const vg_train_params *tp, cvres *out)
{
	size_t n = t->n;
	double *oof = vg_xmalloc((n ? n : 1) * sizeof(double));
	vg_model_cv(bits, t, tp, oof);
	vg_model_calibrate(oof, t->evidence, t->y, n, &out->a, &out->b, &out->c);
	double *ham = vg_xmalloc((n ? n : 1) * sizeof(double));
	double *spam = vg_xmalloc((n ? n : 1) * sizeof(double));
	size_t nh = 0, ns = 0;
	out->loss = 0;
	for (size_t i = 0; i < n; i++) {
		double z = email_z(out, t, oof, i);
		double p = 1.0 / (1.0 + exp(-z));
		double q = t->y[i] ? p : 1 - p;
		out->loss -= log(q > 1e-12 ? q : 1e-12);
		if (dec[i])
			z = INFINITY;
		if (t->y[i])
			spam[ns++] = z;
		else
			ham[nh++] = z;
	}
	out->loss /= (double)(n ? n : 1);
	qsort(ham, nh, sizeof(double), cmp_desc);
	double r2;
	double tphish = threshold_at(ham, nh, spam, ns, 0.005, &out->recall05);
	threshold_at(ham, nh, spam, ns, 0.01, &out->recall1);
	double tsusp = threshold_at(ham, nh, spam, ns, 0.02, &r2);
	/* just above the last ham allowed through, finite */
	tphish = isfinite(tphish) ? tphish + 1e-3 : tphish > 0 ? 30 : -30;
	tsusp = isfinite(tsusp) ? tsusp + 1e-3 : tsusp > 0 ? 30 : -30;
	out->cv_phish = tphish;
	out->cv_suspicious = tsusp;
	/* never below the calibrated probabilities 0.5 and 0.35: a message the
	 * model and the rules find more likely genuine is not called phishing
	 * because the training ham happened to score low */
	if (tphish < VG_LOGIT_PHISHING)
		tphish = VG_LOGIT_PHISHING;
	if (tsusp < VG_LOGIT_SUSPICIOUS)
		tsusp = VG_LOGIT_SUSPICIOUS;
	if (tsusp > tphish - 0.01)
		tsusp = tphish - 0.01;
	out->thr_phish = (float)tphish;
	out->thr_suspicious = (float)tsusp;
	free(ham);
	free(spam);
	free(oof);
}

/* "bulk+hnames" for a set of feature groups. */
static const char *groups_name(uint32_t g, char *buf, size_t cap)
{
	static const char *const names[] = {"bulk", "hnames", "rules", "counts"};
	buf[0] = 0;
	size_t o = 0;
	for (unsigned k = 0; k < 4; k++)
		if (g & (1u << k))
			o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? "+" : "", names[k]);
	if (!o)
		snprintf(buf, cap, "base");
	return buf;
}

/* True when x is a better configuration than y: recall at 0.5 % plus
 * recall at 1 % held-out false positives, then log loss. */
static bool better(const cvres *x, const cvres *y)
{
	double sx = x->recall05 + x->recall1, sy = y->recall05 + y->recall1;
	if (sx != sy)
		return sx > sy;
	return x->loss < y->loss;
}

static void log_cv(FILE *log, uint32_t g, double l2, const cvres *r)
{
	char gn[64];
	if (log)
		fprintf(log,
		        "email cv: features %-25s l2 %-6g recall %.3f at 0.5%% FP, %.3f at 1%% FP, "
		        "log loss %.4f\n",
		        groups_name(g, gn, sizeof(gn)), l2, r->recall05, r->recall1, r->loss);
}

/*
 * The email part. Every choice is made by 5-fold cross-validation on the
 * training emails (spam-1, easy-ham-1), never on the test sets:
 *   1. the feature groups (VG_EF_*: bulk-mail headers, header names, rule
 *      tokens, counts instead of presence), all 16 combinations, at L2 1e-5;
 *   2. the L2 decay (1e-6, 1e-5, 1e-4) for the chosen groups;
 *   3. the calibration (a, b, c) and the verdict thresholds, from the
 *      held-out scores of the chosen configuration: phishing at a held-out
 *      false-positive rate of at most 0.5 %, suspicious at most 2 %.
 * Then the final model is trained on all the training emails.
 */
static void train_email(vg_scan *sc, vg_scan_ctx *cx, const rawset *rs, unsigned bits,
                        vg_model_part *part, FILE *log)
{
	vg_train_params p = {
	    .epochs = 12, .lr = 0.2, .l2 = 1e-5, .pos_weight = 1.0, .folds = 5, .seed = 20240313};
	unsigned char *dec = vg_xmalloc(rs->n ? rs->n : 1);
	cvres best = {0}, r;
	uint32_t best_g = 0;
	for (uint32_t g = 0; g <= VG_EF__ALL; g++) {
		vg_trainset t = {0};
		email_set(sc, cx, rs, g, &t, dec);
		cv_email(&t, dec, bits, &p, &r);
		log_cv(log, g, p.l2, &r);
		if (g == 0 || better(&r, &best))
			best = r, best_g = g;
		vg_trainset_free(&t);
	}
	vg_trainset t = {0};
	email_set(sc, cx, rs, best_g, &t, dec);
	double best_l2 = p.l2;
	static const double l2s[] = {1e-6, 1e-4};
	for (size_t k = 0; k < sizeof(l2s) / sizeof(l2s[0]); k++) {
		vg_train_params q = p;
		q.l2 = l2s[k];
		cv_email(&t, dec, bits, &q, &r);
		log_cv(log, best_g, q.l2, &r);
		if (better(&r, &best))
			best = r, best_l2 = q.l2;
	}
	p.l2 = best_l2;
	char gn[64];
	if (log)
		fprintf(log,
		        "email: chosen features %s, l2 %g; held-out recall %.3f at 0.5%% FP, %.3f "
		        "at 1%% FP; held-out log-odds at 0.5%% FP %.3f, at 2%% FP %.3f; "
		        "verdict thresholds (log-odds) phishing %.3f, suspicious %.3f\n",
		        groups_name(best_g, gn, sizeof(gn)), p.l2, best.recall05, best.recall1,
		        best.cv_phish, best.cv_suspicious, best.thr_phish, best.thr_suspicious);
	/* the final fit; its cross-fitting repeats the chosen configuration's
	 * (same folds, same seeds), so the calibration is the same */
	vg_model_train(part, bits, &t, &p, NULL);
	part->features = best_g;
	part->thr_phish = best.thr_phish;
	part->thr_suspicious = best.thr_suspicious;
	if (log) {
		size_t pos = 0;
		for (size_t i = 0; i < t.n; i++)
			pos += t.y[i];
		fprintf(log,
		        "email: %zu examples (%zu positive); calibration a=%.3f b=%.3f c=%.3f\n",
		        t.n, pos, part->cal_a, part->cal_b, part->cal_c);
	}
	vg_trainset_free(&t);
	free(dec);
}

/* Out-of-fold figures: accuracy at 0.5 and log loss of the calibrated
 * score, for the log. */
static void report(FILE *out, const char *what, const vg_model_part *p, const vg_trainset *t,
                   const double *oof)
{
	if (!out)
		return;
	size_t ok = 0, fp = 0, fn = 0, pos = 0;
	double loss = 0;
	for (size_t i = 0; i < t->n; i++) {
		double z = p->cal_a * oof[i] + p->cal_c * t->evidence[i] + p->cal_b;
		double s = 1.0 / (1.0 + exp(-z));
		int pred = z >= p->thr_phish;
		ok += pred == t->y[i];
		fp += pred && !t->y[i];
		fn += !pred && t->y[i];
		pos += t->y[i];
		double q = t->y[i] ? s : 1 - s;
		loss -= log(q > 1e-12 ? q : 1e-12);
	}
	fprintf(out,
	        "%s: %zu examples (%zu positive); held-out accuracy %.4f, %zu false positives, %zu "
	        "false negatives, log loss %.4f; calibration a=%.3f b=%.3f c=%.3f\n",
	        what, t->n, pos, (double)ok / (double)(t->n ? t->n : 1), fp, fn,
	        loss / (double)(t->n ? t->n : 1), p->cal_a, p->cal_b, p->cal_c);
}

int vg_scan_train(const vg_scan_train_opts *o, vg_err *err)
{
	unsigned bits = o->hash_bits ? o->hash_bits : VG_MODEL_BITS_DEFAULT;
	if (bits < VG_MODEL_BITS_MIN || bits > VG_MODEL_BITS_MAX)
		return vg_err_set(err, VG_EUSAGE, "hash bits must be %d to %d", VG_MODEL_BITS_MIN,
		                  VG_MODEL_BITS_MAX);
	vg_scan *sc;
	int rc = vg_scan_open("", &sc, err);
	if (rc)
		return rc;
	sc->model.bits = bits; /* the features are hashed as the model will read them */
	vg_scan_ctx *cx = vg_scan_ctx_new(sc);
	vg_model model = {0};
	model.bits = bits;
	vg_trainset sms = {0};
	rawset mail = {0};
	char path[4096];
	size_t c_uci = 0, c_sh = 0, c_fr = 0, c_spam = 0, c_ham = 0;

	snprintf(path, sizeof(path), "%s/corpora/sms/uci_sms_spam_collection.tsv", o->data_dir);
	rc = add_tsv(cx, &sms, path, 0.3, &c_uci, err);
	if (!rc) {
		snprintf(path, sizeof(path), "%s/corpora/sms/spamhunter_fr_dev.txt", o->data_dir);
		rc = add_spamhunter(cx, &sms, path, &c_sh, err);
	}
	if (!rc) {
		snprintf(path, sizeof(path), "%s/scan/sms_fr_train.tsv", o->data_dir);
		rc = add_tsv(cx, &sms, path, 1.0, &c_fr, err);
	}
	if (!rc && o->email_dir) {
		snprintf(path, sizeof(path), "%s/spam-1", o->email_dir);
		rc = add_email_dir(&mail, path, 1, &c_spam, err);
		if (!rc) {
			snprintf(path, sizeof(path), "%s/easy-ham-1", o->email_dir);
			rc = add_email_dir(&mail, path, 0, &c_ham, err);
		}
	}
	if (!rc) {
		if (o->log)
			fprintf(o->log,
			        "corpora: UCI first 30%% %zu, SPAM-Hunter first 70%% %zu, "
			        "hand-written French %zu; "
			        "SpamAssassin spam-1 %zu, easy-ham-1 %zu\n",
			        c_uci, c_sh, c_fr, c_spam, c_ham);
		vg_train_params sms_p = {.epochs = 12,
		                         .lr = 0.2,
		                         .l2 = 1e-6,
		                         .pos_weight = 1.0,
		                         .folds = 5,
		                         .seed = 20240313};
		double *oof = vg_xmalloc((sms.n ? sms.n : 1) * sizeof(double));
		vg_model_train(&model.part[VG_SCAN_SMS], bits, &sms, &sms_p, oof);
		report(o->log, "sms", &model.part[VG_SCAN_SMS], &sms, oof);
		free(oof);
		if (mail.n)
			train_email(sc, cx, &mail, bits, &model.part[VG_SCAN_EMAIL], o->log);
		rc = vg_model_save(&model, o->out_path, err);
	}
	vg_model_free(&model);
	vg_trainset_free(&sms);
	rawset_free(&mail);
	vg_scan_ctx_free(cx);
	vg_scan_close(sc);
	return rc;
}
