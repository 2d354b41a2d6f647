/*
 * key.c: the registry key, the pseudonym PRF and file fingerprints.
 *
 * The key is 32 random bytes (randombytes_buf). Everything else derives
 * from it with crypto_kdf (BLAKE2b) under the context "vigiereg", each use
 * with its own subkey id, so that no two uses share a key:
 *   id 1..5   SipHash-2-4 key of table t (id = t + 1), 16 bytes
 *   id 16     fingerprint BLAKE2b key, 32 bytes
 *   id 17..19 the XXH3 secret for fingerprints, 3 x 64 bytes
 * The key id is the first 8 bytes of BLAKE2b-128 keyed with the key over
 * the string "vigie-key-id": public, it names the key without revealing it.
 *
 * All of it lives in one sodium_malloc() block (guard pages, mlock where
 * allowed, never swapped if it can be helped) and is wiped by sodium_free().
 * Key files are refused when group or others have any permission on them.
 */
#define XXH_STATIC_LINKING_ONLY
#include "registry/format.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/xxh.h"

#define KDF_CONTEXT "vigiereg"
#define KDF_ID_FP 16
#define KDF_ID_XXH 17
#define XXH_SECRET_BYTES 192

struct vg_regkey {
	uint8_t key[VG_REGKEY_BYTES];
	uint8_t table[VG_IDTAB__COUNT][crypto_shorthash_siphash24_KEYBYTES];
	uint64_t sip[VG_IDTAB__COUNT][4]; /* SipHash's state after the key, per table */
	uint8_t fp[32];
	uint8_t xxh_secret[XXH_SECRET_BYTES];
	uint8_t id[8];
	char id_hex[VG_REGKEY_ID_HEX + 1];
};

_Static_assert(sizeof(XXH3_state_t) <= sizeof(((vg_fingerprint *)0)->state),
               "vg_fingerprint.state too small for XXH3_state_t");
_Static_assert(_Alignof(XXH3_state_t) <= 64, "XXH3_state_t alignment");
_Static_assert(crypto_kdf_KEYBYTES == VG_REGKEY_BYTES, "kdf key size");

/* Writes 8 bytes as hex. */
void vgr_hex8(const uint8_t in[8], char out[17])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[16] = '\0';
}

/* Allocates a key object from 32 bytes and derives its subkeys. */
static int key_new(const uint8_t bytes[VG_REGKEY_BYTES], vg_regkey **out)
{
	if (sodium_init() < 0)
		return VG_EINTERNAL;
	vg_regkey *k = sodium_malloc(sizeof(*k));
	if (!k)
		return VG_ENOMEM;
	memcpy(k->key, bytes, VG_REGKEY_BYTES);
	for (int t = 0; t < VG_IDTAB__COUNT; t++) {
		crypto_kdf_derive_from_key(k->table[t], sizeof(k->table[t]), (uint64_t)t + 1,
		                           KDF_CONTEXT, k->key);
		uint64_t k0 = vgr_get64(k->table[t]), k1 = vgr_get64(k->table[t] + 8);
		k->sip[t][0] = k0 ^ 0x736f6d6570736575ull;
		k->sip[t][1] = k1 ^ 0x646f72616e646f6dull;
		k->sip[t][2] = k0 ^ 0x6c7967656e657261ull;
		k->sip[t][3] = k1 ^ 0x7465646279746573ull;
	}
	crypto_kdf_derive_from_key(k->fp, sizeof(k->fp), KDF_ID_FP, KDF_CONTEXT, k->key);
	for (int i = 0; i < 3; i++)
		crypto_kdf_derive_from_key(k->xxh_secret + 64 * i, 64, (uint64_t)KDF_ID_XXH + i,
		                           KDF_CONTEXT, k->key);
	uint8_t h[16];
	static const char ctx[] = "vigie-key-id";
	crypto_generichash(h, sizeof(h), (const unsigned char *)ctx, sizeof(ctx) - 1, k->key,
	                   VG_REGKEY_BYTES);
	memcpy(k->id, h, 8);
	vgr_hex8(k->id, k->id_hex);
	*out = k;
	return 0;
}

int vg_regkey_from_bytes(const uint8_t bytes[VG_REGKEY_BYTES], vg_regkey **out)
{
	return key_new(bytes, out);
}

void vg_regkey_free(vg_regkey *k)
{
	if (k)
		sodium_free(k); /* wipes the whole block */
}

const char *vg_regkey_id(const vg_regkey *k)
{
	return k->id_hex;
}

void vgr_key_id_bytes(const vg_regkey *k, uint8_t out[8])
{
	memcpy(out, k->id, 8);
}

/* Value of one hex digit, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whitespace allowed around a hex key. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int vg_regkey_from_hex(const char *s, size_t n, vg_regkey **out, vg_err *err)
{
	while (n > 0 && is_space(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n != 2 * VG_REGKEY_BYTES)
		return vg_err_set(err, VG_EINVAL,
		                  "a registry key is 64 hexadecimal characters (32 bytes), not %zu "
		                  "characters",
		                  n);
	uint8_t b[VG_REGKEY_BYTES];
	for (size_t i = 0; i < VG_REGKEY_BYTES; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			sodium_memzero(b, sizeof(b));
			return vg_err_set(
			    err, VG_EINVAL,
			    "a registry key is 64 hexadecimal characters; character %zu "
			    "is not one",
			    2 * i + (hi < 0 ? 1 : 2));
		}
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	int rc = key_new(b, out);
	sodium_memzero(b, sizeof(b));
	if (rc)
		return vg_err_set(err, rc, "cannot allocate protected memory for the key");
	return 0;
}

int vg_regkey_load_file(const char *path, vg_regkey **out, vg_err *err)
{
	/* 32 raw bytes, or 64 hex characters and whitespace: never more than this */
	uint8_t buf[160];
	size_t len;
	int rrc = vg_secret_file_read(path, "key file", buf, sizeof(buf), &len, err);
	if (rrc)
		return rrc;
	int rc;
	if (len == VG_REGKEY_BYTES) {
		rc = key_new(buf, out);
		if (rc)
			vg_err_set(err, rc, "cannot allocate protected memory for the key");
	} else if (len == sizeof(buf)) {
		rc = vg_err_set(err, VG_EINVAL, "key file %s is too long to be a registry key",
		                path);
	} else {
		rc = vg_regkey_from_hex((const char *)buf, len, out, err);
		if (rc)
			vg_err_set(err, rc,
			           "key file %s: not a registry key (64 hexadecimal characters or "
			           "32 bytes)",
			           path);
	}
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

int vg_regkey_create_file(const char *path, vg_regkey **out, vg_err *err)
{
	if (sodium_init() < 0)
		return vg_err_set(err, VG_EINTERNAL, "libsodium failed to initialize");
	uint8_t key[VG_REGKEY_BYTES];
	randombytes_buf(key, sizeof(key));
	int rc = vg_secret_file_create(path, "key file", key, sizeof(key), VG_EIO, err);
	if (rc == 0) {
		rc = key_new(key, out);
		if (rc) {
			vg_err_set(err, rc, "cannot allocate protected memory for the key");
			unlink(path);
		}
	}
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* Copies s into origin if there is one. */
static void set_origin(char *origin, size_t cap, const char *s)
{
	if (origin && cap)
		snprintf(origin, cap, "%s", s);
}

int vg_regkey_resolve(const char *dir, const char *key_file, bool create, vg_regkey **out,
                      char *origin, size_t origin_cap, vg_err *err)
{
	char buf[4200];
	if (key_file) {
		snprintf(buf, sizeof(buf), "--key-file %s", key_file);
		set_origin(origin, origin_cap, buf);
		return vg_regkey_load_file(key_file, out, err);
	}
	const char *env = getenv(VG_REGKEY_ENV);
	if (env && *env) {
		set_origin(origin, origin_cap, VG_REGKEY_ENV);
		int rc = vg_regkey_from_hex(env, strlen(env), out, err);
		if (rc && err) {
			char m[sizeof(err->msg)];
			snprintf(m, sizeof(m), "%s", err->msg);
			vg_err_set(err, rc, "environment variable %s: %s", VG_REGKEY_ENV, m);
		}
		return rc;
	}
	if (!dir)
		return vg_err_set(err, VG_EUSAGE, "no registry key: give --key-file or set %s",
		                  VG_REGKEY_ENV);
	int n = snprintf(buf, sizeof(buf), "%s/%s", dir, VG_REGKEY_FILE);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return vg_err_set(err, VG_ETOOBIG, "registry directory name too long");
	set_origin(origin, origin_cap, buf);
	int rc = vg_regkey_load_file(buf, out, err);
	if (rc != VG_ENOTFOUND || !create)
		return rc == VG_ENOTFOUND
		           ? vg_err_set(err, rc,
		                        "no registry key: %s does not exist (give --key-file or "
		                        "set %s)",
		                        buf, VG_REGKEY_ENV)
		           : rc;
	/* creating: not where a registry already lives under another key */
	char cur[4200];
	snprintf(cur, sizeof(cur), "%s/CURRENT", dir);
	if (access(cur, F_OK) == 0)
		return vg_err_set(err, VG_EINVAL,
		                  "%s holds a registry but no key file %s: give its key with "
		                  "--key-file or %s (a new key could not read it)",
		                  dir, VG_REGKEY_FILE, VG_REGKEY_ENV);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return vg_err_set(err, VG_EIO, "cannot create registry directory %s: %s", dir,
		                  strerror(errno));
	rc = vg_regkey_create_file(buf, out, err);
	if (rc != 0 && access(buf, F_OK) == 0) /* another process created it first */
		return vg_regkey_load_file(buf, out, err);
	return rc;
}

/*
 * SipHash-2-4 (Aumasson and Bernstein), the function of libsodium's
 * crypto_shorthash_siphash24, from the state the key gives (computed once
 * per table in key_new): the pseudonym of every identifier of a leak goes
 * through here, so it is written out for the compiler to keep in registers.
 * tests/unit/test_registry.c compares it with libsodium's on every length
 * from 0 to 300 bytes and random keys.
 */
#define SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND                                                                                  \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = SIP_ROTL(v1, 13);                                                             \
		v1 ^= v0;                                                                          \
		v0 = SIP_ROTL(v0, 32);                                                             \
		v2 += v3;                                                                          \
		v3 = SIP_ROTL(v3, 16);                                                             \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = SIP_ROTL(v3, 21);                                                             \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = SIP_ROTL(v1, 17);                                                             \
		v1 ^= v2;                                                                          \
		v2 = SIP_ROTL(v2, 32);                                                             \
	} while (0)

uint64_t vg_regkey_prf(const vg_regkey *k, vg_idtab t, const void *s, size_t n)
{
	const uint64_t *st = k->sip[(unsigned)t % VG_IDTAB__COUNT];
	uint64_t v0 = st[0], v1 = st[1], v2 = st[2], v3 = st[3];
	const uint8_t *p = s;
	const uint8_t *end = p + (n & ~(size_t)7);
	for (; p != end; p += 8) {
		uint64_t m;
		memcpy(&m, p, 8); /* little-endian hosts only (format.h) */
		v3 ^= m;
		SIP_ROUND;
		SIP_ROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)n << 56;
	switch (n & 7) {
	case 7:
		b |= (uint64_t)p[6] << 48;
		/* fall through */
	case 6:
		b |= (uint64_t)p[5] << 40;
		/* fall through */
	case 5:
		b |= (uint64_t)p[4] << 32;
		/* fall through */
	case 4:
		b |= (uint64_t)p[3] << 24;
		/* fall through */
	case 3:
		b |= (uint64_t)p[2] << 16;
		/* fall through */
	case 2:
		b |= (uint64_t)p[1] << 8;
		/* fall through */
	case 1:
		b |= (uint64_t)p[0];
		break;
	default:
		break;
	}
	v3 ^= b;
	SIP_ROUND;
	SIP_ROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	SIP_ROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t vgr_prf_sodium(const vg_regkey *k, vg_idtab t, const void *s, size_t n)
{
	uint8_t h[crypto_shorthash_siphash24_BYTES];
	crypto_shorthash_siphash24(h, s, n, k->table[(unsigned)t % VG_IDTAB__COUNT]);
	return vgr_get64(h);
}

uint64_t vg_regkey_prf_name_dob(const vg_regkey *k, const char *name, size_t name_len,
                                const char *dob, size_t dob_len)
{
	char buf[1024];
	if (name_len > 512)
		name_len = 512;
	if (dob_len > 511)
		dob_len = 511;
	memcpy(buf, name, name_len);
	buf[name_len] = '\0';
	memcpy(buf + name_len + 1, dob, dob_len);
	return vg_regkey_prf(k, VG_IDTAB_NAME_DOB, buf, name_len + 1 + dob_len);
}

/* ------------------------------------------------------------ fingerprints */

void vg_fingerprint_init(vg_fingerprint *f, const vg_regkey *k)
{
	XXH3_state_t *st = (XXH3_state_t *)(void *)f->state;
	XXH3_INITSTATE(st);
	XXH3_128bits_reset_withSecret(st, k->xxh_secret, XXH_SECRET_BYTES);
	f->key = k;
	f->size = 0;
}

void vg_fingerprint_update(vg_fingerprint *f, const void *p, size_t n)
{
	vg_xxh3_128_update(f->state, p, n);
	f->size += n;
}

void vg_fingerprint_final(vg_fingerprint *f, uint8_t out[VG_FINGERPRINT_BYTES])
{
	XXH128_hash_t h = XXH3_128bits_digest((XXH3_state_t *)(void *)f->state);
	uint8_t msg[8 + 8 + 16 + 8];
	memcpy(msg, "vigie-fp", 8);
	vgr_put64(msg + 8, f->size);
	vgr_put64(msg + 16, h.low64);
	vgr_put64(msg + 24, h.high64);
	vgr_put64(msg + 32, 1); /* fingerprint scheme version */
	crypto_generichash(out, VG_FINGERPRINT_BYTES, msg, sizeof(msg), f->key->fp,
	                   sizeof(f->key->fp));
	sodium_memzero(msg, sizeof(msg));
	sodium_memzero(f->state, sizeof(f->state));
}

int vg_fingerprint_fd(const vg_regkey *k, int fd, uint8_t out[VG_FINGERPRINT_BYTES], uint64_t *size,
                      vg_err *err)
{
	enum { BUF = 1 << 20 };
	uint8_t *buf = vg_xmalloc(BUF);
	vg_fingerprint f;
	vg_fingerprint_init(&f, k);
	off_t off = 0;
	for (;;) {
		ssize_t r = pread(fd, buf, BUF, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return vg_err_set(err, VG_EIO, "cannot read file to fingerprint it: %s",
			                  strerror(e));
		}
		if (r == 0)
			break;
		vg_fingerprint_update(&f, buf, (size_t)r);
		off += r;
	}
	free(buf);
	if (size)
		*size = f.size;
	vg_fingerprint_final(&f, out);
	return 0;
}
