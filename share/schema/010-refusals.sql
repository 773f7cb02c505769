-- SPDX-License-Identifier: ISC
-- hcp station database, version 10: a batch the receiving side refused.
-- hcp-pack --refusal keeps the receiver's signed refusal of a batch's
-- bytes as they are: its text, its time and its reasons (a line each),
-- so that hcp-pack -l shows the batch as refused and why.  The batch is
-- still to be sent.  Writing it again (--repack, a correction) or its
-- receipt clears them (src/pack.c, the one writer of batches).
ALTER TABLE batches ADD COLUMN refusal TEXT;
ALTER TABLE batches ADD COLUMN refused_at TEXT;
ALTER TABLE batches ADD COLUMN refused_why TEXT;
