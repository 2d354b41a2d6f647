/* test_advice.c: category names and labels, and the advice per category. */
#include "vigie/advice.h"
#include "vigie/registry.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define BIT(c) VG_DATACAT_BIT(VG_DATACAT_##c)

static const char *const general[] = {"urgent_messages", "no_credentials", "no_links",
                                      "check_accounts",  "report_scams",   "strong_passwords"};
#define N_GENERAL (sizeof(general) / sizeof(general[0]))

/* Index of the item with this code in l, or -1. */
static int find(const vg_advice_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->item[i].code, code))
			return (int)i;
	return -1;
}

static void test_categories(void **state)
{
	(void)state;
	static const char *const names[VG_DATACAT_COUNT] = {
	    "name",    "nir",   "dob", "ft_id",      "email",
	    "address", "phone", "sex", "birthplace", "registration"};
	for (int c = 0; c < VG_DATACAT_COUNT; c++) {
		assert_string_equal(vg_datacat_name(c), names[c]);
		vg_datacat back;
		assert_int_equal(vg_datacat_parse(names[c], strlen(names[c]), &back), 0);
		assert_int_equal(back, c);
		const char *fr = vg_datacat_label(c, VG_LANG_FR),
		           *en = vg_datacat_label(c, VG_LANG_EN);
		assert_non_null(fr);
		assert_non_null(en);
		assert_true(strlen(fr) > 2 && strlen(en) > 2);
	}
	assert_string_equal(vg_datacat_label(VG_DATACAT_NIR, VG_LANG_FR),
	                    "Numéro de sécurité sociale (NIR)");
	assert_string_equal(vg_datacat_label(VG_DATACAT_ADDRESS, VG_LANG_EN), "Postal address");
	assert_null(vg_datacat_name(VG_DATACAT_COUNT));
	assert_null(vg_datacat_name((vg_datacat)-1));
	assert_null(vg_datacat_label(VG_DATACAT_COUNT, VG_LANG_FR));
	vg_datacat c = VG_DATACAT_SEX;
	assert_int_equal(vg_datacat_parse("NIR", 3, &c), VG_EINVAL);
	assert_int_equal(vg_datacat_parse("ni", 2, &c), VG_EINVAL);
	assert_int_equal(vg_datacat_parse("nirx", 4, &c), VG_EINVAL);
	assert_int_equal(vg_datacat_parse("", 0, &c), VG_EINVAL);
	assert_int_equal(vg_datacat_parse("nir-and-more", 3, &c), 0); /* only n bytes count */
	assert_int_equal(c, VG_DATACAT_NIR);
	assert_int_equal(VG_DATACAT_ALL, 0x3FF);
}

static void test_general_always(void **state)
{
	(void)state;
	uint32_t masks[] = {0, BIT(NIR), VG_DATACAT_ALL, VG_DATACAT_ALL | VG_ADVICE_SPECIAL};
	for (size_t m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
		for (int lang = 0; lang < 2; lang++) {
			vg_advice_list l = vg_advice_for(masks[m], (vg_lang)lang);
			assert_true(l.n >= N_GENERAL && l.n <= VG_ADVICE_MAX);
			/* the general items come last, in their order */
			for (size_t g = 0; g < N_GENERAL; g++)
				assert_int_equal(find(&l, general[g]), (int)(l.n - N_GENERAL + g));
		}
	}
	vg_advice_list none = vg_advice_for(0, VG_LANG_FR);
	assert_int_equal(none.n, N_GENERAL);
	for (size_t i = 0; i < none.n; i++)
		assert_int_equal(none.item[i].needs, 0);
}

static void test_per_category(void **state)
{
	(void)state;
	static const struct {
		uint32_t mask;
		const char *code;
	} specific[] = {
	    {BIT(NIR), "nir_permanent"},
	    {BIT(FTID), "ft_id_quoted"},
	    {BIT(REGISTRATION), "registration_scams"},
	    {BIT(ADDRESS), "address_mail_fraud"},
	    {BIT(PHONE), "phone_smishing"},
	    {BIT(EMAIL), "email_phishing"},
	    {BIT(NAME) | BIT(DOB), "identity_questions"},
	    {VG_ADVICE_SPECIAL, "special_category"},
	};
	size_t n_spec = sizeof(specific) / sizeof(specific[0]);
	for (size_t i = 0; i < n_spec; i++) {
		vg_advice_list l = vg_advice_for(specific[i].mask, VG_LANG_FR);
		/* exactly its own item, first, then the general ones */
		assert_int_equal(l.n, N_GENERAL + 1);
		assert_string_equal(l.item[0].code, specific[i].code);
		assert_int_equal(l.item[0].needs, specific[i].mask);
		/* and never without its categories */
		vg_advice_list other =
		    vg_advice_for(VG_DATACAT_ALL & ~specific[i].mask, VG_LANG_FR);
		if (specific[i].mask != VG_ADVICE_SPECIAL &&
		    (specific[i].mask & (specific[i].mask - 1)) == 0)
			assert_int_equal(find(&other, specific[i].code), -1);
	}
	/* name + dob needs both */
	vg_advice_list name = vg_advice_for(BIT(NAME), VG_LANG_FR);
	assert_int_equal(find(&name, "identity_questions"), -1);
	assert_int_equal(name.n, N_GENERAL);
	vg_advice_list dob = vg_advice_for(BIT(DOB) | BIT(SEX) | BIT(BIRTHPLACE), VG_LANG_EN);
	assert_int_equal(find(&dob, "identity_questions"), -1);
	assert_int_equal(dob.n, N_GENERAL); /* sex, birthplace: nothing specific */

	/* everything: every item once, specific ones in a fixed order */
	vg_advice_list all = vg_advice_for(VG_DATACAT_ALL | VG_ADVICE_SPECIAL, VG_LANG_FR);
	assert_int_equal(all.n, n_spec + N_GENERAL);
	assert_string_equal(all.item[0].code, "special_category");
	assert_string_equal(all.item[1].code, "nir_permanent");
	for (size_t i = 0; i < all.n; i++)
		for (size_t j = i + 1; j < all.n; j++)
			assert_string_not_equal(all.item[i].code, all.item[j].code);
	/* bits outside the categories (other than the special flag) change nothing */
	vg_advice_list odd = vg_advice_for(UINT32_C(1) << 20, VG_LANG_FR);
	assert_int_equal(odd.n, N_GENERAL);
}

static void test_texts(void **state)
{
	(void)state;
	vg_advice_list fr = vg_advice_for(VG_DATACAT_ALL | VG_ADVICE_SPECIAL, VG_LANG_FR);
	vg_advice_list en = vg_advice_for(VG_DATACAT_ALL | VG_ADVICE_SPECIAL, VG_LANG_EN);
	assert_int_equal(fr.n, en.n);
	for (size_t i = 0; i < fr.n; i++) {
		assert_string_equal(fr.item[i].code, en.item[i].code);
		assert_true(strlen(fr.item[i].title) > 10 && strlen(fr.item[i].text) > 60);
		assert_true(strlen(en.item[i].title) > 10 && strlen(en.item[i].text) > 60);
		assert_string_not_equal(fr.item[i].text, en.item[i].text);
		assert_string_not_equal(fr.item[i].title, en.item[i].title);
		/* plain text: no markup that a terminal or an SMS would show raw */
		assert_null(strpbrk(fr.item[i].text, "<>*_`\n"));
		assert_null(strpbrk(en.item[i].text, "<>*_`\n"));
	}
#define HAS(l, code, s) assert_non_null(strstr((l).item[find(&(l), code)].text, s))
	HAS(fr, "report_scams", "cybermalveillance.gouv.fr");
	HAS(en, "report_scams", "cybermalveillance.gouv.fr");
	HAS(fr, "nir_permanent", "ne prouve rien");
	assert_non_null(
	    strstr(fr.item[find(&fr, "nir_permanent")].title, "ne peut pas être changé"));
	assert_non_null(strstr(en.item[find(&en, "nir_permanent")].title, "cannot be changed"));
	HAS(en, "nir_permanent", "proves nothing");
	HAS(fr, "address_mail_fraud", "France Travail");
	HAS(fr, "address_mail_fraud", "Ameli");
	HAS(en, "address_mail_fraud", "letters");
	HAS(fr, "phone_smishing", "SMS");
	HAS(en, "phone_smishing", "33700");
	assert_non_null(strstr(en.item[find(&en, "phone_smishing")].title, "calls"));
	HAS(en, "email_phishing", "can be forged");
	assert_non_null(strstr(en.item[find(&en, "email_phishing")].title, "phishing"));
	HAS(fr, "ft_id_quoted", "identifiant");
	HAS(en, "identity_questions", "Banks");
	HAS(fr, "no_credentials", "bancaire");
	HAS(en, "no_credentials", "bank");
	HAS(en, "special_category", "disability");
#undef HAS
	assert_non_null(strstr(fr.item[find(&fr, "no_links")].title, "liens"));
	assert_non_null(strstr(en.item[find(&en, "strong_passwords")].title, "passwords"));
}

/* The registry's categories are the same, in the same order: the CLI passes
 * a registry bitmask to vg_advice_for() unchanged. */
static void test_registry_consistency(void **state)
{
	(void)state;
	assert_int_equal(VG_CAT__COUNT, VG_DATACAT_COUNT);
	for (int c = 0; c < VG_DATACAT_COUNT; c++) {
		assert_string_equal(vg_category_name((vg_category)c), vg_datacat_name(c));
		assert_int_equal(VG_CAT_BIT(c), VG_DATACAT_BIT(c));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_categories),           cmocka_unit_test(test_general_always),
	    cmocka_unit_test(test_per_category),         cmocka_unit_test(test_texts),
	    cmocka_unit_test(test_registry_consistency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
