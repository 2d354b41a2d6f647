/* test_attest.c: attestation keys (files, permissions, PEM), masked
 * identifiers, the document, signing and verifying, and every kind of
 * tampering the verifier must refuse. */
#include "vigie/attest.h"

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static char dir[64];
static char keypath[128];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vg-test-attest-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(keypath, sizeof(keypath), "%s/attest.key", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ------------------------------------------------------------ keys */

static void test_key_files(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "%s/k1.key", dir);
	vg_attest_key *k = NULL, *k2 = NULL;
	vg_err err = {0};
	assert_int_equal(vg_attest_key_load(path, &k, &err), VG_ENOTFOUND);
	assert_int_equal(vg_attest_key_create(path, &k, &err), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	/* never overwritten */
	assert_int_equal(vg_attest_key_create(path, &k2, &err), VG_EINVAL);
	/* the same key loads back */
	assert_int_equal(vg_attest_key_load(path, &k2, &err), 0);
	assert_memory_equal(vg_attest_key_public(k), vg_attest_key_public(k2), VG_ATTEST_PK_BYTES);
	vg_attest_key_free(k2);
	k2 = NULL;
	/* group-readable: refused, with the fix */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(vg_attest_key_load(path, &k2, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_int_equal(chmod(path, 0600), 0);
	/* open: loads an existing one, creates a missing one */
	bool created = true;
	assert_int_equal(vg_attest_key_open(path, true, &k2, &created, &err), 0);
	assert_false(created);
	vg_attest_key_free(k2);
	char p2[160];
	snprintf(p2, sizeof(p2), "%s/k2.key", dir);
	assert_int_equal(vg_attest_key_open(p2, false, &k2, &created, &err), VG_ENOTFOUND);
	assert_int_equal(vg_attest_key_open(p2, true, &k2, &created, &err), 0);
	assert_true(created);
	assert_memory_not_equal(vg_attest_key_public(k), vg_attest_key_public(k2),
	                        VG_ATTEST_PK_BYTES);
	vg_attest_key_free(k2);
	/* garbage */
	char p3[160];
	snprintf(p3, sizeof(p3), "%s/k3.key", dir);
	int fd = open(p3, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a key\n", 10), 10);
	close(fd);
	assert_int_equal(vg_attest_key_load(p3, &k2, &err), VG_EINVAL);
	vg_attest_key_free(k);
}

static void test_pubkey_pem(void **state)
{
	(void)state;
	uint8_t pk[VG_ATTEST_PK_BYTES], back[VG_ATTEST_PK_BYTES];
	for (int i = 0; i < VG_ATTEST_PK_BYTES; i++)
		pk[i] = (uint8_t)(i * 7 + 1);
	char pem[VG_ATTEST_PEM_MAX];
	size_t n = vg_attest_pubkey_pem(pk, pem);
	assert_int_equal(n, strlen(pem));
	assert_non_null(strstr(pem, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
	vg_err err;
	assert_int_equal(vg_attest_pubkey_parse(pem, n, back, &err), 0);
	assert_memory_equal(pk, back, sizeof(pk));
	/* bare base64 of the 32 bytes */
	char b64[64];
	sodium_bin2base64(b64, sizeof(b64), pk, sizeof(pk), sodium_base64_VARIANT_ORIGINAL);
	char line[80];
	snprintf(line, sizeof(line), "  %s\n", b64);
	memset(back, 0, sizeof(back));
	assert_int_equal(vg_attest_pubkey_parse(line, strlen(line), back, &err), 0);
	assert_memory_equal(pk, back, sizeof(pk));
	/* not keys */
	assert_int_equal(vg_attest_pubkey_parse("hello", 5, back, &err), VG_EINVAL);
	assert_int_equal(vg_attest_pubkey_parse(b64, 20, back, &err), VG_EINVAL);
	char bad[VG_ATTEST_PEM_MAX];
	memcpy(bad, pem, n + 1);
	bad[30] = bad[30] == 'A' ? 'B' : 'A'; /* the DER prefix changes */
	assert_int_equal(vg_attest_pubkey_parse(bad, n, back, &err), VG_EINVAL);
	/* an RSA-sized blob in PEM armour */
	const char rsa[] = "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAK\n"
	                   "-----END PUBLIC KEY-----\n";
	assert_int_equal(vg_attest_pubkey_parse(rsa, strlen(rsa), back, &err), VG_EINVAL);
}

/* ------------------------------------------------------------ masking */

static void assert_mask(vg_idtab t, const char *canon, const char *want)
{
	char out[VG_ATTEST_MASK_MAX];
	size_t n = vg_attest_mask(t, canon, strlen(canon), out);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void test_mask(void **state)
{
	(void)state;
	assert_mask(VG_IDTAB_EMAIL, "jean.dupont@exemple.fr", "j***@e***.fr");
	assert_mask(VG_IDTAB_EMAIL, "virginie-blandin13@gmail.com", "v***@g***.com");
	assert_mask(VG_IDTAB_EMAIL, "\xc3\xa9lodie@mail.example.org", "\xc3\xa9***@m***.org");
	assert_mask(VG_IDTAB_PHONE, "+33612345612", "+33 6 ** ** ** 12");
	assert_mask(VG_IDTAB_PHONE, "+33796930399", "+33 7 ** ** ** 99");
	assert_mask(VG_IDTAB_PHONE, "+262692123456", "+262 ******* 56");
	assert_mask(VG_IDTAB_PHONE, "+447911123456", "+44 ******** 56");
	assert_mask(VG_IDTAB_EMAIL, "nope", "***");
	assert_mask(VG_IDTAB_NIR, "297083306306889", "***");
	/* long inputs stay within the buffer */
	char longmail[300];
	memset(longmail, 'a', 200);
	memcpy(longmail + 200, "@b.cccccccccccccccccccccccccccccccccccc", 40);
	char out[VG_ATTEST_MASK_MAX];
	size_t n = vg_attest_mask(VG_IDTAB_EMAIL, longmail, 240, out);
	assert_true(n < VG_ATTEST_MASK_MAX);
	assert_string_equal(out, "a***@b***");
}

/* ------------------------------------------------------------ sign and verify */

static vg_attest_info sample(void)
{
	vg_attest_info in = {.organisation = "France Travail",
	                     .breach = "Fuite France Travail 2024",
	                     .breach_start = "2024-02-06",
	                     .breach_end = "2024-03-05",
	                     .issued = 1767225600, /* 2026-01-01T00:00:00Z */
	                     .kind = VG_IDTAB_EMAIL,
	                     .masked = "v***@g***.com",
	                     .cats = VG_CAT_BIT(VG_CAT_NAME) | VG_CAT_BIT(VG_CAT_NIR) |
	                             VG_CAT_BIT(VG_CAT_EMAIL),
	                     .nsources = 2,
	                     .special = true};
	in.sources[0] = "France Travail";
	in.sources[1] = "Cap Emploi";
	return in;
}

static void test_document(void **state)
{
	(void)state;
	vg_attest_info in = sample();
	json_t *d = vg_attest_document(&in);
	assert_non_null(d);
	assert_string_equal(json_string_value(json_object_get(d, "type")),
	                    "vigie-exposure-attestation");
	assert_int_equal(json_integer_value(json_object_get(d, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(d, "issued")), "2026-01-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "breach"), "start")),
	                    "2024-02-06");
	json_t *ex = json_object_get(d, "exposed");
	json_t *cats = json_object_get(ex, "categories");
	assert_int_equal(json_array_size(cats), 3);
	assert_string_equal(json_string_value(json_array_get(cats, 0)), "name");
	assert_string_equal(json_string_value(json_array_get(cats, 1)), "nir");
	assert_string_equal(json_string_value(json_array_get(cats, 2)), "email");
	assert_int_equal(json_array_size(json_object_get(ex, "sources")), 2);
	assert_true(json_is_true(json_object_get(ex, "special_category")));
	const char *fr = json_string_value(json_object_get(json_object_get(d, "statement"), "fr"));
	const char *en = json_string_value(json_object_get(json_object_get(d, "statement"), "en"));
	assert_non_null(strstr(fr, "France Travail atteste"));
	assert_non_null(strstr(fr, "v***@g***.com"));
	assert_non_null(strstr(fr, "du 2024-02-06 au 2024-03-05"));
	assert_non_null(strstr(fr, "art. 9"));
	assert_non_null(strstr(en, "France Travail attests"));
	/* no line break anywhere (the canonical form stays JCS) */
	size_t n;
	char *c = vg_attest_canonical(d, &n);
	assert_null(strchr(c, '\n'));
	assert_int_equal(c[0], '{');
	/* keys sorted: "breach" comes before "exposed" before "id" */
	assert_true(strstr(c, "\"breach\"") < strstr(c, "\"exposed\""));
	assert_true(strstr(c, "\"exposed\"") < strstr(c, "\"id\""));
	free(c);
	/* two documents differ by their random id */
	json_t *d2 = vg_attest_document(&in);
	assert_string_not_equal(json_string_value(json_object_get(d, "id")),
	                        json_string_value(json_object_get(d2, "id")));
	json_decref(d2);
	json_decref(d);
}

/* Signs a sample document with a fresh key; the key stays for the test. */
static char *signed_sample(vg_attest_key **k, size_t *len)
{
	char path[160];
	static int n;
	snprintf(path, sizeof(path), "%s/sig%d.key", dir, n++);
	vg_err err;
	assert_int_equal(vg_attest_key_create(path, k, &err), 0);
	vg_attest_info in = sample();
	json_t *d = vg_attest_document(&in);
	char *s = vg_attest_sign(*k, d, len);
	json_decref(d);
	assert_non_null(s);
	assert_int_equal(strlen(s), *len);
	return s;
}

static void test_sign_verify(void **state)
{
	(void)state;
	vg_attest_key *k;
	size_t n;
	char *s = signed_sample(&k, &n);
	vg_err err = {0};
	json_t *doc = NULL;
	assert_int_equal(vg_attest_verify(s, n, vg_attest_key_public(k), &doc, &err), 0);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "organisation")),
	                    "France Travail");
	json_decref(doc);
	/* layout does not matter: the same file, compacted and reordered */
	json_t *root = json_loads(s, 0, NULL);
	char *compact = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	assert_int_equal(vg_attest_verify(compact, strlen(compact), vg_attest_key_public(k), NULL,
	                                  &err),
	                 0);
	free(compact);
	json_decref(root);
	vg_attest_key_free(k);
	free(s);
}

/* Replaces the first occurrence of from with to in s (same length). */
static char *edited(const char *s, const char *from, const char *to)
{
	assert_int_equal(strlen(from), strlen(to));
	char *c = strdup(s);
	char *p = strstr(c, from);
	assert_non_null(p);
	memcpy(p, to, strlen(to));
	return c;
}

static void test_tampered(void **state)
{
	(void)state;
	vg_attest_key *k, *other;
	size_t n;
	char *s = signed_sample(&k, &n);
	const uint8_t *pk = vg_attest_key_public(k);
	vg_err err;
	/* a changed value in the document */
	char *t = edited(s, "\"nir\"", "\"dob\"");
	assert_int_equal(vg_attest_verify(t, strlen(t), pk, NULL, &err), VG_ECORRUPT);
	assert_non_null(strstr(err.msg, "bad signature"));
	free(t);
	t = edited(s, "France Travail atteste", "France Travaux atteste");
	assert_int_equal(vg_attest_verify(t, strlen(t), pk, NULL, &err), VG_ECORRUPT);
	free(t);
	/* a member added to the document */
	json_t *root = json_loads(s, 0, NULL);
	json_object_set_new(json_object_get(root, "document"), "extra", json_true());
	char *a = json_dumps(root, 0);
	assert_int_equal(vg_attest_verify(a, strlen(a), pk, NULL, &err), VG_ECORRUPT);
	free(a);
	/* a changed signature */
	json_t *sig = json_object_get(root, "signature");
	json_object_del(json_object_get(root, "document"), "extra");
	const char *v = json_string_value(json_object_get(sig, "value"));
	char *v2 = strdup(v);
	v2[3] = v2[3] == 'A' ? 'B' : 'A';
	json_object_set_new(sig, "value", json_string(v2));
	free(v2);
	a = json_dumps(root, 0);
	assert_int_equal(vg_attest_verify(a, strlen(a), pk, NULL, &err), VG_ECORRUPT);
	free(a);
	json_decref(root);
	/* another key: refused, and the message names both ids */
	char path[160];
	snprintf(path, sizeof(path), "%s/other.key", dir);
	assert_int_equal(vg_attest_key_create(path, &other, &err), 0);
	assert_int_equal(vg_attest_verify(s, n, vg_attest_key_public(other), NULL, &err),
	                 VG_ECORRUPT);
	assert_non_null(strstr(err.msg, "not with the trusted key"));
	/* signed by another key with its own public key inside: still refused,
	 * the embedded key is not trusted */
	size_t n2;
	vg_attest_info in = sample();
	json_t *d = vg_attest_document(&in);
	char *forged = vg_attest_sign(other, d, &n2);
	json_decref(d);
	assert_int_equal(vg_attest_verify(forged, n2, pk, NULL, &err), VG_ECORRUPT);
	free(forged);
	vg_attest_key_free(other);
	/* malformed files */
	assert_int_equal(vg_attest_verify("", 0, pk, NULL, &err), VG_EINVAL);
	assert_int_equal(vg_attest_verify("[]", 2, pk, NULL, &err), VG_EINVAL);
	assert_int_equal(vg_attest_verify("{\"format\":\"x\"}", 14, pk, NULL, &err), VG_EINVAL);
	t = edited(s, "\"Ed25519\"", "\"Ed25518\"");
	assert_int_equal(vg_attest_verify(t, strlen(t), pk, NULL, &err), VG_EINVAL);
	free(t);
	/* duplicate keys are refused, not resolved */
	root = json_loads(s, 0, NULL);
	char *compact = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	size_t cl = strlen(compact);
	char *dup = malloc(cl + 64);
	memcpy(dup, compact, cl - 1);
	strcpy(dup + cl - 1, ",\"format\":\"vigie-attestation/1\"}");
	assert_int_equal(vg_attest_verify(dup, strlen(dup), pk, NULL, &err), VG_EINVAL);
	free(dup);
	free(compact);
	/* too big */
	char *big = calloc(1, VG_ATTEST_MAX_BYTES + 2);
	memset(big, ' ', VG_ATTEST_MAX_BYTES + 1);
	assert_int_equal(vg_attest_verify(big, VG_ATTEST_MAX_BYTES + 1, pk, NULL, &err),
	                 VG_ETOOBIG);
	free(big);
	vg_attest_key_free(k);
	free(s);
}

/* A signed document of another type or version is refused. */
static void test_unknown_version(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "%s/ver.key", dir);
	vg_attest_key *k;
	vg_err err;
	assert_int_equal(vg_attest_key_create(path, &k, &err), 0);
	json_t *d = json_pack("{s:s,s:i}", "type", "vigie-exposure-attestation", "version", 2);
	size_t n;
	char *s = vg_attest_sign(k, d, &n);
	assert_int_equal(vg_attest_verify(s, n, vg_attest_key_public(k), NULL, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "version"));
	free(s);
	json_decref(d);
	vg_attest_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_files),   cmocka_unit_test(test_pubkey_pem),
	    cmocka_unit_test(test_mask),        cmocka_unit_test(test_document),
	    cmocka_unit_test(test_sign_verify), cmocka_unit_test(test_tampered),
	    cmocka_unit_test(test_unknown_version),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
