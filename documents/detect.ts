/**
 * Recognises uploaded job descriptions and resumes by their content, never by
 * file name or declared MIME type, both of which the uploader controls.
 *
 * @module
 */

import { listZipEntries } from "./zip.ts";

/** The document formats the service can turn into text. */
export type DocumentKind = "pdf" | "docx" | "markdown" | "text";

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK\x03\x04"
const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** PDF readers tolerate some junk before the header; we only allow a BOM and whitespace. */
const PDF_MAX_LEADING_BYTES = 1024;
/** The main part of a WordprocessingML package; its presence is what makes a ZIP a DOCX. */
export const DOCX_MAIN_PART = "word/document.xml";
/** Real text has almost no control characters; binary that happens to be valid UTF-8 has many. */
const MAX_CONTROL_SHARE = 0.01;
/** Enough markdown signals that plain text is unlikely to reach it by accident. */
const MARKDOWN_MIN_SCORE = 3;

/**
 * Returns the kind of document in `bytes`, or `null` if it is empty or not a
 * supported format (images, executables, spreadsheets, UTF-16 text, ...).
 *
 * Never throws, whatever the input.
 */
export function detectDocumentKind(bytes: Uint8Array): DocumentKind | null {
  if (bytes.byteLength === 0) return null;
  if (isPdf(bytes)) return "pdf";
  // A ZIP that is not a DOCX is an unsupported container, not text.
  if (startsWith(bytes, ZIP_MAGIC, 0)) return isDocx(bytes) ? "docx" : null;
  const text = decodeText(bytes);
  if (text === null) return null;
  return markdownScore(text) >= MARKDOWN_MIN_SCORE ? "markdown" : "text";
}

function startsWith(bytes: Uint8Array, prefix: number[], offset: number): boolean {
  if (offset + prefix.length > bytes.byteLength) return false;
  return prefix.every((byte, index) => bytes[offset + index] === byte);
}

function isPdf(bytes: Uint8Array): boolean {
  let offset = startsWith(bytes, UTF8_BOM, 0) ? UTF8_BOM.length : 0;
  const limit = Math.min(bytes.byteLength, PDF_MAX_LEADING_BYTES);
  while (offset < limit && isAsciiWhitespace(bytes[offset])) offset++;
  return startsWith(bytes, PDF_MAGIC, offset);
}

function isAsciiWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c;
}

function isDocx(bytes: Uint8Array): boolean {
  try {
    return listZipEntries(bytes).some((entry) => entry.name === DOCX_MAIN_PART);
  } catch {
    // A ZIP we cannot parse is not a DOCX we can read.
    return false;
  }
}

function decodeText(bytes: Uint8Array): string | null {
  // NULs never appear in UTF-8 text but are everywhere in UTF-16 and binaries.
  if (bytes.includes(0)) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  let characters = 0;
  let controls = 0;
  for (const character of text) {
    characters++;
    if (isDisallowedControl(character.codePointAt(0)!)) controls++;
  }
  return controls <= characters * MAX_CONTROL_SHARE ? text : null;
}

function isDisallowedControl(codePoint: number): boolean {
  if (codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d || codePoint === 0x0c) {
    return false;
  }
  return codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f);
}

const HEADING = /^ {0,3}#{1,6}[ \t]+\S/;
const FENCE = /^ {0,3}(```|~~~)/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S/;
const BLOCKQUOTE = /^ {0,3}>[ \t]?\S/;
// Bounded repetitions keep matching linear on hostile input such as one huge line of "[".
const LINK = /!?\[[^\]\n]{1,200}\]\([^)\s]{1,500}\)/g;
const EMPHASIS = /\*\*[^*\n]{1,200}\*\*|__[^_\n]{1,200}__|`[^`\n]{1,200}`/g;
/** Markdown shows itself early; scoring a prefix keeps huge uploads cheap. */
const MARKDOWN_SAMPLE_CHARS = 65_536;
/** Plain-text resumes use dashes for bullets too, so lists alone must not tip the balance. */
const MAX_LIST_SCORE = 2;

function markdownScore(text: string): number {
  let score = 0;
  let listScore = 0;
  for (const line of text.slice(0, MARKDOWN_SAMPLE_CHARS).split("\n")) {
    if (HEADING.test(line) || FENCE.test(line)) score += 2;
    else if (BLOCKQUOTE.test(line)) score += 1;
    else if (LIST_ITEM.test(line)) listScore += 1;
    score += 2 * (line.match(LINK)?.length ?? 0) + (line.match(EMPHASIS)?.length ?? 0);
  }
  return score + Math.min(listScore, MAX_LIST_SCORE);
}
