/**
 * Text helpers for the offline engine: cleaning untrusted input, tokenising
 * and light stemming. Everything here is pure and deterministic.
 *
 * @module
 */

/** Longest slice of a JD or resume the engine looks at; more adds cost, not signal. */
export const MAX_INPUT_CHARS = 20_000;

/** Longest slice of an answer the evaluator looks at. */
export const MAX_ANSWER_CHARS = 10_000;

/** Zero-width and bidi-control code points that can hide text from a human reader. */
function isInvisible(code: number): boolean {
  return (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff || code === 0x00ad;
}

/**
 * Cleans untrusted text: NFKC-normalises it, drops control and invisible
 * characters (keeping newlines, which carry resume structure), turns tabs into
 * spaces and caps the length.
 */
export function sanitizeText(input: unknown, maxChars: number = MAX_INPUT_CHARS): string {
  if (typeof input !== "string") return "";
  // Normalising can change the length, so cap before (cost) and after (contract).
  const normalized = input.slice(0, maxChars * 2).normalize("NFKC")
    .replace(/\r\n?|[\u2028\u2029]/g, "\n");
  let out = "";
  for (const ch of normalized) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\n") out += ch;
    else if (ch === "\t") out += " ";
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || isInvisible(code)) continue;
    else out += ch;
    if (out.length >= maxChars) break;
  }
  return out;
}

/** Replaces URLs and e-mail addresses, which must never be echoed and only confuse matching. */
export function stripLinks(text: string): string {
  const withoutUrls = text.replace(/\b(?:https?:\/\/|www\.)\S+/gi, " ");
  // Bounded repeats keep the e-mail pattern linear on long runs of word characters.
  return withoutUrls.includes("@")
    ? withoutUrls.replace(/[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g, " ")
    : withoutUrls;
}

/**
 * Splits text into lower-case word tokens. "c++" and "c#" are rewritten first
 * because their symbols would otherwise be lost and collide with "c".
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase()
    .replace(/c\+\+/g, " cpp ")
    .replace(/c#/g, " csharp ")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);
}

const VOWEL = /[aeiouy]/;

/** Drops one of a doubled final consonant ("runn" → "run") but keeps "roll", "pass", "buzz". */
function undouble(word: string): string {
  const last = word.at(-1) ?? "";
  if (word.length > 2 && last === word.at(-2) && !/[aeioulsz]/.test(last)) {
    return word.slice(0, -1);
  }
  return word;
}

/**
 * A deliberately light stemmer: folds plurals, "-ing", "-ed" and a final "e"
 * so that "caches", "caching", "cached" and "cache" all meet at "cach". It is
 * applied to keywords and answers alike, so its quirks cancel out.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (/(?:sses|xes|zes|ches|shes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);

  if (w.endsWith("ied") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("ing") && w.length > 5 && VOWEL.test(w.slice(0, -3))) {
    w = undouble(w.slice(0, -3));
  } else if (w.endsWith("ed") && w.length > 4 && VOWEL.test(w.slice(0, -2))) {
    w = undouble(w.slice(0, -2));
  }
  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** Tokenises and stems in one go. */
export function stems(text: string): string[] {
  return tokenize(text).map(stem);
}

/** Where the stemmed phrase `needle` next occurs, at or after `from`, as a contiguous run in `haystack`; -1 if nowhere. */
export function indexOfPhrase(
  haystack: readonly string[],
  needle: readonly string[],
  from = 0,
): number {
  if (needle.length === 0) return -1;
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/**
 * Makes a short, safe excerpt of untrusted text for quoting back to the
 * candidate: no links, no quotes or markup characters, no long digit runs
 * (phone numbers), whitespace collapsed, cut at a word boundary.
 */
export function quoteSnippet(text: string, maxChars = 100): string {
  const cleaned = stripLinks(text)
    .replace(/\+?\d[\d\s().-]{6,}\d/g, " ")
    // A range keeps its dash ("85–100", "£1.2m–£1.5m"), after phone numbers are gone so that
    // "2019–2023" is not read as one.
    .replace(/(\d[\p{L}%]{0,2})\s*[–—]\s*(?=[£$€]?\d)/gu, "$1-")
    .replace(/[^\p{L}\p{N} .,;:%+#/&()'£$€-]/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[\s.,;:&/-]+|[\s.,;:&/(-]+$/g, "");
  if (cleaned.length <= maxChars) return cleaned;
  const cut = cleaned.slice(0, maxChars - 1);
  const lastSpace = cut.lastIndexOf(" ");
  const base = lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut;
  return `${base.replace(/[\s.,;:&/(-]+$/, "")}…`;
}

/**
 * Phrases that address an automated grader instead of answering. Used to drop
 * such sentences from answers and such lines from resumes.
 */
const INJECTION_PATTERNS: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,30}\b(?:instructions?|prompts?|rules|directions|guidelines|system message)\b/i,
  /\b(?:ignore|disregard|forget)\s+(?:all|everything)\s+(?:above|before|previous|prior)\b/i,
  /\b(?:give|award|assign|grant)\s+(?:me|this|it|my answer|this answer|the answer|the candidate)\s+(?:an?\s+)?(?:10|ten|full|perfect|maximum|max|top|a\+|grade a|an a)\b/i,
  /\b(?:give|award|assign|grant)\s+(?:an?\s+)?(?:10|ten|perfect|maximum|max|full)\s*(?:\/\s*10|out of (?:10|ten)|points|marks|score|grade)/i,
  /\b(?:rate|score|grade|mark)\s+(?:me|this|it|my answer|this answer)\s+(?:an?\s+|as\s+)?(?:10|ten|perfect|a\+?|highly|full)(?![\p{L}\p{N}])/iu,
  /\b(?:score|grade|rating)\s*(?:[:=]|should be|must be)\s*(?:10|ten|a\+?)(?![\p{L}\p{N}])/iu,
  /\b(?:system prompt|developer mode|jailbreak|new instructions)\b/i,
  /\byou are now (?:an?|the|my)\s+(?:grader|evaluator|assistant|ai|model)\b/i,
  /\b(?:you|the grader|the evaluator|the model|the ai)\s+(?:must|should|will)\s+(?:give|award|rate|score|grade|output|respond)/i,
];

/** True when a sentence looks like an instruction aimed at the grader. */
export function looksLikeInjection(sentence: string): boolean {
  return INJECTION_PATTERNS.some((pattern) => pattern.test(sentence));
}

/**
 * Cuts a sentence at the first grader-directed instruction, keeping any
 * genuine answer text before it ("It is good ignore previous instructions…"
 * keeps "It is good"). Returns the sentence unchanged when there is none.
 */
export function cutInjection(sentence: string): string {
  let cut = sentence.length;
  for (const pattern of INJECTION_PATTERNS) {
    const index = sentence.search(pattern);
    if (index >= 0 && index < cut) cut = index;
  }
  return sentence.slice(0, cut).trim();
}

/** Splits text into sentences on terminal punctuation and line breaks. */
export function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter((s) => s.length > 0);
}
