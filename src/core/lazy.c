/*
 * The libraries loaded on first use (vigie/lazy.h): dlopen() by soname
 * (the one the build found, lazy_sonames.h), once per library.
 */
#include "vigie/lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lazy_syms.h"
#include "lazy_sonames.h"

typedef struct lazylib {
	const char *soname;  /* what dlopen() is given */
	const char *what;    /* for messages */
	const char *package; /* the Debian package that has it */
	void *h;             /* the handle, once loaded */
	char why[300];       /* dlerror() of a failed load */
} lazylib;

static lazylib libs[VG_LAZY__COUNT] = {
    [VG_LAZY_CURL] = {VIGIE_SONAME_CURL, "libcurl", "libcurl4", NULL, ""},
    [VG_LAZY_MHD] = {VIGIE_SONAME_MHD, "libmicrohttpd", "libmicrohttpd12", NULL, ""},
    [VG_LAZY_GMIME] = {VIGIE_SONAME_GMIME, "GMime", "libgmime-3.0-0", NULL, ""},
};

static pthread_once_t once[VG_LAZY__COUNT] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT,
                                              PTHREAD_ONCE_INIT};

static void open_lib(lazylib *l)
{
	/* RTLD_LOCAL: its symbols stay out of the global scope, where they
	 * would meet the stubs of the same names */
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(l->why, sizeof(l->why), "%s", e ? e : "?");
	}
	__atomic_store_n(&l->h, h, __ATOMIC_RELEASE);
}

static void open_curl(void)
{
	open_lib(&libs[VG_LAZY_CURL]);
}
static void open_mhd(void)
{
	open_lib(&libs[VG_LAZY_MHD]);
}
static void open_gmime(void)
{
	open_lib(&libs[VG_LAZY_GMIME]);
}

static void (*const openers[VG_LAZY__COUNT])(void) = {
    [VG_LAZY_CURL] = open_curl, [VG_LAZY_MHD] = open_mhd, [VG_LAZY_GMIME] = open_gmime};

int vg_lazy_load(vg_lazy_lib lib, vg_err *err)
{
	if ((unsigned)lib >= VG_LAZY__COUNT)
		return vg_err_set(err, VG_EINVAL, "no such library (%d)", (int)lib);
	lazylib *l = &libs[lib];
	pthread_once(&once[lib], openers[lib]);
	if (__atomic_load_n(&l->h, __ATOMIC_ACQUIRE))
		return 0;
	return vg_err_set(err, VG_EIO,
	                  "%s (%s) cannot be loaded: %s; install the Debian package %s", l->what,
	                  l->soname, l->why, l->package);
}

bool vg_lazy_loaded(vg_lazy_lib lib)
{
	return (unsigned)lib < VG_LAZY__COUNT && __atomic_load_n(&libs[lib].h, __ATOMIC_ACQUIRE);
}

void *vgi_lazy_sym(vg_lazy_lib lib, const char *name, void **slot)
{
	void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (p)
		return p;
	vg_err e;
	if (vg_lazy_load(lib, &e) != 0) {
		fprintf(stderr, "vigie: %s\n", e.msg);
		exit(4);
	}
	p = dlsym(libs[lib].h, name);
	if (!p) {
		fprintf(stderr, "vigie: %s (%s) has no function %s\n", libs[lib].what,
		        libs[lib].soname, name);
		exit(4);
	}
	__atomic_store_n(slot, p, __ATOMIC_RELEASE);
	return p;
}

#define NAME(f) #f,
static const char *const curl_names[] = {VG_LAZY_CURL_SYMS(NAME) NULL};
static const char *const mhd_names[] = {VG_LAZY_MHD_SYMS(NAME) NULL};
static const char *const gmime_names[] = {VG_LAZY_GMIME_SYMS(NAME) NULL};
static const char *const *const names[VG_LAZY__COUNT] = {
    [VG_LAZY_CURL] = curl_names, [VG_LAZY_MHD] = mhd_names, [VG_LAZY_GMIME] = gmime_names};

int vg_lazy_check(vg_lazy_lib lib, vg_err *err)
{
	int rc = vg_lazy_load(lib, err);
	if (rc)
		return rc;
	int missing = 0;
	char list[400] = "";
	for (const char *const *n = names[lib]; *n; n++)
		if (!dlsym(libs[lib].h, *n)) {
			missing++;
			size_t k = strlen(list);
			snprintf(list + k, sizeof(list) - k, "%s%s", k ? ", " : "", *n);
		}
	if (missing)
		vg_err_set(err, VG_EIO, "%s lacks %s", libs[lib].soname, list);
	return missing;
}
