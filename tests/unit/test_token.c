/* test_token.c: helpdesk tokens: the file (hashed, 0600, atomic), add,
 * revoke, lookup, the server's store (reload on change, rate limit per
 * token), and the token bucket. */
#include "vigie/token.h"

#include <setjmp.h>
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
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vg-test-token-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/tokens", dir);
	return 0;
}

static void clean(void)
{
	char p[160];
	unlink(path);
	snprintf(p, sizeof(p), "%s.lock", path);
	unlink(p);
}

static int teardown(void **state)
{
	(void)state;
	clean();
	rmdir(dir);
	return 0;
}

static void test_names(void **state)
{
	(void)state;
	assert_true(vg_token_name_ok("alice"));
	assert_true(vg_token_name_ok("helpdesk-02.night_shift"));
	assert_false(vg_token_name_ok(""));
	assert_false(vg_token_name_ok("a b"));
	assert_false(vg_token_name_ok("a\"b"));
	char longn[80];
	memset(longn, 'a', 65);
	longn[65] = '\0';
	assert_false(vg_token_name_ok(longn));
}

static void test_add_find_revoke(void **state)
{
	(void)state;
	clean();
	char a[VG_TOKEN_TEXT_MAX], b[VG_TOKEN_TEXT_MAX];
	assert_int_equal(vg_tokens_add(path, "alice", 1700000000, a, NULL), 0);
	assert_int_equal(vg_tokens_add(path, "bob", 1700000001, b, NULL), 0);
	assert_int_equal(strncmp(a, VG_TOKEN_PREFIX, 4), 0);
	assert_int_equal(strlen(a), 47);
	assert_string_not_equal(a, b);
	vg_err err = {0};
	assert_int_equal(vg_tokens_add(path, "alice", 0, b, &err), VG_EINVAL);
	assert_int_equal(vg_tokens_add(path, "bad name", 0, b, NULL), VG_EINVAL);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* the file holds no token */
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_null(strstr(buf, a + 4));
	assert_null(strstr(buf, b + 4));

	vg_tokens *t;
	assert_int_equal(vg_tokens_load(path, &t, NULL), 0);
	assert_int_equal(vg_tokens_count(t), 2);
	assert_int_equal(vg_tokens_find(t, a, strlen(a)), 0);
	assert_int_equal(vg_tokens_find(t, b, strlen(b)), 1);
	assert_int_equal(vg_tokens_find(t, a, strlen(a) - 1), -1);
	assert_int_equal(vg_tokens_find(t, "vgt_nope", 8), -1);
	vg_token_info in;
	vg_tokens_info(t, 1, &in);
	assert_string_equal(in.name, "bob");
	assert_int_equal(in.created, 1700000001);
	assert_int_equal(in.revoked, 0);
	vg_tokens_free(t);

	assert_int_equal(vg_tokens_revoke(path, "alice", 1700000100, NULL), 0);
	assert_int_equal(vg_tokens_revoke(path, "alice", 0, NULL), VG_ENOTFOUND);
	assert_int_equal(vg_tokens_revoke(path, "carol", 0, NULL), VG_ENOTFOUND);
	assert_int_equal(vg_tokens_load(path, &t, NULL), 0);
	assert_int_equal(vg_tokens_find(t, a, strlen(a)), -1);
	assert_int_equal(vg_tokens_find(t, b, strlen(b)), 1);
	vg_tokens_info(t, 0, &in);
	assert_int_equal(in.revoked, 1700000100);
	vg_tokens_free(t);
	/* a revoked name is not reused */
	assert_int_equal(vg_tokens_add(path, "alice", 0, b, NULL), VG_EINVAL);
}

static void test_bad_files(void **state)
{
	(void)state;
	clean();
	vg_tokens *t;
	assert_int_equal(vg_tokens_load(path, &t, NULL), VG_ENOTFOUND);
	FILE *f = fopen(path, "w");
	fputs("vigie-tokens 1 00112233445566778899aabbccddeeff\nalice xyz 1 0\n", f);
	fclose(f);
	chmod(path, 0600);
	vg_err err = {0};
	assert_int_equal(vg_tokens_load(path, &t, &err), VG_ECORRUPT);
	assert_non_null(strstr(err.msg, ":2:"));
	f = fopen(path, "w");
	fputs("hello\n", f);
	fclose(f);
	assert_int_equal(vg_tokens_load(path, &t, NULL), VG_ECORRUPT);
	f = fopen(path, "w");
	fputs("vigie-tokens 1 00112233445566778899aabbccddeeff\n", f);
	fclose(f);
	chmod(path, 0644);
	assert_int_equal(vg_tokens_load(path, &t, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "chmod 600"));
	chmod(path, 0600);
	assert_int_equal(vg_tokens_load(path, &t, NULL), 0);
	assert_int_equal(vg_tokens_count(t), 0);
	vg_tokens_free(t);
}

static void test_bucket(void **state)
{
	(void)state;
	vg_bucket b = {0};
	unsigned retry = 0;
	uint64_t t = 1000000;
	for (int i = 0; i < 3; i++)
		assert_true(vg_bucket_take(&b, 0.5, 3, t, &retry));
	assert_false(vg_bucket_take(&b, 0.5, 3, t, &retry));
	assert_int_equal(retry, 2); /* 0.5 per second: 2 s for one more */
	assert_false(vg_bucket_take(&b, 0.5, 3, t + 1000, &retry));
	assert_int_equal(retry, 1);
	assert_true(vg_bucket_take(&b, 0.5, 3, t + 2000, &retry));
	/* refills up to burst only */
	t += 3600 * 1000;
	for (int i = 0; i < 3; i++)
		assert_true(vg_bucket_take(&b, 0.5, 3, t, &retry));
	assert_false(vg_bucket_take(&b, 0.5, 3, t, &retry));
}

static void test_store(void **state)
{
	(void)state;
	clean();
	char a[VG_TOKEN_TEXT_MAX], b[VG_TOKEN_TEXT_MAX];
	assert_int_equal(vg_tokens_add(path, "alice", 0, a, NULL), 0);
	vg_tokenstore *s;
	assert_int_equal(vg_tokenstore_open(path, 0.001, 2, &s, NULL), 0);
	char name[VG_TOKEN_NAME_MAX + 1];
	unsigned retry = 0;
	uint64_t now = 1700000000000ull;
	assert_int_equal(vg_tokenstore_auth(s, a, strlen(a), now, name, &retry), VG_TOKEN_OK);
	assert_string_equal(name, "alice");
	assert_int_equal(vg_tokenstore_auth(s, a, strlen(a), now, name, &retry), VG_TOKEN_OK);
	assert_int_equal(vg_tokenstore_auth(s, a, strlen(a), now, name, &retry), VG_TOKEN_LIMITED);
	assert_true(retry >= 1);
	assert_int_equal(vg_tokenstore_auth(s, "vgt_x", 5, now, name, &retry), VG_TOKEN_BAD);

	/* unchanged file: no reload */
	assert_int_equal(vg_tokenstore_reload(s, true, NULL), 0);
	/* a new token appears after a change; alice's bucket carries over */
	assert_int_equal(vg_tokens_add(path, "bob", 0, b, NULL), 0);
	assert_int_equal(vg_tokenstore_reload(s, true, NULL), 1);
	assert_int_equal(vg_tokenstore_auth(s, b, strlen(b), now, name, &retry), VG_TOKEN_OK);
	assert_string_equal(name, "bob");
	assert_int_equal(vg_tokenstore_auth(s, a, strlen(a), now, name, &retry), VG_TOKEN_LIMITED);
	/* revocation is seen at the next reload */
	assert_int_equal(vg_tokens_revoke(path, "bob", 0, NULL), 0);
	assert_int_equal(vg_tokenstore_reload(s, true, NULL), 1);
	assert_int_equal(vg_tokenstore_auth(s, b, strlen(b), now, name, &retry), VG_TOKEN_BAD);
	vg_tokenstore_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),  cmocka_unit_test(test_add_find_revoke),
	    cmocka_unit_test(test_bad_files), cmocka_unit_test(test_bucket),
	    cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
