-- SPDX-License-Identifier: ISC
-- hcp station database, version 5: corrections with an audit trail
-- (hcp-amend(1)).
--
-- A record not yet in a batch, or in a batch the receiver has not
-- acknowledged, is corrected in place (its batch is marked to be written
-- again: batches.rewrite); every changed column gets an audit row (old and
-- new value, who, when, why; key = the record's id).  A record in an
-- acknowledged batch is never changed: its batch must rebuild byte for
-- byte.  Its correction is a superseding record in corrections, the
-- whole record as corrected, which travels in the next batch
-- (first_corr..last_corr, like first_id..last_id over evaluations).
CREATE TABLE corrections (
	id	INTEGER PRIMARY KEY,
	eval_id	INTEGER NOT NULL REFERENCES evaluations (id),
	batch_seq INTEGER NOT NULL REFERENCES batches (seq),	-- carried it
	serial	TEXT,
	project_no TEXT,
	item_code TEXT NOT NULL,
	dept_code TEXT NOT NULL,
	area_code TEXT NOT NULL,
	window_id TEXT,
	staff_id TEXT,
	channel	INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 7),
	satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
	eval_detail TEXT,
	eval_codes_version TEXT,
	comment	TEXT,
	user_prop INTEGER CHECK (user_prop IN (1, 2)),
	evaluator TEXT,
	cert_type TEXT,
	cert_no	TEXT,
	phone	TEXT,
	service_time TEXT,
	assess_time TEXT NOT NULL,
	assess_number INTEGER NOT NULL DEFAULT 1
		CHECK (assess_number IN (1, 2)),
	guide_clear INTEGER CHECK (guide_clear IN (0, 1)),	-- 004
	process_easy INTEGER CHECK (process_easy IN (0, 1)),
	material_lean INTEGER CHECK (material_lean IN (0, 1)),
	ui_friendly INTEGER CHECK (ui_friendly IN (0, 1)),
	row_hash TEXT NOT NULL,			-- as an import would compute
	reason	TEXT NOT NULL,
	operator TEXT NOT NULL,
	amended_at TEXT NOT NULL
);
CREATE INDEX corrections_eval ON corrections (eval_id);

ALTER TABLE batches ADD COLUMN first_corr INTEGER;
ALTER TABLE batches ADD COLUMN last_corr INTEGER;
ALTER TABLE batches ADD COLUMN corrections INTEGER NOT NULL DEFAULT 0;
-- 1: a record in it was corrected; hcp-pack writes it again
ALTER TABLE batches ADD COLUMN rewrite INTEGER NOT NULL DEFAULT 0;
-- the SHA-256 of the file this version replaces (Hcp-Replaces)
ALTER TABLE batches ADD COLUMN replaces TEXT;

CREATE INDEX audit_key ON audit (tbl, key);

-- Each record with its latest correction applied (correction_id NULL
-- when it has none), for reports.
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
	e.import_id AS import_id, e.src_line AS src_line,
	e.entry_method AS entry_method, c.id AS correction_id
	FROM evaluations e LEFT JOIN corrections c ON c.id =
		(SELECT max(id) FROM corrections WHERE eval_id = e.id);
