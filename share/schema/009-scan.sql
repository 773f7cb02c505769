-- SPDX-License-Identifier: ISC
-- hcp station database, version 9: where a scanned record came from.
-- hcp-scan(1) writes, for every form it reads, the SHA-256 of the image
-- file and the page in it ("<64 hex digits>:<page>", hcp-csv(5),
-- scan_image); hcp-import keeps it with the record (src/store.c, the one
-- writer of evaluations).  It is a local field: it stays at the station
-- and is not part of the row hash or of any batch.  A correction
-- (hcp-amend) keeps the record's, so the view carries it too.
ALTER TABLE evaluations ADD COLUMN scan_image TEXT;
ALTER TABLE corrections ADD COLUMN scan_image TEXT;
CREATE INDEX evaluations_scan_image ON evaluations (scan_image)
	WHERE scan_image IS NOT NULL;

DROP VIEW IF EXISTS evaluations_current;
CREATE VIEW evaluations_current AS SELECT e.id AS id,
	CASE WHEN c.id IS NULL THEN e.serial ELSE c.serial END AS serial,
	CASE WHEN c.id IS NULL THEN e.project_no ELSE c.project_no END
		AS project_no,
	CASE WHEN c.id IS NULL THEN e.item_code ELSE c.item_code END
		AS item_code,
	CASE WHEN c.id IS NULL THEN e.dept_code ELSE c.dept_code END
		AS dept_code,
	CASE WHEN c.id IS NULL THEN e.area_code ELSE c.area_code END
		AS area_code,
	CASE WHEN c.id IS NULL THEN e.window_id ELSE c.window_id END
		AS window_id,
	CASE WHEN c.id IS NULL THEN e.staff_id ELSE c.staff_id END
		AS staff_id,
	CASE WHEN c.id IS NULL THEN e.channel ELSE c.channel END AS channel,
	CASE WHEN c.id IS NULL THEN e.satisfaction ELSE c.satisfaction END
		AS satisfaction,
	CASE WHEN c.id IS NULL THEN e.eval_detail ELSE c.eval_detail END
		AS eval_detail,
	CASE WHEN c.id IS NULL THEN e.eval_codes_version
		ELSE c.eval_codes_version END AS eval_codes_version,
	CASE WHEN c.id IS NULL THEN e.comment ELSE c.comment END AS comment,
	CASE WHEN c.id IS NULL THEN e.user_prop ELSE c.user_prop END
		AS user_prop,
	CASE WHEN c.id IS NULL THEN e.evaluator ELSE c.evaluator END
		AS evaluator,
	CASE WHEN c.id IS NULL THEN e.cert_type ELSE c.cert_type END
		AS cert_type,
	CASE WHEN c.id IS NULL THEN e.cert_no ELSE c.cert_no END AS cert_no,
	CASE WHEN c.id IS NULL THEN e.phone ELSE c.phone END AS phone,
	CASE WHEN c.id IS NULL THEN e.service_time ELSE c.service_time END
		AS service_time,
	CASE WHEN c.id IS NULL THEN e.assess_time ELSE c.assess_time END
		AS assess_time,
	CASE WHEN c.id IS NULL THEN e.assess_number ELSE c.assess_number END
		AS assess_number,
	CASE WHEN c.id IS NULL THEN e.guide_clear ELSE c.guide_clear END
		AS guide_clear,
	CASE WHEN c.id IS NULL THEN e.process_easy ELSE c.process_easy END
		AS process_easy,
	CASE WHEN c.id IS NULL THEN e.material_lean ELSE c.material_lean END
		AS material_lean,
	CASE WHEN c.id IS NULL THEN e.ui_friendly ELSE c.ui_friendly END
		AS ui_friendly,
	CASE WHEN c.id IS NULL THEN e.row_hash ELSE c.row_hash END
		AS row_hash,
	CASE WHEN c.id IS NULL THEN e.scan_image ELSE c.scan_image END
		AS scan_image,
	e.import_id AS import_id, e.src_line AS src_line,
	e.entry_method AS entry_method, c.id AS correction_id
	FROM evaluations e LEFT JOIN corrections c ON c.id =
		(SELECT max(id) FROM corrections WHERE eval_id = e.id);
