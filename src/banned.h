/* SPDX-License-Identifier: ISC */
/*
 * Functions hcp does not use: each has a safer replacement (snprintf,
 * strbuf, strtonum-style parse_* helpers, gmtime_r).  Include this last,
 * after every system header, so a call to one fails to compile.
 */
#ifndef HCP_BANNED_H
#define HCP_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_hcp

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
