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

/* The *.txt messages of a SpamAssassin set directory, in name order. */
static int add_email_dir(vg_scan_ctx *cx, vg_trainset *t, const char *dir, int y, size_t *count,
                         vg_err *err)
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
	vg_feats tmp = {0};
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
		float ev = vg_scan_email_features(cx, buf, n, &tmp);
		vg_trainset_add(t, &tmp, ev, y);
		(*count)++;
		free(buf);
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	vg_feats_free(&tmp);
	return rc;
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
		int pred = s >= VG_SCAN_PHISHING_AT;
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
	vg_trainset sms = {0}, mail = {0};
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
		rc = add_email_dir(cx, &mail, path, 1, &c_spam, err);
		if (!rc) {
			snprintf(path, sizeof(path), "%s/easy-ham-1", o->email_dir);
			rc = add_email_dir(cx, &mail, path, 0, &c_ham, err);
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
		if (mail.n) {
			vg_train_params mail_p = {.epochs = 12,
			                          .lr = 0.2,
			                          .l2 = 1e-5,
			                          .pos_weight = 1.0,
			                          .folds = 5,
			                          .seed = 20240313};
			oof = vg_xmalloc(mail.n * sizeof(double));
			vg_model_train(&model.part[VG_SCAN_EMAIL], bits, &mail, &mail_p, oof);
			report(o->log, "email", &model.part[VG_SCAN_EMAIL], &mail, oof);
			free(oof);
		}
		rc = vg_model_save(&model, o->out_path, err);
	}
	vg_model_free(&model);
	vg_trainset_free(&sms);
	vg_trainset_free(&mail);
	vg_scan_ctx_free(cx);
	vg_scan_close(sc);
	return rc;
}
