/**
 * Explainable, deterministic scoring of one answer against a question's key
 * points. The score is built from parts that the remark spells out:
 *
 * - coverage (up to 7): weighted share of key points whose keywords appear,
 *   matched by light stemming or by lemma and stem (wink-nlp), so
 *   "reconciled" covers "reconciliation"; phrases match in any order within a
 *   few words ("moulding for the crown") and closed compounds match two words
 *   ("locked out" for "lockout"). Reasons and results are also recognised by
 *   the shape of a sentence (a clause of purpose; an outcome with a number or
 *   a comparison), and a question's core point by several of its own terms;
 * - specificity (up to 3): numbers or metrics, a concrete example,
 *   first-person actions, named tools or standards, stated reasons and the
 *   question's own terms, found the same way in any occupation;
 * - a penalty for vague filler when the answer is not specific;
 * - caps for very short answers, keyword lists, repetition, stuffing, general
 *   answers without anything concrete, and answers about something else (one
 *   shared word is not enough to be on topic, unless it is a word of the
 *   question's own line and the answer also uses several words of the role's
 *   vocabulary, the nouns of its JD and resume). Since round 4 the role's
 *   vocabulary only counts in an answer of substance (numbers, an example,
 *   the candidate's own actions in the simple past, or detailed vocabulary),
 *   and a shared word only shows the subject in the question's sense: not a
 *   unit of time, nor a verb of the same form as the question's noun.
 *   Since round 7 detailed vocabulary needs a particular occasion too (a past
 *   tense, a number, an example, ordered steps, or two verbs of the
 *   candidate's acting on particular things): habits in the trade's words ("I
 *   deal with all aspects of…", "I'm always on the phone to buyers") are not.
 *   Since round 10 it also needs three uncommon words (the trade's own
 *   things, rare in everyday English) or more than two such steps.
 *
 * With the answer's meaning (`answer_meaning.ts`, a sentence encoder), since
 * round 12: an answer of substance that is about the question by meaning
 * addresses its subject even in none of its words (an expert's "digital block,
 * phenol to the matrix" for "nail surgery"), and an answer made mostly of stock
 * claims ("I follow the procedures and make sure everything is done right")
 * has no substance from its actions or detail, only from numbers or an example.
 *
 * Sentences addressed to the grader ("ignore previous instructions…") are
 * dropped before scoring, so they can never add points.
 *
 * @module
 */

import type { Evaluation, KeyPoint, QuestionToEvaluate } from "./engine.ts";
import { gradeForScore } from "./grading.ts";
import {
  analyze,
  analyzeWords,
  retagCompoundNouns,
  sameTerm,
  type Sentence,
  termKey,
  type Token,
} from "./nlp.ts";
import { isNoiseWord } from "./document_phrases.ts";
import type { AnswerMeaning } from "./answer_meaning.ts";
import { everydayCount } from "./word_frequency.ts";
import { APPROACH_POINT, VOCABULARY_POINT } from "./question_templates.ts";
import {
  cutInjection,
  indexOfPhrase,
  looksLikeInjection,
  MAX_ANSWER_CHARS,
  sanitizeText,
  splitSentences,
  stem,
  stems,
  tokenize,
} from "./text.ts";

/** Points available for key-point coverage; the rest are for specificity. */
const COVERAGE_POINTS = 7;
const SPECIFICITY_POINTS = 3;

const STOPWORDS = new Set(
  ("the a an and or but to of in on for with at by from as is are was were be been being it its this that " +
    "these those i we you they he she my our your their me us them so if then than when which who what how " +
    "not no do does did have has had will would can could should there here into about after before also just " +
    "all any each more most some such only very up out over because while where why our i'm we're it's")
    .split(" "),
);

const METRIC =
  /(?:\$\s?\d|\d(?:[.,]\d+)?\s*(?:%|percent|ms\b|milliseconds?|seconds?|secs?\b|minutes?|mins?\b|hours?|hrs?\b|days?|weeks?|months?|x\b|times\b|k\b|m\b|gb\b|mb\b|tb\b|rps\b|qps\b|req\/s|requests|users|customers|engineers|people|services|nodes|servers|pods|instances|releases|deploys))/i;
const EXAMPLE =
  /\b(?:for example|for instance|e\.g\.|in my (?:last|previous|current) (?:job|role|project|team|company)|(?:at|in) my (?:last|previous|current)|in one (?:project|case|incident)|on one project|one time|once,? we|last year|we had an?|in production,? we)\b/i;
const REASONING =
  /\b(?:because|so that|trade-?offs?|instead of|rather than|which meant|the reason|downside|as a result|in order to|otherwise)\b/i;
const VAGUE_PHRASES = [
  "a lot",
  "stuff",
  "things like that",
  "and so on",
  "etc",
  "kind of",
  "sort of",
  "i guess",
  "pretty good",
  "it is good",
  "it's good",
  "very good",
  "basically",
  "whatever",
  "i don't know",
  "not sure",
  "many things",
  "various things",
  "i have used it",
  "i've used it",
  "i know it well",
];
const VAGUE_PATTERNS = VAGUE_PHRASES.map((phrase) =>
  new RegExp(
    `(?<![\\p{L}\\p{N}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`,
    "iu",
  )
);

interface NormalizedPoint {
  point: string;
  weight: number;
  phrases: string[][];
  /** The same keywords as term keys, matched by lemma and stem ("reconciled" ~ "reconciliation"). */
  terms: string[][];
  /** How many distinct phrases must appear; above 1 only for points derived from prose. */
  minHits: number;
}

/**
 * Questions without key points (e.g. edited by hand) fall back to their
 * reference answer: each sentence becomes a point covered when enough of its
 * content words appear.
 */
function normalizePoints(question: QuestionToEvaluate): NormalizedPoint[] {
  const usable = (question.keyPoints ?? []).filter((p) =>
    typeof p?.point === "string" && Array.isArray(p.keywords) && p.keywords.length > 0
  );
  if (usable.length > 0) {
    return usable.map((p: KeyPoint) => ({
      point: p.point,
      weight: Number.isFinite(p.weight) && p.weight > 0 ? p.weight : 1,
      phrases: p.keywords.map((k) => stems(String(k))).filter((s) => s.length > 0),
      terms: p.keywords.map((k) => termKeys(String(k))).filter((t) => t.length > 0),
      minHits: isVocabulary(p) ? VOCABULARY_MIN_TERMS : 1,
    }));
  }
  return splitSentences(sanitizeText(question.referenceAnswer ?? "", 4000)).flatMap((sentence) => {
    const words = [
      ...new Set(tokenize(sentence).filter((w) => w.length >= 5 && !STOPWORDS.has(w)).map(stem)),
    ];
    if (words.length === 0) return [];
    const label = sentence.length > 60 ? `${sentence.slice(0, 59).trimEnd()}…` : sentence;
    return [{
      point: label,
      weight: 1,
      phrases: words.map((w) => [w]),
      terms: [],
      minHits: Math.max(1, Math.round(words.length * 0.4)),
    }];
  });
}

/**
 * Distinct words of the role's vocabulary (see {@link VOCABULARY_POINT}) an
 * answer must use to meet that point; any one word is common enough to occur
 * in an answer about something else.
 */
const VOCABULARY_MIN_TERMS = 3;

/** Whether a key point lists the role's own vocabulary rather than something to cover. */
function isVocabulary(point: { point: string }): boolean {
  return point.point.startsWith(VOCABULARY_POINT);
}

/** Keywords repeat across questions; their analysis is kept, up to a bound. */
const keywordTerms = new Map<string, string[]>();
const MAX_CACHED_KEYWORDS = 5000;

function termKeys(keyword: string): string[] {
  let keys = keywordTerms.get(keyword);
  if (!keys) {
    keys = analyzeWords(keyword).map(termKey);
    if (keywordTerms.size >= MAX_CACHED_KEYWORDS) keywordTerms.clear();
    keywordTerms.set(keyword, keys);
  }
  return keys;
}

/**
 * Words that may stand between or around the words of a keyword phrase: experts
 * reorder and pad phrases ("moulding for the crown", "tagged and locked out").
 */
const PHRASE_SLACK = 3;

/**
 * Whether every term of `needle` occurs in `haystack` within a window of
 * `needle.length + PHRASE_SLACK` terms, in any order. Needles with short or
 * function words ("IAM" read as "I am", "end to end") must match as written,
 * in a row, or written as one word ("lockout" for "lock out"). A one-word
 * needle also matches two adjacent words written apart ("locked out" for
 * "lockout"), through `joined`, the lemma of each word followed by the next
 * word.
 */
function containsTerms(
  haystack: readonly string[],
  needle: readonly string[],
  joined: readonly string[] = [],
): boolean {
  if (needle.length === 1) {
    return haystack.some((t) => sameTerm(t, needle[0])) || joined.includes(needle[0]);
  }
  // "lock out" written as one word.
  if (haystack.includes(needle.join(""))) return true;
  if (!needle.every(isWord)) return containsRun(haystack, needle);
  const span = needle.length + PHRASE_SLACK;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (!needle.some((n) => sameTerm(haystack[i], n))) continue;
    const window = haystack.slice(i, i + span);
    if (needle.every((n) => window.some((t) => sameTerm(t, n)))) return true;
  }
  return false;
}

/** Whether `needle` occurs as a contiguous run of matching terms in `haystack`. */
function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (!sameTerm(haystack[i + j], needle[j])) continue outer;
    }
    return true;
  }
  return false;
}

/** Closed compounds an answer may write as two words: "lock out" → "lockout". */
function joinedPairs(tokens: readonly Token[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const [a, b] = [tokens[i], tokens[i + 1]];
    if (/^\p{L}+$/u.test(a.lower) && /^\p{L}+$/u.test(b.lower)) pairs.push(a.lemma + b.lower);
  }
  return pairs;
}

/**
 * Key points weighted below this are about the shape of an answer (reasons,
 * results), which an answer about something else can have too.
 */
const SUBJECT_WEIGHT = 1;

/**
 * Below this many occurrences in everyday English (see `word_frequency.ts`),
 * a word is one of a trade's own: "rollover" (7), "placards" (6), "swarf"
 * (0); "members" (1,224), "team" (7,528) and "safe" are everyone's.
 */
const UNCOMMON_COUNT = 200;

/**
 * Distinct uncommon words a detailed answer names: an expert's account of
 * real work names the trade's things, a generic one ("I help members with
 * their enquiries… I work well with the team") names everyday ones. A trade
 * whose things are everyday words (an estate agent's buyers, offers and
 * chains) shows detail by more than {@link OBJECT_STEPS} steps instead.
 */
const DETAILED_UNCOMMON_WORDS = 3;

/** Distinct lemmas of content words in `tokens` that everyday English rarely uses. */
function uncommonWords(tokens: readonly Token[]): number {
  const lemmas = tokens.filter((t) =>
    ["NOUN", "PROPN", "ADJ", "VERB"].includes(t.pos) && t.lower.length >= 3 &&
    /^\p{L}[\p{L}-]*$/u.test(t.lower) &&
    Math.max(everydayCount(t.lower), everydayCount(t.lemma)) < UNCOMMON_COUNT
  ).map((t) => t.lemma);
  return new Set(lemmas).size;
}

/** Distinct nouns from which an answer counts as detailed even without numbers or a story. */
const DETAILED_NOUNS = 10;

/**
 * From this share of its words in stock claims (see `answer_meaning.ts`), an
 * answer's actions and detail are those anyone in the trade can claim.
 * Measured on the quality corpus (docs/ai_quality.md, round 12): 82 of 108
 * generic answers reach it, 19 of 1,217 expert ones.
 */
const STOCK_SHARE = 0.5;

/** The highest score of an answer of at least 15 words with no substance. */
const GENERAL_CAP = 3;

/**
 * The highest score of one made mostly of stock claims, which says less than a
 * general account of how the work goes (docs/ai_quality.md, round 13).
 */
const STOCK_CLAIMS_CAP = 2;

/** Specifics that show an answer describes real work rather than general claims. */
const CONCRETE = new Set([
  "numbers or metrics",
  "numbers",
  "a concrete example",
  "first-person actions",
]);

/** Auxiliaries say nothing about what the candidate did. */
const AUXILIARIES = new Set([
  "be",
  "have",
  "do",
  "will",
  "would",
  "can",
  "could",
  "should",
  "may",
  "might",
  "must",
]);

/** A verb in the past tense: "reconciled", "ran", "taught"; not "runs" or "running". */
function isPastVerb(token: Token): boolean {
  return token.pos === "VERB" && !AUXILIARIES.has(token.lemma) && token.lower !== token.lemma &&
    !/(?:s|ing)$/.test(token.lower);
}

/**
 * Adverbs of habit: "I have always believed", "I've never lost" state a
 * general claim about oneself, not something done on one occasion.
 */
const HABITUAL = new Set([
  "always",
  "never",
  "ever",
  "usually",
  "often",
  "generally",
  "normally",
  "typically",
  "constantly",
]);

/**
 * Whether the candidate says what they did, in any trade: "I" or "we"
 * followed closely by a verb in the past tense ("I reconciled", "we
 * re-slotted", "I taught"). Present-tense habits ("I always try") do not
 * count, nor do claims of experience in the perfect ("I have scanned
 * thousands of patients", "I've always believed"): a generic answer from
 * someone in the trade reads that way, an account of one occasion in the
 * simple past.
 */
function reportsOwnActions(sentences: readonly Sentence[]): boolean {
  return sentences.some(({ tokens }) =>
    tokens.some((token, i) => {
      if (token.lower !== "i" && token.lower !== "we") return false;
      const window = tokens.slice(i + 1, i + 4);
      const at = window.findIndex((t, k) =>
        isPastVerb(t) && !completesPresentVerb(tokens, i + 1 + k)
      );
      if (at < 0) return false;
      const between = window.slice(0, at);
      return !between.some((t) => t.lemma === "have" || HABITUAL.has(t.lower));
    })
  );
}

/**
 * Lemmas of the nouns in the answer's sentences that state an action (a verb other than an
 * auxiliary: "I stripped the valleys and relaid the tiles"). A sentence that only lists the
 * trade's things ("I've done all sorts of roofs, tiles, slate, flat roofs, leadwork, the lot")
 * names what anyone in the trade knows, not work done on them.
 */
function actedOnNouns(sentences: readonly Sentence[]): Set<string> {
  const nouns = new Set<string>();
  for (const { tokens } of sentences) {
    if (!tokens.some((t) => t.pos === "VERB" && !AUXILIARIES.has(t.lemma))) continue;
    for (const token of tokens) if (token.pos === "NOUN") nouns.add(token.lemma);
  }
  return nouns;
}

/**
 * Verbs of feeling, thinking or motion: "I love property", "I believe in",
 * "I go the extra mile" say what the candidate is like, not what they do to
 * something.
 */
const STATIVE = new Set([
  "love",
  "like",
  "enjoy",
  "believe",
  "feel",
  "think",
  "know",
  "want",
  "hope",
  "care",
  "try",
  "go",
  "come",
]);

/** Objects that stand for everything at once: "all aspects of", "everyone", "whatever comes up". */
const UNIVERSAL = new Set([
  "all",
  "every",
  "everyone",
  "everybody",
  "everything",
  "anything",
  "anyone",
  "whatever",
  "whoever",
]);

/** Distinct verbs acting on a thing from which present-tense steps show real practice. */
const OBJECT_STEPS = 2;

/**
 * How many distinct verbs the candidate applies to a particular thing, right
 * after "I" or "we" (an adverb other than one of habit may come between):
 * "I pull keywords from…", "I keep the map in a spreadsheet", "I get the
 * inspector to check it". Statements of habit or feeling ("I always try",
 * "I love property", "I work hard", "I deal with all aspects of…", "I treat
 * everyone fairly") act on nothing in particular.
 */
function objectSteps(sentences: readonly Sentence[]): number {
  return ownVerbs(sentences, { refuseHabitual: true }, (tokens, at) => {
    const [verb, object] = [tokens[at], tokens[at + 1]];
    if (STATIVE.has(verb.lemma) || !object || UNIVERSAL.has(object.lower)) return false;
    // An object may open with an adjective ("I avoid paid link schemes"), not a manner ("I work hard").
    const noun = object.pos === "ADJ" && tokens[at + 2]?.pos === "NOUN";
    return noun || ["DET", "NOUN", "PROPN", "PRON", "NUM"].includes(object.pos);
  }).size;
}

/**
 * The distinct verbs (lemmas, auxiliaries left out) the candidate puts right
 * after "I" or "we", an adverb allowed between (one of habit, "I always…",
 * refuses the clause when `refuseHabitual`), that `keep` accepts at `at`.
 */
function ownVerbs(
  sentences: readonly Sentence[],
  options: { refuseHabitual: boolean },
  keep: (tokens: readonly Token[], at: number) => boolean = () => true,
): Set<string> {
  const verbs = new Set<string>();
  for (const { tokens } of sentences) {
    tokens.forEach((token, i) => {
      if (token.lower !== "i" && token.lower !== "we") return;
      let at = i + 1;
      if (tokens[at]?.pos === "ADV") {
        if (options.refuseHabitual && HABITUAL.has(tokens[at].lower)) return;
        at++;
      }
      const verb = tokens[at];
      if (verb?.pos !== "VERB" || AUXILIARIES.has(verb.lemma)) return;
      for (const step of [at, ...coordinatedVerbs(tokens, at)]) {
        if (keep(tokens, step)) verbs.add(tokens[step].lemma);
      }
    });
  }
  return verbs;
}

/** Pronouns that open a clause of their own. */
const SUBJECTS = new Set(["i", "we", "you", "he", "she", "they"]);

/**
 * Verbs of the same tense listed after the one at `at` in its sentence,
 * sharing its subject, when the list holds three verbs or more: "I isolate,
 * deny entry and identify the product", "I draft it, tailor the requests and
 * prepare the notice". A new subject or a subordinate clause ends the list.
 */
function coordinatedVerbs(tokens: readonly Token[], at: number): number[] {
  const found: number[] = [];
  const tense = (t: Token) => t.lower === t.lemma;
  for (let i = at + 1; i + 1 < tokens.length; i++) {
    const token = tokens[i];
    if (SUBJECTS.has(token.lower) || token.pos === "SCONJ" || token.pos === "AUX") break;
    if (token.lower !== "," && token.pos !== "CCONJ") continue;
    const next = tokens[i + 1];
    // The tagger reads some listed verbs as nouns ("…, tailor the requests, check the rules"); a
    // noun straight before a determiner is one.
    const verb = next.pos === "VERB" || (next.pos === "NOUN" && tokens[i + 2]?.pos === "DET");
    if (verb && !AUXILIARIES.has(next.lemma) && tense(next) === tense(tokens[at])) {
      found.push(i + 1);
    }
  }
  // Two verbs joined by "and" are as often a habit ("I see patients and give them advice").
  return found.length >= 2 ? found : [];
}

/** Words that order steps: "first I isolate the supply, then I drain it down". */
const SEQUENCE = new Set(["first", "firstly", "then", "next", "finally", "afterwards", "once"]);

/**
 * Whether the word at `at` opens a clause ("First, I…", "then I…", "and then
 * we…", "I first checked"): only there does a sequence word order steps; "I
 * always put safety first" orders nothing.
 */
function opensClause(tokens: readonly Token[], at: number): boolean {
  const before = tokens[at - 1];
  return before === undefined || ["PUNCT", "CCONJ", "SCONJ"].includes(before.pos) ||
    before.lower === "i" || before.lower === "we";
}

/**
 * Whether a participle completes a present-tense verb and its object ("I
 * keep everyone updated", "I get the paperwork signed"): a habit, not a past
 * event.
 */
function completesPresentVerb(tokens: readonly Token[], at: number): boolean {
  for (let i = at - 1; i >= 0 && i >= at - 3; i--) {
    const token = tokens[i];
    if (token.pos === "PUNCT" || token.pos === "CCONJ") return false;
    if (token.pos === "VERB" && !AUXILIARIES.has(token.lemma) && token.lower === token.lemma) {
      return true;
    }
  }
  return false;
}

/**
 * Present forms of "be" and "get" before a participle: "everything is left
 * safe", "jobs get signed off" say what happens as a rule, not on one occasion.
 */
const PRESENT_PASSIVE = new Set(["is", "are", "am", "'s", "'re", "'m", "be", "get", "gets"]);

/**
 * Whether the answer shows a particular occasion rather than a general claim:
 * a verb in the past tense that is not a claim of experience ("I have done",
 * "I've always"), a number, a marked example, or steps put in order ("first",
 * "then"). "I deal with all aspects of tenancy management… I treat everyone
 * fairly" and "I'm always on the phone to buyers and vendors" name the
 * trade's things in statements of habit, which anyone in the trade can make.
 * `steps` is the answer's {@link objectSteps}.
 */
function showsOccasion(sentences: readonly Sentence[], text: string, steps: number): boolean {
  if (EXAMPLE.test(text) || /\d/.test(text)) return true;
  if (steps >= OBJECT_STEPS) return true;
  return sentences.some(({ tokens }) =>
    hasNumberWords(tokens) ||
    tokens.some((token, i) =>
      (SEQUENCE.has(token.lower) && opensClause(tokens, i)) ||
      (isPastVerb(token) &&
        !tokens.slice(Math.max(0, i - 2), i).some((t) =>
          t.lemma === "have" || /'ve$/.test(t.lower) || HABITUAL.has(t.lower) ||
          PRESENT_PASSIVE.has(t.lower)
        ) && !completesPresentVerb(tokens, i))
    )
  );
}

/** Distinct present-tense actions from which a detailed answer describes the candidate's own steps. */
const OWN_STEPS = 3;

/**
 * Whether the candidate walks through what they do, in the present tense
 * ("I check the logs each shift, I call the reviewer, we mark the exit
 * tickets"): at least {@link OWN_STEPS} distinct verbs right after "I" or
 * "we" (an adverb may come between). How-do-you-approach questions invite
 * this form; a general claim ("I always try my best") names one or two.
 */
function describesOwnSteps(sentences: readonly Sentence[]): boolean {
  return ownVerbs(sentences, { refuseHabitual: false }).size >= OWN_STEPS;
}

/** Numbers written as words ("three times", "ten minutes"); "one" is too often a pronoun. */
function hasNumberWords(tokens: readonly Token[]): boolean {
  return tokens.some((t) => t.pos === "NUM" && /^\p{L}+$/u.test(t.lower) && t.lower !== "one");
}

/** Comparatives the lemmatiser leaves alone ("faster") or that have no "-er" form. */
const COMPARATIVES = new Set(["more", "less", "fewer", "better", "worse", "faster", "lower"]);

/** "fewer", "higher", "quicker": a comparison, the usual shape of a result. */
function isComparative(token: Token): boolean {
  if (token.pos !== "ADJ" && token.pos !== "ADV") return false;
  return COMPARATIVES.has(token.lower) ||
    (token.lower.endsWith("er") && token.lemma !== token.lower && token.lower.length >= 5);
}

/**
 * Whether the answer gives a reason without a marker word: a clause of purpose
 * ("measured the rise to keep it under the maximum"; "to" and a verb that do
 * not complete another verb or adjective, as in "had to" or "able to") or a
 * consequence ("…, so the trim needed no caulk").
 */
function givesReason(sentences: readonly Sentence[]): boolean {
  return sentences.some(({ tokens }) =>
    tokens.some((token, i) => {
      const [before, after] = [tokens[i - 1], tokens[i + 1]];
      if (!before || !after) return false;
      if (token.lower === "to" && token.pos === "PART") {
        return after.pos === "VERB" && !["VERB", "AUX", "ADJ", "PART"].includes(before.pos);
      }
      return token.lower === "so" && ["PRON", "DET", "NOUN", "PROPN"].includes(after.pos);
    })
  );
}

/**
 * Whether the answer states a result without a marker word: after its
 * opening sentence, a sentence with a past-tense verb and a number, a
 * comparison or a "no …" ("the inspector passed it first time and the owners
 * have had no squeaks"; "five of six drops were made that day").
 */
function statesResult(sentences: readonly Sentence[]): boolean {
  return sentences.slice(1).some(({ tokens }) =>
    tokens.some(isPastVerb) &&
    tokens.some((token, i) =>
      token.pos === "NUM" || isComparative(token) ||
      (token.lower === "no" && tokens[i + 1]?.pos === "NOUN")
    )
  );
}

/** Term keys of the marker words "because" and "result", found once the model is loaded. */
let markers: { reason: string; result: string } | undefined;

function markerKeys(): { reason: string; result: string } {
  markers ??= { reason: termKeys("because").join(" "), result: termKeys("result").join(" ") };
  return markers;
}

/** Whether a point is about the shape of an answer: it lists a marker word a structure can meet. */
function isStructural(point: NormalizedPoint): boolean {
  const { reason, result } = markerKeys();
  return point.terms.some((t) => t.length === 1 && (t[0] === reason || t[0] === result));
}

/**
 * Marker keywords that an answer's structure stands in for: a point listing
 * "because" is met by a clause of purpose, one listing "result" by a stated
 * outcome, whatever words the candidate's trade uses for them.
 */
function structuralCues(sentences: readonly Sentence[]): Set<string> {
  const cues = new Set<string>();
  if (givesReason(sentences)) cues.add(markerKeys().reason);
  if (statesResult(sentences)) cues.add(markerKeys().result);
  return cues;
}

/**
 * Units of time as term keys ("weekly" and "weeks" both key as "week",
 * "minutes" as "minut"): every story has them, so they never show that an
 * answer is about a question's subject.
 */
const TIME_UNITS = new Set(["minut", "minute", "hour", "day", "daily", "week", "month", "year"]);

/**
 * Nouns and adjectives that template wording puts in every question ("a
 * specific time", "the situation"), and units of time ("120 drops a day"); an
 * answer sharing only these with the question is not about its subject.
 */
const TEMPLATE_NOUNS = new Set([
  "ask",
  "call",
  "specific",
  "difficult",
  "hard",
  "role",
  "time",
  "situation",
  "result",
  "step",
  "practice",
  "resume",
  "part",
  "case",
  "description",
  "example",
  "way",
  "today",
  "thing",
  "work",
  "job",
  "plan",
  "project",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "year",
]);

/**
 * Whether an answer is about the question's subject: it names a subject key
 * phrase of several words ("talent planning", in any order and form), or
 * shares at least two distinct words with the question's subject terms and
 * subject keywords (`evidence`). One shared word is not enough, as it is often
 * a word of another sense ("I planned each day's distance" against "talent
 * planning", piano "scales" against "scaling"), unless the question names
 * only one thing, or the answer also uses {@link VOCABULARY_MIN_TERMS} words
 * of the role's vocabulary and the shared word is not one of them: an expert
 * names the rest in the trade's own words ("the cleanroom", "the techs"),
 * which a story about something else does not use; or the answer is one of
 * substance whose meaning is about the question (`meaning.related`, see
 * `answer_meaning.ts`): the shared word of the line's own says it is about
 * this line, not another duty of the same role, which means much the same to
 * the encoder. An answer whose meaning lies elsewhere (`meaning.elsewhere`)
 * needs the key phrase, or {@link ELSEWHERE_VOCABULARY} words of the trade.
 */
function onTopic(
  subject: readonly string[],
  evidence: ReadonlySet<string>,
  anchored: boolean,
  vocabulary: { hits: number; terms: readonly string[][] },
  meaning: { related: boolean; elsewhere: boolean },
): boolean {
  if (anchored) return true;
  // Two words of the line can be chance ("took the bullet train" for "training and drills"):
  // read as about something else and naming at most one thing of the trade, it is not about it.
  if (meaning.elsewhere && vocabulary.hits < ELSEWHERE_VOCABULARY) return false;
  if (evidence.size >= Math.min(2, new Set(subject).size)) return true;
  // One word of this line's own, not one every duty of the role uses, and the role's vocabulary.
  const ownWord = [...evidence].some((w) =>
    !vocabulary.terms.some((t) => t.length === 1 && sameTerm(t[0], w))
  );
  return ownWord && (vocabulary.hits >= VOCABULARY_MIN_TERMS || meaning.related);
}

/** Words of the role's vocabulary from which an answer the encoder reads as elsewhere still counts. */
const ELSEWHERE_VOCABULARY = 2;

/** Distinct subject terms of the question from which an answer is plainly about it. */
const CORE_SHARED_TERMS = 3;

/**
 * The question's core point: the one weighted above all others (a document
 * question's duty or achievement). Naming several of the question's own terms
 * covers it even in other words than its keywords ("fractions lesson" for
 * "differentiate instruction for pupils with special educational needs").
 */
function corePoint(points: readonly NormalizedPoint[]): NormalizedPoint | undefined {
  const [first, second] = [...points].sort((a, b) => b.weight - a.weight);
  return first && (!second || first.weight > second.weight) ? first : undefined;
}

/** Whether a term key is a content word rather than "and", "of" or "to". */
function isWord(key: string): boolean {
  return key.length >= 3 && !STOPWORDS.has(key);
}

/** Below this share of sentences touching the question, a long answer is mostly about something else. */
const MIN_TOPICAL_SHARE = 0.25;

/**
 * The share of an answer's sentences that name the question's subject, a
 * keyword of one of its subject key points or, in an answer of substance
 * (`concrete`: numbers, an example, the candidate's own actions or detailed
 * vocabulary), a word of the role's vocabulary. Pasting a relevant sentence
 * into a long story about something else keeps this share low.
 */
function topicalShare(
  sentences: readonly Sentence[],
  subject: readonly string[],
  points: readonly NormalizedPoint[],
  concrete: boolean,
): number {
  // The role's own vocabulary counts too: an expert's sentence of detail names the trade's
  // things ("the E-sheets", "the vent settings") rather than the words of the question.
  const keywords = points.filter((p) => p.weight >= SUBJECT_WEIGHT || (concrete && isVocabulary(p)))
    .flatMap((p) => p.terms);
  const touches = sentences.filter(({ tokens }) => {
    const terms = tokens.map(termKey);
    return terms.some((t) => subject.some((s) => sameTerm(s, t))) ||
      keywords.some((k) => containsTerms(terms, k));
  });
  return sentences.length === 0 ? 1 : touches.length / sentences.length;
}

/**
 * The nouns and adjectives that name what a question is about, as tokens.
 * Units of time are left out in any form: "weekly payrolls" and "a yearly
 * plan" meet "two loaves a week" and "for three years" of any story.
 */
function subjectTokens(question: QuestionToEvaluate): Token[] {
  return analyze(`${question.topic ?? ""}. ${question.text ?? ""}`)
    .flatMap((s) => retagCompoundNouns(s.tokens))
    .filter((t: Token) =>
      (t.pos === "NOUN" || t.pos === "PROPN" || t.pos === "ADJ") && t.lower.length >= 3 &&
      !TEMPLATE_NOUNS.has(t.lemma) && !STOPWORDS.has(t.lower) && !isNoiseWord(t) &&
      !TIME_UNITS.has(termKey(t))
    );
}

/** Marks every token covered by any occurrence of a phrase, for the stuffing check. */
function markOccurrences(
  tokens: readonly string[],
  phrase: readonly string[],
  marks: boolean[],
): void {
  for (
    let at = indexOfPhrase(tokens, phrase);
    at >= 0;
    at = indexOfPhrase(tokens, phrase, at + 1)
  ) {
    for (let k = 0; k < phrase.length; k++) marks[at + k] = true;
  }
}

function duplicateTrigramRatio(tokens: readonly string[]): number {
  if (tokens.length < 6) return 0;
  const seen = new Set<string>();
  let duplicates = 0;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const key = `${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`;
    if (seen.has(key)) duplicates++;
    else seen.add(key);
  }
  return duplicates / (tokens.length - 2);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function listOrNone(items: readonly string[]): string {
  return items.length > 0 ? items.join("; ") : "none";
}

/** An evaluation before the engine adds its name. */
export type ScoredAnswer = Omit<Evaluation, "engine" | "fallbackReason">;

/**
 * The sentences of an answer that are graded: sanitized, cut to
 * `MAX_ANSWER_CHARS`, without text addressed to the grader (`ignored` counts
 * the sentences that held some). Its meaning is read from the same text, so
 * that an injection cannot move the score through the encoder either.
 */
export function gradedSentences(answerText: string): { kept: string[]; ignored: number } {
  const sentences = splitSentences(sanitizeText(answerText, MAX_ANSWER_CHARS));
  return {
    kept: sentences.map(cutInjection).filter((s) => s.length > 0),
    ignored: sentences.filter(looksLikeInjection).length,
  };
}

/**
 * Scores an answer; see the module documentation for the formula. Without
 * `meaning` (the encoder could not run) it scores by words and grammar alone,
 * as before round 12.
 */
export function scoreAnswer(
  question: QuestionToEvaluate,
  answerText: string,
  meaning?: AnswerMeaning,
): ScoredAnswer {
  const points = normalizePoints(question);
  const { kept, ignored } = gradedSentences(answerText);
  const ignoredNote = ignored > 0
    ? ` Ignored text addressed to the grader in ${ignored} sentence${
      ignored === 1 ? "" : "s"
    }; it earns nothing.`
    : "";
  const clean = kept.join("\n");
  const words = tokenize(clean);

  if (words.length === 0) {
    const opening = ignored > 0
      ? "The answer held nothing but text addressed to the grader"
      : "No answer was given";
    return {
      score: 0,
      grade: gradeForScore(0),
      remark: `${opening}, so no key points were covered. Missing: ${
        listOrNone(points.map((p) => p.point))
      }.${ignoredNote}`,
      covered: [],
      missing: points.map((p) => p.point),
    };
  }

  // Coverage of key points.
  const sentencesNlp = analyze(clean);
  const answerTokens = sentencesNlp.flatMap((s) => s.tokens);
  const answerTerms = answerTokens.map(termKey);
  const joined = sentencesNlp.flatMap((s) => joinedPairs(s.tokens));
  const cues = structuralCues(sentencesNlp);
  const asked = subjectTokens(question);
  const subject = asked.map(termKey);
  const askedForms = new Set(asked.map((t) => t.lower));
  const onSubject = new Set(subject.filter((t) => answerTerms.some((a) => sameTerm(a, t))));
  // Answer words in the question's sense: a word the question uses as a thing, written in the
  // answer as a verb of the same form, is another sense ("my left hand still needs work"
  // against "training needs", "I have been learning the piano" against "learning plan"). A
  // plural after a noun is a noun the tagger misread ("the department heads"), and a closed
  // compound written apart ("locked out") is no verb of the question's form.
  const inSense = sentencesNlp.flatMap((s) => retagCompoundNouns(s.tokens))
    .filter((t) => !(t.pos === "VERB" && askedForms.has(t.lower)))
    .map(termKey);
  const core = corePoint(points);
  // Real experience brings its own vocabulary; filler repeats a few general nouns, or names the
  // trade's things in statements of habit with no occasion behind them.
  const steps = objectSteps(sentencesNlp);
  const detailed = actedOnNouns(sentencesNlp).size >= DETAILED_NOUNS &&
    showsOccasion(sentencesNlp, clean, steps) &&
    (uncommonWords(answerTokens) >= DETAILED_UNCOMMON_WORDS || steps > OBJECT_STEPS);
  const ownActions = reportsOwnActions(sentencesNlp) ||
    (detailed && describesOwnSteps(sentencesNlp));

  // Specificity.
  const specifics: string[] = [];
  let specificity = 0;
  if (METRIC.test(clean)) {
    specificity += 0.3;
    specifics.push("numbers or metrics");
  } else if (/\d/.test(clean) || hasNumberWords(answerTokens)) {
    specificity += 0.2;
    specifics.push("numbers");
  }
  if (EXAMPLE.test(clean)) {
    specificity += 0.25;
    specifics.push("a concrete example");
  }
  if (ownActions) {
    specificity += 0.25;
    specifics.push("first-person actions");
  }
  const named = new Set(answerTokens.filter((t) => t.pos === "PROPN").map((t) => t.lower));
  if (named.size >= 2) {
    specificity += 0.1;
    specifics.push("named tools, standards or products");
  }
  if (onSubject.size >= CORE_SHARED_TERMS) {
    specificity += 0.1;
    specifics.push("the question's own terms");
  }
  if (REASONING.test(clean)) {
    specificity += 0.1;
    specifics.push("reasons for choices");
  }
  specificity = Math.min(1, specificity);
  // Substance: something the candidate did, counted or saw, or the detail of real experience.
  // An answer made mostly of stock claims ("I follow the curriculum, keep my lab safe, assess
  // students fairly") reads as actions on the trade's things, but says what the candidate is like;
  // numbers and a marked example still count.
  const stockClaims = (meaning?.stockShare ?? 0) >= STOCK_SHARE;
  const counted = specifics.some((s) => s !== "first-person actions" && CONCRETE.has(s));
  const concrete = counted ||
    (!stockClaims && (detailed || specifics.includes("first-person actions")));
  const stemmed = words.map(stem);
  const marks = new Array<boolean>(stemmed.length).fill(false);
  const covered: string[] = [];
  const missing: string[] = [];
  let totalWeight = 0;
  let coveredWeight = 0;
  let anchored = false;
  // Distinct words of the role's own vocabulary the answer uses, and that vocabulary.
  let vocabularyHits = 0;
  const vocabularyTerms = points.filter(isVocabulary).flatMap((p) => p.terms);
  // Distinct words the answer shares with the question's subject or its subject key points.
  const evidence = new Set(onSubject);
  for (const p of points) {
    totalWeight += p.weight;
    const vocabulary = isVocabulary(p);
    let hits = 0;
    for (const phrase of p.phrases) {
      if (indexOfPhrase(stemmed, phrase) >= 0) {
        hits++;
        // An expert's own vocabulary is not keyword stuffing.
        if (!vocabulary) markOccurrences(stemmed, phrase, marks);
      }
    }
    const matched = p.terms.filter((t) => containsTerms(answerTerms, t, joined));
    if (vocabulary) {
      // The trade's words only count in an answer of substance: anyone in the trade names
      // its things ("the images", "every guest's room") in a generic answer.
      vocabularyHits = concrete ? Math.max(hits, matched.length) : 0;
      hits = vocabularyHits;
    } else if (hits < p.minHits && matched.length > 0) hits = p.minHits;
    const byStructure = !vocabulary && p.terms.some((t) => t.length === 1 && cues.has(t[0]));
    const byQuestionTerms = p === core && onSubject.size >= CORE_SHARED_TERMS;
    if (hits >= p.minHits || byStructure || byQuestionTerms) {
      covered.push(p.point);
      coveredWeight += p.weight;
      // Points about the shape of an answer (those a structure can meet) say nothing of its subject.
      if (!isStructural(p) && !vocabulary) {
        anchored ||= matched.some((t) => t.filter(isWord).length >= 2);
        for (const t of matched) for (const w of t.filter(isWord)) evidence.add(w);
      }
    } else {
      missing.push(p.point);
    }
  }

  // Vague filler only costs points when nothing concrete backs it up.
  const vague = VAGUE_PHRASES.filter((_, i) => VAGUE_PATTERNS[i].test(clean));
  const vaguePenalty = specificity < 0.5 ? Math.min(1.6, 0.4 * vague.length) : 0;

  // Guards against short, listed, repeated or stuffed answers.
  const count = words.length;
  const stopRatio = words.filter((w) => STOPWORDS.has(w)).length / count;
  const realSentences = kept.filter((s) => {
    const t = tokenize(s);
    return t.length >= 6 && t.filter((w) => STOPWORDS.has(w)).length >= 2;
  }).length;
  const uniqueRatio = new Set(stemmed).size / count;
  const density = marks.filter(Boolean).length / count;
  const caps: { limit: number; reason: string }[] = [];
  if (count < 15) caps.push({ limit: 3, reason: `the answer is very short (${count} words)` });
  else if (count < 30) {
    caps.push({ limit: 6.5, reason: `the answer is brief (${count} words), which limits depth` });
  }
  if (count >= 8 && (stopRatio < 0.2 || realSentences === 0)) {
    caps.push({
      limit: 2.5,
      reason: "it reads like a list of keywords rather than an explanation",
    });
  }
  if (count >= 20 && (uniqueRatio < 0.3 || duplicateTrigramRatio(stemmed) > 0.3)) {
    caps.push({ limit: 3, reason: "it repeats the same words or sentences" });
  }
  if (count >= 15 && density > 0.5) {
    caps.push({ limit: 4, reason: "it is stuffed with keywords" });
  }
  if (count >= 15 && !concrete) {
    caps.push({
      limit: stockClaims ? STOCK_CLAIMS_CAP : GENERAL_CAP,
      reason: stockClaims
        ? "it stays general: most of it is claims any candidate could make, with no example or numbers"
        : "it stays general: no example, numbers or account of what the candidate did",
    });
  }
  const onTopicShare = topicalShare(sentencesNlp, subject, points, concrete);
  if (sentencesNlp.length >= 4 && onTopicShare < MIN_TOPICAL_SHARE) {
    caps.push({ limit: 1.5, reason: "most of it is about something other than the question" });
  }
  // Evidence of the subject: words used in the question's sense, and no unit of time, which
  // a keyword of a point may still hold ("a yearly learning plan").
  const inSenseEvidence = new Set(
    [...evidence].filter((w) =>
      !TIME_UNITS.has(w) && (inSense.some((a) => sameTerm(a, w)) || joined.includes(w))
    ),
  );
  const addressesSubject = onTopic(subject, inSenseEvidence, anchored, {
    hits: vocabularyHits,
    terms: vocabularyTerms,
  }, { related: concrete && meaning?.related === true, elsewhere: meaning?.elsewhere === true });
  if (!addressesSubject) {
    caps.push({ limit: 1.5, reason: "it does not address the subject of the question" });
  }
  // How they do the duty shows in their own actions on its subject, whatever verb they use.
  if (addressesSubject && specifics.includes("first-person actions")) {
    for (const p of points) {
      if (!p.point.startsWith(APPROACH_POINT) || !missing.includes(p.point)) continue;
      missing.splice(missing.indexOf(p.point), 1);
      covered.push(p.point);
      coveredWeight += p.weight;
    }
  }
  const coverage = totalWeight > 0 ? coveredWeight / totalWeight : 0;

  const coverageScore = COVERAGE_POINTS * coverage;
  const specificityScore = SPECIFICITY_POINTS * specificity;
  let raw = coverageScore + specificityScore - vaguePenalty;
  const binding = caps.filter((c) => c.limit < raw).sort((a, b) => a.limit - b.limit)[0];
  if (binding) raw = binding.limit;
  const score = Math.min(10, Math.max(0, round1(raw)));

  const parts = [
    `Covered ${covered.length} of ${points.length} key points: ${listOrNone(covered)}.`,
    `Missing: ${listOrNone(missing)}.`,
    specifics.length > 0
      ? `Specific: ${specifics.join(", ")}.`
      : "Not specific: no example, numbers or first-person actions.",
    `Score ${score.toFixed(1)} = coverage ${round1(coverageScore).toFixed(1)}/${COVERAGE_POINTS}` +
    ` + specificity ${round1(specificityScore).toFixed(1)}/${SPECIFICITY_POINTS}` +
    (vaguePenalty > 0
      ? ` - ${round1(vaguePenalty).toFixed(1)} for vague wording (${vague.join(", ")})`
      : "") +
    (binding ? `, capped at ${binding.limit} because ${binding.reason}` : "") + ".",
  ];
  return {
    score,
    grade: gradeForScore(score),
    remark: parts.join(" ") + ignoredNote,
    covered,
    missing,
  };
}
