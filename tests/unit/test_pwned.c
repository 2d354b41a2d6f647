/* test_pwned.c: breached-password ranges: hashes, line parser, store build
 * and lookup against a brute-force reference, ingest, the /range/ handler. */
#include "vigie/pwned.h"

#include <ctype.h>
#include <fcntl.h>
#include <ftw.h>
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
#include <nettle/md4.h>
#include <cmocka.h>

/* ------------------------------------------------------------ helpers */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void tmpdir(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/vg-test-pwned-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static void write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, n, f), n);
	fclose(f);
}

static void hex_of(const uint8_t *h, size_t n, char *out)
{
	vg_pwned_hex(h, n, out);
}

/* A deterministic generator for the tests. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ------------------------------------------------------------ hashes */

static void test_vectors(void **state)
{
	(void)state;
	uint8_t h[20];
	char hx[41];
	vg_pwned_sha1("password", 8, h);
	hex_of(h, 20, hx);
	assert_string_equal(hx, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8");
	vg_pwned_sha1("", 0, h);
	hex_of(h, 20, hx);
	assert_string_equal(hx, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
	vg_pwned_sha1("abc", 3, h);
	hex_of(h, 20, hx);
	assert_string_equal(hx, "A9993E364706816ABA3E25717850C26C9CD0D89D");
	/* NTLM vectors (well known) */
	assert_int_equal(vg_pwned_ntlm("password", 8, h), 0);
	hex_of(h, 16, hx);
	assert_string_equal(hx, "8846F7EAEE8FB117AD06BDD830B7586C");
	assert_int_equal(vg_pwned_ntlm("", 0, h), 0);
	hex_of(h, 16, hx);
	assert_string_equal(hx, "31D6CFE0D16AE931B73C59D7E0C089C0");
	assert_int_equal(vg_pwned_ntlm("123456", 6, h), 0);
	hex_of(h, 16, hx);
	assert_string_equal(hx, "32ED87BDB5FDC5E9CBA88547376818D4");
	/* non-ASCII: against MD4 of UTF-16LE written by hand (é, €, U+1F600) */
	const char *pw = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
	const uint8_t u16[] = {0xE9, 0x00, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE};
	uint8_t ref[16];
	struct md4_ctx c;
	md4_init(&c);
	md4_update(&c, sizeof(u16), u16);
	md4_digest(&c, 16, ref);
	assert_int_equal(vg_pwned_ntlm(pw, strlen(pw), h), 0);
	assert_memory_equal(h, ref, 16);
	/* invalid UTF-8 */
	assert_int_equal(vg_pwned_ntlm("\xC3", 1, h), VG_EINVAL);
	assert_int_equal(vg_pwned_ntlm("\xED\xA0\x80", 3, h), VG_EINVAL); /* surrogate */
	assert_int_equal(vg_pwned_ntlm("\xC0\xAF", 2, h), VG_EINVAL);     /* overlong */
	char big[300];
	memset(big, 'a', sizeof(big));
	assert_int_equal(vg_pwned_ntlm(big, sizeof(big), h), VG_EINVAL);
}

static void test_modes_prefix(void **state)
{
	(void)state;
	vg_pwned_mode m;
	assert_int_equal(vg_pwned_mode_parse("NTLM", &m), 0);
	assert_int_equal(m, VG_PWNED_NTLM);
	assert_int_equal(vg_pwned_mode_parse("sha1", &m), 0);
	assert_int_equal(m, VG_PWNED_SHA1);
	assert_int_equal(vg_pwned_mode_parse("md5", &m), VG_EINVAL);
	assert_int_equal(vg_pwned_suffix_hex(VG_PWNED_SHA1), 35);
	assert_int_equal(vg_pwned_suffix_hex(VG_PWNED_NTLM), 27);
	uint32_t p;
	assert_true(vg_pwned_prefix_parse("5baa6", 5, &p));
	assert_int_equal(p, 0x5BAA6);
	assert_true(vg_pwned_prefix_parse("FFFFF", 5, &p));
	assert_int_equal(p, 0xFFFFF);
	assert_false(vg_pwned_prefix_parse("5BAA", 4, &p));
	assert_false(vg_pwned_prefix_parse("5BAA61", 6, &p));
	assert_false(vg_pwned_prefix_parse("5BAG6", 5, &p));
	assert_false(vg_pwned_prefix_parse("5BA 6", 5, &p));
}

/* ------------------------------------------------------------ lines */

static void test_parse_lines(void **state)
{
	(void)state;
	vg_pwned_line l;
	const vg_reason *r;
#define PLAIN(LINE, WANT, CNT)                                                                     \
	do {                                                                                       \
		r = vg_pwned_parse_line(VG_PWNED_LIST_PLAIN, LINE, strlen(LINE), &l);              \
		assert_null(r);                                                                    \
		assert_int_equal(l.pw_len, strlen(WANT));                                          \
		assert_memory_equal(l.pw, WANT, strlen(WANT));                                     \
		assert_int_equal(l.count, CNT);                                                    \
	} while (0)
#define BAD(KIND, LINE, CODE)                                                                      \
	do {                                                                                       \
		r = vg_pwned_parse_line(KIND, LINE, strlen(LINE), &l);                             \
		assert_non_null(r);                                                                \
		assert_string_equal(r->code, CODE);                                                \
	} while (0)
	PLAIN("password", "password", 1);
	PLAIN("123456:42", "123456", 42);
	PLAIN("azerty\t7", "azerty", 7);
	PLAIN("a:b", "a:b", 1);               /* not a count: part of the password */
	PLAIN("P@ss:word:3", "P@ss:word", 3); /* the last colon */
	PLAIN("time:12:30", "time:12", 30);   /* documented ambiguity */
	PLAIN(":5x", ":5x", 1);
	PLAIN("x:", "x:", 1);
	PLAIN(":12", ":12", 1);                     /* a colon first is no separator */
	PLAIN("a:12345678901", "a:12345678901", 1); /* 11 digits: no count */
	PLAIN("pass word ", "pass word ", 1);
	PLAIN("tab:1\t2", "tab:1", 2); /* the tab wins */
	PLAIN("mot de passe \xC3\xA9t\xC3\xA9", "mot de passe \xC3\xA9t\xC3\xA9", 1);
	BAD(VG_PWNED_LIST_PLAIN, "x\tabc", "bad_count");
	BAD(VG_PWNED_LIST_PLAIN, "x\t", "bad_count");
	BAD(VG_PWNED_LIST_PLAIN, "x:0", "zero_count");
	BAD(VG_PWNED_LIST_PLAIN, "x:9999999999", "bad_count");
	BAD(VG_PWNED_LIST_PLAIN, "\t3", "empty_password");
	BAD(VG_PWNED_LIST_PLAIN,
	    "a\x01"
	    "b",
	    "control_char");
	BAD(VG_PWNED_LIST_PLAIN, "a\x7f", "control_char");
	char big[300];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	BAD(VG_PWNED_LIST_PLAIN, big, "too_long");
	/* raw: the whole line */
	r = vg_pwned_parse_line(VG_PWNED_LIST_PLAIN_RAW, "a:3", 3, &l);
	assert_null(r);
	assert_int_equal(l.pw_len, 3);
	assert_int_equal(l.count, 1);
	BAD(VG_PWNED_LIST_PLAIN_RAW, "a\tb", "control_char");
	/* HIBP */
	const char *s = "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8:3861493";
	r = vg_pwned_parse_line(VG_PWNED_LIST_HIBP_SHA1, s, strlen(s), &l);
	assert_null(r);
	assert_int_equal(l.count, 3861493);
	char hx[41];
	hex_of(l.hash, 20, hx);
	assert_string_equal(hx, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8");
	s = "8846F7EAEE8FB117AD06BDD830B7586C";
	r = vg_pwned_parse_line(VG_PWNED_LIST_HIBP_NTLM, s, strlen(s), &l);
	assert_null(r);
	assert_int_equal(l.count, 1);
	BAD(VG_PWNED_LIST_HIBP_SHA1, "8846F7EAEE8FB117AD06BDD830B7586C:1", "bad_hash");
	BAD(VG_PWNED_LIST_HIBP_SHA1, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:", "bad_count");
	BAD(VG_PWNED_LIST_HIBP_SHA1, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:0", "zero_count");
	BAD(VG_PWNED_LIST_HIBP_SHA1, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8 :1", "bad_hash");
	BAD(VG_PWNED_LIST_HIBP_SHA1, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1x", "bad_count");
	BAD(VG_PWNED_LIST_HIBP_SHA1, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FDZ:1", "bad_hash");
	/* detection */
	assert_int_equal(vg_pwned_detect("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1", 42),
	                 VG_PWNED_LIST_HIBP_SHA1);
	assert_int_equal(vg_pwned_detect("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8", 40),
	                 VG_PWNED_LIST_HIBP_SHA1);
	assert_int_equal(vg_pwned_detect("8846F7EAEE8FB117AD06BDD830B7586C:2", 34),
	                 VG_PWNED_LIST_HIBP_NTLM);
	assert_int_equal(vg_pwned_detect("password", 8), VG_PWNED_LIST_PLAIN);
	assert_int_equal(vg_pwned_detect("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:x", 42),
	                 VG_PWNED_LIST_PLAIN);
}

/* ------------------------------------------------------------ store vs reference */

typedef struct refent {
	uint8_t h[20];
	uint64_t count;
} refent;

static size_t g_hb;
static int refcmp(const void *a, const void *b)
{
	return memcmp(((const refent *)a)->h, ((const refent *)b)->h, g_hb);
}

/* Sorts and merges the reference (counts add, saturating as the store does). */
static size_t ref_merge(refent *r, size_t n, size_t hb)
{
	g_hb = hb;
	qsort(r, n, sizeof(*r), refcmp);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (o && !memcmp(r[o - 1].h, r[i].h, hb)) {
			r[o - 1].count += r[i].count;
			if (r[o - 1].count > UINT32_MAX)
				r[o - 1].count = UINT32_MAX;
		} else {
			r[o++] = r[i];
		}
	}
	return o;
}

/* The text of prefix's bucket from the reference, as HIBP writes it. */
static size_t ref_range(const refent *r, size_t n, size_t hb, uint32_t prefix, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t p = (uint32_t)r[i].h[0] << 12 | (uint32_t)r[i].h[1] << 4 | r[i].h[2] >> 4;
		if (p != prefix)
			continue;
		char hx[41];
		vg_pwned_hex(r[i].h, hb, hx);
		o += (size_t)sprintf(out + o, "%s%s:%llu", o ? "\r\n" : "", hx + 5,
		                     (unsigned long long)r[i].count);
	}
	return o;
}

static void build_and_check(vg_pwned_mode m)
{
	char dir[64];
	tmpdir(dir, sizeof(dir));
	size_t hb = vg_pwned_hash_bytes(m);
	const size_t N1 = 60000, N2 = 30000;
	refent *ref = calloc(N1 + N2 + 2, sizeof(*ref));
	size_t nref = 0;
	vg_err err;
	for (int round = 0; round < 2; round++) {
		vg_pwbuild_opts o = {.memory = VG_PWBUILD_MIN_MEMORY, .now = 1700000000 + round};
		vg_pwbuild *b;
		assert_int_equal(vg_pwbuild_begin(dir, m, &o, &b, &err), 0);
		size_t n = round == 0 ? N1 : N2;
		/* a small hash space in the first bytes: many duplicates, crowded buckets */
		for (size_t i = 0; i < n; i++) {
			refent e;
			memset(&e, 0, sizeof(e));
			uint64_t a = next64(), c = next64();
			memcpy(e.h, &a, 8);
			memcpy(e.h + 8, &c, 8);
			uint64_t d = next64();
			memcpy(e.h + 16, &d, 4);
			if (i % 3 == 0 && nref > 0) /* a repeat of an earlier hash */
				memcpy(e.h, ref[next64() % nref].h, 20);
			e.h[0] &= 0x0F; /* 1/16 of the prefixes: buckets of about 14 */
			e.count = 1 + next64() % 1000;
			assert_int_equal(vg_pwbuild_add(b, e.h, (uint32_t)e.count, &err), 0);
			memset(e.h + hb, 0, 20 - hb);
			ref[nref++] = e;
		}
		if (round == 1) { /* saturation */
			refent e = ref[0];
			e.count = UINT32_MAX;
			assert_int_equal(vg_pwbuild_add(b, e.h, UINT32_MAX, &err), 0);
			ref[nref++] = e;
		}
		vg_pwned_file f;
		memset(&f, 0, sizeof(f));
		f.fp[0] = (uint8_t)round;
		snprintf(f.name, sizeof(f.name), "round%d", round);
		assert_int_equal(vg_pwbuild_add_file(b, &f, &err), 0);
		assert_int_equal(vg_pwbuild_add_file(b, &f, &err), VG_EINVAL);
		vg_pwbuild_result res;
		assert_int_equal(vg_pwbuild_commit(b, &res, &err), 0);
		assert_true(res.published);
		assert_int_equal(res.generation, (uint64_t)round + 1);
		assert_true(res.runs >= 1); /* the small budget spilled */
	}
	size_t nu = ref_merge(ref, nref, hb);
	vg_pwned *p;
	assert_int_equal(vg_pwned_open(dir, m, &p, &err), 0);
	const vg_pwned_info *in = vg_pwned_info_get(p);
	assert_int_equal(in->entries, nu);
	assert_int_equal(in->generation, 2);
	assert_int_equal(in->nfiles, 2);
	uint64_t total = 0;
	for (size_t i = 0; i < nu; i++) {
		total += ref[i].count;
		assert_int_equal(vg_pwned_lookup(p, ref[i].h), ref[i].count);
	}
	assert_int_equal(in->total, total);
	assert_int_equal(vg_pwned_verify(p, &err), 0);
	for (int i = 0; i < 2000; i++) { /* absent hashes */
		uint8_t h[20];
		uint64_t a = next64(), c = next64(), d = next64();
		memcpy(h, &a, 8);
		memcpy(h + 8, &c, 8);
		memcpy(h + 16, &d, 4);
		h[0] |= 0x10;
		assert_int_equal(vg_pwned_lookup(p, h), 0);
	}
	uint8_t fp[32] = {1};
	assert_true(vg_pwned_has_file(p, fp));
	fp[0] = 7;
	assert_false(vg_pwned_has_file(p, fp));
	/* bucket sizes and texts */
	uint64_t sum = 0;
	for (uint32_t pre = 0; pre < VG_PWNED_PREFIXES; pre++)
		sum += vg_pwned_bucket_size(p, pre);
	assert_int_equal(sum, nu);
	char *want = malloc(1 << 16), *got = malloc(1 << 16);
	for (int k = 0; k < 300; k++) {
		uint32_t pre = k < 5 ? (uint32_t)k : (uint32_t)(next64() % 0x10000);
		size_t wl = ref_range(ref, nu, hb, pre, want);
		size_t cap = vg_pwned_range_size(p, pre);
		assert_true(cap >= wl);
		size_t gl = vg_pwned_range_text(p, m, pre, 0, got, cap);
		assert_int_equal(gl, wl);
		assert_memory_equal(got, want, wl);
	}
	free(want);
	free(got);
	vg_pwned_close(p);
	free(ref);
	rm_rf(dir);
}

static void test_build_sha1(void **state)
{
	(void)state;
	build_and_check(VG_PWNED_SHA1);
}

static void test_build_ntlm(void **state)
{
	(void)state;
	build_and_check(VG_PWNED_NTLM);
}

/* Damaged files are refused with VG_ECORRUPT. */
static void test_corrupt(void **state)
{
	(void)state;
	char dir[64], path[128];
	tmpdir(dir, sizeof(dir));
	vg_err err;
	vg_pwbuild *b;
	assert_int_equal(vg_pwbuild_begin(dir, VG_PWNED_SHA1, NULL, &b, &err), 0);
	uint8_t h[20];
	vg_pwned_sha1("password", 8, h);
	assert_int_equal(vg_pwbuild_add(b, h, 5, &err), 0);
	assert_int_equal(vg_pwbuild_commit(b, NULL, &err), 0);
	vg_pwned_path(dir, VG_PWNED_SHA1, path, sizeof(path));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	/* a flipped record byte: open works (index fine), verify fails, and a
	 * build refuses to carry it forward */
	int fd = open(path, O_RDWR);
	uint8_t byte;
	off_t rec = 128 + (off_t)(VG_PWNED_PREFIXES + 1) * 4 + 5;
	assert_int_equal(pread(fd, &byte, 1, rec), 1);
	byte ^= 1;
	assert_int_equal(pwrite(fd, &byte, 1, rec), 1);
	close(fd);
	vg_pwned *p;
	assert_int_equal(vg_pwned_open(dir, VG_PWNED_SHA1, &p, &err), 0);
	assert_int_equal(vg_pwned_verify(p, &err), VG_ECORRUPT);
	vg_pwned_close(p);
	assert_int_equal(vg_pwbuild_begin(dir, VG_PWNED_SHA1, NULL, &b, &err), 0);
	assert_int_equal(vg_pwbuild_add(b, h, 1, &err), 0);
	assert_int_equal(vg_pwbuild_commit(b, NULL, &err), VG_ECORRUPT);
	/* the damaged version is still the live one, no .tmp is left */
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_not_equal(access(tmp, F_OK), 0);
	/* truncated */
	assert_int_equal(truncate(path, st.st_size - 1), 0);
	assert_int_equal(vg_pwned_open(dir, VG_PWNED_SHA1, &p, &err), VG_ECORRUPT);
	/* bad magic, tiny file, wrong mode name */
	write_file(path, "hello", 5);
	assert_int_equal(vg_pwned_open(dir, VG_PWNED_SHA1, &p, &err), VG_ECORRUPT);
	assert_int_equal(vg_pwned_open(dir, VG_PWNED_NTLM, &p, &err), VG_ENOTFOUND);
	/* a lock held by another build */
	rm_rf(dir);
	tmpdir(dir, sizeof(dir));
	assert_int_equal(vg_pwbuild_begin(dir, VG_PWNED_SHA1, NULL, &b, &err), 0);
	vg_pwbuild *b2;
	assert_int_equal(vg_pwbuild_begin(dir, VG_PWNED_SHA1, NULL, &b2, &err), VG_EIO);
	assert_non_null(strstr(err.msg, "passwords.lock"));
	vg_pwbuild_abort(b);
	rm_rf(dir);
}

/* ------------------------------------------------------------ ingest */

static void test_ingest(void **state)
{
	(void)state;
	char dir[64], f1[128], f2[128], f3[128], f4[128], reg[128];
	tmpdir(dir, sizeof(dir));
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	snprintf(f1, sizeof(f1), "%s/list.txt", dir);
	snprintf(f2, sizeof(f2), "%s/list.txt.gz", dir);
	snprintf(f3, sizeof(f3), "%s/hibp.txt", dir);
	snprintf(f4, sizeof(f4), "%s/ntlm.txt", dir);
	const char list[] = "password:10\r\n123456\t3\r\n\r\nbad\tcount\r\n123456\r\n"
	                    "caf\xE9\r\n"; /* Windows-1252 */
	write_file(f1, list, sizeof(list) - 1);
	gzFile gz = gzopen(f2, "wb");
	gzputs(gz, "password:5\nqwerty\nqwerty:0\n");
	gzclose(gz);
	const char hibp[] = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:100\n"
	                    "7C4A8D09CA3762AF61E59520943DC26494F8941B:1\n"
	                    "nothex\n";
	write_file(f3, hibp, sizeof(hibp) - 1);
	const char ntlm[] = "8846f7eaee8fb117ad06bdd830b7586c:1000\n";
	write_file(f4, ntlm, sizeof(ntlm) - 1);

	const char *paths[] = {f1, f2, f3, f4, f1, "/nonexistent/x"};
	vg_pwned_ingest_opts o;
	memset(&o, 0, sizeof(o));
	o.dir = reg;
	o.now = 1700000000;
	vg_pwned_summary s;
	vg_err err;
	int rc = vg_pwned_ingest(&o, paths, 6, &s, &err);
	assert_int_equal(rc, VG_ENOTFOUND); /* the missing file; the others went in */
	assert_true(s.committed);
	assert_int_equal(s.ingested, 4);
	assert_int_equal(s.skipped, 1); /* f1 twice in one run */
	assert_int_equal(s.failed, 1);
	const vg_pwned_ingest_file *a = &s.files[0];
	assert_int_equal(a->kind, VG_PWNED_LIST_PLAIN);
	assert_int_equal(a->lines, 6);
	assert_int_equal(a->blank, 1);
	assert_int_equal(a->accepted, 4);
	assert_int_equal(a->bad, 1);
	assert_int_equal(a->transcoded, 1);
	assert_int_equal(a->nfirst_bad, 1);
	assert_int_equal(a->first_bad[0].lineno, 4);
	assert_string_equal(a->first_bad[0].why->code, "bad_count");
	assert_int_equal(s.files[1].compression, 1); /* gzip */
	assert_int_equal(s.files[1].bad, 1);
	assert_string_equal(s.files[1].first_bad[0].why->code, "zero_count");
	assert_int_equal(s.files[2].kind, VG_PWNED_LIST_HIBP_SHA1);
	assert_int_equal(s.files[2].bad, 1);
	assert_true(s.files[2].modes[VG_PWNED_SHA1]);
	assert_false(s.files[2].modes[VG_PWNED_NTLM]);
	assert_int_equal(s.files[3].kind, VG_PWNED_LIST_HIBP_NTLM);
	vg_pwned_summary_release(&s);

	vg_pwned *p, *q;
	assert_int_equal(vg_pwned_open(reg, VG_PWNED_SHA1, &p, &err), 0);
	assert_int_equal(vg_pwned_open(reg, VG_PWNED_NTLM, &q, &err), 0);
	uint8_t h[20];
	vg_pwned_sha1("password", 8, h);
	assert_int_equal(vg_pwned_lookup(p, h), 10 + 5 + 100);
	vg_pwned_sha1("123456", 6, h);
	assert_int_equal(vg_pwned_lookup(p, h), 3 + 1 + 1);
	vg_pwned_sha1("caf\xC3\xA9", 5, h); /* transcoded to UTF-8 */
	assert_int_equal(vg_pwned_lookup(p, h), 1);
	vg_pwned_sha1("qwerty", 6, h);
	assert_int_equal(vg_pwned_lookup(p, h), 1);
	assert_int_equal(vg_pwned_ntlm("password", 8, h), 0);
	assert_int_equal(vg_pwned_lookup(q, h), 10 + 5 + 1000);
	assert_int_equal(vg_pwned_ntlm("123456", 6, h), 0);
	assert_int_equal(vg_pwned_lookup(q, h), 3 + 1); /* the HIBP SHA-1 line is not NTLM */
	uint64_t g1 = vg_pwned_info_get(p)->generation;
	vg_pwned_close(p);
	vg_pwned_close(q);

	/* again: every file skipped, nothing published, counts unchanged */
	rc = vg_pwned_ingest(&o, paths, 4, &s, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(s.skipped, 4);
	assert_false(s.result[VG_PWNED_SHA1].published);
	vg_pwned_summary_release(&s);
	assert_int_equal(vg_pwned_open(reg, VG_PWNED_SHA1, &p, &err), 0);
	assert_int_equal(vg_pwned_info_get(p)->generation, g1);
	vg_pwned_sha1("password", 8, h);
	assert_int_equal(vg_pwned_lookup(p, h), 115);
	vg_pwned_close(p);

	/* a damaged gzip stream stops the run: nothing published */
	char f5[128];
	snprintf(f5, sizeof(f5), "%s/broken.gz", dir);
	gz = gzopen(f5, "wb");
	for (int i = 0; i < 20000; i++)
		gzprintf(gz, "pw%d\n", i);
	gzclose(gz);
	struct stat st;
	assert_int_equal(stat(f5, &st), 0);
	assert_int_equal(truncate(f5, st.st_size / 2), 0);
	const char *p5[] = {f5};
	rc = vg_pwned_ingest(&o, p5, 1, &s, &err);
	assert_true(rc < 0);
	assert_false(s.committed);
	vg_pwned_summary_release(&s);
	assert_int_equal(vg_pwned_open(reg, VG_PWNED_SHA1, &p, &err), 0);
	assert_int_equal(vg_pwned_info_get(p)->generation, g1);
	vg_pwned_close(p);
	rm_rf(dir);
}

/* ------------------------------------------------------------ the handler */

typedef struct hreq {
	vg_http_req r;
	vg_http_resp resp;
} hreq;

static void call(vg_pwned_service *sv, const char *method, const char *path, const char *query,
                 const char *pad, const char *inm, vg_http_resp *resp)
{
	vg_http_req r;
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.path = path;
	r.query = query;
	r.add_padding = pad;
	r.if_none_match = inm;
	r.lang = VG_LANG_EN;
	vg_http_resp_init(resp);
	vg_pwned_range_handler(sv, &r, resp);
}

static const char *header(const vg_http_resp *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

/* Checks the body's lines: suffix length, uppercase hex, count, order; returns the count. */
static size_t check_lines(const vg_http_resp *r, size_t hexlen, size_t *zeros)
{
	size_t n = 0, z = 0;
	const char *s = r->body, *e = r->body + r->body_len;
	char prev[64] = "";
	while (s < e) {
		const char *nl = memchr(s, '\r', (size_t)(e - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(e - s);
		assert_true(len > hexlen + 1);
		for (size_t i = 0; i < hexlen; i++)
			assert_true(isdigit((unsigned char)s[i]) || (s[i] >= 'A' && s[i] <= 'F'));
		assert_int_equal(s[hexlen], ':');
		for (size_t i = hexlen + 1; i < len; i++)
			assert_true(isdigit((unsigned char)s[i]));
		char cur[64];
		memcpy(cur, s, hexlen);
		cur[hexlen] = '\0';
		assert_true(strcmp(prev, cur) < 0); /* sorted, distinct */
		memcpy(prev, cur, hexlen + 1);
		if (len == hexlen + 2 && s[hexlen + 1] == '0')
			z++;
		n++;
		if (!nl)
			break;
		assert_int_equal(nl[1], '\n');
		s = nl + 2;
	}
	if (r->body_len) /* no line break after the last line */
		assert_true(r->body[r->body_len - 1] != '\n');
	if (zeros)
		*zeros = z;
	return n;
}

static void test_handler(void **state)
{
	(void)state;
	char dir[64], list[128];
	tmpdir(dir, sizeof(dir));
	vg_err err;
	vg_pwned_service *sv;
	vg_http_resp r;
	/* no store yet: every well-formed prefix is 200, empty */
	assert_int_equal(vg_pwned_service_open(dir, 0, &sv, &err), 0);
	call(sv, "GET", "/range/5BAA6", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	assert_non_null(header(&r, "ETag"));
	char etag0[128];
	snprintf(etag0, sizeof(etag0), "%s", header(&r, "ETag"));
	vg_http_resp_release(&r);

	snprintf(list, sizeof(list), "%s/l.txt", dir);
	write_file(list, "password:42\n", 12);
	const char *paths[] = {list};
	vg_pwned_ingest_opts o;
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.now = 1700000000;
	vg_pwned_summary s;
	assert_int_equal(vg_pwned_ingest(&o, paths, 1, &s, &err), 0);
	vg_pwned_summary_release(&s);
	assert_int_equal(vg_pwned_service_reload(sv, &err), 0);

	call(sv, "GET", "/range/5BAA6", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "text/plain");
	assert_int_equal(r.body_len, 38);
	assert_memory_equal(r.body, "1E4C9B93F3F0682250B6CF8331B7EE68FD8:42", 38);
	assert_string_equal(header(&r, "Cache-Control"), "public, max-age=86400");
	assert_string_equal(header(&r, "Last-Modified"), "Tue, 14 Nov 2023 22:13:20 GMT");
	char etag[128];
	snprintf(etag, sizeof(etag), "%s", header(&r, "ETag"));
	assert_string_not_equal(etag, etag0); /* a new version, a new tag */
	assert_int_equal(etag[0], '"');
	vg_http_resp_release(&r);

	/* case-insensitive prefix, explicit sha1 mode: the same answer */
	call(sv, "GET", "/range/5baa6", "mode=SHA1", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 38);
	assert_string_equal(header(&r, "ETag"), etag);
	vg_http_resp_release(&r);

	/* NTLM: 8846F + 27 hex */
	call(sv, "GET", "/range/8846F", "mode=ntlm", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 30);
	assert_memory_equal(r.body, "7EAEE8FB117AD06BDD830B7586C:42", 30);
	assert_string_not_equal(header(&r, "ETag"), etag);
	vg_http_resp_release(&r);

	/* an empty bucket */
	call(sv, "GET", "/range/00000", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	vg_http_resp_release(&r);

	/* If-None-Match */
	call(sv, "GET", "/range/5BAA6", NULL, NULL, etag, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body_len, 0);
	assert_string_equal(header(&r, "ETag"), etag);
	vg_http_resp_release(&r);
	char list2[300];
	snprintf(list2, sizeof(list2), "\"x\", W/%s", etag);
	call(sv, "GET", "/range/5BAA6", NULL, NULL, list2, &r);
	assert_int_equal(r.status, 304);
	vg_http_resp_release(&r);
	call(sv, "GET", "/range/5BAA6", NULL, NULL, "*", &r);
	assert_int_equal(r.status, 304);
	vg_http_resp_release(&r);
	call(sv, "GET", "/range/5BAA6", NULL, NULL, "\"other\"", &r);
	assert_int_equal(r.status, 200);
	vg_http_resp_release(&r);
	call(sv, "GET", "/range/5BAA7", NULL, NULL, etag, &r); /* another prefix's tag */
	assert_int_equal(r.status, 200);
	vg_http_resp_release(&r);

	/* padding: 800 to 1000 lines, the real one among them, sorted, count 0 */
	for (int k = 0; k < 20; k++) {
		call(sv, "GET", "/range/5BAA6", NULL, k % 2 ? "true" : " True ", NULL, &r);
		assert_int_equal(r.status, 200);
		size_t zeros;
		size_t n = check_lines(&r, 35, &zeros);
		assert_true(n >= VG_PWNED_PAD_MIN && n <= VG_PWNED_PAD_MAX);
		assert_int_equal(zeros, n - 1);
		assert_non_null(
		    memmem(r.body, r.body_len, "1E4C9B93F3F0682250B6CF8331B7EE68FD8:42", 38));
		const char *t = header(&r, "ETag");
		assert_true(!strncmp(t, "W/\"", 3));
		vg_http_resp_release(&r);
	}
	call(sv, "GET", "/range/8846F", "mode=ntlm", "true", NULL, &r);
	size_t zeros;
	size_t n = check_lines(&r, 27, &zeros);
	assert_true(n >= VG_PWNED_PAD_MIN && n <= VG_PWNED_PAD_MAX && zeros == n - 1);
	vg_http_resp_release(&r);
	call(sv, "GET", "/range/5BAA6", NULL, "false", NULL, &r);
	assert_int_equal(r.body_len, 38);
	vg_http_resp_release(&r);

	/* malformed: 400 with the JSON error */
	const char *badp[] = {
	    "/range/5BAA", "/range/5BAA61", "/range/5BAG6",        "/range/",
	    "/range",      "/range/5BAA6/", "/range/5BAA\xC3\xA9", "/ranges/5BAA6"};
	for (size_t i = 0; i < sizeof(badp) / sizeof(badp[0]); i++) {
		call(sv, "GET", badp[i], NULL, NULL, NULL, &r);
		assert_int_equal(r.status, 400);
		assert_string_equal(r.content_type, "application/json");
		assert_non_null(strstr(r.body, "\"code\":\"bad-request\""));
		vg_http_resp_release(&r);
	}
	const char *badq[] = {"mode=md5", "mode=", "mode", "x=1&mode=sha256",
	                      "mode=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	for (size_t i = 0; i < sizeof(badq) / sizeof(badq[0]); i++) {
		call(sv, "GET", "/range/5BAA6", badq[i], NULL, NULL, &r);
		assert_int_equal(r.status, 400);
		vg_http_resp_release(&r);
	}
	call(sv, "GET", "/range/5BAA6", "foo=bar&xmode=1", NULL, NULL, &r);
	assert_int_equal(r.status, 200); /* other parameters are ignored */
	vg_http_resp_release(&r);
	call(sv, "POST", "/range/5BAA6", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(header(&r, "Allow"), "GET, HEAD");
	vg_http_resp_release(&r);
	call(sv, "HEAD", "/range/5BAA6", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	vg_http_resp_release(&r);
	vg_pwned_service_close(sv);
	rm_rf(dir);
}

/* The compiled-in sample list parses cleanly, line by line. */
static void test_sample(void **state)
{
	(void)state;
	assert_true(vg_pwned_sample_len > 1000);
	const char *s = (const char *)vg_pwned_sample, *e = s + vg_pwned_sample_len;
	assert_int_equal(strncmp(s, "123456:1000000\n", 15), 0);
	size_t lines = 0;
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		assert_non_null(nl);
		vg_pwned_line l;
		assert_null(vg_pwned_parse_line(VG_PWNED_LIST_PLAIN, s, (size_t)(nl - s), &l));
		assert_true(l.count >= 1);
		lines++;
		s = nl + 1;
	}
	assert_true(lines >= 400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),     cmocka_unit_test(test_modes_prefix),
	    cmocka_unit_test(test_parse_lines), cmocka_unit_test(test_build_sha1),
	    cmocka_unit_test(test_build_ntlm),  cmocka_unit_test(test_corrupt),
	    cmocka_unit_test(test_ingest),      cmocka_unit_test(test_handler),
	    cmocka_unit_test(test_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
