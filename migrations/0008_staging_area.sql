-- Issue 11: instances with separate DATA_DIRs. An answer's live chunks are
-- staged in the DATA_DIR of the instance that received them; this column says
-- which staging area holds them (the random id in DATA_DIR/staging_area_id),
-- `store` when they were handed over through the object store, or
-- `moving:<id>` while that hand-off is under way (media/staging_handoff.ts).
-- Null: nothing was staged since this column exists (older answers were staged
-- in the one shared DATA_DIR).
ALTER TABLE question_answers ADD COLUMN staging_area text;
