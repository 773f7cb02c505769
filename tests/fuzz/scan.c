/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the image and PDF paths of hcp-scan: any bytes,
 * taken as a scanned file (PNG, JPEG, TIFF, PDF or anything else), must
 * give pages that are read (against the standard form's layout) or a
 * clean error, never a crash or a leak.  Build and run with "make fuzz"
 * (clang); seed the corpus with small PNG, TIFF, JPEG and PDF files.
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

static const char form[] =
    "template STD 1\n"
    "page A4\n"
    "title 政务服务\"好差评\"评价表\n"
    "grades 非常满意 满意 基本满意 不满意 非常不满意\n"
    "ask 服务指引是否清晰\n"
    "reason 201 等候时间长\n"
    "comment 40\n"
    "field evaluator 姓名\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scan_forms *sf;
	static char path[64];
	struct scan_doc *d;
	FILE *fp;
	char *e = NULL;
	int i;

	if (sf == NULL) {
		struct layout *l = layout_parse(form, "fuzz.form", NULL, 0,
		    &e);

		if (l == NULL)
			abort();
		sf = scan_forms_new();
		scan_forms_add(sf, l);
		snprintf(path, sizeof(path), "/tmp/hcp-fuzz-scan.%ld",
		    (long)getpid());
	}
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	if ((d = scan_doc_open(path, 72, &e)) == NULL) {
		if (e == NULL || strstr(e, path) == NULL)
			abort();	/* an error must name the file */
		free(e);
		return 0;
	}
	for (i = 0; i < scan_doc_pages(d) && i < 4; i++) {
		struct scan_image *im = scan_doc_page(d, i, &e);
		struct scan_page pg;

		if (im == NULL) {
			if (e == NULL)
				abort();
			free(e);
			continue;
		}
		scan_page_read(sf, im, &pg);
		scan_page_release(&pg);
		scan_image_free(im);
	}
	scan_doc_close(d);
	return 0;
}
