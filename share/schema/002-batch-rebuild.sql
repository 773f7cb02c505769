-- SPDX-License-Identifier: ISC
-- hcp station database, version 2: what hcp-pack needs to rebuild a
-- batch byte for byte (DESIGN §9).  The batch time, the fixed part of
-- its bag-info.txt and its SM2 signature (random by nature, so it is
-- kept, not made again) are stored when the batch is created; the rest
-- of the file is a function of the records marked with its seq.
ALTER TABLE batches ADD COLUMN mtime INTEGER;	-- batch time, Unix seconds
ALTER TABLE batches ADD COLUMN bag_info TEXT;	-- bag-info.txt, fixed lines
ALTER TABLE batches ADD COLUMN signature BLOB;	-- DER, over tagmanifest-sm3
