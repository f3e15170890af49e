-- LLM providers: interview settings and report, follow-up questions, and
-- which engine produced each question, evaluation and transcript.
ALTER TABLE interviews
  ADD COLUMN difficulty text NOT NULL DEFAULT 'mid' CHECK (difficulty IN ('junior', 'mid', 'senior')),
  ADD COLUMN language text NOT NULL DEFAULT 'en',
  ADD COLUMN max_follow_ups integer NOT NULL DEFAULT 0,
  ADD COLUMN report jsonb;
--> statement-breakpoint
ALTER TABLE question_answers
  ADD COLUMN position integer,
  ADD COLUMN follow_up_of integer REFERENCES question_answers (id) ON DELETE CASCADE,
  ADD COLUMN question_engine text,
  ADD COLUMN question_fallback_reason text,
  ADD COLUMN evaluation_engine text,
  ADD COLUMN evaluation_fallback_reason text,
  ADD COLUMN evaluation_points jsonb,
  ADD COLUMN transcript_engine text;
--> statement-breakpoint
UPDATE question_answers SET position = question_id * 1000;
--> statement-breakpoint
ALTER TABLE question_answers ALTER COLUMN position SET NOT NULL;
--> statement-breakpoint
CREATE INDEX question_answers_interview_position_idx ON question_answers (interview_id, position);
