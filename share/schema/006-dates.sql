-- SPDX-License-Identifier: ISC
-- hcp station database, version 6: a date keyed alone is a date.
--
-- 0.1.0 stored a service or evaluation date keyed without a time as its
-- midnight ("2026-12-05 00:00:00"), and a receiver then compared it to
-- the second with a time of the same day: a batch with 办理时间
-- 2026-12-05 09:10 and 评价时间 2026-12-05 was refused.  A date alone is
-- now stored as the date ("2026-12-05") and compared by day (hcp-csv(5),
-- DATES).  Records not yet in a batch are stored the new way here; those
-- in a batch keep the bytes they were packed with, so that their batch is
-- rebuilt byte for byte (hcp-verify reads a batch without Hcp-Format as
-- 0.1.0 wrote it, a time of 00:00:00 standing for a date alone).  Row
-- hashes do not change: a date alone is hashed as its midnight
-- (record.h).
UPDATE evaluations SET service_time = substr(service_time, 1, 10)
	WHERE id > (SELECT coalesce(max(last_id), 0) FROM batches)
	AND service_time LIKE '____-__-__ 00:00:00';
UPDATE evaluations SET assess_time = substr(assess_time, 1, 10)
	WHERE id > (SELECT coalesce(max(last_id), 0) FROM batches)
	AND assess_time LIKE '____-__-__ 00:00:00';
