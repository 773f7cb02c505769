-- SPDX-License-Identifier: ISC
-- hcp station database, version 8: the services list (办件) of the hall's
-- case system, loaded by hcp-report --load-services (hcp-csv(5),
-- SERVICES), so that hcp-report can give 覆盖率 (services evaluated /
-- services) and 未评率 and list services never evaluated and evaluations
-- with no service.  A service is matched to its evaluations by project
-- number (办件编号, evaluations.project_no).  Owned by src/report.c.
CREATE TABLE services (
	project_no TEXT PRIMARY KEY,		-- 办件编号
	item_code TEXT,				-- 事项编码, in the catalogue
	window_id TEXT,
	staff_id TEXT,
	service_date TEXT NOT NULL,		-- 'YYYY-MM-DD'
	src_file TEXT NOT NULL,			-- the list it came from
	src_line INTEGER NOT NULL,
	loaded_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX services_date ON services (service_date);
