/*
 * ident.c: dispatch by identifier kind, and the JSON detailed view.
 */
#include "vigie/ident.h"
#include "vigie/address.h"
#include "vigie/dob.h"
#include "vigie/email.h"
#include "vigie/ftid.h"
#include "vigie/name.h"
#include "vigie/nir.h"
#include "vigie/phone.h"

#include <string.h>

const vg_reason vg_reason_empty = {"empty", "valeur vide", "empty value"};
const vg_reason vg_reason_too_long = {"too_long", "valeur trop longue", "value too long"};
const vg_reason vg_reason_bad_utf8 = {"bad_utf8", "texte UTF-8 invalide", "invalid UTF-8 text"};

static const char *const kind_names[VG_KIND__COUNT] = {
	[VG_KIND_EMAIL] = "email", [VG_KIND_PHONE] = "phone", [VG_KIND_NIR] = "nir",
	[VG_KIND_NAME] = "name",   [VG_KIND_DOB] = "dob",     [VG_KIND_ADDRESS] = "address",
	[VG_KIND_ID] = "id",
};

const char *vg_kind_name(vg_kind k)
{
	return (unsigned)k < VG_KIND__COUNT ? kind_names[k] : "?";
}

int vg_kind_parse(const char *name, vg_kind *out)
{
	for (unsigned i = 0; i < VG_KIND__COUNT; i++) {
		if (name && !strcmp(name, kind_names[i])) {
			*out = (vg_kind)i;
			return 0;
		}
	}
	return VG_EINVAL;
}

int vg_canon_fail(vg_canon *out, const vg_reason *r)
{
	out->s[0] = '\0';
	out->len = 0;
	out->reason = r;
	return VG_EINVAL;
}

/* One result of any kind; each member starts with a vg_canon. */
typedef union any_ident {
	vg_canon c;
	vg_email email;
	vg_phone phone;
	vg_nir nir;
	vg_name name;
	vg_dob dob;
	vg_address address;
	vg_ftid id;
} any_ident;

static int normalize_any(vg_kind k, const char *s, size_t n, any_ident *u)
{
	switch (k) {
	case VG_KIND_EMAIL:
		return vg_email_normalize(s, n, &u->email);
	case VG_KIND_PHONE:
		return vg_phone_normalize(s, n, &u->phone);
	case VG_KIND_NIR:
		return vg_nir_normalize(s, n, &u->nir);
	case VG_KIND_NAME:
		return vg_name_normalize(s, n, &u->name);
	case VG_KIND_DOB:
		return vg_dob_normalize(s, n, &u->dob);
	case VG_KIND_ADDRESS:
		return vg_address_normalize(s, n, &u->address);
	case VG_KIND_ID:
		return vg_ftid_normalize(s, n, &u->id);
	case VG_KIND__COUNT:
		break;
	}
	return VG_EINTERNAL;
}

int vg_ident_normalize(vg_kind k, const char *s, size_t n, vg_canon *out)
{
	any_ident u;
	int rc = normalize_any(k, s, n, &u);
	/* The canonical part is the common prefix of every member. */
	memcpy(out->s, u.c.s, u.c.len + 1);
	out->len = u.c.len;
	out->reason = u.c.reason;
	return rc;
}

/* Input shown back as valid UTF-8 (invalid bytes become U+FFFD). */
static json_t *utf8_string(const char *s, size_t n)
{
	if (n > VG_INPUT_MAX)
		n = VG_INPUT_MAX;
	char *buf = vg_xmalloc(n * 3 + 1);
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		int ok = len && i + len <= n && c != 0;
		for (size_t j = 1; ok && j < len; j++)
			ok = ((unsigned char)s[i + j] & 0xC0) == 0x80;
		if (ok && len > 1) {
			unsigned cp = c & (0xFF >> (len + 1));
			for (size_t j = 1; j < len; j++)
				cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3F);
			static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
			ok = cp >= min[len] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
		}
		if (ok) {
			memcpy(buf + o, s + i, len);
			o += len;
			i += len;
		} else {
			memcpy(buf + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	json_t *j = json_stringn(buf, o);
	free(buf);
	return j;
}

json_t *vg_ident_describe(vg_kind k, const char *s, size_t n, vg_lang lang)
{
	any_ident u;
	int rc = normalize_any(k, s, n, &u);
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(vg_kind_name(k)));
	json_object_set_new(o, "input", utf8_string(s, n));
	json_object_set_new(o, "valid", json_boolean(rc == 0));
	if (rc == 0) {
		json_object_set_new(o, "canonical", json_stringn(u.c.s, u.c.len));
		json_object_set_new(o, "reason", json_null());
		switch (k) {
		case VG_KIND_EMAIL:
			vg_email_describe(&u.email, o);
			break;
		case VG_KIND_PHONE:
			vg_phone_describe(&u.phone, o);
			break;
		case VG_KIND_NIR:
			vg_nir_describe(&u.nir, o);
			break;
		case VG_KIND_NAME:
			vg_name_describe(&u.name, o);
			break;
		case VG_KIND_DOB:
			vg_dob_describe(&u.dob, o);
			break;
		case VG_KIND_ADDRESS:
			vg_address_describe(&u.address, o);
			break;
		case VG_KIND_ID:
			vg_ftid_describe(&u.id, o);
			break;
		case VG_KIND__COUNT:
			break;
		}
	} else {
		json_object_set_new(o, "canonical", json_null());
		json_t *r = json_object();
		const vg_reason *why = u.c.reason;
		json_object_set_new(r, "code", json_string(why ? why->code : "internal"));
		json_object_set_new(r, "message", json_string(why ? vg_reason_text(why, lang) : vg_strerror(rc)));
		json_object_set_new(o, "reason", r);
	}
	return o;
}
