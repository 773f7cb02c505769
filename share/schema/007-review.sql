-- SPDX-License-Identifier: ISC
-- hcp station database, version 7: the follow-up of bad reviews
-- (hcp-review(1)).  Every record graded 1 or 2 gets a case; each action
-- on it (return visit, rectification, explanation, appeal, ruling,
-- closing) is one row of case_events, never changed or deleted.  Cases
-- are opened by hcp-review and hcp-pack (review_sync()), not by a
-- trigger: the deadlines are working days of a calendar that is data
-- (share/calendar), which SQL cannot count.  The tables belong to
-- src/review.c.
CREATE TABLE cases (
	id	INTEGER PRIMARY KEY,
	eval_id	INTEGER NOT NULL UNIQUE REFERENCES evaluations (id),
	state	TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open',
		'visited', 'rectifying', 'rectified', 'explained', 'appealed',
		'excluded', 'closed')),
	opened	TEXT,			-- YYYY-MM-DD, the evaluation's date
	visit_due TEXT,			-- return visit due (revisit_days)
	rectify_due TEXT,		-- 限期整改 due, NULL before one
	visited	TEXT,			-- first reached return visit
	closed	TEXT,			-- closed, or excluded on appeal
	excluded INTEGER NOT NULL DEFAULT 0,	-- appeal accepted: out of
						-- the rates, kept
	dept_code TEXT,			-- 谁办理谁负责: item's department
	window	TEXT,
	staff	TEXT,
	reeval_id INTEGER REFERENCES evaluations (id),	-- 追评 (assess 2)
	-- the nearest pending deadline (visit or rectification), NULL when
	-- none: what `hcp-review --due` lists, in this order
	next_due TEXT
);
CREATE INDEX cases_next_due ON cases (next_due) WHERE next_due IS NOT NULL;
CREATE INDEX cases_staff ON cases (staff);
CREATE INDEX cases_dept ON cases (dept_code);

-- One row per action.  state_from/state_to: the transition; outcome:
-- visit reached|unreached|refused, rectify now|term, appeal
-- misjudged|malicious, rule accept|reject; satisfaction: the
-- evaluator's satisfaction with the handling (visit, 1-5); due: a
-- 限期整改's due date; day: the date the action was taken.
CREATE TABLE case_events (
	id	INTEGER PRIMARY KEY,
	case_id	INTEGER NOT NULL REFERENCES cases (id),
	action	TEXT NOT NULL CHECK (action IN ('visit', 'rectify', 'done',
		'explain', 'appeal', 'rule', 'close', 'reeval')),
	operator TEXT NOT NULL,
	at	TEXT NOT NULL,		-- when it was recorded
	day	TEXT NOT NULL,		-- when it was done, YYYY-MM-DD
	text	TEXT NOT NULL,
	outcome	TEXT,
	satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
	due	TEXT,
	state_from TEXT NOT NULL,
	state_to TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id);

-- Station-local calendar days over share/calendar (hcp-review day).
CREATE TABLE calendar_local (
	day	TEXT PRIMARY KEY,
	kind	TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name	TEXT NOT NULL
) WITHOUT ROWID;

-- The case events a batch carries: ids first_event..last_event, like
-- first_id..last_id over evaluations.
ALTER TABLE batches ADD COLUMN first_event INTEGER;
ALTER TABLE batches ADD COLUMN last_event INTEGER;

-- The highest evaluations.id review_sync() has looked at.
CREATE TABLE review_mark (
	one	INTEGER PRIMARY KEY CHECK (one = 1),
	last_eval INTEGER NOT NULL
);
INSERT INTO review_mark VALUES (1, 0);
