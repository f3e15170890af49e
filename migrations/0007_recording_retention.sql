-- Issue 11: RECORDING_RETENTION_DAYS deletes the recordings of old answers and
-- keeps the rest of the row (transcript, score, remark). The row says when its
-- recordings went and why, so the API can answer 410 Gone instead of 404.
ALTER TABLE question_answers ADD COLUMN recordings_removed_at timestamptz;
--> statement-breakpoint
ALTER TABLE question_answers ADD COLUMN recordings_removed_reason text;
--> statement-breakpoint
-- The retention job looks only at answers that still have a finalized file;
-- removal clears the paths, so this index stays as small as the recordings kept.
CREATE INDEX question_answers_recordings_kept_idx ON question_answers (interview_id)
WHERE camera_recording_path IS NOT NULL OR screen_recording_path IS NOT NULL
  OR audio_recording_path IS NOT NULL OR combined_recording_path IS NOT NULL
  OR (media ->> 'wavPath') IS NOT NULL;
