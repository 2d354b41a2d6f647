/*
 * test_scan_model.c: the scanner's statistical model: feature hashing,
 * training (it learns, it is deterministic, the calibration is sane), the
 * file format (round trip, every kind of damage refused with a clear
 * message), the shift of the shown score, `vigie scan train` end to end on
 * a small corpus (SMS alone, and with emails: cross-validated choices), and
 * the built-in model.
 */
#include "scan/scan_int.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#define BITS 12

/* Features of a text, as the SMS path computes them. */
static void text_feats(const char *s, vg_feats *f)
{
	vg_fold fold = {0};
	vg_word w[256];
	vg_fold_text(&fold, s, strlen(s));
	size_t nw = vg_fold_words(&fold, w, 256);
	f->n = 0;
	vg_feats_text(f, &fold, w, nw, BITS, 1, true);
	vg_fold_free(&fold);
}

static void test_features(void **state)
{
	(void)state;
	vg_feats a = {0}, b = {0};
	text_feats("Free entry now", &a);
	text_feats("FREE   entry now!", &b); /* same folded words, plus a '!' */
	assert_true(a.n > 10);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.idx, b.idx, a.n * sizeof(uint32_t));
	for (size_t i = 0; i < a.n; i++)
		assert_true(a.idx[i] < (1u << BITS));
	/* words without character n-grams are fewer */
	vg_fold fold = {0};
	vg_word w[8];
	vg_fold_text(&fold, "Free entry now", 14);
	size_t nw = vg_fold_words(&fold, w, 8);
	b.n = 0;
	vg_feats_text(&b, &fold, w, nw, BITS, 1, false);
	assert_int_equal(b.n, 3 + 2); /* three words, two pairs */
	/* namespaces separate the same word */
	vg_feats c = {0};
	vg_feats_text(&c, &fold, w, nw, BITS, 2, false);
	assert_memory_not_equal(b.idx, c.idx, b.n * sizeof(uint32_t));
	vg_feats_token(&c, "d:example.com", 13, BITS, 4);
	assert_true(c.idx[c.n - 1] < (1u << BITS));
	vg_fold_free(&fold);
	vg_feats_free(&a);
	vg_feats_free(&b);
	vg_feats_free(&c);
}

static const char *const spam_texts[] = {
    "WINNER you have won a cash prize call now",   "Free entry claim your prize now",
    "URGENT your account is suspended click here", "Claim your free gift card now",
    "You won a free holiday call to claim",        "Cash prize waiting claim now free",
};
static const char *const ham_texts[] = {
    "are you coming to dinner tonight", "see you at the station at six",
    "thanks for the lovely evening",    "can you pick up the kids today",
    "the meeting moved to three pm",    "happy birthday mum lots of love",
};

/* A small training set: spam and ham texts, repeated. */
static void small_set(vg_trainset *t)
{
	vg_feats f = {0};
	for (int rep = 0; rep < 5; rep++) {
		for (size_t i = 0; i < 6; i++) {
			text_feats(spam_texts[i], &f);
			vg_trainset_add(t, &f, (float)(rep % 2), 1);
			text_feats(ham_texts[i], &f);
			vg_trainset_add(t, &f, 0.0f, 0);
		}
	}
	vg_feats_free(&f);
}

static const vg_train_params params = {
    .epochs = 8, .lr = 0.3, .l2 = 1e-6, .pos_weight = 1.0, .folds = 3, .seed = 7};

static void test_training(void **state)
{
	(void)state;
	vg_trainset t = {0};
	small_set(&t);
	assert_int_equal(t.n, 60);
	vg_model m1 = {.bits = BITS}, m2 = {.bits = BITS};
	double *oof = malloc(t.n * sizeof(double));
	vg_model_train(&m1.part[0], BITS, &t, &params, oof);
	vg_model_train(&m2.part[0], BITS, &t, &params, NULL);
	/* deterministic: the same data gives the same weights and calibration */
	assert_memory_equal(m1.part[0].w, m2.part[0].w, ((size_t)1 << BITS) * sizeof(int16_t));
	assert_true(m1.part[0].bias == m2.part[0].bias);
	assert_true(m1.part[0].cal_a == m2.part[0].cal_a && m1.part[0].cal_c == m2.part[0].cal_c);
	/* it learned: unseen spam-like text above unseen ham-like text */
	vg_feats f = {0};
	text_feats("claim your free prize now winner", &f);
	double ls = vg_model_logit(&m1.part[0], &f);
	text_feats("see you for dinner at the station", &f);
	double lh = vg_model_logit(&m1.part[0], &f);
	assert_true(ls > 0 && lh < 0);
	/* held-out logits were produced for every example and separate them */
	size_t right = 0;
	for (size_t i = 0; i < t.n; i++)
		right += (oof[i] > 0) == (t.y[i] == 1);
	assert_true(right >= t.n * 9 / 10);
	/* the calibration keeps the model's direction */
	assert_true(m1.part[0].cal_a > 0);
	/* a different seed trains differently (the shuffle is used) */
	vg_train_params p2 = params;
	p2.seed = 8;
	vg_model m3 = {.bits = BITS};
	vg_model_train(&m3.part[0], BITS, &t, &p2, NULL);
	assert_memory_not_equal(m1.part[0].w, m3.part[0].w, ((size_t)1 << BITS) * sizeof(int16_t));
	free(oof);
	vg_feats_free(&f);
	vg_model_free(&m1);
	vg_model_free(&m2);
	vg_model_free(&m3);
	vg_trainset_free(&t);
}

/* Writes data[0..n) to path. */
static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* Reads path whole; *n its size. */
static unsigned char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc((size_t)sz + 1);
	assert_int_equal(fread(b, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	*n = (size_t)sz;
	return b;
}

/* Loading data must fail with VG_ECORRUPT and a message containing what. */
static void expect_corrupt(const unsigned char *data, size_t n, const char *what)
{
	vg_model m;
	vg_err err = {0};
	assert_int_equal(vg_model_load(&m, data, n, &err), VG_ECORRUPT);
	if (!strstr(err.msg, what))
		fail_msg("corrupt model: message '%s' lacks '%s'", err.msg, what);
}

static void test_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/vigie-test-model-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/m.bin", dir);
	vg_trainset t = {0};
	small_set(&t);
	vg_model m = {.bits = BITS};
	vg_model_train(&m.part[0], BITS, &t, &params, NULL);
	m.part[0].features = VG_EF_BULK | VG_EF_RULES;
	m.part[0].thr_phish = 1.5f;
	m.part[0].thr_suspicious = -0.25f;
	vg_err err = {0};
	assert_int_equal(vg_model_save(&m, path, &err), 0);
	/* round trip */
	vg_model back;
	assert_int_equal(vg_model_load_file(&back, path, &err), 0);
	assert_int_equal(back.bits, BITS);
	assert_true(back.part[0].present);
	assert_false(back.part[1].present);
	assert_memory_equal(back.part[0].w, m.part[0].w, ((size_t)1 << BITS) * sizeof(int16_t));
	assert_true(back.part[0].scale == m.part[0].scale && back.part[0].cal_b == m.part[0].cal_b);
	assert_int_equal(back.part[0].features, VG_EF_BULK | VG_EF_RULES);
	assert_true(back.part[0].thr_phish == 1.5f && back.part[0].thr_suspicious == -0.25f);
	/* an absent part is written with the default thresholds */
	assert_true(back.part[1].thr_phish == (float)VG_LOGIT_PHISHING &&
	            back.part[1].thr_suspicious == (float)VG_LOGIT_SUSPICIOUS);
	vg_model_free(&back);
	/* damage of every kind */
	size_t n;
	unsigned char *good = read_file(path, &n);
	unsigned char *bad = malloc(n);
	expect_corrupt(good, 10, "too short");
	memcpy(bad, good, n);
	bad[0] = 'X';
	expect_corrupt(bad, n, "magic");
	memcpy(bad, good, n);
	bad[n / 2] ^= 0x40;
	expect_corrupt(bad, n, "checksum");
	expect_corrupt(good, n - 100, "checksum"); /* truncated */
	/* a consistent checksum over a wrong header: version, bits, lengths */
	static const struct {
		size_t at;
		uint32_t v;
		const char *what;
	} fields[] = {
	    {8, 1, "version"},          {8, 99, "version"},         {12, 40, "header"},
	    {16, 3, "header"},          {20, 5, "part 0"},          {24, 1u << 9, "part 0"},
	    {48, 0xbf800000, "part 0"}, {52, 0x40000000, "part 0"}, {48, 0x7fc00000, "part 0"}};
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		memcpy(bad, good, n);
		for (int b = 0; b < 4; b++)
			bad[fields[k].at + (size_t)b] = (unsigned char)(fields[k].v >> (8 * b));
		uLong crc = crc32(0L, bad, (uInt)(n - 4));
		for (int b = 0; b < 4; b++)
			bad[n - 4 + (size_t)b] = (unsigned char)(crc >> (8 * b));
		expect_corrupt(bad, n, fields[k].what);
	}
	/* the same file, rewritten with extra bytes and a valid checksum */
	unsigned char *longer = malloc(n + 8);
	memcpy(longer, good, n - 4);
	memset(longer + n - 4, 0, 8);
	uLong crc = crc32(0L, longer, (uInt)(n + 4));
	for (int b = 0; b < 4; b++)
		longer[n + 4 + (size_t)b] = (unsigned char)(crc >> (8 * b));
	expect_corrupt(longer, n + 8, "trailing");
	/* through the scanner: a clear error, never a crash */
	snprintf(path, sizeof(path), "%s/bad.bin", dir);
	write_file(path, bad, n);
	vg_scan *sc;
	assert_int_equal(vg_scan_open(path, &sc, &err), VG_ECORRUPT);
	assert_non_null(strstr(err.msg, path));
	snprintf(path, sizeof(path), "%s/none.bin", dir);
	assert_int_equal(vg_scan_open(path, &sc, &err), VG_ENOTFOUND);
	snprintf(path, sizeof(path), "%s/empty.bin", dir);
	write_file(path, "", 0);
	assert_int_equal(vg_scan_open(path, &sc, &err), VG_ECORRUPT);
	/* cleanup */
	const char *names[] = {"m.bin", "bad.bin", "empty.bin"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	free(good);
	free(bad);
	free(longer);
	vg_model_free(&m);
	vg_trainset_free(&t);
}

/* The shown score: the part's thresholds land on the verdict thresholds,
 * monotone, the identity for the defaults. */
static void test_shift(void **state)
{
	(void)state;
	vg_model_part p = {.thr_phish = (float)VG_LOGIT_PHISHING,
	                   .thr_suspicious = (float)VG_LOGIT_SUSPICIOUS};
	for (double z = -8; z <= 8; z += 0.37)
		assert_true(vg_scan_shift(&p, z) == z);
	p.thr_phish = 2.0f;
	p.thr_suspicious = -1.0f;
	assert_true(fabs(vg_scan_shift(&p, 2.0) - VG_LOGIT_PHISHING) < 1e-9);
	assert_true(fabs(vg_scan_shift(&p, -1.0) - VG_LOGIT_SUSPICIOUS) < 1e-9);
	assert_true(fabs(vg_scan_shift(&p, 5.0) - 3.0) < 1e-9);
	assert_true(fabs(vg_scan_shift(&p, -4.0) - (VG_LOGIT_SUSPICIOUS - 3.0)) < 1e-9);
	double prev = -INFINITY;
	for (double z = -8; z <= 8; z += 0.01) {
		double y = vg_scan_shift(&p, z);
		assert_true(y > prev);
		prev = y;
	}
}

/* `vigie scan train` on a tiny corpus laid out like data/: runs, writes a
 * loadable model, twice the same bytes. */
static void test_train_command(void **state)
{
	(void)state;
	char dir[] = "/tmp/vigie-test-train-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char p[512];
	snprintf(p, sizeof(p), "%s/corpora", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/corpora/sms", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/scan", dir);
	mkdir(p, 0700);
	FILE *f;
	snprintf(p, sizeof(p), "%s/corpora/sms/uci_sms_spam_collection.tsv", dir);
	f = fopen(p, "w");
	for (int rep = 0; rep < 10; rep++)
		for (size_t i = 0; i < 6; i++)
			fprintf(f, "spam\t%s\nham\t%s\n", spam_texts[i], ham_texts[i]);
	fclose(f);
	snprintf(p, sizeof(p), "%s/corpora/sms/spamhunter_fr_dev.txt", dir);
	f = fopen(p, "w");
	fputs("Colis en attente, frais de 1,99 EUR http //bit.ly/x\n"
	      "Service XXXXX Merci de votre aide Pour compléter votre signalement renvoyez\n"
	      "Ameli remboursement de 450 euro http //ameli-sante.club\n",
	      f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/scan/sms_fr_train.tsv", dir);
	f = fopen(p, "w");
	fputs("# comment\nham\tSalut, tu rentres quand ?\nspam\tAmeli : remboursement sur "
	      "ameli-aide.com\n",
	      f);
	fclose(f);
	char out1[512], out2[512];
	snprintf(out1, sizeof(out1), "%s/m1.bin", dir);
	snprintf(out2, sizeof(out2), "%s/m2.bin", dir);
	vg_scan_train_opts o = {.data_dir = dir, .out_path = out1, .hash_bits = BITS};
	vg_err err = {0};
	assert_int_equal(vg_scan_train(&o, &err), 0);
	o.out_path = out2;
	assert_int_equal(vg_scan_train(&o, &err), 0);
	size_t n1, n2;
	unsigned char *b1 = read_file(out1, &n1), *b2 = read_file(out2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	vg_scan *sc;
	assert_int_equal(vg_scan_open(out1, &sc, &err), 0);
	assert_true(vg_scan_has_model(sc, VG_SCAN_SMS));
	assert_false(vg_scan_has_model(sc, VG_SCAN_EMAIL));
	vg_scan_close(sc);
	/* a missing corpus is an error that names the file */
	o.data_dir = "/nonexistent-vigie";
	assert_int_not_equal(vg_scan_train(&o, &err), 0);
	assert_non_null(strstr(err.msg, "uci_sms_spam_collection.tsv"));
	o.hash_bits = 40;
	assert_int_equal(vg_scan_train(&o, &err), VG_EUSAGE);
	free(b1);
	free(b2);
	const char *files[] = {"m1.bin", "m2.bin", "corpora/sms/uci_sms_spam_collection.tsv",
	                       "corpora/sms/spamhunter_fr_dev.txt", "scan/sms_fr_train.tsv"};
	for (size_t i = 0; i < 5; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/corpora/sms", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/corpora", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/scan", dir);
	rmdir(p);
	rmdir(dir);
}

/* Writes a tiny SpamAssassin-like set: n messages dir/NNNN.txt. */
static void email_dir(const char *dir, bool spam, int n)
{
	mkdir(dir, 0700);
	for (int i = 0; i < n; i++) {
		char p[700];
		snprintf(p, sizeof(p), "%s/%04d.txt", dir, i);
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		if (spam)
			fprintf(f,
			        "From: Winner %d <promo%d@cheap-offers.example>\n"
			        "Subject: You won a FREE prize %d\nContent-Type: text/html\n\n"
			        "<p>Claim your free cash prize now, click <a "
			        "href=\"http://198.51.100.%d/x\">here</a>. %s</p>\n",
			        i, i, i, i % 250, spam_texts[i % 6]);
		else
			fprintf(
			    f,
			    "Received: from a by b\nReturn-Path: <list-bounce@lists.example.org>\n"
			    "From: Dev %d <dev%d@example.org>\nList-Id: <dev.lists.example.org>\n"
			    "Subject: Re: build %d\n\nThe build of revision %d passes; %s.\n",
			    i, i, i, i, ham_texts[i % 6]);
		fclose(f);
	}
}

/* The email part: trained from spam-1 and easy-ham-1, feature groups and
 * thresholds chosen by cross-validation, deterministic. */
static void test_train_email(void **state)
{
	(void)state;
	char dir[] = "/tmp/vigie-test-trainmail-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char p[600], sa[512];
	snprintf(p, sizeof(p), "%s/corpora", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/corpora/sms", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/scan", dir);
	mkdir(p, 0700);
	FILE *f;
	snprintf(p, sizeof(p), "%s/corpora/sms/uci_sms_spam_collection.tsv", dir);
	f = fopen(p, "w");
	for (int rep = 0; rep < 4; rep++)
		for (size_t i = 0; i < 6; i++)
			fprintf(f, "spam\t%s\nham\t%s\n", spam_texts[i], ham_texts[i]);
	fclose(f);
	snprintf(p, sizeof(p), "%s/corpora/sms/spamhunter_fr_dev.txt", dir);
	f = fopen(p, "w");
	fputs("Colis en attente, frais de 1,99 EUR http //bit.ly/x\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/scan/sms_fr_train.tsv", dir);
	f = fopen(p, "w");
	fputs("ham\tSalut, tu rentres quand ?\n", f);
	fclose(f);
	snprintf(sa, sizeof(sa), "%s/sa", dir);
	mkdir(sa, 0700);
	snprintf(p, sizeof(p), "%s/spam-1", sa);
	email_dir(p, true, 20);
	snprintf(p, sizeof(p), "%s/easy-ham-1", sa);
	email_dir(p, false, 60);
	char out1[512], out2[512];
	snprintf(out1, sizeof(out1), "%s/m1.bin", dir);
	snprintf(out2, sizeof(out2), "%s/m2.bin", dir);
	vg_scan_train_opts o = {
	    .data_dir = dir, .email_dir = sa, .out_path = out1, .hash_bits = BITS};
	vg_err err = {0};
	assert_int_equal(vg_scan_train(&o, &err), 0);
	o.out_path = out2;
	assert_int_equal(vg_scan_train(&o, &err), 0);
	size_t n1, n2;
	unsigned char *b1 = read_file(out1, &n1), *b2 = read_file(out2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	vg_model m;
	assert_int_equal(vg_model_load(&m, b1, n1, &err), 0);
	assert_true(m.part[VG_SCAN_EMAIL].present);
	assert_int_equal(m.part[VG_SCAN_EMAIL].features & ~(uint32_t)VG_EF__ALL, 0);
	/* never more lenient than the calibrated probabilities 0.5 and 0.35 */
	assert_true(m.part[VG_SCAN_EMAIL].thr_phish >= (float)VG_LOGIT_PHISHING);
	assert_true(m.part[VG_SCAN_EMAIL].thr_suspicious >= (float)VG_LOGIT_SUSPICIOUS);
	assert_true(m.part[VG_SCAN_EMAIL].thr_suspicious < m.part[VG_SCAN_EMAIL].thr_phish);
	/* the SMS part keeps the default thresholds */
	assert_true(m.part[VG_SCAN_SMS].thr_phish == (float)VG_LOGIT_PHISHING);
	vg_model_free(&m);
	/* the model it wrote tells the two kinds apart */
	vg_scan *sc;
	assert_int_equal(vg_scan_open(out1, &sc, &err), 0);
	vg_scan_ctx *cx = vg_scan_ctx_new(sc);
	vg_scan_result *r = malloc(sizeof(*r));
	const char *spam = "From: Winner <promo@cheap-offers.example>\nSubject: You won a FREE "
	                   "prize\nContent-Type: text/html\n\n<p>Claim your free cash prize now, "
	                   "click <a href=\"http://198.51.100.9/x\">here</a>.</p>\n";
	const char *ham = "Received: from a by b\nReturn-Path: <list-bounce@lists.example.org>\n"
	                  "From: Dev <dev@example.org>\nList-Id: <dev.lists.example.org>\n"
	                  "Subject: Re: build\n\nThe build of revision 12 passes.\n";
	assert_int_equal(vg_scan_email(cx, spam, strlen(spam), r), 0);
	double s_spam = r->model;
	assert_int_equal(vg_scan_email(cx, ham, strlen(ham), r), 0);
	assert_true(s_spam > r->model);
	free(r);
	vg_scan_ctx_free(cx);
	vg_scan_close(sc);
	free(b1);
	free(b2);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The model shipped in the binary: both parts, small enough for the
 * repository, calibrated in the right direction. */
static void test_builtin(void **state)
{
	(void)state;
	assert_true(vg_scan_builtin_model_len > 0);
	assert_true(vg_scan_builtin_model_len <= 1024 * 1024);
	vg_model m;
	vg_err err = {0};
	assert_int_equal(vg_model_load(&m, vg_scan_builtin_model, vg_scan_builtin_model_len, &err),
	                 0);
	assert_true(m.part[VG_SCAN_SMS].present);
	assert_true(m.part[VG_SCAN_EMAIL].present);
	for (int k = 0; k < 2; k++) {
		assert_true(m.part[k].cal_a > 0);
		assert_true(m.part[k].cal_c > 0);
	}
	vg_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_features), cmocka_unit_test(test_training),
	    cmocka_unit_test(test_file),     cmocka_unit_test(test_train_command),
	    cmocka_unit_test(test_shift),    cmocka_unit_test(test_train_email),
	    cmocka_unit_test(test_builtin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
