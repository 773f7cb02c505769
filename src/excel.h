/* SPDX-License-Identifier: ISC */
/*
 * What a spreadsheet does to long numbers keyed into a cell that is not
 * formatted as text.  Excel and WPS keep 15 significant digits: a longer
 * number is shown in scientific notation (3.30523E+15) and saved so, or
 * its digits after the fifteenth are replaced by zeros
 * (33052320261114000000000).  Pure functions, no state.
 */
#ifndef HCP_EXCEL_H
#define HCP_EXCEL_H

/* Which long-number field a value is for. */
enum excel_field {
	EXCEL_SERIAL,		/* form serial: 16 digits, check digit */
	EXCEL_PROJECT,		/* project number: no check */
	EXCEL_CERT		/* certificate number: ID card check */
};

/*
 * True when s is a number in scientific notation (3.30523E+15, 1e16).
 */
int excel_scientific(const char *s);

/*
 * True when s is what a spreadsheet leaves of a long number: scientific
 * notation, or more than 15 digits of which all after the fifteenth
 * significant one are zeros and the number fails the check its field
 * has (a serial's check digit, an 18-digit ID card number's).  A field
 * with no check (the project number) needs two such zeros or more: a
 * 16-digit number ending in one 0 is as often real as damaged, and is
 * accepted.  Separators a serial may be keyed with (- and space) are
 * skipped.
 */
int excel_mangled(enum excel_field f, const char *s);

/*
 * The text Excel's General format shows for the number cell value v
 * (the text of the cell's <v>), into out (size bytes): integers of up to
 * 11 digits as they are, larger magnitudes in scientific notation with
 * up to 15 significant digits (3.30523052026111E+15), other values with
 * up to 15 significant digits.  A value that is not a number is copied.
 */
void excel_general(const char *v, char *out, unsigned long size);

/*
 * The item code of a value picked from the keying workbook's drop-down
 * list, "name — code" (EXCEL_ITEM_SEP between them): a pointer to the
 * code in s, or NULL when s is not of that form.
 */
#define EXCEL_ITEM_SEP " \xe2\x80\x94 "	/* " — ", U+2014 */
const char *excel_item_code(const char *s);

#endif
