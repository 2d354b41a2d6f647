/* test_core.c: error names, error buffers, languages, allocators. */
#include "vigie/core.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(vg_strerror(VG_OK), "ok");
	assert_string_equal(vg_strerror(VG_EINVAL), "invalid input");
	assert_string_equal(vg_strerror(VG_ECORRUPT), "corrupt or truncated file");
	assert_string_equal(vg_strerror(-999), "unknown error");
	for (int c = VG_EINTERNAL; c <= VG_OK; c++)
		assert_string_not_equal(vg_strerror(c), "unknown error");
}

static void test_err_set(void **state)
{
	(void)state;
	vg_err e;
	assert_int_equal(vg_err_set(&e, VG_EIO, "line %d: %s", 12, "bad"), VG_EIO);
	assert_int_equal(e.code, VG_EIO);
	assert_string_equal(e.msg, "line 12: bad");
	assert_int_equal(vg_err_set(NULL, VG_EUSAGE, "x"), VG_EUSAGE);
	/* long messages are cut, never overflow */
	char big[2000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vg_err_set(&e, VG_EINVAL, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
}

static void test_lang(void **state)
{
	(void)state;
	vg_lang l = VG_LANG_EN;
	assert_int_equal(vg_lang_parse("FR", &l), 0);
	assert_int_equal(l, VG_LANG_FR);
	assert_int_equal(vg_lang_parse("en", &l), 0);
	assert_int_equal(l, VG_LANG_EN);
	assert_int_equal(vg_lang_parse("de", &l), VG_EINVAL);
	assert_int_equal(vg_lang_parse(NULL, &l), VG_EINVAL);
	vg_reason r = {"c", "français", "english"};
	assert_string_equal(vg_reason_text(&r, VG_LANG_FR), "français");
	assert_string_equal(vg_reason_text(&r, VG_LANG_EN), "english");
	assert_string_equal(vg_reason_text(NULL, VG_LANG_EN), "");
}

static void test_alloc(void **state)
{
	(void)state;
	char *s = vg_xstrdup("vigie");
	assert_string_equal(s, "vigie");
	s = vg_xrealloc(s, 100);
	assert_string_equal(s, "vigie");
	free(s);
	int *z = vg_xcalloc(10, sizeof(int));
	for (int i = 0; i < 10; i++)
		assert_int_equal(z[i], 0);
	free(z);
	assert_string_equal(vg_version(), VIGIE_VERSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_err_set),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_alloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
