-- SPDX-License-Identifier: ISC
-- hcp station database, version 1.  Applied by db_migrate() inside one
-- transaction; PRAGMA user_version records the last file applied.
-- Times are text 'YYYY-MM-DD HH:MM:SS' in the station's local time.

-- Station settings (DESIGN §6.1): identity, channel, time limits, QR URL.
CREATE TABLE settings (
	key	TEXT PRIMARY KEY,
	value	TEXT NOT NULL
) WITHOUT ROWID;

-- Catalogue.  A code that disappears from the catalogue CSVs is retired
-- (retired = 1), never deleted, because records may reference it.
CREATE TABLE regions (
	code	TEXT PRIMARY KEY,		-- GB/T 2260, 6 digits
	name	TEXT NOT NULL,
	parent	TEXT,
	retired	INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE departments (
	code	TEXT PRIMARY KEY,		-- 统一社会信用代码, 18 symbols
	name	TEXT NOT NULL,
	area_code TEXT NOT NULL,
	retired	INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE items (
	code	TEXT PRIMARY KEY,		-- 事项编码 (taskCode)
	name	TEXT NOT NULL,
	dept_code TEXT NOT NULL,
	retired	INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE windows (
	id	TEXT PRIMARY KEY,
	name	TEXT NOT NULL,
	dept_code TEXT,				-- empty for a comprehensive window
	retired	INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE staff (
	id	TEXT PRIMARY KEY,		-- 工号
	name	TEXT NOT NULL,
	window_id TEXT,
	retired	INTEGER NOT NULL DEFAULT 0
);

-- The evaluation-detail dictionary issued by the national platform,
-- versioned; settings 'eval_codes_version' names the one in force.
CREATE TABLE eval_codes (
	version	TEXT NOT NULL,
	code	TEXT NOT NULL,
	grade	INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 5),
	label	TEXT NOT NULL,
	retired	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (version, code)
) WITHOUT ROWID;

-- Serial ledger of paper forms (DESIGN §7.1).  Version 3 (003-*.sql)
-- stores only 'issued' and 'voided': a serial is used when an evaluation
-- holds it.
CREATE TABLE forms (
	serial	TEXT PRIMARY KEY,		-- 16 digits, no separators
	seq	INTEGER NOT NULL UNIQUE,	-- sequence part, per station
	template TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	window_id TEXT,
	issued_at TEXT NOT NULL,
	operator TEXT NOT NULL,
	state	TEXT NOT NULL DEFAULT 'issued'
		CHECK (state IN ('issued', 'used', 'voided')),
	state_at TEXT,
	note	TEXT
);

-- One row per evaluation (DESIGN §6.1).
CREATE TABLE evaluations (
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
	batch_seq INTEGER REFERENCES batches (seq),
	UNIQUE (project_no, assess_number)
);
CREATE INDEX evaluations_unbatched ON evaluations (id) WHERE batch_seq IS NULL;

-- Upload batches (DESIGN §9).
CREATE TABLE batches (
	seq	INTEGER PRIMARY KEY,
	name	TEXT NOT NULL,
	created_at TEXT NOT NULL,		-- also the tar mtime
	records	INTEGER NOT NULL,
	part	INTEGER NOT NULL DEFAULT 1,	-- Bag-Count i of n
	parts	INTEGER NOT NULL DEFAULT 1,
	sha256	TEXT,				-- of the .tar.gz, once written
	state	TEXT NOT NULL DEFAULT 'packed'
		CHECK (state IN ('packed', 'acknowledged')),
	acked_at TEXT,
	receipt	TEXT
);

-- One row per import run, so counts can be reconciled later.  src_hash
-- is the SHA-256 of the input file.
CREATE TABLE imports (
	id	INTEGER PRIMARY KEY,
	src_file TEXT NOT NULL,
	src_hash TEXT,
	operator TEXT NOT NULL,
	started_at TEXT NOT NULL,
	finished_at TEXT,
	rows_read INTEGER,
	accepted INTEGER,
	rejected INTEGER,
	duplicates INTEGER
);

-- Audited changes (corrections of keying errors, voided serials,
-- catalogue retirements): who changed what, when and why.
CREATE TABLE audit (
	id	INTEGER PRIMARY KEY,
	at	TEXT NOT NULL,
	operator TEXT NOT NULL,
	tbl	TEXT NOT NULL,
	key	TEXT NOT NULL,
	field	TEXT,
	old	TEXT,
	new	TEXT,
	reason	TEXT
);
