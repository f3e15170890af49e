/**
 * Natural-language analysis for the offline engine, on wink-nlp with its
 * English lite model: sentences, tokens, lemmas, stems and parts of speech.
 * Everything here is deterministic and needs no network.
 *
 * @module
 */

import winkNLP, { type ItemSentence, type ItemToken, type ItsFunction } from "wink-nlp";
import model from "wink-eng-lite-web-model";

/** One word of analysed text. */
export interface Token {
  /** As written. */
  text: string;
  /** Lower case. */
  lower: string;
  /** Dictionary form, lower case: "reconciled" → "reconcile". */
  lemma: string;
  /** Porter2 stem: "reconciliation" → "reconcili". */
  stem: string;
  /** Universal part-of-speech tag: NOUN, VERB, ADJ, PROPN, PRON, NUM, PUNCT… */
  pos: string;
}

/** A sentence as wink-nlp segmented it. */
export interface Sentence {
  text: string;
  tokens: Token[];
}

type Wink = ReturnType<typeof winkNLP>;
let wink: Wink | undefined;

/** The model takes about 80 ms to load, so it is loaded on first use, once per process. */
function engine(): Wink {
  wink ??= winkNLP(model, ["sbd", "pos"]);
  return wink;
}

/**
 * Splits text into sentences of tagged tokens. Spaces are dropped;
 * punctuation is kept (tagged PUNCT) because it ends phrases ("pleadings,
 * motions").
 */
export function analyze(text: string): Sentence[] {
  const nlp = engine();
  const its = nlp.its;
  // wink-nlp 2.4.0 declares its.lemma and its.stem with a signature its own out() rejects.
  const lemma = its.lemma as unknown as ItsFunction<string>;
  const stem = its.stem as unknown as ItsFunction<string>;
  const doc = nlp.readDoc(text);
  const sentences: Sentence[] = [];
  doc.sentences().each((sentence: ItemSentence) => {
    const tokens: Token[] = [];
    sentence.tokens().each((token: ItemToken) => {
      const pos = token.out(its.pos) as string;
      if (pos === "SPACE") return;
      const lower = (token.out(its.normal) as string).toLowerCase();
      tokens.push({
        text: token.out() as string,
        lower,
        // Numbers and symbols have no lemma.
        lemma: ((token.out(lemma) as string | undefined) ?? lower).toLowerCase(),
        stem: (token.out(stem) as string | undefined) ?? lower,
        pos,
      });
    });
    if (tokens.length > 0) sentences.push({ text: sentence.out() as string, tokens });
  });
  return sentences;
}

/**
 * Reads a plural noun the tagger took for a verb as a noun: in the terse
 * lines of a JD or resume ("prepare privilege logs", "reporting packs with
 * variance commentary", "termly reports") a present-tense "-s" verb right
 * after a noun, an adjective or an "-ly" adverb ends a noun compound, and a
 * participle opening a list item before such a plural describes it ("leaks,
 * blocked drains"). For document lines and questions, whose implied subject
 * is "I"; in answers,
 * where "the pressure drops" is a real verb, the scorer only uses it to keep
 * such a plural as a noun of the question's sense, never to find topics.
 */
export function retagCompoundNouns(tokens: readonly Token[]): Token[] {
  const pluralLike = (token: Token | undefined) =>
    token?.pos === "VERB" && /[^s]s$/.test(token.lower) && token.lemma !== token.lower;
  // "leaks, blocked drains and faulty taps": a participle opening a list item, before such a
  // plural, describes it; after "I" ("I blocked drains") it stays a verb.
  const participle = (i: number) => {
    const [token, before] = [tokens[i], tokens[i - 1]];
    return token?.pos === "VERB" && token.lower.endsWith("ed") && pluralLike(tokens[i + 1]) &&
      before !== undefined && ["NOUN", "PUNCT", "CCONJ"].includes(before.pos);
  };
  return tokens.map((token, i) => {
    if (participle(i)) return { ...token, pos: "ADJ" };
    const before = tokens[i - 1];
    // "termly reports": an adverb of the "-ly" kind also modifies a noun here.
    const modifier = before &&
      (before.pos === "NOUN" || before.pos === "ADJ" || participle(i - 1) ||
        (before.pos === "ADV" && before.lower.endsWith("ly")));
    return pluralLike(token) && modifier ? { ...token, pos: "NOUN" } : token;
  });
}

/** The words of a text, sentence after sentence, without punctuation. */
export function analyzeWords(text: string): Token[] {
  return analyze(text).flatMap((s) => s.tokens).filter((t) => t.pos !== "PUNCT" && t.pos !== "SYM");
}

/** Parts of speech that carry the subject matter of a text. */
const CONTENT_POS = new Set(["NOUN", "PROPN", "ADJ", "VERB", "NUM"]);

/** True for nouns, proper nouns, adjectives, verbs and numbers. */
export function isContent(token: Token): boolean {
  return CONTENT_POS.has(token.pos);
}

/** Shortest stem that may match a longer one by prefix; shorter stems would join unrelated words. */
const MIN_PREFIX = 5;

/**
 * The form two words are compared by. Stems join inflections ("reconciled",
 * "reconciling"); derived words keep a longer stem ("reconcili"), so
 * {@link sameTerm} also accepts a prefix of at least five letters.
 */
export function termKey(token: Token): string {
  return token.stem.length < token.lemma.length ? token.stem : token.lemma;
}

/** Whether two term keys name the same word: equal, or one a 5+ letter prefix of the other. */
export function sameTerm(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= MIN_PREFIX && long.startsWith(short) && long.length - short.length <= 4;
}
