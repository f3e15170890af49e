/**
 * Finds what a job description and a resume actually say, for any occupation:
 * the JD's responsibilities and requirements with their key phrases ("perform
 * medication reconciliation", "obtain permits"), ranked by importance and by
 * overlap with the resume, and the resume's own achievements (any action verb).
 * Parts of speech come from wink-nlp ({@link analyze}); inputs are expected
 * to be sanitised already.
 *
 * @module
 */

import {
  analyze,
  analyzeWords,
  isContent,
  retagCompoundNouns,
  sameTerm,
  termKey,
  type Token,
} from "./nlp.ts";
import { looksLikeInjection, quoteSnippet, stripLinks } from "./text.ts";

/** What the planner knows of one line of a document, whichever document it is. */
export interface DocumentLine {
  /** Safe excerpt of the line, first letter lower-cased so it reads inside a sentence. */
  quote: string;
  /** The main noun phrase or list, e.g. "medication reconciliation". */
  focus: string;
  /** The phrases of `focus`, one per item of a list, and of its complement. */
  subject: string[];
  /** The line's noun phrases other than `focus`, its complement included. */
  context: string[];
  /** Term keys of the line's content words. */
  terms: string[];
  /** Term keys the line shares with the other document. */
  shared: string[];
  /** Higher means more worth asking about. */
  rank: number;
  /** Position in the document, for stable ordering. */
  order: number;
}

/** One responsibility or requirement of the JD. */
export interface JdDuty extends DocumentLine {
  /** Whether the line starts with a verb ("Perform…"), i.e. describes something to do. */
  isAction: boolean;
  /** The opening verbs, when there are any: ["differentiate"], ["log", "triage", "verify"]. */
  verbs: string[];
}

/** One achievement line of the resume. */
export interface Achievement extends DocumentLine {
  /** The opening verbs as written: ["reconciled"], ["planned", "costed"]. */
  verbs: string[];
}

/**
 * Words that POS tagging marks as content but that say nothing about a job's
 * subject; wink-nlp leaves these in noun phrases ("strong knowledge").
 */
const NOISE = new Set([
  "strong",
  "excellent",
  "good",
  "great",
  "proven",
  "solid",
  "ability",
  "able",
  "knowledge",
  "experience",
  "experienced",
  "year",
  "years",
  "plus",
  "skill",
  "skills",
  "understanding",
  "role",
  "team",
  "candidate",
  "requirement",
  "requirements",
  "responsibility",
  "responsibilities",
  "duty",
  "duties",
  "etc",
  "such",
  "other",
  "new",
  "day",
  "week",
  // Units of time measure the work ("70 minutes"); they are not what it is about.
  "time",
  "minute",
  "hour",
  "month",
  "include",
  "including",
  "preferred",
  "desirable",
  "related",
  "similar",
  "relevant",
  "least",
  "work",
  "job",
]);

/** Verbs that do not describe work ("we are", "you will", "join"). */
const EMPTY_VERBS = new Set([
  "be",
  "have",
  "do",
  "will",
  "can",
  "join",
  "look",
  "seek",
  "hire",
  "want",
]);

const BULLET = /^\s*(?:[-*•·▪◦‣●○■□➢➤►–—]|\d{1,2}[.)])\s+/u;
/** A heading line: short and ending in a colon ("Responsibilities:", "What you will do:"). */
const HEADING = /^[^.!?]{2,40}:\s*$/;
/** Headings and labels of the qualifications part of a JD; those lines weigh less than duties. */
const REQUIREMENT_HEADING =
  /\b(?:require|qualif|must have|nice to have|you have|about you|licen[cs]|desirable|what you need|you(?:['’]ll| will) (?:need|have|bring)|essential(?! (?:duties|functions|responsibilities)))/i;

const INTRO = /^(?:we|we're|our|you|you'll|join)\b/i;

/**
 * How a JD addresses a duty or a requirement to the candidate: "As a Housing
 * Officer you will", "You'll", "You will be responsible for", "You'll have"
 * (see {@link withoutAddress}).
 */
const ADDRESS =
  /^(?:as (?:a|an|the|our) [^,.;:]{2,60}?,?\s+)?you(?:['’]ll| will)\s+(?:also\s+)?((?:be (?:responsible|accountable) for|have|need|bring|hold)\s+)?/i;

/**
 * Lines stating the terms of a post rather than work: "Full time, term time
 * plus two weeks", "Permanent, 37.5 hours per week", "Fixed-term for 12 months".
 */
const POST_TERMS =
  /^(?:(?:full|part)[- ]?time|permanent|temporary|fixed[- ]term|maternity cover|zero[- ]hours?|\d+(?:\.\d+)?\s*hours?)\b/i;
/**
 * Lines whose subject is the employer, even as bullets ("Our stores…", "Join
 * a team…"); "you" stays out, as bullets addressed to the candidate are often
 * duties ("You'll coordinate…").
 */
const EMPLOYER_OPENING = /^(?:we|we're|we've|our|us|join)\b/i;
/** Headings of the parts of a JD about the employer or what it offers, not about the work. */
const EMPLOYER_HEADING =
  /\b(?:about us|about the (?:company|employer|organi[sz]ation|practice|business)|who we are|we offer|benefits?|perks|package|rewards?|salary|compensation|why join)\b/i;

/**
 * Head nouns of lines that state a credential rather than work: "Social Work
 * England registration", "EMD and CPR certification", "Degree in interior
 * design". A closed list of how job ads name credentials, for any trade.
 */
const CREDENTIAL_NOUNS = new Set([
  "registration",
  "licence",
  "license",
  "certification",
  "certificate",
  "qualification",
  "degree",
  "diploma",
  "membership",
  "clearance",
  "accreditation",
]);

/**
 * Head nouns that name a credential only in the requirements part of a JD
 * ("a CSCS card", "a forklift ticket", "a security pass"); among duties they
 * are often work objects ("triage tickets", "issue passes").
 */
const REQUIREMENT_CREDENTIAL_NOUNS = new Set(["card", "ticket", "pass", "passport"]);

/** A level or grade of a qualification: "NVQ Level 2", "Level 3 Diploma", "IPAF 3a". */
const QUALIFICATION_LEVEL = /\blevel\s+\d\b/i;

/** Verbs that only say how a credential is had ("ability to obtain", "pass a background check"). */
const CREDENTIAL_VERBS = new Set([
  "obtain",
  "hold",
  "pass",
  "gain",
  "acquire",
  "possess",
  "recognise",
  "recognize",
  "register",
  "certify",
  "qualify",
  "license",
  "licence",
  "accredit",
  "charter",
]);

/**
 * Participles that work as prepositions ("network incidents using packet
 * captures", "malnutrition using MUST"): they end a noun phrase, never join it.
 */
const PREPOSITION_PARTICIPLES = new Set([
  "using",
  "including",
  "following",
  "regarding",
  "concerning",
  "according",
  "excluding",
]);

/**
 * Head nouns of lines about pay and benefits ("Competitive salary and
 * pension", "25 days' holiday"); a closed list of how job ads word an offer.
 */
const BENEFIT_NOUNS = new Set([
  "salary",
  "pension",
  "holiday",
  "bonus",
  "benefit",
  "perk",
  "allowance",
  "discount",
]);

function isNoise(token: Token): boolean {
  return isNoiseWord(token) || /^\d+\+?$/.test(token.lower);
}

/**
 * Whether a word says nothing about a job's subject ("strong", "new",
 * "experience", "minutes"), though tagged as content.
 */
export function isNoiseWord(token: Pick<Token, "lemma" | "lower">): boolean {
  return NOISE.has(token.lemma) || NOISE.has(token.lower);
}

/** Parts of speech that open a verb's own object ("using the manual", "using MIG"). */
const OBJECT_OPENERS = new Set(["DET", "PRON", "NUM", "PROPN"]);

/**
 * Noun phrases, grouped: runs of adjectives and nouns ending in a noun,
 * without noise words; phrases joined only by commas or "and"/"or" form one
 * group, because a list ("pleadings, motions, subpoenas") is one subject.
 */
function nounPhraseGroups(tokens: readonly Token[]): Token[][][] {
  const groups: Token[][][] = [];
  let group: Token[][] = [];
  let run: Token[] = [];
  // Words written joined to the word before them by a hyphen ("month-end").
  const hyphenJoined = new Set<Token>();
  const flush = () => {
    // A noise word hyphenated to the next stays: "month-end journals", not "end journals".
    while (
      run.length > 0 && isNoise(run[0]) && !(hyphenJoined.has(run[1]) && run[1].pos === "NOUN")
    ) run.shift();
    while (run.length > 0 && (run.at(-1)!.pos === "ADJ" || isNoise(run.at(-1)!))) run.pop();
    // A noise word inside a name stays ("Social Work England"): dropping it garbles the name.
    const kept = run.filter((t, i) =>
      !isNoise(t) || hyphenJoined.has(run[i + 1]) ||
      (t.pos === "PROPN" && (run[i - 1]?.pos === "PROPN" || run[i + 1]?.pos === "PROPN"))
    );
    if (kept.length > 0 && kept.length <= 4 && kept.some((t) => t.lower.length >= 3)) {
      group.push(kept);
    }
    run = [];
  };
  const closeGroup = () => {
    if (group.length > 0) groups.push(group);
    group = [];
  };
  for (const [i, token] of tokens.entries()) {
    // "sterile compounding": a gerund after an adjective or noun is part of the phrase,
    // unless it opens a preposition ("sedation according to protocols").
    // Nor when it takes an object of its own: "the aircraft logbook using the fault isolation
    // manual", "structural steel using MIG" are a phrase and a participle clause.
    const next = tokens[i + 1];
    const gerund = token.pos === "VERB" && token.lower.endsWith("ing") && run.length > 0 &&
      next?.lower !== "to" && !OBJECT_OPENERS.has(next?.pos ?? "");
    const afterHyphen = tokens[i - 1]?.lower === "-" && /\p{L}/u.test(token.lower);
    // "a 4-person crew", "a 12-week course": a count before the hyphen makes a measure, not a topic.
    if (afterHyphen && tokens[i - 2]?.pos === "NUM") continue;
    // "set-ups", "pick-ups": a compound whose first word the tagger read as a verb.
    if (afterHyphen && run.length === 0 && /^\p{L}+$/u.test(tokens[i - 2]?.lower ?? "")) {
      run.push(tokens[i - 2]);
    }
    // "end-to-end recruitment", "check-in": a word after a hyphen continues the phrase.
    const hyphenated = run.length > 0 && afterHyphen;
    // "check shipping documents", "packing lists": a participle before a noun names a kind.
    const modifier = i > 0 && run.length === 0 && token.pos === "VERB" && next?.pos === "NOUN" &&
      (token.lower.endsWith("ing") ||
        // "carry out planned maintenance", "an enhanced DBS check"
        (isPastParticiple(token) && ["DET", "ADP", "ADJ", "NUM"].includes(tokens[i - 1].pos)));
    const phraseWord = token.pos === "NOUN" || token.pos === "PROPN" || token.pos === "ADJ" ||
      gerund || hyphenated || modifier;
    if (phraseWord && !PREPOSITION_PARTICIPLES.has(token.lower)) {
      // Written joined to the word before, as in the document: "month-end", "drop-offs".
      const joined = hyphenated
        ? { ...token, text: `-${token.text}`, lower: `-${token.lower}` }
        : token;
      if (hyphenated) hyphenJoined.add(joined);
      run.push(joined);
      continue;
    }
    if (token.lower === "-" && run.length > 0) continue;
    // "clients' ledgers", "the trust's guideline": a possessive continues the phrase.
    const possessive = (token.lower === "'" || token.lower === "'s" || token.lower === "’s") &&
      ["NOUN", "PROPN"].includes(run.at(-1)?.pos ?? "") &&
      (["NOUN", "PROPN"].includes(next?.pos ?? "") ||
        (next?.pos === "ADJ" && ["NOUN", "PROPN"].includes(tokens[i + 2]?.pos ?? "")));
    if (possessive) {
      const owner = run.at(-1)!;
      const marked = { ...owner, text: owner.text + token.text, lower: owner.lower + token.lower };
      if (hyphenJoined.has(owner)) hyphenJoined.add(marked);
      run[run.length - 1] = marked;
      continue;
    }
    flush();
    const joins = token.pos === "CCONJ" || token.lower === "," || token.lower === "&" ||
      token.lower === "/";
    if (!joins) closeGroup();
  }
  flush();
  closeGroup();
  return groups;
}

/** "a, b and c". */
export function joinList(texts: readonly string[]): string {
  return texts.length <= 1
    ? texts.join("")
    : `${texts.slice(0, -1).join(", ")} and ${texts.at(-1)}`;
}

function listText(phrases: readonly Token[][]): string {
  return joinList(phrases.map(phraseText));
}

function phraseText(tokens: readonly Token[]): string {
  return tokens.map((t) => (t.pos === "PROPN" ? t.text : t.lower)).join(" ").replaceAll(" -", "-");
}

/** Term keys of a line's content words, noise removed, without repeats. */
function contentTerms(tokens: readonly Token[]): string[] {
  const keys: string[] = [];
  for (const token of tokens) {
    if (!isContent(token) || isNoise(token) || EMPTY_VERBS.has(token.lemma)) continue;
    if (token.lower.length < 3 && token.pos !== "PROPN") continue;
    const key = termKey(token);
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** Keys of `terms` that match any key of `other`. */
function sharedTerms(terms: readonly string[], other: readonly string[]): string[] {
  return terms.filter((t) => other.some((o) => sameTerm(t, o)));
}

/**
 * Tags a line as if a person were its subject: resumes and JDs drop the
 * subject ("Reconciled…", "Perform…"), which makes the tagger read the first
 * word as a name. Returns the line's tokens and whether it starts with a verb.
 */
function tagAsClause(line: string): { tokens: Token[]; startsWithVerb: boolean } {
  const tokens = verbSeries(retagCompoundNouns(
    analyze(`I ${lowerFirst(line)}`).flatMap((s) => s.tokens).slice(1),
  ));
  const first = tokens[0];
  // "Do school drop-offs" is a duty ("do" read as an auxiliary); "Do you have…" is not.
  const opensWithDo = first?.lemma === "do" && tokens[1] !== undefined &&
    !["PRON", "PART", "AUX", "ADV"].includes(tokens[1].pos);
  // The tagger sometimes reads a past participle after "I" as an adjective ("reconciled").
  const verbLike = first !== undefined &&
    (first.pos === "VERB" || (first.pos === "ADJ" && /[a-z]{3}ed$/.test(first.lower)));
  // "Experience running services…" is a requirement, not a duty to "experience".
  // "Look after a patch of homes" is work; "looking for", "look to join" are not.
  const looksAfter = first?.lemma === "look" && tokens[1]?.lower === "after";
  const doesWork = verbLike && (looksAfter || !EMPTY_VERBS.has(first.lemma)) && !isNoise(first);
  return { tokens, startsWithVerb: doesWork || opensWithDo };
}

/**
 * Reads the words listed after an opening verb as verbs too: "recruit, train
 * and coach the team", "plan, cost and order stock", "prepare and check
 * shipping documents", where the tagger takes "train", "cost" or "check" for
 * nouns. The series ends at the word after the first "and" or "or".
 */
function verbSeries(tokens: readonly Token[]): Token[] {
  const series = [...tokens];
  if (series[0]?.pos !== "VERB") return series;
  for (let i = 1; i + 1 < series.length; i += 2) {
    const [joint, word, after] = [series[i], series[i + 1], series[i + 2]];
    const isJoint = joint.lower === "," || joint.pos === "CCONJ";
    if (!isJoint || !["NOUN", "ADJ", "VERB"].includes(word.pos)) break;
    const last = joint.pos === "CCONJ";
    if (!last && !(after?.lower === "," || after?.pos === "CCONJ")) break;
    series[i + 1] = { ...word, pos: "VERB" };
    if (last) break;
  }
  return series;
}

/** The verb a line opens with and those listed after it (see {@link verbSeries}). */
function openingVerbs(tokens: readonly Token[]): string[] {
  const verbs = [tokens[0].lower];
  for (let i = 1; i + 1 < tokens.length; i += 2) {
    const joint = tokens[i];
    if (!(joint.lower === "," || joint.pos === "CCONJ") || tokens[i + 1].pos !== "VERB") break;
    verbs.push(tokens[i + 1].lower);
    if (joint.pos === "CCONJ") break;
  }
  return verbs;
}

/** One line of a document worth reading, with where it stands. */
interface SourceLine {
  line: string;
  isBullet: boolean;
  inRequirements: boolean;
  /**
   * Whether the line is about the employer rather than the work: prose before
   * the first heading of a JD that has headings (the intro: "Harlow & Co. runs
   * 85 stores…"), or any line under an "About us" or "What we offer" heading.
   */
  aboutEmployer: boolean;
}

/**
 * Whether a raw line is a heading: short and ending in a colon, or a few
 * words without a full stop followed by a bullet ("Essential duties",
 * "Qualifications"), as ads often leave out the colon.
 */
function isHeading(raw: string, next: string | undefined): boolean {
  const line = raw.trim();
  if (HEADING.test(line)) return true;
  if (BULLET.test(raw) || next === undefined || !BULLET.test(next)) return false;
  const words = line.split(/\s+/).filter((w) => w.length > 0);
  return words.length >= 1 && words.length <= 4 && !/[.!?,;]$/.test(line);
}

/** Lines of a document worth reading: bullets and sentences, with their section. */
function documentLines(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  const raws = stripLinks(text).split("\n");
  const nextOf = (i: number) => raws.slice(i + 1).find((r) => r.trim().length > 0);
  const hasHeading = raws.some((raw, i) => isHeading(raw, nextOf(i)));
  let inRequirements = false;
  let inEmployer = false;
  let beforeHeading = true;
  for (const [i, raw] of raws.entries()) {
    if (isHeading(raw, nextOf(i))) {
      inRequirements = REQUIREMENT_HEADING.test(raw);
      inEmployer = EMPLOYER_HEADING.test(raw);
      beforeHeading = false;
      continue;
    }
    const isBullet = BULLET.test(raw);
    let body = raw.replace(BULLET, "").trim();
    // "Requirements: PharmD and…" is a heading and its content on one line.
    const label = body.match(/^([^.:]{2,30}):\s+(.+)$/);
    let labelledRequirement = false;
    // "Benefits: pension…" is a label even though the tagger may read "benefits" as a verb.
    const labelledEmployer = label !== null && EMPLOYER_HEADING.test(label[1]);
    // "Own the month-end close: journal entries…" is a duty with its details, not a label.
    if (label && (labelledEmployer || !tagAsClause(label[1]).startsWithVerb)) {
      labelledRequirement = REQUIREMENT_HEADING.test(label[1]);
      body = label[2];
    }
    if (body.length < 12 || looksLikeInjection(body) || isTitleCase(body)) continue;
    // A new sentence starts with a capital or a digit, so "Harlow & Co. runs…" stays whole.
    const sentences = isBullet ? [body] : body.split(/(?<=[.!?])\s+(?=[\p{Lu}\d"'(])/u);
    for (const sentence of sentences) {
      out.push({
        line: withoutAddress(sentence),
        isBullet,
        inRequirements: inRequirements || labelledRequirement,
        aboutEmployer: inEmployer || labelledEmployer || (hasHeading && beforeHeading && !isBullet),
      });
    }
  }
  return out;
}

/**
 * A duty or requirement addressed to the candidate, as one: "You'll coordinate
 * repairs" → "coordinate repairs", "You will be responsible for the rota" →
 * "the rota", "You'll have three years' experience" → "three years'
 * experience". Other lines addressed to them ("You will join a team of 12")
 * stay as they are, and are not asked about.
 */
function withoutAddress(line: string): string {
  const address = line.match(ADDRESS);
  if (!address) return line;
  const rest = line.slice(address[0].length);
  return address[1] !== undefined || tagAsClause(rest).startsWithVerb ? rest : line;
}

/** Titles, names and employer lines ("Staff Nurse, Mercy Medical Center") are not duties. */
function isTitleCase(line: string): boolean {
  const words = line.match(/\p{L}[\p{L}'-]*/gu) ?? [];
  const capitalised = words.filter((w) => /^\p{Lu}/u.test(w)).length;
  return words.length > 0 && capitalised / words.length >= 0.6;
}

function lowerFirst(text: string): string {
  // Keep acronyms and names ("PharmD", "ADA") as written.
  return /^[A-Z][a-z]*(?![A-Za-z])/.test(text)
    ? text.charAt(0).toLowerCase() + text.slice(1)
    : text;
}

/**
 * The focus group and the group after it (or before it, when it is last): a
 * verb's object is often a general word whose complement says what the work
 * is ("a caseload of 120 open property claims", "students for GCSE
 * examinations", "mathematics across Key Stage 3").
 */
function withComplement(groups: readonly Token[][][], focus: Token[][]): Token[][][] {
  const at = groups.indexOf(focus);
  const next = groups[at + 1] ?? groups[at - 1];
  return next ? [focus, next] : [focus];
}

/** One word of a role's vocabulary. */
export interface VocabularyWord {
  /** As a keyword: the lemma, or the acronym in lower case. */
  word: string;
  /** Its term key, to compare with a line's terms. */
  key: string;
  /** How many lines of the two documents use it: "patients" many, "sepsis" one or two. */
  lines: number;
}

/** Most words {@link roleVocabulary} returns: enough for any trade, few enough to read in a remark. */
const MAX_VOCABULARY = 80;

/**
 * The words that make up a role's own vocabulary, most used first: the
 * nouns of the JD and the resume ("cleanroom", "technicians", "conduit") and
 * their acronyms ("USP", "HACCP"), without noise words and names. An expert
 * answering about any duty uses several of them; an answer about something
 * else rarely uses any.
 */
export function roleVocabulary(jdText: string, resumeText: string): VocabularyWord[] {
  const counts = new Map<string, VocabularyWord & { count: number }>();
  for (const text of [jdText, resumeText]) {
    for (const line of documentLines(text)) {
      const inLine = new Set<string>();
      for (const token of tagAsClause(line.line).tokens) {
        const acronym = token.pos === "PROPN" && /^[A-Z][A-Z0-9]{1,7}$/.test(token.text);
        if (!acronym && (token.pos !== "NOUN" || token.lemma.length < 4 || isNoise(token))) {
          continue;
        }
        const key = termKey(token);
        const seen = counts.get(key);
        if (seen) seen.count++;
        else {
          counts.set(key, { word: acronym ? token.lower : token.lemma, key, count: 1, lines: 0 });
        }
        if (!inLine.has(key)) counts.get(key)!.lines++;
        inLine.add(key);
      }
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_VOCABULARY)
    .map(({ word, key, lines }) => ({ word, key, lines }));
}

/** Term keys of every content word in a text. */
export function documentTerms(text: string): string[] {
  return contentTerms(analyzeWords(stripLinks(text)));
}

/**
 * The JD's duties and requirements, best first: bullet lines and sentences
 * that hold a noun phrase, ranked by section (duties before requirements),
 * by the terms they share with the resume (weighted by how specific each term
 * is to the duty, see {@link resumeOverlap}), and by position.
 */
export function extractDuties(jdText: string, resumeText: string): JdDuty[] {
  const resumeTerms = documentTerms(resumeText);
  const duties: JdDuty[] = [];
  const credentialTerms: string[][] = [];
  const seenFocus = new Set<string>();
  documentLines(jdText).forEach(({ line, isBullet, inRequirements, aboutEmployer }, order) => {
    // "We are hiring…", "You will join our team": about the company or the role as a whole.
    if (aboutEmployer || EMPLOYER_OPENING.test(line) || (!isBullet && INTRO.test(line))) return;
    if (POST_TERMS.test(line) || ADDRESS.test(line)) return;
    const { tokens, startsWithVerb } = tagAsClause(line);
    // A loose line with no verb ("Outpatient clinic, full time.") describes the post, not a duty.
    if (!isBullet && !inRequirements && !tokens.some((t) => t.pos === "VERB")) return;
    // "Studio Fenwick is a 25-person practice…": a line with a subject of its own describes it.
    if (!startsWithVerb && hasOwnSubject(tokens)) return;
    const groups = nounPhraseGroups(tokens);
    if (groups.length === 0) return;
    // "Salary on the main pay scale": the tagger may read an opening benefit noun as a verb.
    const opensWithBenefit = BENEFIT_NOUNS.has(tokens[0]?.lemma ?? "");
    if ((!startsWithVerb || opensWithBenefit) && isBenefitLine(groups)) return;
    // Checked on duties too: "Hold a full driving licence", "Qualified Teacher Status" open
    // with a verb that does no work (see hasWorkVerb).
    if (isCredentialLine(tokens, groups, inRequirements)) {
      // Not asked about, but its words still say what the job needs ("critical care"), so they
      // stay less specific to any one duty (see resumeOverlap).
      credentialTerms.push(contentTerms(tokens));
      return;
    }
    // The object of the opening verb is what the duty is about; otherwise the largest group.
    const size = (g: Token[][]) => g.reduce((n, p) => n + p.length, 0);
    const focusGroup = startsWithVerb
      ? groups.slice(0, 2).find((g) => size(g) > 1 && !followsParticiple(tokens, g)) ?? groups[0]
      : [...groups].sort((a, b) => size(b) - size(a))[0];
    const focus = listText(focusGroup);
    if (seenFocus.has(focus.toLowerCase())) return;
    seenFocus.add(focus.toLowerCase());
    const core = withComplement(groups, focusGroup);
    const terms = contentTerms(tokens);
    const shared = sharedTerms(terms, resumeTerms);
    const rank = (inRequirements ? 1 : 3) + (isBullet ? 1 : 0) + (startsWithVerb ? 1 : 0);
    duties.push({
      quote: baseFormFirst(lowerFirst(quoteSnippet(line, 140)).replace(/\.$/, ""), tokens[0]),
      isAction: startsWithVerb,
      verbs: startsWithVerb ? openingVerbs(tokens) : [],
      focus,
      subject: core.flat().map(phraseText),
      context: groups.filter((g) => g !== focusGroup).flat().map(phraseText),
      terms,
      shared,
      rank,
      order,
    });
  });
  const lineTerms = [...duties.map((d) => d.terms), ...credentialTerms];
  for (const duty of duties) duty.rank += resumeOverlap(duty, lineTerms);
  return duties.sort((a, b) => b.rank - a.rank || a.order - b.order);
}

/**
 * Whether a group is what a participle such as "using" or "including"
 * introduces ("diagnose faults using a flue gas analyser"): the means or an
 * example, not what the duty is about.
 */
function followsParticiple(tokens: readonly Token[], group: readonly Token[][]): boolean {
  const at = tokens.indexOf(group[0][0]);
  for (let i = at - 1; i >= 0 && i >= at - 3; i--) {
    if (PREPOSITION_PARTICIPLES.has(tokens[i].lower)) return true;
    if (!["DET", "ADJ", "NUM"].includes(tokens[i].pos)) return false;
  }
  return false;
}

/**
 * Whether a line states its own subject and a verb agreeing with it ("Harlow
 * & Co. runs 85 stores", "Studio Fenwick is a 25-person practice", "This
 * store turns over £3.2m"): a JD describes the employer that way, while its
 * duties drop the subject and its requirements have no finite verb.
 */
function hasOwnSubject(tokens: readonly Token[]): boolean {
  let sawNoun = false;
  for (const token of tokens) {
    // A capitalised word is part of a name whatever the tagger says ("Oakfield Learning Trust").
    if (token.pos === "NOUN" || token.pos === "PROPN" || /^\p{Lu}/u.test(token.text)) {
      sawNoun = true;
      continue;
    }
    if (["DET", "ADJ", "NUM", "CCONJ"].includes(token.pos) || token.lower === "-") continue;
    // Third person singular: "runs", "is", "has", never the base form a duty opens with.
    return sawNoun && (token.pos === "VERB" || token.pos === "AUX") &&
      token.lower !== token.lemma && token.lower.endsWith("s");
  }
  return false;
}

/** The last word of each noun phrase: what the phrase is ("registration", "salary"). */
function headLemmas(groups: readonly Token[][][]): string[] {
  return groups.flat().map((phrase) => phrase.at(-1)!.lemma);
}

/**
 * Whether a verb of the line does work on something: a verb other than an
 * empty or credential one ("obtain", "pass") followed, within a few words, by
 * a noun that is not itself a credential ("maintaining aircraft", not
 * "recognised social work qualification").
 */
function hasWorkVerb(tokens: readonly Token[]): boolean {
  return tokens.some((token, i) => {
    if (token.pos !== "VERB" || EMPTY_VERBS.has(token.lemma) || CREDENTIAL_VERBS.has(token.lemma)) {
      return false;
    }
    // "an enhanced DBS check", "planned maintenance": a participle before its noun describes it.
    if (i > 0 && isPastParticiple(token) && ["NOUN", "PROPN"].includes(tokens[i + 1]?.pos ?? "")) {
      return false;
    }
    for (const next of tokens.slice(i + 1, i + 5)) {
      if (next.pos === "NOUN" || next.pos === "PROPN") {
        if (!isNoise(next) && !CREDENTIAL_NOUNS.has(next.lemma)) return true;
        continue;
      }
      if (!["DET", "ADJ", "NUM", "ADP"].includes(next.pos)) return false;
    }
    return false;
  });
}

/**
 * Whether a line only states a credential or a length of experience ("Social
 * Work England registration", "EMD and CPR certification, or ability to
 * obtain within six months", "At least two years as a store manager"; under a
 * requirements heading also "a CSCS card", and anywhere "NVQ Level 2"): there
 * is no time it was done to ask about, unless a verb of the line does work
 * ("3+ years maintaining turboprop aircraft").
 */
function isCredentialLine(
  tokens: readonly Token[],
  groups: readonly Token[][][],
  inRequirements: boolean,
): boolean {
  const credential =
    headLemmas(groups).some((head) =>
      CREDENTIAL_NOUNS.has(head) || (inRequirements && REQUIREMENT_CREDENTIAL_NOUNS.has(head))
    ) || QUALIFICATION_LEVEL.test(tokens.map((t) => t.text).join(" "));
  // "Gas Safe registered", "ACCA qualified": the holder of a credential, named after it.
  const holder = tokens.some((token, i) =>
    i > 0 && CREDENTIAL_VERBS.has(token.lemma) && isPastParticiple(token) &&
    ["NOUN", "PROPN"].includes(tokens[i - 1].pos)
  );
  if (holder) return true;
  const years = tokens.some((token, i) =>
    (token.pos === "NUM" || /^\d+\+?$/.test(token.lower)) &&
    tokens.slice(i + 1, i + 3).some((t) => t.lemma === "year") &&
    // "a four-year-old's day" is an age, not a length of experience.
    tokens[i + 1]?.lower !== "-"
  );
  return (credential || years) && !hasWorkVerb(tokens);
}

function isPastParticiple(token: Token): boolean {
  return token.lower.endsWith("ed") && token.lemma !== token.lower;
}

/** Whether a line is about pay or benefits ("Competitive salary, pension and 25 days' holiday"). */
function isBenefitLine(groups: readonly Token[][][]): boolean {
  return headLemmas(groups).some((head) => BENEFIT_NOUNS.has(head));
}

/** "runs 85 stores" → "run 85 stores", so the quote reads after "The role asks you to". */
function baseFormFirst(quote: string, first: Token | undefined): string {
  if (!first || first.pos !== "VERB" || first.lower === first.lemma) return quote;
  if (!first.lower.endsWith("s") || !quote.toLowerCase().startsWith(first.lower)) return quote;
  return first.lemma + quote.slice(first.lower.length);
}

/** Most rank a duty gains from the terms it shares with the resume. */
const MAX_OVERLAP = 4;

/**
 * How much of what the resume says is specific to this duty: each shared term
 * counts once divided by the number of JD lines about the work (duties,
 * requirements and credentials, see `lineTerms`) that use it, so "sepsis" (one
 * duty) weighs more than "patients" (every duty of a nurse's JD).
 */
function resumeOverlap(duty: JdDuty, lineTerms: readonly (readonly string[])[]): number {
  const weight = duty.shared.reduce((sum, term) => {
    const using = lineTerms.filter((terms) => terms.some((t) => sameTerm(t, term))).length;
    return sum + 1 / Math.max(1, using);
  }, 0);
  return Math.min(MAX_OVERLAP, weight);
}

/**
 * The resume's achievements, best first: lines that start with an action verb
 * of any kind ("ran", "taught", "reconciled", "installed"), ranked by the
 * terms they share with the JD and by whether they state numbers.
 */
export function extractAchievements(resumeText: string, jdText: string): Achievement[] {
  const jdTerms = documentTerms(jdText);
  const achievements: Achievement[] = [];
  documentLines(resumeText).forEach(({ line }, order) => {
    const { tokens, startsWithVerb } = tagAsClause(line);
    if (!startsWithVerb || tokens.length < 5) return;
    const groups = nounPhraseGroups(tokens);
    if (groups.length === 0) return;
    const terms = contentTerms(tokens);
    const shared = sharedTerms(terms, jdTerms);
    const core = withComplement(groups, groups[0]);
    achievements.push({
      quote: quoteSnippet(line, 110).replace(/\.$/, ""),
      verbs: openingVerbs(tokens),
      focus: listText(groups[0]),
      subject: core.flat().map(phraseText),
      context: groups.slice(1).flat().map(phraseText),
      terms,
      shared,
      rank: Math.min(shared.length, 4) + (/\d/.test(line) ? 2 : 0),
      order,
    });
  });
  return achievements.sort((a, b) => b.rank - a.rank || a.order - b.order);
}
