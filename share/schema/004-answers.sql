-- SPDX-License-Identifier: ISC
-- hcp station database, version 4: the four 是/否 questions of the
-- paper form (国办发〔2019〕51号 三(二)): 服务指引是否清晰 (guide_clear),
-- 办事程序是否便利 (process_easy), 材料手续是否精简 (material_lean),
-- 操作界面是否友好 (ui_friendly).  1 是, 0 否, NULL not answered (and
-- every record imported before this version).  No national interface
-- field carries them; batches made from now on have them as columns
-- (bag-info Hcp-Format: 2), earlier batches are rebuilt without them.
ALTER TABLE evaluations ADD COLUMN guide_clear INTEGER
	CHECK (guide_clear IN (0, 1));
ALTER TABLE evaluations ADD COLUMN process_easy INTEGER
	CHECK (process_easy IN (0, 1));
ALTER TABLE evaluations ADD COLUMN material_lean INTEGER
	CHECK (material_lean IN (0, 1));
ALTER TABLE evaluations ADD COLUMN ui_friendly INTEGER
	CHECK (ui_friendly IN (0, 1));
