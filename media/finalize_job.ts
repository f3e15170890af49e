/**
 * The name and keys of answer-finalization jobs, apart from the job itself
 * (media/finalize.ts) so that modules the job uses can name its jobs too.
 *
 * @module
 */

/** Job kind of answer finalization; its key is `finalize_answer:<question_answer_id>`. */
export const FINALIZE_JOB = "finalize_answer";

/** The job key for finalizing question/answer row `id`. */
export function finalizeJobKey(id: number): string {
  return `${FINALIZE_JOB}:${id}`;
}
