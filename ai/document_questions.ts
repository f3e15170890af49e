/**
 * Questions planned from what the JD and resume themselves say, for any
 * occupation: one per JD duty (quoted in the JD's words) and one per resume
 * achievement. Key points come from the line's own phrases plus
 * domain-neutral structure (reasons, result).
 *
 * @module
 */

import type { KeyPoint, PlannedQuestion, TopicSource } from "./engine.ts";
import type { Achievement, DocumentLine, JdDuty, VocabularyWord } from "./document_phrases.ts";
import { joinList } from "./document_phrases.ts";
import { sameTerm } from "./nlp.ts";
import {
  ACHIEVEMENT_PROMPTS,
  APPROACH_POINT,
  DUTY_PROMPTS,
  dutyLead,
  REASON_POINT,
  referenceAnswer,
  RESULT_POINT,
  vocabularyPoint,
} from "./question_templates.ts";

/** Words of the role's vocabulary one question lists; the most used ones. */
const VOCABULARY_PER_QUESTION = 60;

/**
 * The point for the role's own terms. A word of this line that at most one
 * other line uses (a duty and the resume line that did it) stays out: it
 * names this line's subject, and the scorer accepts one shared word as being
 * on the subject only when it is not listed here. A word that three or more
 * lines use ("patients" for a nurse) is listed, as it does not tell the
 * duties apart. None when fewer than three words are left.
 */
function linePoints(line: DocumentLine, vocabulary: readonly VocabularyWord[]): KeyPoint[] {
  const words = vocabulary.filter((v) => v.lines > 2 || !line.terms.some((t) => sameTerm(t, v.key)))
    .slice(0, VOCABULARY_PER_QUESTION).map((v) => v.word);
  return words.length >= 3 ? [vocabularyPoint(words)] : [];
}

/** The phrases themselves plus their longer words, so an answer naming part of one still counts. */
function keywordsOf(phrases: readonly string[]): string[] {
  const words = phrases.flatMap((p) => p.toLowerCase().split(/\s+/)).filter((w) => w.length >= 4);
  return [...new Set([...phrases.map((p) => p.toLowerCase()), ...words])];
}

/**
 * The subject point (weight 2), a light point for the line's verbs (a verb
 * such as "planned" is too common to show the subject on its own) and, when
 * the line has more phrases, a context point.
 */
function subjectPoints(
  focus: string,
  subject: readonly string[],
  context: readonly string[],
  verbs: readonly string[],
): KeyPoint[] {
  const points: KeyPoint[] = [{
    point: `covers ${focus}`,
    keywords: keywordsOf(subject),
    weight: 2,
  }];
  const telling = verbs.filter((v) => v.length >= 4);
  if (telling.length > 0) {
    points.push({
      point: `${APPROACH_POINT} ${joinList(verbs)} ${focus}`,
      keywords: telling,
      weight: 0.5,
    });
  }
  const around = context.slice(0, 3);
  if (around.length > 0) {
    points.push({
      point: `relates it to ${around.join(", ")}`,
      keywords: keywordsOf(around),
      weight: 1,
    });
  }
  return points;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A question on one JD duty; `index` picks the wording so consecutive duties
 * read differently, `vocabulary` is the role's own (see `roleVocabulary`).
 */
export function dutyQuestion(
  duty: JdDuty,
  index: number,
  vocabulary: readonly VocabularyWord[] = [],
): PlannedQuestion {
  const prompt = DUTY_PROMPTS[index % DUTY_PROMPTS.length];
  const keyPoints = [
    ...subjectPoints(duty.focus, duty.subject, duty.context, duty.verbs),
    ...prompt.points,
    ...linePoints(duty, vocabulary),
  ];
  const source: TopicSource = duty.shared.length >= 2 ? "both" : "jd";
  return {
    text: `${dutyLead(duty.quote, duty.isAction)} ${prompt.ask}`,
    topic: capitalized(duty.focus),
    kind: prompt.kind,
    source,
    referenceAnswer: referenceAnswer(duty.focus, prompt.kind, keyPoints),
    keyPoints,
  };
}

/** A question on one resume achievement, tied to the JD when they share terms; see {@link dutyQuestion}. */
export function achievementQuestion(
  achievement: Achievement,
  index: number,
  vocabulary: readonly VocabularyWord[] = [],
): PlannedQuestion {
  const template = ACHIEVEMENT_PROMPTS[index % ACHIEVEMENT_PROMPTS.length];
  const keyPoints = [
    ...subjectPoints(
      achievement.focus,
      achievement.subject,
      achievement.context,
      achievement.verbs,
    ),
    REASON_POINT,
    RESULT_POINT,
    ...linePoints(achievement, vocabulary),
  ];
  const source: TopicSource = achievement.shared.length >= 2 ? "both" : "resume";
  const words = achievement.quote.split(" ").slice(0, 7).join(" ").replace(/[.,;:]+$/, "");
  return {
    text: template.replaceAll("{Q}", achievement.quote),
    topic: `Project: ${words}`,
    kind: "project",
    source,
    referenceAnswer: referenceAnswer("this work", "project", keyPoints),
    keyPoints,
  };
}
