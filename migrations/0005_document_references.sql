-- Issue 8: superseded uploads that no interview refers to are deleted on the
-- next upload, which looks up each candidate in interviews; these indexes keep
-- that lookup (and ON DELETE SET NULL) from scanning every interview.
CREATE INDEX interviews_jd_document_idx ON interviews (jd_document_id) WHERE jd_document_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX interviews_resume_document_idx ON interviews (resume_document_id) WHERE resume_document_id IS NOT NULL;
