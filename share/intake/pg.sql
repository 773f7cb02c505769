-- SPDX-License-Identifier: ISC
--
-- The receiving db of hcp-intake(1) on PostgreSQL (a province).
-- The same tables as sqlite.sql, records partitioned by month; see
-- hcp-intake(1), THE RECEIVING DB.
-- Run when the tables are missing, under an advisory lock.
-- Identifiers, codes and ISO times compare bytewise (COLLATE "C") in
-- any locale; free text (names, comments) in the database's.

-- The registry: stations and the keys they sign with.
CREATE TABLE IF NOT EXISTS stations (
	station TEXT COLLATE "C" PRIMARY KEY,	-- 8 digits: region and issuer
	region TEXT COLLATE "C" NOT NULL,	-- GB/T 2260, 6 digits
	name TEXT NOT NULL DEFAULT '',
	registered_at TEXT COLLATE "C" NOT NULL,
	retired_at TEXT COLLATE "C"		-- wall clock of the station
);
CREATE TABLE IF NOT EXISTS station_keys (
	station TEXT COLLATE "C" NOT NULL REFERENCES stations (station),
	valid_from TEXT COLLATE "C" NOT NULL,	-- '' since always
	valid_to TEXT COLLATE "C",		-- NULL until rotated or retired
	pub_pem TEXT NOT NULL,
	PRIMARY KEY (station, valid_from)
);

-- Batches loaded, each once: a station's sequence number once, its
-- bytes once (the station is inside the signed bytes).
CREATE TABLE IF NOT EXISTS batches (
	station TEXT COLLATE "C" NOT NULL,
	region TEXT COLLATE "C" NOT NULL,	-- the station's, as registered
	seq BIGINT NOT NULL,
	name TEXT COLLATE "C" NOT NULL,
	sha256 TEXT COLLATE "C" NOT NULL,
	records BIGINT NOT NULL,
	created TEXT COLLATE "C",
	received TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (station, seq, region),
	UNIQUE (station, sha256, region)
);

-- The records, one row each; an empty value is NULL.
CREATE TABLE IF NOT EXISTS records (
	station TEXT COLLATE "C" NOT NULL,
	region TEXT COLLATE "C" NOT NULL,	-- the station's, as registered
	seq BIGINT NOT NULL,
	line BIGINT NOT NULL,
	assess_month DATE NOT NULL,		-- 1st of assess_time's month
	supersedes TEXT COLLATE "C",		-- the batch it supersedes
	serial TEXT COLLATE "C",
	project_no TEXT COLLATE "C",
	item_code TEXT COLLATE "C",
	dept_code TEXT COLLATE "C",
	area_code TEXT COLLATE "C",
	window_code TEXT COLLATE "C",
	staff_code TEXT COLLATE "C",
	channel SMALLINT,
	satisfaction SMALLINT,
	eval_detail TEXT COLLATE "C",
	comment TEXT,
	user_prop SMALLINT,
	evaluator TEXT,
	cert_type TEXT COLLATE "C",
	cert_no TEXT,
	phone TEXT,
	service_time TEXT COLLATE "C",
	assess_time TEXT COLLATE "C",
	assess_number SMALLINT,
	guide_clear SMALLINT,
	process_easy SMALLINT,
	material_lean SMALLINT,
	ui_friendly SMALLINT,
	PRIMARY KEY (station, seq, line, assess_month, region)
) PARTITION BY RANGE (assess_month);
-- One partition a month, made by hcp-intake as months appear.

-- What makes a record unique: its serial within its station, its
-- (projectNo, assessNumber) across stations.  The keys of the station's
-- tables end with region (a station has one region), so that either
-- column can distribute them; project_keys is keyed across stations, by
-- projectNo (hcp-intake(1), SHARDING).
CREATE TABLE IF NOT EXISTS serial_keys (
	station TEXT COLLATE "C" NOT NULL,
	region TEXT COLLATE "C" NOT NULL,
	serial TEXT COLLATE "C" NOT NULL,
	seq BIGINT NOT NULL,
	line BIGINT NOT NULL,
	PRIMARY KEY (station, serial, region)
);
CREATE TABLE IF NOT EXISTS project_keys (
	project_no TEXT COLLATE "C" NOT NULL,
	assess_number SMALLINT NOT NULL,
	station TEXT COLLATE "C" NOT NULL,
	seq BIGINT NOT NULL,
	line BIGINT NOT NULL,
	PRIMARY KEY (project_no, assess_number)
);

-- hcp-review's case events that came in batches (data/case-events.csv),
-- as the station sent them, each once; an empty value is NULL.
CREATE TABLE IF NOT EXISTS case_events (
	station TEXT COLLATE "C" NOT NULL,
	region TEXT COLLATE "C" NOT NULL,
	seq BIGINT NOT NULL,			-- the batch that carried it
	event_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	serial TEXT COLLATE "C",
	project_no TEXT COLLATE "C",
	assess_number SMALLINT,
	record_batch BIGINT,
	assess_time TEXT COLLATE "C",
	satisfaction SMALLINT,
	action TEXT COLLATE "C" NOT NULL,
	outcome TEXT,
	action_date TEXT COLLATE "C",
	recorded_at TEXT COLLATE "C",
	operator TEXT,
	state_from TEXT COLLATE "C",
	state_to TEXT COLLATE "C",
	reform_status TEXT COLLATE "C",
	sfhfang SMALLINT,
	hfdc SMALLINT,
	sfeypj SMALLINT,
	due_date TEXT COLLATE "C",
	text TEXT,
	PRIMARY KEY (station, event_id, region)
);

-- Batches waiting in an inbox, claimed by one worker each (PostgreSQL;
-- with SQLite one run at a time holds the inbox's lock).
CREATE TABLE IF NOT EXISTS intake_queue (
	inbox TEXT COLLATE "C" NOT NULL,
	file TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (inbox, file)
);
