/*
 * gen_data.h: the tables that src/gen/mkdata.c generates from data/ at build
 * time (gen_data.c in the build directory). Internal to src/gen.
 *
 * Strings live in one pool, vg_gd_str, referenced by byte offsets; each is
 * NUL-terminated. Cumulative arrays hold, for entry i, the total weight of
 * the entries before it (so they start at 0 and are non-decreasing).
 */
#ifndef VIGIE_GEN_DATA_H
#define VIGIE_GEN_DATA_H

#include <stdint.h>

/* Birth years covered, and the 14 cells: (sex - 1) * 7 + (year - 1940) / 10. */
#define VG_GD_YEAR0 1940
#define VG_GD_YEAR1 2008
#define VG_GD_NDEC 7
#define VG_GD_NCELLS 14

extern const char vg_gd_str[];

/* First names by folded key ("jeanpierre"), sorted by key. */
extern const uint32_t vg_gd_nfirst;
extern const uint32_t vg_gd_first_key[];     /* pool offset of the key */
extern const uint32_t vg_gd_first_var[];     /* [nfirst + 1]: spellings of key i */
extern const uint32_t vg_gd_first_var_str[]; /* pool offset of a spelling ("Jean-Pierre") */
extern const uint32_t vg_gd_first_var_cum[]; /* running births within the key, inclusive */
extern const uint8_t vg_gd_first_owner[];    /* the cell where the key is most frequent */

/* Per cell: entries vg_gd_cell_off[c] .. vg_gd_cell_off[c + 1], sorted by key. */
extern const uint32_t vg_gd_cell_off[];    /* [NCELLS + 1] */
extern const uint32_t vg_gd_cell_total[];  /* [NCELLS] */
extern const uint32_t vg_gd_cell_init[];   /* [NCELLS * 27]: first entry of each initial */
extern const uint32_t vg_gd_cell_name[];   /* first-name index of the entry */
extern const uint32_t vg_gd_cell_cum[];    /* weight before the entry, within the cell */
extern const uint32_t vg_gd_cell_weight[]; /* [NCELLS] share of the population */
extern const uint32_t vg_gd_year_weight[]; /* [YEAR1 - YEAR0 + 1] */

/* Surnames by folded key, sorted by key; no spelling stored means the key in
 * uppercase. Era 0 weighs births 1941-1970, era 1 births 1971-2000. */
extern const uint32_t vg_gd_nsur;
extern const uint32_t vg_gd_sur_key[];
extern const uint32_t vg_gd_nsur_multi;      /* surnames with stored spellings */
extern const uint32_t vg_gd_sur_multi[];     /* their indices, sorted */
extern const uint32_t vg_gd_sur_multi_var[]; /* [nsur_multi + 1]: their spellings */
extern const uint32_t vg_gd_sur_var_str[];
extern const uint32_t vg_gd_sur_var_cum[];
extern const uint32_t vg_gd_sur_cum0[];
extern const uint32_t vg_gd_sur_cum1[];
extern const uint32_t vg_gd_sur_total[]; /* [2] */

/* Regions and departments (INSEE COG). */
extern const uint32_t vg_gd_nregion;
extern const char vg_gd_region_code[][4];
extern const uint32_t vg_gd_region_name[];
extern const uint32_t vg_gd_ndept;
extern const char vg_gd_dept_code[][4];
extern const uint32_t vg_gd_dept_name[];
extern const uint8_t vg_gd_dept_region[];
extern const uint32_t vg_gd_dept_pop[]; /* thousands */
extern const uint8_t vg_gd_dept_zone[]; /* telephone zone 1-5; 0 overseas */
extern const uint32_t vg_gd_dept_row[]; /* [ndept + 1]: first La Poste row */

/* La Poste (commune, postcode) pairs, sorted by department then commune. */
extern const uint32_t vg_gd_nrow;
extern const char vg_gd_row_insee[][6];
extern const char vg_gd_row_postcode[][6];
extern const uint32_t vg_gd_row_label[]; /* routing label ("PARIS") */
extern const uint32_t vg_gd_row_proxy[]; /* population proxy, 10000 = a whole postcode */

/* Countries (INSEE COG, current states but France). */
extern const uint32_t vg_gd_ncountry;
extern const char vg_gd_country_code[][4]; /* the 3 digits after 99 */
extern const char vg_gd_country_iso2[][3];
extern const uint32_t vg_gd_country_name[];
extern const uint32_t vg_gd_country_weight[]; /* immigrants, thousands */

#endif
