-- SPDX-License-Identifier: ISC
-- hcp station database, version 3: nothing is written twice.
--
-- A batch holds the records of one range of ids, first_id to last_id;
-- the records carry no mark.  hcp-pack takes every record above the
-- last batch's last_id, so packing a million records inserts one row,
-- not a million updates.  Record ids only grow: the highest id is never
-- deleted once it is in a batch (no tool deletes a record), so a new
-- record never lands inside an earlier range.
--
-- A serial is "used" when an evaluation holds it (evaluations.serial is
-- unique); the ledger stores only issued and voided, so an import does
-- not rewrite the ledger row of every form it reads.  The ledger is kept
-- in serial order (WITHOUT ROWID): an import's check that a serial is
-- issued is one lookup.
ALTER TABLE batches ADD COLUMN first_id INTEGER;
ALTER TABLE batches ADD COLUMN last_id INTEGER;
UPDATE batches SET
	first_id = (SELECT min(id) FROM evaluations WHERE batch_seq = seq),
	last_id = (SELECT max(id) FROM evaluations WHERE batch_seq = seq);

CREATE TABLE evaluations_v3 (
	id	INTEGER PRIMARY KEY,
	serial	TEXT UNIQUE,
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
	-- provenance: the import run (file, its hash, operator, time), the
	-- line of the record in that file, and how it was entered
	import_id INTEGER NOT NULL REFERENCES imports (id),
	src_line INTEGER NOT NULL,
	entry_method TEXT NOT NULL CHECK (entry_method IN ('keyed', 'scanned')),
	row_hash TEXT NOT NULL,			-- of the normalised fields
	UNIQUE (project_no, assess_number)
);
INSERT INTO evaluations_v3 SELECT id, serial, project_no, item_code,
	dept_code, area_code, window_id, staff_id, channel, satisfaction,
	eval_detail, eval_codes_version, comment, user_prop, evaluator,
	cert_type, cert_no, phone, service_time, assess_time, assess_number,
	import_id, src_line, entry_method, row_hash FROM evaluations;
DROP TABLE evaluations;
ALTER TABLE evaluations_v3 RENAME TO evaluations;

CREATE TABLE forms_v3 (
	serial	TEXT PRIMARY KEY,		-- 16 digits, no separators
	seq	INTEGER NOT NULL UNIQUE,	-- sequence part, per station
	template TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	window_id TEXT,
	issued_at TEXT NOT NULL,
	operator TEXT NOT NULL,
	state	TEXT NOT NULL DEFAULT 'issued'
		CHECK (state IN ('issued', 'voided')),
	state_at TEXT,				-- when voided
	note	TEXT
) WITHOUT ROWID;
INSERT INTO forms_v3 SELECT serial, seq, template, fingerprint, window_id,
	issued_at, operator, CASE state WHEN 'used' THEN 'issued' ELSE state
	END, CASE state WHEN 'used' THEN NULL ELSE state_at END, note
	FROM forms;
DROP TABLE forms;
ALTER TABLE forms_v3 RENAME TO forms;

-- The ledger as users see it: issued, used (since the import that began
-- at state_at) or voided.
CREATE VIEW ledger AS SELECT f.serial, f.seq, f.template, f.fingerprint,
	f.window_id, f.issued_at, f.operator,
	CASE WHEN e.id IS NULL THEN f.state ELSE 'used' END AS state,
	CASE WHEN e.id IS NULL THEN f.state_at ELSE i.started_at END
		AS state_at,
	f.note
	FROM forms f LEFT JOIN evaluations e ON e.serial = f.serial
	LEFT JOIN imports i ON i.id = e.import_id;
