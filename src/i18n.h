/* SPDX-License-Identifier: ISC */
/*
 * Message translation.  Source strings are English; share/po/zh_CN.po
 * holds the Chinese.  _() translates at the call, N_() marks a string in
 * a static table for translation where it is used.
 */
#ifndef HCP_I18N_H
#define HCP_I18N_H

#include <libintl.h>

#define HCP_TEXTDOMAIN "hcp"
#define _(s) dgettext(HCP_TEXTDOMAIN, s)
#define N_(s) s

#endif
