/* test_lines.c: the bounded line reader. */
#include "vigie/lines.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* A file descriptor reading the given bytes. */
static int fd_of(const char *data, size_t n)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	int fd = dup(fileno(f));
	fclose(f);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void test_basic(void **state)
{
	(void)state;
	const char in[] = "one\ntwo\r\n\nlast";
	int fd = fd_of(in, sizeof(in) - 1);
	vg_lines r;
	vg_line l;
	vg_lines_init(&r, fd, 100);
	const char *want[] = {"one", "two", "", "last"};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(vg_lines_next(&r, &l), 1);
		assert_int_equal(l.lineno, i + 1);
		assert_false(l.overlong);
		assert_int_equal(l.len, strlen(want[i]));
		assert_memory_equal(l.s, want[i], l.len);
	}
	assert_int_equal(vg_lines_next(&r, &l), 0);
	assert_int_equal(vg_lines_next(&r, &l), 0);
	vg_lines_release(&r);
	close(fd);
}

static void test_overlong(void **state)
{
	(void)state;
	/* a 200 KB line between two short ones, with a 10-byte maximum */
	size_t n = 200000;
	char *in = malloc(n + 20);
	strcpy(in, "ab\n");
	memset(in + 3, 'x', n);
	strcpy(in + 3 + n, "\ncd\n");
	int fd = fd_of(in, strlen(in));
	vg_lines r;
	vg_line l;
	vg_lines_init(&r, fd, 10);
	assert_int_equal(vg_lines_next(&r, &l), 1);
	assert_int_equal(l.len, 2);
	assert_int_equal(vg_lines_next(&r, &l), 1);
	assert_true(l.overlong);
	assert_int_equal(l.len, 10);
	assert_int_equal(l.lineno, 2);
	assert_int_equal(vg_lines_next(&r, &l), 1);
	assert_false(l.overlong);
	assert_int_equal(l.lineno, 3);
	assert_memory_equal(l.s, "cd", 2);
	assert_int_equal(vg_lines_next(&r, &l), 0);
	vg_lines_release(&r);
	close(fd);
	free(in);
}

static void test_exact_max(void **state)
{
	(void)state;
	const char in[] = "12345\n123456\n";
	int fd = fd_of(in, sizeof(in) - 1);
	vg_lines r;
	vg_line l;
	vg_lines_init(&r, fd, 5);
	assert_int_equal(vg_lines_next(&r, &l), 1);
	assert_false(l.overlong);
	assert_int_equal(l.len, 5);
	assert_int_equal(vg_lines_next(&r, &l), 1);
	assert_true(l.overlong);
	assert_int_equal(vg_lines_next(&r, &l), 0);
	vg_lines_release(&r);
	close(fd);
}

static void test_read_error(void **state)
{
	(void)state;
	vg_lines r;
	vg_line l;
	vg_lines_init(&r, -1, 5);
	assert_int_equal(vg_lines_next(&r, &l), VG_EIO);
	vg_lines_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_exact_max),
		cmocka_unit_test(test_read_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
