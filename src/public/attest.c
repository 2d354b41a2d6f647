/*
 * attest.c: signed attestations of exposure (vigie/attest.h).
 *
 * The signature is Ed25519 (libsodium crypto_sign_detached) over the
 * canonical bytes of the "document" member: jansson's dump with
 * JSON_COMPACT | JSON_SORT_KEYS and no ASCII escaping. For the documents
 * this module writes (ASCII keys, strings without control characters,
 * integers, booleans) that is exactly RFC 8785 (JCS), and Python's
 * json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
 * gives the same bytes; tests/cli/attest.t checks that with openssl. The
 * verifier re-serializes the parsed document the same way, so whitespace
 * and member order in the file do not matter, but any change of a value
 * does.
 */
#include "vigie/attest.h"

#include "vigie/advice.h"
#include "vigie/phone.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct vg_attest_key {
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
};

_Static_assert(crypto_sign_PUBLICKEYBYTES == VG_ATTEST_PK_BYTES, "Ed25519 public key size");
_Static_assert(crypto_sign_BYTES == VG_ATTEST_SIG_BYTES, "Ed25519 signature size");

/* The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410). */
static const uint8_t spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                        0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

/* ------------------------------------------------------------ keys */

const char *vg_attest_key_path(const char *path)
{
	if (path)
		return path;
	const char *env = getenv(VG_ATTEST_KEY_ENV);
	if (env && *env)
		return env;
	return VG_ATTEST_KEY_FILE;
}

static int key_from_seed(const uint8_t seed[crypto_sign_SEEDBYTES], vg_attest_key **out)
{
	if (sodium_init() < 0)
		return VG_EINTERNAL;
	vg_attest_key *k = sodium_malloc(sizeof(*k));
	if (!k)
		return VG_ENOMEM;
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	sodium_mprotect_readonly(k);
	*out = k;
	return 0;
}

void vg_attest_key_free(vg_attest_key *k)
{
	if (k)
		sodium_free(k);
}

const uint8_t *vg_attest_key_public(const vg_attest_key *k)
{
	return k->pk;
}

void vg_attest_key_id(const uint8_t pk[VG_ATTEST_PK_BYTES], char out[VG_ATTEST_KEY_ID_HEX + 1])
{
	uint8_t h[32];
	crypto_generichash(h, sizeof(h), pk, VG_ATTEST_PK_BYTES, NULL, 0);
	sodium_bin2hex(out, VG_ATTEST_KEY_ID_HEX + 1, h, VG_ATTEST_KEY_ID_HEX / 2);
}

int vg_attest_key_create(const char *path, vg_attest_key **out, vg_err *err)
{
	if (sodium_init() < 0)
		return vg_err_set(err, VG_EINTERNAL, "libsodium failed to initialize");
	uint8_t seed[crypto_sign_SEEDBYTES];
	randombytes_buf(seed, sizeof(seed));
	int rc = vg_secret_file_create(path, "key file", seed, sizeof(seed), VG_EINVAL, err);
	if (rc == 0) {
		rc = key_from_seed(seed, out);
		if (rc) {
			vg_err_set(err, rc, "cannot allocate protected memory for the key");
			unlink(path);
		}
	}
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

int vg_attest_key_load(const char *path, vg_attest_key **out, vg_err *err)
{
	char buf[160];
	size_t len;
	int rrc = vg_secret_file_read(path, "attestation key file", buf, sizeof(buf), &len, err);
	if (rrc)
		return rrc;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		len--;
	uint8_t seed[crypto_sign_SEEDBYTES];
	size_t bin_len = 0;
	int rc;
	if (len != 2 * crypto_sign_SEEDBYTES ||
	    sodium_hex2bin(seed, sizeof(seed), buf, len, NULL, &bin_len, NULL) != 0 ||
	    bin_len != sizeof(seed)) {
		rc = vg_err_set(err, VG_EINVAL,
		                "key file %s: not an attestation key (64 hexadecimal characters)",
		                path);
	} else {
		rc = key_from_seed(seed, out);
		if (rc)
			vg_err_set(err, rc, "cannot allocate protected memory for the key");
	}
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

int vg_attest_key_open(const char *path, bool create, vg_attest_key **out, bool *created,
                       vg_err *err)
{
	if (created)
		*created = false;
	int rc = vg_attest_key_load(path, out, err);
	if (rc != VG_ENOTFOUND || !create)
		return rc;
	rc = vg_attest_key_create(path, out, err);
	if (rc == 0 && created)
		*created = true;
	return rc;
}

size_t vg_attest_pubkey_pem(const uint8_t pk[VG_ATTEST_PK_BYTES], char out[VG_ATTEST_PEM_MAX])
{
	uint8_t der[sizeof(spki_prefix) + VG_ATTEST_PK_BYTES];
	memcpy(der, spki_prefix, sizeof(spki_prefix));
	memcpy(der + sizeof(spki_prefix), pk, VG_ATTEST_PK_BYTES);
	char b64[sodium_base64_ENCODED_LEN(sizeof(der), sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof(b64), der, sizeof(der), sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(out, VG_ATTEST_PEM_MAX,
	                 "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", b64);
	return n > 0 ? (size_t)n : 0;
}

int vg_attest_pubkey_parse(const char *s, size_t n, uint8_t pk[VG_ATTEST_PK_BYTES], vg_err *err)
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char end[] = "-----END PUBLIC KEY-----";
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	const char *b = s;
	size_t bn = n;
	bool pem = n >= sizeof(begin) - 1 && !memcmp(s, begin, sizeof(begin) - 1);
	if (pem) {
		if (n < sizeof(begin) - 1 + sizeof(end) - 1 ||
		    memcmp(s + n - (sizeof(end) - 1), end, sizeof(end) - 1) != 0)
			return vg_err_set(err, VG_EINVAL, "not a PEM public key: no END line");
		b = s + sizeof(begin) - 1;
		bn = n - (sizeof(begin) - 1) - (sizeof(end) - 1);
	}
	uint8_t bin[64];
	size_t len = 0;
	if (bn > 256 || sodium_base642bin(bin, sizeof(bin), b, bn, " \t\r\n", &len, NULL,
	                                  sodium_base64_VARIANT_ORIGINAL) != 0)
		return vg_err_set(err, VG_EINVAL, "not a public key: bad base64");
	if (pem) {
		if (len != sizeof(spki_prefix) + VG_ATTEST_PK_BYTES ||
		    memcmp(bin, spki_prefix, sizeof(spki_prefix)) != 0)
			return vg_err_set(err, VG_EINVAL, "not an Ed25519 public key");
		memcpy(pk, bin + sizeof(spki_prefix), VG_ATTEST_PK_BYTES);
	} else {
		if (len != VG_ATTEST_PK_BYTES)
			return vg_err_set(err, VG_EINVAL,
			                  "not a public key: %zu bytes, an Ed25519 key has 32", len);
		memcpy(pk, bin, VG_ATTEST_PK_BYTES);
	}
	return 0;
}

/* ------------------------------------------------------------ masking */

/* Length of the UTF-8 character at s[0..n) (1 for a stray byte). */
static size_t utf8_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t l = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	return l <= n ? l : 1;
}

size_t vg_attest_mask(vg_idtab t, const char *canon, size_t n, char out[VG_ATTEST_MASK_MAX])
{
	size_t o = 0;
#define PUT(p, l)                                                                  \
	do {                                                                       \
		size_t l_ = (l);                                                   \
		if (o + l_ < VG_ATTEST_MASK_MAX) {                                 \
			memcpy(out + o, (p), l_);                                  \
			for (size_t k_ = o; k_ < o + l_; k_++)                     \
				if ((unsigned char)out[k_] < 0x20 || out[k_] == 0x7f) \
					out[k_] = '?';                             \
			o += l_;                                                   \
		}                                                                  \
	} while (0)
	if (t == VG_IDTAB_EMAIL && n > 0) {
		const char *at = memrchr(canon, '@', n);
		if (at && at > canon && at + 1 < canon + n) {
			const char *dom = at + 1;
			size_t dn = (size_t)(canon + n - dom);
			PUT(canon, utf8_len(canon, (size_t)(at - canon)));
			PUT("***@", 4);
			PUT(dom, utf8_len(dom, dn));
			PUT("***", 3);
			const char *dot = memrchr(dom, '.', dn);
			if (dot && (size_t)(canon + n - dot) <= 24)
				PUT(dot, (size_t)(canon + n - dot));
			out[o] = '\0';
			return o;
		}
	} else if (t == VG_IDTAB_PHONE && n > 3 && canon[0] == '+') {
		vg_phone p;
		unsigned cc = 0;
		if (vg_phone_normalize(canon, n, &p) == 0)
			cc = p.country;
		char ccs[8];
		int ccl = cc ? snprintf(ccs, sizeof(ccs), "%u", cc) : 2;
		if (!cc)
			memcpy(ccs, canon + 1, 2);
		const char *nat = canon + 1 + ccl;
		size_t nn = n - 1 - (size_t)ccl;
		if ((size_t)ccl + 1 < n && nn >= 3 && nn <= 20) {
			PUT("+", 1);
			PUT(ccs, (size_t)ccl);
			PUT(" ", 1);
			if (cc == 33 && nn == 9) {
				PUT(nat, 1);
				PUT(" ** ** ** ", 10);
				PUT(nat + 7, 2);
			} else {
				for (size_t i = 0; i + 2 < nn; i++)
					PUT("*", 1);
				PUT(" ", 1);
				PUT(nat + nn - 2, 2);
			}
			out[o] = '\0';
			return o;
		}
	}
	PUT("***", 3);
	out[o] = '\0';
	return o;
#undef PUT
}

/* ------------------------------------------------------------ the document */

/* "2026-01-15T10:00:00Z" */
static void utc_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* Appends "a, b, c" of n strings to a buffer of cap bytes. */
static void join(char *buf, size_t cap, const char *const *s, size_t n)
{
	size_t o = strlen(buf);
	for (size_t i = 0; i < n && o < cap; i++) {
		int w = snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", s[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (o >= cap)
		buf[cap - 1] = '\0';
}

json_t *vg_attest_document(const vg_attest_info *in)
{
	if (sodium_init() < 0)
		return NULL;
	uint8_t idb[12];
	char id[2 * sizeof(idb) + 1];
	randombytes_buf(idb, sizeof(idb));
	sodium_bin2hex(id, sizeof(id), idb, sizeof(idb));
	char issued[32];
	utc_time(in->issued, issued);
	const char *org = in->organisation && *in->organisation ? in->organisation : "?";
	const char *breach = in->breach && *in->breach ? in->breach : "?";

	json_t *doc = json_object();
	json_object_set_new(doc, "type", json_string("vigie-exposure-attestation"));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "id", json_string(id));
	json_object_set_new(doc, "issued", json_string(issued));
	json_object_set_new(doc, "organisation", json_string(org));
	json_t *b = json_object();
	json_object_set_new(b, "name", json_string(breach));
	if (in->breach_start && *in->breach_start)
		json_object_set_new(b, "start", json_string(in->breach_start));
	if (in->breach_end && *in->breach_end)
		json_object_set_new(b, "end", json_string(in->breach_end));
	json_object_set_new(doc, "breach", b);
	json_t *ident = json_object();
	json_object_set_new(ident, "kind",
	                    json_string(in->kind == VG_IDTAB_PHONE ? "phone" : "email"));
	json_object_set_new(ident, "masked", json_string(in->masked ? in->masked : "***"));
	json_object_set_new(ident, "verified_by", json_string("one-time-code"));
	json_object_set_new(doc, "identifier", ident);

	json_t *ex = json_object(), *cats = json_array(), *lfr = json_array(), *len = json_array();
	const char *labels_fr[VG_CAT__COUNT], *labels_en[VG_CAT__COUNT];
	size_t nl = 0;
	for (int c = 0; c < VG_CAT__COUNT; c++) {
		if (!(in->cats & VG_CAT_BIT(c)))
			continue;
		json_array_append_new(cats, json_string(vg_datacat_name((vg_datacat)c)));
		labels_fr[nl] = vg_datacat_label((vg_datacat)c, VG_LANG_FR);
		labels_en[nl] = vg_datacat_label((vg_datacat)c, VG_LANG_EN);
		json_array_append_new(lfr, json_string(labels_fr[nl]));
		json_array_append_new(len, json_string(labels_en[nl]));
		nl++;
	}
	json_object_set_new(ex, "categories", cats);
	json_t *labels = json_object();
	json_object_set_new(labels, "fr", lfr);
	json_object_set_new(labels, "en", len);
	json_object_set_new(ex, "category_labels", labels);
	json_t *src = json_array();
	for (size_t i = 0; i < in->nsources; i++)
		json_array_append_new(src, json_string(in->sources[i]));
	json_object_set_new(ex, "sources", src);
	json_object_set_new(ex, "special_category", json_boolean(in->special));
	json_object_set_new(doc, "exposed", ex);

	/* The statement, one paragraph per language (no line breaks: JCS-safe). */
	char dates_fr[64] = "", dates_en[64] = "";
	if (in->breach_start && *in->breach_start && in->breach_end && *in->breach_end) {
		snprintf(dates_fr, sizeof(dates_fr), " (du %s au %s)", in->breach_start,
		         in->breach_end);
		snprintf(dates_en, sizeof(dates_en), " (from %s to %s)", in->breach_start,
		         in->breach_end);
	}
	char cfr[1024] = "", cen[1024] = "", srcs[1024] = "";
	join(cfr, sizeof(cfr), labels_fr, nl);
	join(cen, sizeof(cen), labels_en, nl);
	join(srcs, sizeof(srcs), in->sources, in->nsources);
	const char *masked = in->masked ? in->masked : "***";
	size_t cap = 4096 + strlen(org) * 2 + strlen(breach);
	char *fr = vg_xmalloc(cap), *en = vg_xmalloc(cap);
	snprintf(fr, cap,
	         "%s atteste que des données personnelles rattachées à l'identifiant %s (%s) "
	         "figurent dans les données exposées lors de la violation de données « %s »%s. "
	         "Données exposées : %s. Sources : %s.%s Le demandeur a prouvé qu'il reçoit les "
	         "messages adressés à cet identifiant, par un code à usage unique. Attestation "
	         "émise le %s (UTC), signée électroniquement (Ed25519) ; sa signature se vérifie "
	         "avec la clé publique de %s.",
	         org, masked, in->kind == VG_IDTAB_PHONE ? "téléphone" : "adresse électronique",
	         breach, dates_fr, nl ? cfr : "aucune", in->nsources ? srcs : "aucune",
	         in->special ? " Une de ces sources relève des catégories particulières de "
	                       "données (art. 9 du RGPD)."
	                     : "",
	         issued, org);
	snprintf(en, cap,
	         "%s attests that personal data linked to the identifier %s (%s) is part of the "
	         "data exposed in the data breach \"%s\"%s. Data exposed: %s. Sources: %s.%s The "
	         "requester proved, with a one-time code, that they receive the messages sent to "
	         "this identifier. Issued on %s (UTC), signed electronically (Ed25519); the "
	         "signature is checked with the public key of %s.",
	         org, masked, in->kind == VG_IDTAB_PHONE ? "phone number" : "email address",
	         breach, dates_en, nl ? cen : "none", in->nsources ? srcs : "none",
	         in->special ? " One of these sources holds special-category data (GDPR art. 9)."
	                     : "",
	         issued, org);
	json_t *st = json_object();
	json_object_set_new(st, "fr", json_string(fr));
	json_object_set_new(st, "en", json_string(en));
	json_object_set_new(doc, "statement", st);
	free(fr);
	free(en);
	return doc;
}

/* ------------------------------------------------------------ sign and verify */

char *vg_attest_canonical(const json_t *doc, size_t *len)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (s && len)
		*len = strlen(s);
	return s;
}

char *vg_attest_sign(const vg_attest_key *k, const json_t *doc, size_t *len)
{
	size_t n;
	char *canon = vg_attest_canonical(doc, &n);
	if (!canon)
		return NULL;
	uint8_t sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)canon, n, k->sk);
	free(canon);
	char sig64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	char pk64[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES,
	                                    sodium_base64_VARIANT_ORIGINAL)];
	char kid[VG_ATTEST_KEY_ID_HEX + 1];
	sodium_bin2base64(sig64, sizeof(sig64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(pk64, sizeof(pk64), k->pk, sizeof(k->pk), sodium_base64_VARIANT_ORIGINAL);
	vg_attest_key_id(k->pk, kid);
	json_t *file = json_object();
	json_object_set_new(file, "format", json_string(VG_ATTEST_FORMAT));
	json_object_set(file, "document", (json_t *)doc);
	json_t *s = json_object();
	json_object_set_new(s, "algorithm", json_string("Ed25519"));
	json_object_set_new(s, "canonicalization", json_string("JCS"));
	json_object_set_new(s, "key_id", json_string(kid));
	json_object_set_new(s, "public_key", json_string(pk64));
	json_object_set_new(s, "value", json_string(sig64));
	json_object_set_new(file, "signature", s);
	char *out = json_dumps(file, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(file);
	if (!out)
		return NULL;
	size_t ol = strlen(out);
	char *o2 = vg_xrealloc(out, ol + 2);
	o2[ol] = '\n';
	o2[ol + 1] = '\0';
	if (len)
		*len = ol + 1;
	return o2;
}

/* A string member of o, or NULL. */
static const char *str_member(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int vg_attest_verify(const char *data, size_t n, const uint8_t pk[VG_ATTEST_PK_BYTES],
                     json_t **doc_out, vg_err *err)
{
	if (doc_out)
		*doc_out = NULL;
	if (sodium_init() < 0)
		return vg_err_set(err, VG_EINTERNAL, "libsodium failed to initialize");
	if (n > VG_ATTEST_MAX_BYTES)
		return vg_err_set(err, VG_ETOOBIG, "over %d bytes: not an attestation",
		                  VG_ATTEST_MAX_BYTES);
	json_error_t jerr;
	json_t *root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return vg_err_set(err, VG_EINVAL, "not JSON (line %d: %s)", jerr.line, jerr.text);
	int rc = 0;
	const char *fmt = str_member(root, "format");
	json_t *doc = json_object_get(root, "document");
	json_t *sig = json_object_get(root, "signature");
	if (!json_is_object(root) || !fmt || strcmp(fmt, VG_ATTEST_FORMAT) != 0) {
		rc = vg_err_set(err, VG_EINVAL, "not a vigie attestation (no \"format\": \"%s\")",
		                VG_ATTEST_FORMAT);
		goto out;
	}
	if (!json_is_object(doc) || !json_is_object(sig)) {
		rc = vg_err_set(err, VG_EINVAL, "no \"document\" or \"signature\" object");
		goto out;
	}
	const char *alg = str_member(sig, "algorithm");
	const char *canon_name = str_member(sig, "canonicalization");
	const char *value = str_member(sig, "value");
	if (!alg || strcmp(alg, "Ed25519") != 0 || (canon_name && strcmp(canon_name, "JCS") != 0)) {
		rc = vg_err_set(err, VG_EINVAL, "unknown signature algorithm or canonicalization");
		goto out;
	}
	uint8_t s[crypto_sign_BYTES];
	size_t slen = 0;
	if (!value || strlen(value) > 128 ||
	    sodium_base642bin(s, sizeof(s), value, strlen(value), NULL, &slen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    slen != sizeof(s)) {
		rc = vg_err_set(err, VG_EINVAL, "the signature value is not 64 bytes of base64");
		goto out;
	}
	size_t cn;
	char *canon = vg_attest_canonical(doc, &cn);
	if (!canon) {
		rc = vg_err_set(err, VG_EINVAL, "the document cannot be serialized");
		goto out;
	}
	int bad = crypto_sign_verify_detached(s, (const unsigned char *)canon, cn, pk);
	free(canon);
	if (bad) {
		char want[VG_ATTEST_KEY_ID_HEX + 1];
		vg_attest_key_id(pk, want);
		const char *kid = str_member(sig, "key_id");
		if (kid && strcmp(kid, want) != 0)
			rc = vg_err_set(err, VG_ECORRUPT,
			                "bad signature: signed with key %.16s, not with the trusted "
			                "key %s",
			                kid, want);
		else
			rc = vg_err_set(err, VG_ECORRUPT,
			                "bad signature: the document or the signature was changed");
		goto out;
	}
	/* Signed by the organisation: now the content can be trusted as theirs. */
	const char *type = str_member(doc, "type");
	json_t *ver = json_object_get(doc, "version");
	if (!type || strcmp(type, "vigie-exposure-attestation") != 0 || !json_is_integer(ver) ||
	    json_integer_value(ver) != 1) {
		rc = vg_err_set(err, VG_EINVAL, "signed, but not a document of a known type and "
		                                "version");
		goto out;
	}
	if (doc_out)
		*doc_out = json_incref(doc);
out:
	json_decref(root);
	return rc;
}
