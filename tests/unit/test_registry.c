/* test_registry.c: the exposure registry: key, PRF, builder, reader, publish. */
#include "vigie/registry.h"
#include "core/xxh.h"
#include "registry/format.h" /* the key state, the builder's sort */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <xxhash.h>
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

/* A fresh temporary directory (path in buf). */
static void tmpdir(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/vg-test-registry-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static vg_regkey *key_of(uint8_t fill)
{
	uint8_t b[VG_REGKEY_BYTES];
	memset(b, fill, sizeof(b));
	b[0] = 0x42;
	vg_regkey *k = NULL;
	assert_int_equal(vg_regkey_from_bytes(b, &k), 0);
	return k;
}

/* The whole content of a file (caller frees); *len gets its size. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)n + 8);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void spit(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static bool exists(const char *dir, const char *name)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	return m <= n && memmem(hay, n, needle, m) != NULL;
}

static vg_regentry ent(vg_idtab t, uint64_t key, uint16_t cats, uint16_t sources)
{
	vg_regentry e = {.key = key, .cats = cats, .sources = sources, .table = (uint8_t)t};
	return e;
}

/* A file record with n rows all accepted. */
static vg_regfile file_rec(const vg_regkey *k, const char *content, unsigned source, uint64_t n,
                           const char *name)
{
	vg_regfile f;
	memset(&f, 0, sizeof(f));
	vg_fingerprint fp;
	vg_fingerprint_init(&fp, k);
	vg_fingerprint_update(&fp, content, strlen(content));
	f.size = fp.size;
	vg_fingerprint_final(&fp, f.fingerprint);
	f.rows_read = n;
	f.rows_accepted = n;
	f.rows_with[VG_CAT_EMAIL] = n;
	f.source = source;
	snprintf(f.name, sizeof(f.name), "%s", name);
	return f;
}

static vg_regbuild *begin(const char *dir, const vg_regkey *k, size_t budget)
{
	vg_regbuild_opts o = {.memory_budget = budget, .now = 1700000000};
	vg_regbuild *b = NULL;
	vg_err err = {0};
	int rc = vg_regbuild_begin(dir, k, &o, &b, &err);
	if (rc)
		fail_msg("begin: %s", err.msg);
	return b;
}

static void commit(vg_regbuild *b, vg_regbuild_result *res)
{
	vg_err err = {0};
	int rc = vg_regbuild_commit(b, res, &err);
	if (rc)
		fail_msg("commit: %s", err.msg);
}

static vg_registry *open_dir(const char *dir, const vg_regkey *k)
{
	vg_registry *r = NULL;
	vg_err err = {0};
	int rc = vg_registry_open_dir(dir, k, 0, &r, &err);
	if (rc)
		fail_msg("open: %s", err.msg);
	rc = vg_registry_verify(r, &err);
	if (rc)
		fail_msg("verify: %s", err.msg);
	return r;
}

static unsigned source(vg_regbuild *b, const char *name, unsigned flags)
{
	unsigned i = 99;
	assert_int_equal(vg_regbuild_source(b, name, flags, &i, NULL), 0);
	return i;
}

/* ------------------------------------------------------------ names */

/* The inline SipHash-2-4 of vg_regkey_prf() is libsodium's, on every length
 * from 0 to 300 bytes, every table, random keys and bytes. */
static void test_prf_matches_sodium(void **state)
{
	(void)state;
	uint8_t buf[300];
	for (int round = 0; round < 8; round++) {
		uint8_t kb[VG_REGKEY_BYTES];
		randombytes_buf(kb, sizeof(kb));
		vg_regkey *k = NULL;
		assert_int_equal(vg_regkey_from_bytes(kb, &k), 0);
		randombytes_buf(buf, sizeof(buf));
		for (size_t n = 0; n <= sizeof(buf); n++)
			for (int t = 0; t < VG_IDTAB__COUNT; t++)
				assert_true(vg_regkey_prf(k, (vg_idtab)t, buf, n) ==
				            vgr_prf_sodium(k, (vg_idtab)t, buf, n));
		/* unaligned starts */
		for (size_t off = 1; off < 8; off++)
			assert_true(vg_regkey_prf(k, VG_IDTAB_EMAIL, buf + off, 37) ==
			            vgr_prf_sodium(k, VG_IDTAB_EMAIL, buf + off, 37));
		vg_regkey_free(k);
	}
}

/* XXH3 through src/core/xxh.h (AVX2 when the CPU has it) against
 * libxxhash's own updates: every length up to 1100 bytes in pieces of
 * varied sizes, then a few megabytes in uneven pieces, 64- and 128-bit,
 * the default and a custom secret (the fingerprint's). */
static void xxh_compare(const uint8_t *buf, size_t n, size_t piece, const uint8_t *secret)
{
	XXH3_state_t *a = XXH3_createState(), *b = XXH3_createState();
	XXH3_state_t *c = XXH3_createState(), *d = XXH3_createState();
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(d);
	XXH3_64bits_reset(a);
	XXH3_64bits_reset(b);
	if (secret) {
		XXH3_128bits_reset_withSecret(c, secret, 192);
		XXH3_128bits_reset_withSecret(d, secret, 192);
	} else {
		XXH3_128bits_reset(c);
		XXH3_128bits_reset(d);
	}
	for (size_t off = 0; off < n;) {
		size_t k = n - off < piece ? n - off : piece;
		XXH3_64bits_update(a, buf + off, k);
		vg_xxh3_64_update(b, buf + off, k);
		XXH3_128bits_update(c, buf + off, k);
		vg_xxh3_128_update(d, buf + off, k);
		off += k;
		piece = piece * 7 % 1013 + 1;
	}
	assert_true(XXH3_64bits_digest(a) == XXH3_64bits_digest(b));
	XXH128_hash_t x = XXH3_128bits_digest(c), y = XXH3_128bits_digest(d);
	assert_true(x.low64 == y.low64 && x.high64 == y.high64);
	XXH3_freeState(a);
	XXH3_freeState(b);
	XXH3_freeState(c);
	XXH3_freeState(d);
}

static void test_xxh_dispatch(void **state)
{
	(void)state;
	size_t big = (size_t)3 << 20;
	uint8_t *buf = malloc(big);
	assert_non_null(buf);
	randombytes_buf(buf, big);
	uint8_t secret[192];
	randombytes_buf(secret, sizeof(secret));
	for (size_t n = 0; n <= 1100; n += 1 + n / 16)
		for (size_t piece = 1; piece <= 1100; piece = piece * 3 + 2) {
			xxh_compare(buf, n, piece, NULL);
			xxh_compare(buf + 3, n, piece, secret);
		}
	xxh_compare(buf, big, 65536, NULL);
	xxh_compare(buf + 1, big - 1, 4097, secret);
	xxh_compare(buf, big, (size_t)1 << 20, secret);
	/* say which path was compared: the log tells whether AVX2 was tested */
	print_message("xxh3 path: %s\n", vg_cpu_avx2() ? "avx2" : "libxxhash");
	free(buf);
}

static void test_names(void **state)
{
	(void)state;
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		vg_idtab back;
		assert_int_equal(vg_idtab_parse(vg_idtab_name((vg_idtab)t), &back), 0);
		assert_int_equal(back, t);
	}
	vg_idtab t;
	assert_int_equal(vg_idtab_parse("id", &t), 0);
	assert_int_equal(t, VG_IDTAB_FTID);
	assert_int_equal(vg_idtab_parse("address", &t), VG_EINVAL);
	assert_string_equal(vg_idtab_name(VG_IDTAB__COUNT), "?");
	for (int c = 0; c < VG_CAT__COUNT; c++) {
		vg_category back;
		assert_int_equal(vg_category_parse(vg_category_name((vg_category)c), &back), 0);
		assert_int_equal(back, c);
		assert_true(strlen(vg_category_label((vg_category)c, VG_LANG_FR)) > 2);
		assert_true(strlen(vg_category_label((vg_category)c, VG_LANG_EN)) > 2);
	}
	vg_category c;
	assert_int_equal(vg_category_parse("password", &c), VG_EINVAL);
	assert_string_equal(vg_category_name(VG_CAT_FTID), "ft_id");
	assert_string_equal(vg_category_name(VG_CAT_REGISTRATION), "registration");
	assert_int_equal(VG_CAT_ALL, 0x3ff);
}

static void test_display_name(void **state)
{
	(void)state;
	char out[VG_REGFILE_NAME_MAX + 1];
	assert_int_equal(vg_regfile_display_name("/data/leak_2024-03-08.csv.gz", out), 22);
	assert_string_equal(out, "leak_2024-03-08.csv.gz");
	assert_int_equal(vg_regfile_display_name("extract CE lot 12.csv", out), 21);
	const char *bad[] = {
	    "/x/jean.dupont@gmail.com.csv", /* an email */
	    "export_0612345678.csv",        /* a phone */
	    "06 12 34 56 78.csv",           /* a phone with spaces */
	    "06.12.34.56.78.tsv",           /* a phone with dots */
	    "1234567A.csv",                 /* a France Travail id */
	    "185057800608436.csv",          /* a NIR */
	    "tab\there.csv",                /* a control character */
	    "bad\xff.csv",                  /* not UTF-8 */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out[0] = 'x';
		assert_int_equal(vg_regfile_display_name(bad[i], out), 0);
		assert_string_equal(out, "");
	}
	/* cut at 47 bytes, never inside a character */
	char longname[200];
	for (int i = 0; i < 30; i++)
		memcpy(longname + 2 * i, "é", 2); /* 2 bytes each */
	longname[60] = '\0';
	size_t n = vg_regfile_display_name(longname, out);
	assert_int_equal(n, 46);
	assert_int_equal(strlen(out), 46);
	assert_int_equal(vg_regfile_display_name(NULL, out), 0);
}

/* ------------------------------------------------------------ key */

static void test_key_create_and_load(void **state)
{
	(void)state;
	char dir[64];
	tmpdir(dir, sizeof(dir));
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/reg", dir); /* created by resolve */
	unsetenv(VG_REGKEY_ENV);
	vg_regkey *k1 = NULL, *k2 = NULL;
	char origin[256];
	vg_err err = {0};
	assert_int_equal(vg_regkey_resolve(sub, NULL, false, &k1, origin, sizeof(origin), &err),
	                 VG_ENOTFOUND);
	assert_non_null(strstr(err.msg, "registry.key"));
	assert_int_equal(vg_regkey_resolve(sub, NULL, true, &k1, origin, sizeof(origin), &err), 0);
	assert_non_null(strstr(origin, "/reg/registry.key"));
	char path[200];
	snprintf(path, sizeof(path), "%s/registry.key", sub);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	size_t len;
	uint8_t *content = slurp(path, &len);
	assert_int_equal(len, 65);
	assert_int_equal(content[64], '\n');
	for (int i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", content[i]));
	/* loading it again gives the same key; creating again reuses it */
	assert_int_equal(vg_regkey_resolve(sub, NULL, true, &k2, NULL, 0, &err), 0);
	assert_string_equal(vg_regkey_id(k1), vg_regkey_id(k2));
	assert_int_equal(strlen(vg_regkey_id(k1)), VG_REGKEY_ID_HEX);
	assert_int_equal(vg_regkey_prf(k1, VG_IDTAB_EMAIL, "a@b.fr", 6),
	                 vg_regkey_prf(k2, VG_IDTAB_EMAIL, "a@b.fr", 6));
	vg_regkey_free(k2);
	/* the same key as hex */
	assert_int_equal(vg_regkey_from_hex((char *)content, len, &k2, &err), 0);
	assert_string_equal(vg_regkey_id(k1), vg_regkey_id(k2));
	vg_regkey_free(k2);
	/* create_file never overwrites */
	assert_int_equal(vg_regkey_create_file(path, &k2, &err), VG_EIO);
	free(content);
	vg_regkey_free(k1);
	rm_rf(dir);
}

static void test_key_permissions(void **state)
{
	(void)state;
	char dir[64], path[128];
	tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/k", dir);
	vg_regkey *k = NULL;
	vg_err err = {0};
	assert_int_equal(vg_regkey_create_file(path, &k, &err), 0);
	char id[VG_REGKEY_ID_HEX + 1];
	snprintf(id, sizeof(id), "%s", vg_regkey_id(k));
	vg_regkey_free(k);
	const mode_t bad[] = {0644, 0640, 0604, 0620, 0602, 0610};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chmod(path, bad[i]), 0);
		k = NULL;
		memset(&err, 0, sizeof(err));
		assert_int_equal(vg_regkey_load_file(path, &k, &err), VG_EINVAL);
		assert_null(k);
		assert_non_null(strstr(err.msg, "chmod 600"));
		assert_non_null(strstr(err.msg, path));
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(vg_regkey_load_file(path, &k, &err), 0);
	assert_string_equal(vg_regkey_id(k), id);
	vg_regkey_free(k);
	/* a directory, a missing file, garbage */
	assert_int_equal(vg_regkey_load_file(dir, &k, &err), VG_EINVAL);
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(vg_regkey_load_file(path, &k, &err), VG_ENOTFOUND);
	snprintf(path, sizeof(path), "%s/junk", dir);
	spit(path, "not a key\n", 10);
	chmod(path, 0600);
	assert_int_equal(vg_regkey_load_file(path, &k, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "not a registry key"));
	/* 32 raw bytes are a key too, the same as their hex */
	uint8_t raw[32];
	for (int i = 0; i < 32; i++)
		raw[i] = (uint8_t)(i * 7 + 1);
	snprintf(path, sizeof(path), "%s/raw", dir);
	spit(path, raw, 32);
	chmod(path, 0600);
	vg_regkey *k2 = NULL;
	assert_int_equal(vg_regkey_load_file(path, &k, &err), 0);
	assert_int_equal(vg_regkey_from_bytes(raw, &k2), 0);
	assert_string_equal(vg_regkey_id(k), vg_regkey_id(k2));
	vg_regkey_free(k);
	vg_regkey_free(k2);
	rm_rf(dir);
}

static void test_key_env(void **state)
{
	(void)state;
	char dir[64], path[128];
	tmpdir(dir, sizeof(dir));
	const char *hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	uint8_t bytes[32];
	for (int i = 0; i < 32; i++)
		bytes[i] = (uint8_t)i;
	vg_regkey *want = NULL, *k = NULL;
	assert_int_equal(vg_regkey_from_bytes(bytes, &want), 0);
	setenv(VG_REGKEY_ENV, hex, 1);
	char origin[256];
	vg_err err = {0};
	assert_int_equal(vg_regkey_resolve(dir, NULL, true, &k, origin, sizeof(origin), &err), 0);
	assert_string_equal(origin, VG_REGKEY_ENV);
	assert_string_equal(vg_regkey_id(k), vg_regkey_id(want));
	assert_false(exists(dir, "registry.key")); /* nothing created */
	vg_regkey_free(k);
	/* --key-file wins over the environment */
	snprintf(path, sizeof(path), "%s/other.key", dir);
	assert_int_equal(vg_regkey_create_file(path, &k, &err), 0);
	char id[VG_REGKEY_ID_HEX + 1];
	snprintf(id, sizeof(id), "%s", vg_regkey_id(k));
	vg_regkey_free(k);
	assert_int_equal(vg_regkey_resolve(dir, path, true, &k, origin, sizeof(origin), &err), 0);
	assert_string_equal(vg_regkey_id(k), id);
	assert_non_null(strstr(origin, "--key-file"));
	vg_regkey_free(k);
	/* bad values: a clear error that does not echo the value */
	const char *bad[] = {"00",
	                     "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	                     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00"};
	for (size_t i = 0; i < 3; i++) {
		setenv(VG_REGKEY_ENV, bad[i], 1);
		memset(&err, 0, sizeof(err));
		assert_int_equal(vg_regkey_resolve(dir, NULL, true, &k, NULL, 0, &err), VG_EINVAL);
		assert_non_null(strstr(err.msg, VG_REGKEY_ENV));
		assert_null(strstr(err.msg, "0a0b0c"));
	}
	/* whitespace around is fine */
	setenv(VG_REGKEY_ENV, " 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
	       1);
	assert_int_equal(vg_regkey_resolve(dir, NULL, false, &k, NULL, 0, &err), 0);
	assert_string_equal(vg_regkey_id(k), vg_regkey_id(want));
	vg_regkey_free(k);
	unsetenv(VG_REGKEY_ENV);
	vg_regkey_free(want);
	rm_rf(dir);
}

/* The key id and PRF are what the documentation says, recomputed here with
 * libsodium directly. */
static void test_key_derivation(void **state)
{
	(void)state;
	uint8_t bytes[32];
	for (int i = 0; i < 32; i++)
		bytes[i] = (uint8_t)(0xa0 + i);
	vg_regkey *k = NULL;
	assert_int_equal(vg_regkey_from_bytes(bytes, &k), 0);
	uint8_t h[16];
	crypto_generichash(h, 16, (const unsigned char *)"vigie-key-id", 12, bytes, 32);
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), h, 8);
	assert_string_equal(vg_regkey_id(k), hex);
	const char *email = "jean.dupont@example.org";
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		uint8_t sub[16], out[8];
		crypto_kdf_derive_from_key(sub, 16, (uint64_t)t + 1, "vigiereg", bytes);
		crypto_shorthash_siphash24(out, (const unsigned char *)email, strlen(email), sub);
		uint64_t want;
		memcpy(&want, out, 8);
		assert_true(want == vg_regkey_prf(k, (vg_idtab)t, email, strlen(email)));
	}
	vg_regkey_free(k);
}

static void test_prf(void **state)
{
	(void)state;
	vg_regkey *a = key_of(1), *b = key_of(2);
	const char *s = "+33612345678";
	uint64_t p = vg_regkey_prf(a, VG_IDTAB_PHONE, s, strlen(s));
	assert_true(p == vg_regkey_prf(a, VG_IDTAB_PHONE, s, strlen(s)));
	/* key separation: other table, other key, other input */
	assert_true(p != vg_regkey_prf(a, VG_IDTAB_EMAIL, s, strlen(s)));
	assert_true(p != vg_regkey_prf(a, VG_IDTAB_NIR, s, strlen(s)));
	assert_true(p != vg_regkey_prf(b, VG_IDTAB_PHONE, s, strlen(s)));
	assert_true(p != vg_regkey_prf(a, VG_IDTAB_PHONE, "+33612345679", 12));
	assert_true(p != vg_regkey_prf(a, VG_IDTAB_PHONE, s, strlen(s) - 1));
	/* name + dob is the PRF over name NUL dob */
	const char buf[] = "MARTIN HELENE\0"
	                   "1984-03-05";
	assert_true(vg_regkey_prf_name_dob(a, "MARTIN HELENE", 13, "1984-03-05", 10) ==
	            vg_regkey_prf(a, VG_IDTAB_NAME_DOB, buf, sizeof(buf) - 1));
	assert_true(vg_regkey_prf_name_dob(a, "MARTIN HELENE", 13, "1984-03-05", 10) !=
	            vg_regkey_prf_name_dob(a, "MARTIN HELEN", 12, "E1984-03-05", 11));
	/* uniform enough for interpolation search: top bytes of 256,000 pseudonyms */
	unsigned hist[256] = {0};
	for (unsigned i = 0; i < 256000; i++) {
		char v[32];
		int n = snprintf(v, sizeof(v), "person%u@example.org", i);
		hist[vg_regkey_prf(a, VG_IDTAB_EMAIL, v, (size_t)n) >> 56]++;
	}
	double chi = 0;
	for (int i = 0; i < 256; i++)
		chi += (hist[i] - 1000.0) * (hist[i] - 1000.0) / 1000.0;
	assert_true(chi < 400); /* 255 degrees of freedom: p < 1e-7 beyond this */
	vg_regkey_free(a);
	vg_regkey_free(b);
}

static void test_fingerprint(void **state)
{
	(void)state;
	vg_regkey *a = key_of(1), *b = key_of(2);
	char dir[64], path[128];
	tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	size_t n = 3 << 20;
	uint8_t *data = malloc(n);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	spit(path, data, n);
	uint8_t f1[32], f2[32], f3[32];
	uint64_t size = 0;
	int fd = open(path, O_RDONLY);
	assert_int_equal(vg_fingerprint_fd(a, fd, f1, &size, NULL), 0);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0); /* offset not moved */
	close(fd);
	assert_int_equal(size, n);
	/* streaming in odd pieces gives the same */
	vg_fingerprint fp;
	vg_fingerprint_init(&fp, a);
	for (size_t at = 0; at < n;) {
		size_t k = (at * 7 + 13) % 100000 + 1;
		if (k > n - at)
			k = n - at;
		vg_fingerprint_update(&fp, data + at, k);
		at += k;
	}
	vg_fingerprint_final(&fp, f2);
	assert_memory_equal(f1, f2, 32);
	/* one byte changed, one byte less, another key */
	data[n / 2] ^= 1;
	vg_fingerprint_init(&fp, a);
	vg_fingerprint_update(&fp, data, n);
	vg_fingerprint_final(&fp, f3);
	assert_memory_not_equal(f1, f3, 32);
	data[n / 2] ^= 1;
	vg_fingerprint_init(&fp, a);
	vg_fingerprint_update(&fp, data, n - 1);
	vg_fingerprint_final(&fp, f3);
	assert_memory_not_equal(f1, f3, 32);
	vg_fingerprint_init(&fp, b);
	vg_fingerprint_update(&fp, data, n);
	vg_fingerprint_final(&fp, f3);
	assert_memory_not_equal(f1, f3, 32);
	free(data);
	vg_regkey_free(a);
	vg_regkey_free(b);
	rm_rf(dir);
}

/* ------------------------------------------------------------ building */

static void test_build_lookup_dedup(void **state)
{
	(void)state;
	vg_regkey *k = key_of(3);
	char dir[64];
	tmpdir(dir, sizeof(dir));
	vg_regbuild *b = begin(dir, k, 0);
	assert_null(vg_regbuild_current(b));
	unsigned ft = source(b, "France Travail", 0);
	unsigned ce = source(b, "Cap Emploi", VG_SOURCE_SPECIAL);
	assert_int_equal(ft, 0);
	assert_int_equal(ce, 1);
	assert_int_equal(source(b, "France Travail", 0), 0); /* found again */
	const char *emails[] = {"a@x.fr", "b@x.fr", "c@x.fr"};
	uint64_t p[3];
	for (int i = 0; i < 3; i++)
		p[i] = vg_regkey_prf(k, VG_IDTAB_EMAIL, emails[i], strlen(emails[i]));
	uint16_t E = VG_CAT_BIT(VG_CAT_EMAIL), N = VG_CAT_BIT(VG_CAT_NAME),
	         R = VG_CAT_BIT(VG_CAT_NIR);
	vg_regentry batch[] = {
	    ent(VG_IDTAB_EMAIL, p[0], E | N, 1u << ft),
	    ent(VG_IDTAB_EMAIL, p[1], E, 1u << ft),
	    ent(VG_IDTAB_EMAIL, p[0], E | R, 1u << ce), /* same key: OR */
	    ent(VG_IDTAB_EMAIL, p[0], E, 1u << ft),
	    ent(VG_IDTAB_PHONE, p[0], VG_CAT_BIT(VG_CAT_PHONE), 1u << ce), /* other table */
	};
	assert_int_equal(vg_regbuild_add_batch(b, batch, 5, NULL), 0);
	vg_regfile f = file_rec(k, "file one", ft, 4, "ft.csv");
	f.rows_with[VG_CAT_NAME] = 1;
	assert_int_equal(vg_regbuild_add_file(b, &f, NULL), 0);
	vg_regfile f2 = file_rec(k, "file two", ce, 1, "ce.csv");
	f2.rows_read = 3;
	f2.rows_rejected = 2;
	assert_int_equal(vg_regbuild_add_file(b, &f2, NULL), 0);
	vg_regbuild_result res;
	commit(b, &res);
	assert_true(res.published);
	assert_int_equal(res.generation, 1);
	assert_int_equal(res.added, 5);
	assert_int_equal(res.entries, 3);
	assert_int_equal(res.table_entries[VG_IDTAB_EMAIL], 2);
	assert_int_equal(res.table_entries[VG_IDTAB_PHONE], 1);
	assert_true(exists(dir, "CURRENT"));
	assert_true(exists(dir, "registry-000001.vgr"));

	vg_registry *r = open_dir(dir, k);
	vg_reghit h;
	assert_int_equal(vg_registry_lookup(r, VG_IDTAB_EMAIL, p[0], &h), 1);
	assert_int_equal(h.cats, E | N | R);
	assert_int_equal(h.sources, 3);
	assert_int_equal(vg_registry_check(r, VG_IDTAB_EMAIL, "b@x.fr", 6, &h), 1);
	assert_int_equal(h.cats, E);
	assert_int_equal(h.sources, 1);
	assert_int_equal(vg_registry_check(r, VG_IDTAB_EMAIL, "c@x.fr", 6, &h), 0);
	assert_int_equal(h.cats, 0);
	assert_int_equal(vg_registry_lookup(r, VG_IDTAB_PHONE, p[1], &h), 0);
	assert_int_equal(vg_registry_lookup(r, VG_IDTAB_PHONE, p[0], &h), 1);
	assert_int_equal(vg_registry_lookup(r, VG_IDTAB_NIR, p[0], &h), 0);
	/* sources, files, statistics */
	assert_int_equal(vg_registry_source_count(r), 2);
	assert_string_equal(vg_registry_source(r, 1)->name, "Cap Emploi");
	assert_int_equal(vg_registry_source(r, 1)->flags, VG_SOURCE_SPECIAL);
	assert_null(vg_registry_source(r, 2));
	assert_int_equal(vg_registry_special_sources(r), 2);
	assert_int_equal(vg_registry_file_count(r), 2);
	vg_regfile got;
	assert_int_equal(vg_registry_file(r, 1, &got), 0);
	assert_string_equal(got.name, "ce.csv");
	assert_int_equal(got.rows_rejected, 2);
	assert_int_equal(got.time, 1700000000);
	assert_int_equal(vg_registry_file(r, 2, &got), VG_EINVAL);
	uint64_t idx = 9;
	assert_true(vg_registry_has_file(r, f2.fingerprint, &idx));
	assert_int_equal(idx, 1);
	const vg_registry_stats *st = vg_registry_get_stats(r);
	assert_int_equal(st->rows_read, 7);
	assert_int_equal(st->rows_accepted, 5);
	assert_int_equal(st->rows_rejected, 2);
	assert_int_equal(st->files, 2);
	assert_int_equal(st->entries, 3);
	assert_int_equal(st->rows_with[VG_CAT_EMAIL], 5);
	assert_int_equal(st->source[ft].rows_with[VG_CAT_NAME], 1);
	assert_int_equal(st->source[ce].files, 1);
	const vg_regstats_table *te = &st->table[VG_IDTAB_EMAIL];
	assert_int_equal(te->entries, 2);
	assert_int_equal(te->with_cat[VG_CAT_EMAIL], 2);
	assert_int_equal(te->with_cat[VG_CAT_NAME], 1);
	assert_int_equal(te->with_cat[VG_CAT_NIR], 1);
	assert_int_equal(te->in_source[ft], 2);
	assert_int_equal(te->in_source[ce], 1);
	assert_int_equal(te->in_special, 1);
	assert_int_equal(st->table[VG_IDTAB_PHONE].in_special, 1);
	vg_registry_info info;
	vg_registry_get_info(r, &info);
	assert_int_equal(info.format_version, 1);
	assert_int_equal(info.generation, 1);
	assert_int_equal(info.created, 1700000000);
	assert_string_equal(info.key_id, vg_regkey_id(k));
	assert_int_equal(info.entries, 3);
	assert_string_equal(info.section[0].name, "keys.email");
	assert_int_equal(info.section[0].count, 2);
	assert_string_equal(info.section[12].name, "files");
	vg_registry_close(r);
	/* opened without a key: lookups by pseudonym work, checks need the key */
	assert_int_equal(vg_registry_open_dir(dir, NULL, 0, &r, NULL), 0);
	assert_int_equal(vg_registry_check(r, VG_IDTAB_EMAIL, "a@x.fr", 6, &h), VG_EUSAGE);
	assert_int_equal(vg_registry_lookup(r, VG_IDTAB_EMAIL, p[0], &h), 1);
	vg_registry_close(r);
	vg_regkey_free(k);
	rm_rf(dir);
}

static void test_build_invalid(void **state)
{
	(void)state;
	vg_regkey *k = key_of(4);
	char dir[64];
	tmpdir(dir, sizeof(dir));
	vg_regbuild *b = begin(dir, k, 0);
	unsigned s = source(b, "S", 0);
	vg_err err = {0};
	vg_regentry bad[] = {
	    ent(VG_IDTAB_EMAIL, 1, 1, 1u << s), ent(VG_IDTAB__COUNT, 2, 1, 1), /* unknown table */
	};
	assert_int_equal(vg_regbuild_add_batch(b, bad, 2, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "entry 1"));
	vg_regentry bad2[] = {ent(VG_IDTAB_EMAIL, 3, 1, 2)};     /* source 1 not registered */
	vg_regentry bad3[] = {ent(VG_IDTAB_EMAIL, 3, 0x400, 1)}; /* unknown category */
	vg_regentry bad4[] = {ent(VG_IDTAB_EMAIL, 3, 1, 0)};     /* no source */
	assert_int_equal(vg_regbuild_add_batch(b, bad2, 1, NULL), VG_EINVAL);
	assert_int_equal(vg_regbuild_add_batch(b, bad3, 1, NULL), VG_EINVAL);
	assert_int_equal(vg_regbuild_add_batch(b, bad4, 1, NULL), VG_EINVAL);
	/* source names and the 16-source limit */
	unsigned i;
	assert_int_equal(vg_regbuild_source(b, "", 0, &i, NULL), VG_EINVAL);
	assert_int_equal(vg_regbuild_source(b, "a\nb", 0, &i, NULL), VG_EINVAL);
	assert_int_equal(vg_regbuild_source(b, "S", 0x80, &i, NULL), VG_EINVAL);
	char longn[80];
	memset(longn, 'x', 56);
	longn[56] = '\0';
	assert_int_equal(vg_regbuild_source(b, longn, 0, &i, NULL), VG_EINVAL);
	longn[55] = '\0';
	assert_int_equal(vg_regbuild_source(b, longn, 0, &i, NULL), 0);
	for (int n = 2; n < VG_SOURCE_MAX; n++) {
		char name[16];
		snprintf(name, sizeof(name), "source %d", n);
		assert_int_equal(vg_regbuild_source(b, name, 0, &i, NULL), 0);
		assert_int_equal(i, n);
	}
	assert_int_equal(vg_regbuild_source(b, "one too many", 0, &i, &err), VG_ETOOBIG);
	/* file counters must reconcile */
	vg_regfile f = file_rec(k, "x", s, 10, "x.csv");
	f.rows_accepted = 9;
	assert_int_equal(vg_regbuild_add_file(b, &f, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "reconcile"));
	f.rows_rejected = 1;
	f.rows_with[VG_CAT_NIR] = 10;
	assert_int_equal(vg_regbuild_add_file(b, &f, NULL), VG_EINVAL);
	f.rows_with[VG_CAT_NIR] = 9;
	f.rows_with[VG_CAT_EMAIL] = 9;
	f.source = 16;
	assert_int_equal(vg_regbuild_add_file(b, &f, NULL), VG_EINVAL);
	f.source = s;
	assert_int_equal(vg_regbuild_add_file(b, &f, NULL), 0);
	assert_int_equal(vg_regbuild_add_file(b, &f, &err), VG_EINVAL); /* twice */
	vg_regentry good[] = {ent(VG_IDTAB_EMAIL, 1, 1, 1u << s)};
	assert_int_equal(vg_regbuild_add_batch(b, good, 1, NULL), 0);
	vg_regbuild_result res;
	commit(b, &res);
	assert_int_equal(res.entries, 1); /* nothing of the bad batches */
	vg_registry *r = open_dir(dir, k);
	assert_int_equal(vg_registry_source_count(r), 16);
	vg_registry_close(r);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* Entries of person i in three tables, from source s. */
static void person(const vg_regkey *k, unsigned i, unsigned s, vg_regentry *out)
{
	char v[64];
	int n = snprintf(v, sizeof(v), "person%u@example.org", i);
	uint16_t cats = VG_CAT_BIT(VG_CAT_EMAIL) | VG_CAT_BIT(VG_CAT_NAME) |
	                (uint16_t)(i % 3 == 0 ? VG_CAT_BIT(VG_CAT_NIR) : 0);
	out[0] = ent(VG_IDTAB_EMAIL, vg_regkey_prf(k, VG_IDTAB_EMAIL, v, (size_t)n), cats,
	             (uint16_t)(1u << s));
	n = snprintf(v, sizeof(v), "+336%08u", i);
	out[1] = ent(VG_IDTAB_PHONE, vg_regkey_prf(k, VG_IDTAB_PHONE, v, (size_t)n), cats,
	             (uint16_t)(1u << s));
	n = snprintf(v, sizeof(v), "1%014u", i);
	out[2] = ent(VG_IDTAB_NIR, vg_regkey_prf(k, VG_IDTAB_NIR, v, (size_t)n), cats,
	             (uint16_t)(1u << s));
}

/* Adds persons [from, to) of source s in batches of 1000. */
static void add_people(vg_regbuild *b, const vg_regkey *k, unsigned from, unsigned to, unsigned s)
{
	vg_regentry batch[3000];
	size_t n = 0;
	for (unsigned i = from; i < to; i++) {
		person(k, i, s, batch + n);
		n += 3;
		if (n == 3000 || i + 1 == to) {
			assert_int_equal(vg_regbuild_add_batch(b, batch, n, NULL), 0);
			n = 0;
		}
	}
}

static void test_incremental(void **state)
{
	(void)state;
	vg_regkey *k = key_of(5);
	char dir[64];
	tmpdir(dir, sizeof(dir));
	/* version 1: people 0..999 from France Travail */
	vg_regbuild *b = begin(dir, k, 0);
	unsigned ft = source(b, "France Travail", 0);
	add_people(b, k, 0, 1000, ft);
	vg_regfile f1 = file_rec(k, "ft extract", ft, 1000, "ft.csv");
	assert_int_equal(vg_regbuild_claim(b, f1.fingerprint), 1);
	assert_int_equal(vg_regbuild_claim(b, f1.fingerprint), 0); /* claimed already */
	assert_int_equal(vg_regbuild_add_file(b, &f1, NULL), 0);
	vg_regbuild_result res;
	commit(b, &res);
	assert_int_equal(res.entries, 3000);
	size_t len1;
	char p1[128];
	snprintf(p1, sizeof(p1), "%s/registry-000001.vgr", dir);
	uint8_t *v1 = slurp(p1, &len1);

	/* version 2: people 500..1499 from Cap Emploi; 500..999 are in both */
	b = begin(dir, k, 0);
	assert_non_null(vg_regbuild_current(b));
	assert_int_equal(vg_regbuild_claim(b, f1.fingerprint), 0); /* in the live version */
	unsigned ce = source(b, "Cap Emploi", VG_SOURCE_SPECIAL);
	assert_int_equal(ce, 1);
	assert_int_equal(source(b, "France Travail", 0), ft); /* stable index */
	add_people(b, k, 500, 1500, ce);
	vg_regfile f2 = file_rec(k, "ce extract", ce, 1000, "ce.csv");
	assert_int_equal(vg_regbuild_claim(b, f2.fingerprint), 1);
	assert_int_equal(vg_regbuild_add_file(b, &f2, NULL), 0);
	commit(b, &res);
	assert_true(res.published);
	assert_int_equal(res.generation, 2);
	assert_int_equal(res.entries_before, 3000);
	assert_int_equal(res.entries, 4500);
	vg_registry *r = open_dir(dir, k);
	vg_regentry e[3];
	vg_reghit h;
	for (unsigned i = 0; i < 1600; i++) {
		person(k, i, 0, e);
		uint16_t want = (uint16_t)((i < 1000 ? 1u << ft : 0) | (i >= 500 ? 1u << ce : 0));
		for (int t = 0; t < 3; t++) {
			int found = vg_registry_lookup(r, (vg_idtab)e[t].table, e[t].key, &h);
			assert_int_equal(found, i < 1500);
			assert_int_equal(h.sources, i < 1500 ? want : 0);
			assert_int_equal(h.cats, i < 1500 ? e[t].cats : 0);
		}
	}
	const vg_registry_stats *st = vg_registry_get_stats(r);
	assert_int_equal(st->files, 2);
	assert_int_equal(st->rows_read, 2000);
	assert_int_equal(st->source[ft].rows_read, 1000);
	assert_int_equal(st->table[VG_IDTAB_NIR].in_source[ft], 1000);
	assert_int_equal(st->table[VG_IDTAB_NIR].in_source[ce], 1000);
	assert_int_equal(st->table[VG_IDTAB_NIR].in_special, 1000);
	assert_int_equal(st->table[VG_IDTAB_NIR].with_cat[VG_CAT_NIR], 500);
	vg_registry_close(r);
	/* version 1 is kept (keep = 2) and unchanged */
	size_t len1b;
	uint8_t *v1b = slurp(p1, &len1b);
	assert_int_equal(len1, len1b);
	assert_memory_equal(v1, v1b, len1);
	free(v1b);

	/* the same file again: nothing to do, nothing published */
	char p2[128];
	snprintf(p2, sizeof(p2), "%s/registry-000002.vgr", dir);
	size_t len2;
	uint8_t *v2 = slurp(p2, &len2);
	b = begin(dir, k, 0);
	assert_int_equal(vg_regbuild_claim(b, f2.fingerprint), 0);
	assert_int_equal(vg_regbuild_claim(b, f1.fingerprint), 0);
	assert_int_equal(vg_regbuild_add_file(b, &f2, NULL), VG_EINVAL);
	assert_int_equal(source(b, "Cap Emploi", VG_SOURCE_SPECIAL), ce); /* no change */
	commit(b, &res);
	assert_false(res.published);
	assert_int_equal(res.generation, 2);
	assert_string_equal(res.path, p2);
	size_t len2b;
	uint8_t *v2b = slurp(p2, &len2b);
	assert_int_equal(len2, len2b);
	assert_memory_equal(v2, v2b, len2);
	assert_false(exists(dir, "registry-000003.vgr"));
	size_t lc;
	char pc[128];
	snprintf(pc, sizeof(pc), "%s/CURRENT", dir);
	uint8_t *cur = slurp(pc, &lc);
	assert_int_equal(lc, 20);
	assert_memory_equal(cur, "registry-000002.vgr\n", 20);
	free(cur);

	/* a third version drops the first (keep = 2) */
	b = begin(dir, k, 0);
	add_people(b, k, 2000, 2001, ft);
	commit(b, &res);
	assert_int_equal(res.generation, 3);
	assert_false(exists(dir, "registry-000001.vgr"));
	assert_true(exists(dir, "registry-000002.vgr"));
	assert_true(exists(dir, "registry-000003.vgr"));
	/* keep_all keeps them, keep = 1 keeps only the new one */
	vg_regbuild_opts o = {.keep_all = true, .now = 1};
	assert_int_equal(vg_regbuild_begin(dir, k, &o, &b, NULL), 0);
	add_people(b, k, 2001, 2002, ft);
	commit(b, &res);
	assert_true(exists(dir, "registry-000002.vgr"));
	assert_true(exists(dir, "registry-000003.vgr"));
	assert_true(exists(dir, "registry-000004.vgr"));
	o.keep_all = false;
	o.keep = 1;
	assert_int_equal(vg_regbuild_begin(dir, k, &o, &b, NULL), 0);
	add_people(b, k, 2002, 2003, ft);
	commit(b, &res);
	assert_false(exists(dir, "registry-000002.vgr"));
	assert_false(exists(dir, "registry-000003.vgr"));
	assert_false(exists(dir, "registry-000004.vgr"));
	assert_true(exists(dir, "registry-000005.vgr"));
	r = open_dir(dir, k);
	assert_int_equal(vg_registry_get_stats(r)->entries, 4509);
	assert_int_equal(vg_registry_source(r, ce)->flags, VG_SOURCE_SPECIAL); /* sticky */
	vg_registry_close(r);
	free(v1);
	free(v2);
	free(v2b);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* Builds the same content in dir with the given budget; returns the file. */
static uint8_t *build_people(const char *dir, const vg_regkey *k, size_t budget, unsigned n,
                             size_t *len, unsigned *runs)
{
	vg_regbuild *b = begin(dir, k, budget);
	unsigned s0 = source(b, "A", 0), s1 = source(b, "B", VG_SOURCE_SPECIAL);
	/* two overlapping passes, so that runs hold duplicates of each other */
	add_people(b, k, 0, n, s0);
	add_people(b, k, n / 3, n + n / 3, s1);
	add_people(b, k, 0, n / 10, s0);
	vg_regfile f = file_rec(k, "a", s0, 7, "a.csv");
	assert_int_equal(vg_regbuild_add_file(b, &f, NULL), 0);
	vg_regbuild_result res;
	commit(b, &res);
	*runs = res.runs;
	assert_int_equal(res.entries, 3 * (n + n / 3));
	char p[128];
	snprintf(p, sizeof(p), "%s/registry-000001.vgr", dir);
	return slurp(p, len);
}

static void test_spill_same_file(void **state)
{
	(void)state;
	vg_regkey *k = key_of(6);
	char d1[64], d2[64];
	tmpdir(d1, sizeof(d1));
	tmpdir(d2, sizeof(d2));
	size_t l1, l2;
	unsigned runs1, runs2;
	uint8_t *f1 = build_people(d1, k, 0, 100000, &l1, &runs1);
	uint8_t *f2 = build_people(d2, k, VG_REGBUILD_MIN_BUDGET, 100000, &l2, &runs2);
	assert_int_equal(runs1, 0);
	assert_true(runs2 >= 5);
	assert_int_equal(l1, l2);
	assert_memory_equal(f1, f2, l1);
	vg_registry *r = open_dir(d2, k);
	vg_registry_close(r);
	/* nothing left behind but the registry, CURRENT, the lock */
	int count = 0;
	char p[128];
	snprintf(p, sizeof(p), "ls -A %s | wc -l", d2);
	FILE *ls = popen(p, "r");
	assert_int_equal(fscanf(ls, "%d", &count), 1);
	pclose(ls);
	assert_int_equal(count, 3);
	free(f1);
	free(f2);
	vg_regkey_free(k);
	rm_rf(d1);
	rm_rf(d2);
}

typedef struct thr_arg {
	vg_regbuild *b;
	const vg_regkey *k;
	unsigned from, to, s;
	uint8_t fp[32];
	int claimed;
} thr_arg;

static void *thr_add(void *p)
{
	thr_arg *a = p;
	a->claimed = vg_regbuild_claim(a->b, a->fp);
	add_people(a->b, a->k, a->from, a->to, a->s);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	vg_regkey *k = key_of(7);
	char dir[64];
	tmpdir(dir, sizeof(dir));
	vg_regbuild *b = begin(dir, k, 4u << 20); /* small: spills happen under contention */
	unsigned s = source(b, "S", 0);
	thr_arg a[2] = {{.b = b, .k = k, .from = 0, .to = 40000, .s = s},
	                {.b = b, .k = k, .from = 20000, .to = 60000, .s = s}};
	memset(a[0].fp, 7, 32);
	memset(a[1].fp, 7, 32); /* the same file given twice */
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thr_add, &a[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(a[0].claimed + a[1].claimed, 1);
	vg_regbuild_result res;
	commit(b, &res);
	assert_int_equal(res.entries, 180000);
	assert_int_equal(res.added, 240000);
	vg_registry *r = open_dir(dir, k);
	vg_regentry e[3];
	vg_reghit h;
	for (unsigned i = 0; i < 60000; i += 7) {
		person(k, i, s, e);
		assert_int_equal(vg_registry_lookup(r, VG_IDTAB_PHONE, e[1].key, &h), 1);
		assert_int_equal(h.cats, e[1].cats);
	}
	vg_registry_close(r);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* ------------------------------------------------------------ lookups */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Builds table NIR from keys (distinct), checks every key and non-keys. */
static void lookup_case(const vg_regkey *k, uint64_t *keys, size_t n)
{
	char dir[64];
	tmpdir(dir, sizeof(dir));
	vg_regbuild *b = begin(dir, k, 0);
	unsigned s = source(b, "S", 0);
	vg_regentry *e = malloc((n + 1) * sizeof(*e));
	for (size_t i = 0; i < n; i++)
		e[i] = ent(VG_IDTAB_NIR, keys[i], (uint16_t)(1 + (keys[i] & 0x1ff)),
		           (uint16_t)(1u << s));
	assert_int_equal(vg_regbuild_add_batch(b, e, n, NULL), 0);
	vg_regfile f = file_rec(k, "f", s, 0, "f.csv"); /* so that even n = 0 publishes */
	assert_int_equal(vg_regbuild_add_file(b, &f, NULL), 0);
	vg_regbuild_result res;
	commit(b, &res);
	assert_int_equal(res.entries, n);
	vg_registry *r = open_dir(dir, k);
	vg_reghit h;
	for (size_t i = 0; i < n; i++) {
		if (vg_registry_lookup(r, VG_IDTAB_NIR, keys[i], &h) != 1)
			fail_msg("key %zu of %zu (%llx) not found", i, n,
			         (unsigned long long)keys[i]);
		assert_int_equal(h.cats, 1 + (keys[i] & 0x1ff));
		assert_int_equal(vg_registry_lookup(r, VG_IDTAB_EMAIL, keys[i], &h), 0);
	}
	/* neighbours that are not keys */
	qsort(keys, n, sizeof(*keys), cmp_u64);
	uint64_t probes[] = {0, 1, UINT64_MAX, UINT64_MAX - 1, 1ull << 63};
	for (size_t i = 0; i < 5; i++) {
		uint64_t *hit = bsearch(&probes[i], keys, n, sizeof(*keys), cmp_u64);
		assert_int_equal(vg_registry_lookup(r, VG_IDTAB_NIR, probes[i], &h), hit != NULL);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t x = keys[i] + 1;
		if (x != 0 && (i + 1 == n || keys[i + 1] != x))
			assert_int_equal(vg_registry_lookup(r, VG_IDTAB_NIR, x, &h), 0);
		x = keys[i] - 1;
		if (keys[i] != 0 && (i == 0 || keys[i - 1] != x))
			assert_int_equal(vg_registry_lookup(r, VG_IDTAB_NIR, x, &h), 0);
	}
	/* vg_registry_lookup_many: the same answers, mixed tables and misses */
	size_t m = 3 * n + 5;
	uint64_t *q = malloc((m + 1) * sizeof(*q));
	uint8_t *qt = malloc(m + 1);
	vg_reghit *qh = malloc((m + 1) * sizeof(*qh));
	size_t nq = 0, want = 0;
	for (size_t i = 0; i < 5; i++)
		q[nq] = probes[i], qt[nq++] = VG_IDTAB_NIR;
	/* every key of the small tables, a spread of 100,000 of the large one */
	for (size_t i = 0; i<n; i += n> 100000 ? n / 100000 : 1) {
		q[nq] = keys[(i * 7919) % n],
		qt[nq++] = (i % 5 == 4) ? VG_IDTAB_EMAIL : VG_IDTAB_NIR;
		q[nq] = keys[i] + 1, qt[nq++] = VG_IDTAB_NIR;
		q[nq] = keys[i] - 1, qt[nq++] = (i % 7 == 3) ? VG_IDTAB__COUNT : VG_IDTAB_NIR;
	}
	for (size_t i = 0; i < nq; i++) {
		if (qt[i] < VG_IDTAB__COUNT)
			want += (size_t)vg_registry_lookup(r, (vg_idtab)qt[i], q[i], &h);
	}
	vg_regguide *g = vg_registry_guide_new(r);
	for (int guided = 0; guided < 2; guided++) {
		for (size_t i = 0; i < nq; i++)
			qh[i].cats = qh[i].sources = 0xffff;
		assert_int_equal(vg_registry_lookup_many(r, guided ? g : NULL, nq, qt, q, qh),
		                 want);
		for (size_t i = 0; i < nq; i++) {
			vg_reghit h1 = {0, 0};
			if (qt[i] < VG_IDTAB__COUNT)
				(void)vg_registry_lookup(r, (vg_idtab)qt[i], q[i], &h1);
			if (qh[i].cats != h1.cats || qh[i].sources != h1.sources)
				fail_msg("lookup_many (guide %d) %zu of %zu differs", guided, i,
				         nq);
		}
	}
	vg_registry_guide_free(g);
	free(q);
	free(qt);
	free(qh);
	vg_registry_close(r);
	free(e);
	rm_rf(dir);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void test_lookup_sizes(void **state)
{
	(void)state;
	vg_regkey *k = key_of(8);
	const size_t sizes[] = {0, 1, 2, 1000, 1000000};
	uint64_t *keys = malloc(1000000 * sizeof(uint64_t));
	for (size_t si = 0; si < 5; si++) {
		size_t n = sizes[si];
		for (int shape = 0; shape < 4; shape++) {
			uint64_t seed = n * 31 + (uint64_t)shape;
			for (size_t i = 0; i < n; i++) {
				switch (shape) {
				case 0: /* uniform */
					keys[i] = splitmix(&seed);
					break;
				case 1: /* dense small integers */
					keys[i] = 3 * i + 5;
					break;
				case 2: /* squares: ever sparser */
					keys[i] = (uint64_t)i * i * 977 + 1;
					break;
				default: /* clusters, and the extremes */
					keys[i] = i == 0    ? 0
					          : i == 1  ? UINT64_MAX
					          : (i & 1) ? (1ull << 62) + i
					                    : splitmix(&seed) >> 40;
				}
			}
			if (shape == 3 &&
			    n > 2) { /* the clustered shape may repeat: make distinct */
				qsort(keys, n, sizeof(*keys), cmp_u64);
				size_t w = 1;
				for (size_t i = 1; i < n; i++)
					if (keys[i] != keys[w - 1])
						keys[w++] = keys[i];
				n = w;
			}
			lookup_case(k, keys, n);
			n = sizes[si];
		}
	}
	free(keys);
	vg_regkey_free(k);
}

/* ------------------------------------------------------------ damaged files */

/* A small registry with every section non-empty; returns its bytes. */
static uint8_t *small_registry(const char *dir, const vg_regkey *k, size_t *len)
{
	vg_regbuild *b = begin(dir, k, 0);
	unsigned a = source(b, "France Travail", 0), c = source(b, "Cap Emploi", VG_SOURCE_SPECIAL);
	add_people(b, k, 0, 40, a);
	add_people(b, k, 30, 50, c);
	vg_regentry e[] = {ent(VG_IDTAB_FTID, 77, 8, 1), ent(VG_IDTAB_NAME_DOB, 78, 5, 2)};
	assert_int_equal(vg_regbuild_add_batch(b, e, 2, NULL), 0);
	vg_regfile f1 = file_rec(k, "1", a, 40, "ft.csv"), f2 = file_rec(k, "2", c, 20, "ce.csv");
	assert_int_equal(vg_regbuild_add_file(b, &f1, NULL), 0);
	assert_int_equal(vg_regbuild_add_file(b, &f2, NULL), 0);
	vg_regbuild_result res;
	commit(b, &res);
	return slurp(res.path, len);
}

/* Opens a copy of p[0..n) in aligned memory; 0 only if open and verify pass. */
static int open_verify_mem(const uint8_t *p, size_t n, const vg_regkey *k, vg_err *err)
{
	uint64_t *buf = malloc(n / 8 * 8 + 8);
	memcpy(buf, p, n);
	vg_registry *r = NULL;
	int rc = vg_registry_open_mem(buf, n, k, &r, err);
	if (rc == 0) {
		vg_reghit h;
		for (int t = 0; t < VG_IDTAB__COUNT; t++) /* must not crash on damage */
			(void)vg_registry_lookup(r, (vg_idtab)t, 77, &h);
		rc = vg_registry_verify(r, err);
		vg_registry_close(r);
	}
	free(buf);
	return rc;
}

static void test_truncated(void **state)
{
	(void)state;
	vg_regkey *k = key_of(9);
	char dir[64], path[128];
	tmpdir(dir, sizeof(dir));
	size_t len;
	uint8_t *p = small_registry(dir, k, &len);
	assert_int_equal(open_verify_mem(p, len, k, NULL), 0);
	/* every length short of the whole, in memory */
	for (size_t n = 0; n < len; n++) {
		vg_err err = {0};
		assert_int_equal(open_verify_mem(p, n, k, &err), VG_ECORRUPT);
		assert_true(strlen(err.msg) > 10);
	}
	/* every 1/64th as a file on disk, through the mmap path */
	snprintf(path, sizeof(path), "%s/cut.vgr", dir);
	for (int i = 0; i < 64; i++) {
		size_t n = len * (size_t)i / 64;
		spit(path, p, n);
		vg_registry *r = NULL;
		vg_err err = {0};
		assert_int_equal(vg_registry_open(path, k, 0, &r, &err), VG_ECORRUPT);
		assert_null(r);
		if (n > 0)
			assert_non_null(strstr(err.msg, "truncated"));
		assert_non_null(strstr(err.msg, path));
	}
	/* trailing bytes are damage too */
	uint8_t *q = malloc(len + 8);
	memcpy(q, p, len);
	memset(q + len, 0, 8);
	assert_int_equal(open_verify_mem(q, len + 8, k, NULL), VG_ECORRUPT);
	free(q);
	free(p);
	vg_regkey_free(k);
	rm_rf(dir);
}

static void test_flipped(void **state)
{
	(void)state;
	vg_regkey *k = key_of(10);
	char dir[64];
	tmpdir(dir, sizeof(dir));
	size_t len;
	uint8_t *p = small_registry(dir, k, &len);
	/* every byte of the file, each flipped in two ways, is caught */
	for (size_t i = 0; i < len; i++) {
		const uint8_t masks[] = {0x01, 0xff};
		for (int m = 0; m < 2; m++) {
			p[i] ^= masks[m];
			vg_err err = {0};
			int rc = open_verify_mem(p, len, k, &err);
			if (rc != VG_ECORRUPT)
				fail_msg("byte %zu ^ %02x: rc %d (%s)", i, masks[m], rc, err.msg);
			p[i] ^= masks[m];
		}
	}
	/* magic, version, key: precise messages */
	vg_err err = {0};
	p[1] = 'X';
	assert_int_equal(open_verify_mem(p, len, k, &err), VG_ECORRUPT);
	assert_non_null(strstr(err.msg, "not a vigie registry"));
	p[1] = 'V';
	assert_int_equal(open_verify_mem(p, len, k, NULL), 0);
	vg_regkey *other = key_of(11);
	assert_int_equal(open_verify_mem(p, len, other, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "wrong key"));
	assert_non_null(strstr(err.msg, vg_regkey_id(other)));
	assert_non_null(strstr(err.msg, vg_regkey_id(k)));
	/* and building on it with the wrong key is refused */
	vg_regbuild *b = NULL;
	assert_int_equal(vg_regbuild_begin(dir, other, NULL, &b, &err), VG_EINVAL);
	assert_null(b);
	assert_non_null(strstr(err.msg, "wrong key"));
	vg_regkey_free(other);
	/* a damaged live version: begin refuses to build on it */
	char cur[200];
	vg_registry *r = open_dir(dir, k);
	snprintf(cur, sizeof(cur), "%s", vg_registry_path(r));
	vg_registry_close(r);
	chmod(cur, 0600);
	p[1000] ^= 0x10; /* in the keys: caught by the merge's checksums */
	spit(cur, p, len);
	assert_int_equal(vg_regbuild_begin(dir, k, NULL, &b, &err), 0);
	vg_regentry e[] = {ent(VG_IDTAB_EMAIL, 5, 1, 1)};
	assert_int_equal(vg_regbuild_add_batch(b, e, 1, NULL), 0);
	assert_int_equal(vg_regbuild_commit(b, NULL, &err), VG_ECORRUPT);
	assert_non_null(strstr(err.msg, "checksum"));
	assert_false(exists(dir, "registry-000002.vgr"));
	assert_false(exists(dir, "registry-000002.vgr.tmp"));
	p[1000] ^= 0x10;
	p[len - 100] ^= 0x10; /* in the file records: begin refuses */
	spit(cur, p, len);
	assert_int_equal(vg_regbuild_begin(dir, k, NULL, &b, &err), VG_ECORRUPT);
	assert_non_null(strstr(err.msg, "damaged"));
	assert_non_null(strstr(err.msg, "files"));
	p[len - 100] ^= 0x10;
	p[100] ^= 0x10; /* in the header: begin refuses */
	spit(cur, p, len);
	assert_int_equal(vg_regbuild_begin(dir, k, NULL, &b, &err), VG_ECORRUPT);
	assert_non_null(strstr(err.msg, "damaged"));
	free(p);
	vg_regkey_free(k);
	rm_rf(dir);
}

static void test_current_file(void **state)
{
	(void)state;
	vg_regkey *k = key_of(12);
	char dir[64], path[128];
	tmpdir(dir, sizeof(dir));
	vg_registry *r = NULL;
	vg_err err = {0};
	assert_int_equal(vg_registry_open_dir(dir, k, 0, &r, &err), VG_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no registry"));
	size_t len;
	free(small_registry(dir, k, &len));
	snprintf(path, sizeof(path), "%s/CURRENT", dir);
	const char *bad[] = {"../etc/passwd\n",       "registry-000001.vgr",    "registry-1.vgr\n",
	                     "registry-00000x.vgr\n", "registry-000001.vgr\nx", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		spit(path, bad[i], strlen(bad[i]));
		assert_int_equal(vg_registry_open_dir(dir, k, 0, &r, &err), VG_ECORRUPT);
		assert_non_null(strstr(err.msg, "CURRENT"));
	}
	spit(path, "registry-000009.vgr\n", 20); /* names a missing version */
	assert_int_equal(vg_registry_open_dir(dir, k, 0, &r, &err), VG_ENOTFOUND);
	spit(path, "registry-000001.vgr\n", 20);
	assert_int_equal(vg_registry_open_dir(dir, k, VG_REGISTRY_POPULATE, &r, &err), 0);
	vg_registry_close(r);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* ------------------------------------------------------------ publish */

static void test_publish_crash(void **state)
{
	(void)state;
	vg_regkey *k = key_of(13);
	char dir[64];
	tmpdir(dir, sizeof(dir));
	size_t len1;
	uint8_t *v1 = small_registry(dir, k, &len1);
	char p1[128];
	snprintf(p1, sizeof(p1), "%s/registry-000001.vgr", dir);

	/* abort after adding entries: nothing changes */
	vg_regbuild *b = begin(dir, k, VG_REGBUILD_MIN_BUDGET);
	add_people(b, k, 1000, 30000, 0); /* enough to spill */
	vg_regbuild_abort(b);
	size_t n;
	uint8_t *now = slurp(p1, &n);
	assert_int_equal(n, len1);
	assert_memory_equal(now, v1, n);
	free(now);

	/* a crash after the new file is written, before the rename */
	vg_regbuild_opts o = {.crash_at = VG_REGBUILD_CRASH_BEFORE_RENAME, .now = 5};
	vg_err err = {0};
	assert_int_equal(vg_regbuild_begin(dir, k, &o, &b, &err), 0);
	add_people(b, k, 1000, 2000, 0);
	assert_int_equal(vg_regbuild_commit(b, NULL, &err), VG_EIO);
	assert_true(exists(dir, "registry-000002.vgr.tmp"));
	vg_registry *r = open_dir(dir, k);
	assert_int_equal(vg_registry_get_stats(r)->entries, 50 * 3 + 2);
	assert_string_equal(vg_registry_path(r), p1);
	vg_registry_close(r);
	/* a crash after the rename, before CURRENT */
	o.crash_at = VG_REGBUILD_CRASH_BEFORE_CURRENT;
	assert_int_equal(vg_regbuild_begin(dir, k, &o, &b, &err), 0);
	assert_false(exists(dir, "registry-000002.vgr.tmp")); /* cleaned by begin */
	add_people(b, k, 1000, 2000, 0);
	assert_int_equal(vg_regbuild_commit(b, NULL, &err), VG_EIO);
	assert_true(exists(dir, "registry-000003.vgr"));
	r = open_dir(dir, k);
	assert_string_equal(vg_registry_path(r), p1); /* CURRENT still names version 1 */
	vg_registry_close(r);
	/* a leftover CURRENT.tmp is cleaned too; the next build goes past 3 */
	char ct[128];
	snprintf(ct, sizeof(ct), "%s/CURRENT.tmp", dir);
	spit(ct, "registry-000003.vgr\n", 20);
	b = begin(dir, k, 0);
	assert_false(exists(dir, "CURRENT.tmp"));
	add_people(b, k, 1000, 2000, 0);
	vg_regbuild_result res;
	commit(b, &res);
	assert_int_equal(res.generation, 4);
	assert_true(exists(dir, "registry-000001.vgr"));  /* the one replaced */
	assert_false(exists(dir, "registry-000003.vgr")); /* the orphan */
	r = open_dir(dir, k);
	assert_int_equal(vg_registry_get_stats(r)->entries, 50 * 3 + 2 + 3000);
	vg_registry_close(r);
	/* one build at a time */
	vg_regbuild *b2 = NULL;
	b = begin(dir, k, 0);
	assert_int_equal(vg_regbuild_begin(dir, k, NULL, &b2, &err), VG_EIO);
	assert_non_null(strstr(err.msg, "another build"));
	vg_regbuild_abort(b);
	b2 = begin(dir, k, 0);
	vg_regbuild_abort(b2);
	free(v1);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* ------------------------------------------------------------ privacy */

/* Fails if needle (or its lowercase hex) occurs in the file. */
static void assert_absent(const uint8_t *file, size_t len, const void *needle, size_t n,
                          const char *what, const char *id)
{
	if (contains(file, len, needle, n))
		fail_msg("%s of %s found in the registry file", what, id);
	char hex[2 * 64 + 1];
	if (n <= 64) {
		sodium_bin2hex(hex, sizeof(hex), needle, n);
		if (contains(file, len, hex, 2 * n))
			fail_msg("%s of %s found in hex in the registry file", what, id);
	}
}

static void test_privacy(void **state)
{
	(void)state;
	vg_regkey *k = key_of(14);
	char dir[64];
	tmpdir(dir, sizeof(dir));
	const char *ids[][2] = {
	    {"email", "jean.dupont@example.org"},
	    {"email", "marie.curie1867@laposte.net"},
	    {"phone", "+33612345678"},
	    {"phone", "0612345678"},
	    {"nir", "185057800608436"},
	    {"nir", "2840375120005"},
	    {"ft_id", "1234567A"},
	};
	size_t nid = sizeof(ids) / sizeof(ids[0]);
	vg_regbuild *b = begin(dir, k, 0);
	unsigned s = source(b, "France Travail", 0);
	vg_regentry e[16];
	for (size_t i = 0; i < nid; i++) {
		vg_idtab t;
		assert_int_equal(vg_idtab_parse(ids[i][0], &t), 0);
		e[i] = ent(t, vg_regkey_prf(k, t, ids[i][1], strlen(ids[i][1])), 0x3ff,
		           (uint16_t)(1u << s));
	}
	e[nid] = ent(VG_IDTAB_NAME_DOB,
	             vg_regkey_prf_name_dob(k, "DUPONT JEAN", 11, "1985-05-14", 10), 5, 1);
	assert_int_equal(vg_regbuild_add_batch(b, e, nid + 1, NULL), 0);
	vg_regfile f = file_rec(k, "x", s, 1, "/leaks/jean.dupont@example.org.csv");
	assert_int_equal(vg_regbuild_add_file(b, &f, NULL), 0);
	vg_regbuild_result res;
	commit(b, &res);
	size_t len;
	uint8_t *file = slurp(res.path, &len);
	uint8_t zero16[16] = {0};
	for (size_t i = 0; i < nid; i++) {
		const char *v = ids[i][1];
		size_t n = strlen(v);
		assert_absent(file, len, v, n, "the value", v);
		assert_absent(file, len, v, n > 6 ? 6 : n, "a prefix", v);
		uint8_t h[64];
		crypto_hash_sha256(h, (const unsigned char *)v, n);
		assert_absent(file, len, h, 32, "SHA-256", v);
		assert_absent(file, len, h, 8, "SHA-256/64", v);
		crypto_hash_sha512(h, (const unsigned char *)v, n);
		assert_absent(file, len, h, 64, "SHA-512", v);
		crypto_generichash(h, 32, (const unsigned char *)v, n, NULL, 0);
		assert_absent(file, len, h, 32, "BLAKE2b-256", v);
		assert_absent(file, len, h, 8, "BLAKE2b-256/64", v);
		crypto_generichash(h, 16, (const unsigned char *)v, n, NULL, 0);
		assert_absent(file, len, h, 8, "BLAKE2b-128/64", v);
		crypto_shorthash_siphash24(h, (const unsigned char *)v, n, zero16);
		assert_absent(file, len, h, 8, "SipHash with a zero key", v);
		uint64_t x = XXH3_64bits(v, n);
		assert_absent(file, len, &x, 8, "XXH3-64", v);
		x = XXH64(v, n, 0);
		assert_absent(file, len, &x, 8, "XXH64", v);
	}
	assert_absent(file, len, "DUPONT", 6, "the name", "DUPONT JEAN");
	assert_absent(file, len, "1985-05-14", 10, "the date", "1985-05-14");
	/* the key is not in the file either */
	uint8_t kb[32];
	memset(kb, 14, 32);
	kb[0] = 0x42;
	assert_absent(file, len, kb, 32, "the key", "the key");
	/* but the pseudonyms are, and the key id */
	uint64_t p = vg_regkey_prf(k, VG_IDTAB_NIR, ids[4][1], strlen(ids[4][1]));
	assert_true(contains(file, len, &p, 8));
	vg_registry *r = open_dir(dir, k);
	vg_regfile got;
	assert_int_equal(vg_registry_file(r, 0, &got), 0);
	assert_string_equal(got.name, ""); /* the file name held an email */
	vg_registry_close(r);
	free(file);
	vg_regkey_free(k);
	rm_rf(dir);
}

/* qsort order of entries: by key, then payload (the reference sort). */
static int cmp_ent(const void *a, const void *b)
{
	const vgr_ent *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->pay < y->pay ? -1 : x->pay > y->pay;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* vgr_sort() and vgr_sort_segs() against qsort, on uniform and uneven
 * keys (one slot holding everything, few distinct keys, only low bits
 * differing), cut into segments of random sizes. */
static void test_sort_segs(void **state)
{
	(void)state;
	const size_t sizes[] = {0, 1, 2, 47, 48, 49, 100, 1000, 5000, 70000};
	uint64_t rs = 0x9e3779b97f4a7c15ull;
	uint32_t *counts = malloc((((size_t)1 << VGR_SORT_BITS) + 1) * sizeof(uint32_t));
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		size_t n = sizes[si];
		for (int kind = 0; kind < 5; kind++) {
			vgr_ent *in = calloc(n + 1, sizeof(vgr_ent));
			vgr_ent *ref = calloc(n + 1, sizeof(vgr_ent));
			vgr_ent *a = calloc(n + 1, sizeof(vgr_ent));
			vgr_ent *tmp = calloc(n + 1, sizeof(vgr_ent));
			uint64_t top = (uint64_t)0xab << 56; /* a bucket: one top byte */
			for (size_t i = 0; i < n; i++) {
				uint64_t r = xorshift(&rs);
				uint64_t low = kind == 0   ? r >> 8             /* uniform */
				               : kind == 1 ? (r >> 8) & 0xffff  /* the low 16 bits */
				               : kind == 2 ? r % 7              /* few keys */
				               : kind == 3 ? ((uint64_t)0x1234 << 40) | (r >> 40) /* one slot */
				                           : (r >> 8) & ~(uint64_t)0xffffff; /* high bits */
				in[i].key = top | low;
				in[i].pay = (uint32_t)(r & 0xffff);
			}
			memcpy(ref, in, n * sizeof(vgr_ent));
			qsort(ref, n, sizeof(vgr_ent), cmp_ent);
			size_t want = vgr_dedup(ref, n);
			/* segments of random sizes, empty ones included */
			vgr_seg seg[64];
			size_t nseg = 0, at = 0;
			while (at < n || nseg == 0) {
				size_t len = nseg == 63 ? n - at : (size_t)(xorshift(&rs) % (n / 4 + 2));
				if (len > n - at)
					len = n - at;
				seg[nseg++] = (vgr_seg){.e = in + at, .n = len};
				at += len;
			}
			vgr_ent *got = vgr_sort_segs(seg, nseg, n, a, tmp, 56, counts);
			assert_true(got == a || got == tmp);
			size_t m = vgr_dedup(got, n);
			assert_int_equal(m, want);
			for (size_t i = 0; i < m; i++) {
				assert_true(got[i].key == ref[i].key);
				assert_int_equal(got[i].pay, ref[i].pay);
			}
			/* the plain sort, 64 bits */
			memcpy(a, in, n * sizeof(vgr_ent));
			got = vgr_sort(a, tmp, n, 64, NULL);
			m = vgr_dedup(got, n);
			assert_int_equal(m, want);
			for (size_t i = 0; i < m; i++) {
				assert_true(got[i].key == ref[i].key);
				assert_int_equal(got[i].pay, ref[i].pay);
			}
			free(in);
			free(ref);
			free(a);
			free(tmp);
		}
	}
	free(counts);
}

/* Builds, with raw keys crowded into a few buckets (bigger than a write
 * segment) and some spread, on `threads` threads with the given budget;
 * returns the file. */
static uint8_t *build_skewed(const char *dir, const vg_regkey *k, unsigned threads, size_t budget,
                             size_t *len)
{
	vg_regbuild_opts o = {.memory_budget = budget, .now = 1700000000, .threads = threads};
	vg_regbuild *b = NULL;
	vg_err err = {0};
	if (vg_regbuild_begin(dir, k, &o, &b, &err))
		fail_msg("begin: %s", err.msg);
	unsigned s0 = source(b, "A", 0), s1 = source(b, "B", 0), s2 = source(b, "C", 0);
	uint64_t rs = 12345;
	vg_regentry batch[1000];
	for (unsigned i = 0; i < 150000; i++) {
		uint64_t r = xorshift(&rs);
		vg_regentry *e = &batch[i % 1000];
		e->table = (uint8_t)(i % 7 < 4 ? VG_IDTAB_PHONE : r % VG_IDTAB__COUNT);
		/* phone: all in buckets 0x00 and 0x01, often repeated; others spread */
		e->key = e->table == VG_IDTAB_PHONE ? (r & ((uint64_t)1 << 56)) | ((r >> 8) % 90000)
		                                    : r;
		e->cats = (uint16_t)(VG_CAT_BIT(VG_CAT_PHONE) | (r >> 60));
		e->sources = (uint16_t)(1u << (i % 3 == 0 ? s0 : i % 3 == 1 ? s1 : s2));
		if (i % 1000 == 999)
			assert_int_equal(vg_regbuild_add_batch(b, batch, 1000, NULL), 0);
	}
	vg_regfile f = file_rec(k, "skewed", s0, 150000, "skewed.csv");
	assert_int_equal(vg_regbuild_add_file(b, &f, NULL), 0);
	vg_regbuild_result res;
	commit(b, &res);
	vg_registry *r = open_dir(dir, k); /* verifies checksums, order, stats */
	vg_registry_close(r);
	char p[128];
	snprintf(p, sizeof(p), "%s/registry-000001.vgr", dir);
	return slurp(p, len);
}

/* The parallel write of a memory-only build gives the same file whatever
 * the threads, and the same as the merge of spilled runs. */
static void test_skewed_same_file(void **state)
{
	(void)state;
	vg_regkey *k = key_of(8);
	char d[4][64];
	uint8_t *f[4];
	size_t l[4];
	const unsigned threads[4] = {1, 2, 3, 2};
	const size_t budget[4] = {0, 0, 0, VG_REGBUILD_MIN_BUDGET};
	for (int i = 0; i < 4; i++) {
		tmpdir(d[i], sizeof(d[i]));
		f[i] = build_skewed(d[i], k, threads[i], budget[i], &l[i]);
	}
	for (int i = 1; i < 4; i++) {
		assert_int_equal(l[i], l[0]);
		assert_memory_equal(f[i], f[0], l[0]);
	}
	for (int i = 0; i < 4; i++) {
		free(f[i]);
		rm_rf(d[i]);
	}
	vg_regkey_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_display_name),
	    cmocka_unit_test(test_key_create_and_load),
	    cmocka_unit_test(test_key_permissions),
	    cmocka_unit_test(test_key_env),
	    cmocka_unit_test(test_key_derivation),
	    cmocka_unit_test(test_prf),
	    cmocka_unit_test(test_fingerprint),
	    cmocka_unit_test(test_build_lookup_dedup),
	    cmocka_unit_test(test_build_invalid),
	    cmocka_unit_test(test_incremental),
	    cmocka_unit_test(test_spill_same_file),
	    cmocka_unit_test(test_sort_segs),
	    cmocka_unit_test(test_skewed_same_file),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_lookup_sizes),
	    cmocka_unit_test(test_prf_matches_sodium),
	    cmocka_unit_test(test_xxh_dispatch),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_flipped),
	    cmocka_unit_test(test_current_file),
	    cmocka_unit_test(test_publish_crash),
	    cmocka_unit_test(test_privacy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
