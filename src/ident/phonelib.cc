/*
 * phonelib.cc: libphonenumber behind one C-callable function.
 *
 * This is the only C++ file of the phone module, and the only place that
 * knows libphonenumber's types. It parses, validates, formats to E.164 and
 * names the region and the type of a number, and maps the library's error
 * kinds onto vg_phonelib_status. Everything runs inside a try block: an
 * exception (std::bad_alloc, or anything from the library) becomes
 * VG_PHONELIB_ERROR and never unwinds into C.
 */
#include "ident/phonelib.h"

extern "C" {
#include "vigie/phone.h"
}

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstring>
#include <string>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace
{

/* libphonenumber's number type as a vg_phone_type. */
vg_phone_type map_type(PhoneNumberUtil::PhoneNumberType t)
{
	switch (t) {
	case PhoneNumberUtil::FIXED_LINE:
		return VG_PHONE_FIXED;
	case PhoneNumberUtil::MOBILE:
		return VG_PHONE_MOBILE;
	case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
		return VG_PHONE_FIXED_OR_MOBILE;
	case PhoneNumberUtil::TOLL_FREE:
		return VG_PHONE_TOLL_FREE;
	case PhoneNumberUtil::PREMIUM_RATE:
		return VG_PHONE_PREMIUM;
	case PhoneNumberUtil::SHARED_COST:
		return VG_PHONE_SHARED_COST;
	case PhoneNumberUtil::VOIP:
		return VG_PHONE_VOIP;
	case PhoneNumberUtil::PERSONAL_NUMBER:
		return VG_PHONE_PERSONAL;
	case PhoneNumberUtil::PAGER:
		return VG_PHONE_PAGER;
	case PhoneNumberUtil::UAN:
		return VG_PHONE_UAN;
	case PhoneNumberUtil::VOICEMAIL:
		return VG_PHONE_VOICEMAIL;
	case PhoneNumberUtil::UNKNOWN:
		break;
	}
	return VG_PHONE_UNKNOWN;
}

/* A parse error as a status. */
vg_phonelib_status map_parse_error(PhoneNumberUtil::ErrorType e)
{
	switch (e) {
	case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
		return VG_PHONELIB_BAD_COUNTRY;
	case PhoneNumberUtil::NOT_A_NUMBER:
		return VG_PHONELIB_NOT_A_NUMBER;
	case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
	case PhoneNumberUtil::TOO_SHORT_NSN:
		return VG_PHONELIB_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG_NSN:
		return VG_PHONELIB_TOO_LONG;
	case PhoneNumberUtil::NO_PARSING_ERROR:
		break;
	}
	return VG_PHONELIB_ERROR;
}

/* Why a parsed number that is not valid is not, from its length. */
vg_phonelib_status map_possible(PhoneNumberUtil::ValidationResult r)
{
	switch (r) {
	case PhoneNumberUtil::IS_POSSIBLE:
	case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
		return VG_PHONELIB_INVALID;
	case PhoneNumberUtil::INVALID_COUNTRY_CODE:
		return VG_PHONELIB_BAD_COUNTRY;
	case PhoneNumberUtil::TOO_SHORT:
		return VG_PHONELIB_TOO_SHORT;
	case PhoneNumberUtil::INVALID_LENGTH:
		return VG_PHONELIB_BAD_LENGTH;
	case PhoneNumberUtil::TOO_LONG:
		return VG_PHONELIB_TOO_LONG;
	}
	return VG_PHONELIB_INVALID;
}

/* The body of vg_phonelib_parse(), which may throw. */
vg_phonelib_status parse(const char *text, size_t n, const char *default_region,
                         vg_phonelib_result *out)
{
	const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
	PhoneNumber num;
	PhoneNumberUtil::ErrorType e = util->Parse(std::string(text, n), default_region, &num);
	if (e != PhoneNumberUtil::NO_PARSING_ERROR)
		return map_parse_error(e);
	out->country = (unsigned)num.country_code();
	if (!util->IsValidNumber(num))
		return map_possible(util->IsPossibleNumberWithReason(num));

	std::string s;
	util->Format(num, PhoneNumberUtil::E164, &s);
	if (s.size() >= sizeof(out->e164))
		return VG_PHONELIB_ERROR;
	memcpy(out->e164, s.data(), s.size());
	out->e164[s.size()] = '\0';

	std::string region;
	util->GetRegionCodeForNumber(num, &region);
	if (region.size() < sizeof(out->region)) {
		memcpy(out->region, region.data(), region.size());
		out->region[region.size()] = '\0';
	}
	out->type = map_type(util->GetNumberType(num));
	return VG_PHONELIB_VALID;
}

} // namespace

extern "C" vg_phonelib_status vg_phonelib_parse(const char *text, size_t n,
                                                const char *default_region, vg_phonelib_result *out)
{
	out->e164[0] = '\0';
	out->country = 0;
	out->region[0] = '\0';
	out->type = VG_PHONE_UNKNOWN;
	try {
		return parse(text, n, default_region, out);
	} catch (...) {
		return VG_PHONELIB_ERROR;
	}
}
