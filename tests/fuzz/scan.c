/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the image and PDF paths of hcp-scan: any bytes,
 * taken as a scanned file (PNG, JPEG, TIFF, PDF or anything else), must
 * give pages that are read (against the form tests/fuzz/scan.form) or a
 * clean error naming the file, never a crash or a leak.  "make fuzz"
 * (clang) seeds the corpus with tests/fuzz/scan.seeds: small scans of
 * that form, so most runs reach the QR code, the corner marks and the
 * boxes.  To keep runs fast, PDF pages are rendered at 72 dpi, a page
 * may have at most 2 million pixels (a header asking for more is
 * refused before anything is allocated for it: scan_doc_limit()) and at
 * most 4 pages of a file are read.  HCP_FUZZ_VERBOSE=1 prints what each
 * page gave.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "scan.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FORM "tests/fuzz/scan.form"
#define MAX_PIXELS (2L * 1000 * 1000)

static struct scan_forms *sf;
static char path[64];
static int verbose;

static void
init(void)
{
	struct layout *l;
	char *e = NULL;

	if ((l = layout_load(FORM, NULL, 0, &e)) == NULL) {
		fprintf(stderr, "%s (run from the top of the tree)\n", e);
		abort();
	}
	sf = scan_forms_new();
	scan_forms_add(sf, l);
	snprintf(path, sizeof(path), "/tmp/hcp-fuzz-scan.%ld",
	    (long)getpid());
	verbose = getenv("HCP_FUZZ_VERBOSE") != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_doc *d;
	FILE *fp;
	char *e = NULL;
	int i;

	if (sf == NULL)
		init();
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	if ((d = scan_doc_open(path, 72, &e)) == NULL) {
		if (e == NULL || strstr(e, path) == NULL)
			abort();	/* an error must name the file */
		if (verbose)
			fprintf(stderr, "open: %s\n", e);
		free(e);
		return 0;
	}
	scan_doc_limit(d, MAX_PIXELS);
	for (i = 0; i < scan_doc_pages(d) && i < 4; i++) {
		struct scan_image *im = scan_doc_page(d, i, &e);
		struct scan_page pg;

		if (im == NULL) {
			if (e == NULL || strstr(e, path) == NULL)
				abort();
			if (verbose)
				fprintf(stderr, "page %d: %s\n", i + 1, e);
			free(e);
			continue;
		}
		scan_page_read(sf, im, &pg);
		if (verbose)
			fprintf(stderr, "page %d: %dx%d status %d %s\n", i + 1,
			    scan_image_width(im), scan_image_height(im),
			    (int)pg.status, pg.err != NULL ? pg.err : "");
		scan_page_release(&pg);
		scan_image_free(im);
	}
	scan_doc_close(d);
	return 0;
}
