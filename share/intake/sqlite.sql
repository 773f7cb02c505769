-- SPDX-License-Identifier: ISC
--
-- The receiving db of hcp-intake(1) on SQLite (a county on one machine).
-- The same tables as pg.sql; see hcp-intake(1), THE RECEIVING DB.
-- Run at every start: everything is IF NOT EXISTS.
PRAGMA journal_mode = WAL;

-- The registry: stations and the keys they sign with.
CREATE TABLE IF NOT EXISTS stations (
	station TEXT PRIMARY KEY,	-- 8 digits: region and issuer
	region TEXT NOT NULL,		-- GB/T 2260, 6 digits
	name TEXT NOT NULL DEFAULT '',
	registered_at TEXT NOT NULL,
	retired_at TEXT			-- wall clock of the station
);
CREATE TABLE IF NOT EXISTS station_keys (
	station TEXT NOT NULL REFERENCES stations (station),
	valid_from TEXT NOT NULL,	-- '' since always
	valid_to TEXT,			-- NULL until rotated or retired
	pub_pem TEXT NOT NULL,
	PRIMARY KEY (station, valid_from)
);

-- Batches loaded, each once: a station's sequence number once, its
-- bytes once (the station is inside the signed bytes).
CREATE TABLE IF NOT EXISTS batches (
	station TEXT NOT NULL,
	region TEXT NOT NULL,		-- the station's, as registered
	seq BIGINT NOT NULL,
	name TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	records BIGINT NOT NULL,
	created TEXT,
	received TEXT NOT NULL,
	PRIMARY KEY (station, seq, region),
	UNIQUE (station, sha256, region)
);

-- The records, one row each; an empty value is NULL.
CREATE TABLE IF NOT EXISTS records (
	station TEXT NOT NULL,
	region TEXT NOT NULL,		-- the station's, as registered
	seq BIGINT NOT NULL,
	line BIGINT NOT NULL,
	assess_month DATE NOT NULL,	-- the first day of assess_time's month
	supersedes TEXT,		-- the batch a correction supersedes
	serial TEXT,
	project_no TEXT,
	item_code TEXT,
	dept_code TEXT,
	area_code TEXT,
	window_code TEXT,
	staff_code TEXT,
	channel SMALLINT,
	satisfaction SMALLINT,
	eval_detail TEXT,
	comment TEXT,
	user_prop SMALLINT,
	evaluator TEXT,
	cert_type TEXT,
	cert_no TEXT,
	phone TEXT,
	service_time TEXT,
	assess_time TEXT,
	assess_number SMALLINT,
	guide_clear SMALLINT,
	process_easy SMALLINT,
	material_lean SMALLINT,
	ui_friendly SMALLINT,
	PRIMARY KEY (station, seq, line, assess_month, region)
);

-- What makes a record unique: its serial within its station, its
-- (projectNo, assessNumber) across stations.  The keys of the station's
-- tables end with region (a station has one region), so that either
-- column can distribute them; project_keys is keyed across stations, by
-- projectNo (hcp-intake(1), SHARDING).
CREATE TABLE IF NOT EXISTS serial_keys (
	station TEXT NOT NULL,
	region TEXT NOT NULL,
	serial TEXT NOT NULL,
	seq BIGINT NOT NULL,
	line BIGINT NOT NULL,
	PRIMARY KEY (station, serial, region)
);
CREATE TABLE IF NOT EXISTS project_keys (
	project_no TEXT NOT NULL,
	assess_number SMALLINT NOT NULL,
	station TEXT NOT NULL,
	seq BIGINT NOT NULL,
	line BIGINT NOT NULL,
	PRIMARY KEY (project_no, assess_number)
);

-- hcp-review's case events that came in batches (data/case-events.csv),
-- as the station sent them, each once; an empty value is NULL.
CREATE TABLE IF NOT EXISTS case_events (
	station TEXT NOT NULL,
	region TEXT NOT NULL,
	seq BIGINT NOT NULL,		-- the batch that carried the event
	event_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	serial TEXT,
	project_no TEXT,
	assess_number SMALLINT,
	record_batch BIGINT,
	assess_time TEXT,
	satisfaction SMALLINT,
	action TEXT NOT NULL,
	outcome TEXT,
	action_date TEXT,
	recorded_at TEXT,
	operator TEXT,
	state_from TEXT,
	state_to TEXT,
	reform_status TEXT,
	sfhfang SMALLINT,
	hfdc SMALLINT,
	sfeypj SMALLINT,
	due_date TEXT,
	text TEXT,
	PRIMARY KEY (station, event_id, region)
);

-- Batches waiting in an inbox, claimed by one worker each (PostgreSQL;
-- with SQLite one run at a time holds the inbox's lock).
CREATE TABLE IF NOT EXISTS intake_queue (
	inbox TEXT NOT NULL,
	file TEXT NOT NULL,
	PRIMARY KEY (inbox, file)
);
