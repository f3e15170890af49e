/**
 * Turns an uploaded PDF, DOCX, markdown or text file into plain text for the
 * interview engine. Kinds come from {@linkcode detectDocumentKind}. This runs
 * untrusted parsers: the service calls it in a child process with memory and
 * time limits ({@linkcode ./extract_process.ts}), not on its own thread.
 *
 * @module
 */

import { getDocumentProxy } from "unpdf";
import { type DocumentKind, DOCX_MAIN_PART } from "./detect.ts";
import { readZipEntry } from "./zip.ts";

/**
 * Thrown when an upload cannot be turned into text. The message is meant for
 * the uploader: it says what is wrong and what to do instead.
 */
export class DocumentError extends Error {
  /** Creates a DocumentError; `options.cause` keeps the underlying failure for logs. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DocumentError";
  }
}

/** What extraction may read and produce. */
export interface ExtractionLimits {
  /** A PDF with more pages is refused before any page is read. */
  maxPages: number;
  /** Text beyond this many characters is not read (later pages, later paragraphs). */
  maxTextChars: number;
}

/** The most text kept from one document; the interview engine needs far less. */
export const MAX_TEXT_CHARS = 200_000;

/** Limits used when the caller gives none. */
export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxPages: 200,
  maxTextChars: MAX_TEXT_CHARS,
};

/**
 * A real document.xml is a few megabytes at most (a 200-page manual is about
 * 10 MB); anything bigger is a bomb or abuse.
 */
export const DOCX_XML_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Extracts the text of a document, normalised: LF line endings, no control
 * characters other than newline and tab, at most two blank lines in a row,
 * trimmed, at most `limits.maxTextChars` characters. PDF pages are separated
 * by a blank line; each DOCX paragraph is a line.
 *
 * Work is bounded by the input's size and the limits, never by what the
 * document claims: PDF pages are counted before any is read and then read
 * one at a time; DOCX markup is scanned once, without recursion.
 *
 * @throws {DocumentError} if the file is unreadable, over a limit, or contains no text.
 */
export async function extractDocumentText(
  bytes: Uint8Array,
  kind: DocumentKind,
  limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS,
): Promise<string> {
  const raw = kind === "pdf"
    ? await pdfText(bytes, limits)
    : kind === "docx"
    ? await docxText(bytes, limits.maxTextChars)
    : decodeUtf8(bytes);
  const text = normalizeText(raw, limits.maxTextChars);
  if (text === "") throw new DocumentError(emptyMessage(kind));
  return text;
}

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

async function pdfText(bytes: Uint8Array, limits: ExtractionLimits): Promise<string> {
  let pdf: PdfDocument | undefined;
  try {
    // pdf.js may transfer (detach) the buffer it is given; the caller keeps theirs.
    pdf = await getDocumentProxy(bytes.slice(), { verbosity: 0 });
  } catch (error) {
    throw pdfError(error);
  }
  try {
    if (pdf.numPages > limits.maxPages) {
      throw new DocumentError(
        `The PDF has ${pdf.numPages.toLocaleString("en-US")} pages; at most ` +
          `${limits.maxPages.toLocaleString("en-US")} are read. Upload a shorter document.`,
      );
    }
    const pages: string[] = [];
    let length = 0;
    for (let number = 1; number <= pdf.numPages && length < limits.maxTextChars; number++) {
      const page = await pdf.getPage(number);
      const text = await pageText(page, limits.maxTextChars - length);
      page.cleanup();
      pages.push(text);
      length += text.length + 2;
    }
    return pages.join("\n\n");
  } catch (error) {
    throw error instanceof DocumentError ? error : pdfError(error);
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/**
 * The text of one page, as unpdf's `extractText` joins it, read as a stream
 * so that a page holding megabytes of text is never held whole: past
 * `budget` characters the rest is read and dropped. (Cancelling the stream
 * instead makes pdf.js enqueue into it afterwards, an uncaught error.)
 */
async function pageText(page: PdfPage, budget: number): Promise<string> {
  let text = "";
  for await (const chunk of page.streamTextContent() as AsyncIterable<{ items: unknown[] }>) {
    if (text.length >= budget) continue;
    for (const item of chunk.items as { str?: string; hasEOL?: boolean }[]) {
      if (item.str != null) text += item.str + (item.hasEOL ? "\n" : "");
    }
  }
  return text.slice(0, budget);
}

function pdfError(error: unknown): DocumentError {
  return new DocumentError(
    `The PDF could not be read: ${pdfFailureReason(error)}. ` +
      "Export it again or upload a DOCX or text file.",
    { cause: error },
  );
}

function pdfFailureReason(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "PasswordException") return "it is password-protected";
  if (name === "InvalidPDFException") return "it is damaged or not really a PDF";
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\.$/, "") || "unknown error";
}

async function docxText(bytes: Uint8Array, maxTextChars: number): Promise<string> {
  let xml: Uint8Array;
  try {
    xml = await readZipEntry(bytes, DOCX_MAIN_PART, { maxBytes: DOCX_XML_MAX_BYTES });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DocumentError(
      `The DOCX could not be read: ${reason} Save it again from Word or upload a PDF or text file.`,
      { cause: error },
    );
  }
  // Non-fatal: one bad byte in a huge document should not lose the whole resume.
  return wordprocessingMlToText(new TextDecoder().decode(xml), maxTextChars);
}

const TAG_NAME = /^<\/?([^\s/>]+)/;
/** The longest character reference decoded (`&#1114111;`), so a budget of N characters needs at most 10 N of input. */
const MAX_REFERENCE_LENGTH = 10;

/**
 * Collects lines up to a character budget, keeping at most two blank lines
 * in a row, so that millions of empty paragraphs cost nothing to hold.
 */
class LineCollector {
  readonly #lines: string[] = [];
  #line = "";
  #blankRun = 0;
  #remaining: number;

  constructor(maxChars: number) {
    this.#remaining = maxChars;
  }

  /** Characters that may still be added. */
  get remaining(): number {
    return Math.max(0, this.#remaining);
  }

  append(text: string): void {
    const kept = text.slice(0, this.remaining);
    this.#line += kept;
    this.#remaining -= kept.length;
  }

  endLine(): void {
    if (this.#line.trim() === "") {
      this.#blankRun++;
      if (this.#blankRun > 2) return;
    } else {
      this.#blankRun = 0;
    }
    this.#lines.push(this.#line);
    this.#remaining -= 1;
    this.#line = "";
  }

  finish(): string {
    if (this.#line !== "") this.#lines.push(this.#line);
    return this.#lines.join("\n");
  }
}

/**
 * Only the `w:` prefix is matched: Word always writes it, and other prefixes
 * with `p` or `t` elements (DrawingML `a:t`, math `m:t`) hold chart labels and
 * equations rather than body text. Word writes no comments or CDATA into
 * document.xml, so they need no handling.
 *
 * One pass over the markup with `indexOf`, no recursion and no regular
 * expression over unbounded input: nesting depth and size cost nothing
 * beyond the scan, and scanning stops once `maxChars` of text are collected.
 */
function wordprocessingMlToText(xml: string, maxChars: number): string {
  const text = new LineCollector(maxChars);
  let inText = false;
  // <w:tab> inside <w:tabs> defines tab stops, not tab characters.
  let tabStopDepth = 0;
  let position = 0;
  while (position < xml.length && text.remaining > 0) {
    const open = xml.indexOf("<", position);
    const runEnd = open === -1 ? xml.length : open;
    if (inText && runEnd > position) {
      const budgetEnd = position + text.remaining * MAX_REFERENCE_LENGTH;
      text.append(decodeXmlEntities(xml.slice(position, Math.min(runEnd, budgetEnd))));
    }
    if (open === -1) break;
    const close = tagEnd(xml, open);
    if (close === -1) {
      // A "<" that starts no tag is dropped; what follows it is read as text.
      position = open + 1;
      continue;
    }
    const token = xml.slice(open, close + 1);
    position = close + 1;
    const name = TAG_NAME.exec(token)?.[1];
    const closing = token.startsWith("</");
    const selfClosing = token.endsWith("/>");
    switch (name) {
      case "w:p":
        if (closing || selfClosing) text.endLine();
        break;
      case "w:t":
        inText = !closing && !selfClosing;
        break;
      case "w:tabs":
        if (!selfClosing) tabStopDepth += closing ? -1 : 1;
        break;
      case "w:tab":
        if (tabStopDepth <= 0) text.append("\t");
        break;
      case "w:br":
      case "w:cr":
        text.append("\n");
        break;
    }
  }
  return text.finish();
}

/**
 * The index of the `>` closing the tag opened at `open`, or -1 if another
 * `<` or the end of input comes first. Stopping at the next `<` keeps the
 * whole scan linear however many stray brackets there are.
 */
function tagEnd(xml: string, open: number): number {
  for (let index = open + 1; index < xml.length; index++) {
    const code = xml.charCodeAt(index);
    if (code === 0x3e) return index;
    if (code === 0x3c) return -1;
  }
  return -1;
}

const XML_ENTITY = /&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));/g;
const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function decodeXmlEntities(text: string): string {
  return text.replace(XML_ENTITY, (_match, named, decimal, hex) => {
    if (named) return NAMED_ENTITIES[named];
    const codePoint = decimal ? Number.parseInt(decimal, 10) : Number.parseInt(hex, 16);
    const valid = codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
    return valid ? String.fromCodePoint(codePoint) : "\uFFFD";
  });
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // The decoder drops a leading BOM by default.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new DocumentError(
      "The file is not valid UTF-8 text. Save it as UTF-8, or upload a PDF or DOCX file.",
      { cause: error },
    );
  }
}

/**
 * C0 and C1 controls other than tab and newline (the only ones left once
 * CR, FF and VT are turned into newlines), plus stray byte order marks.
 */
// deno-lint-ignore no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\uFEFF]/g;

/**
 * Works line by line with `indexOf` rather than with one regular expression
 * over runs of newlines: V8's backtracking stack overflows on millions of
 * them. Stops once `maxChars` characters are kept.
 */
function normalizeText(text: string, maxChars: number): string {
  const flat = text
    .replace(/\r\n?/g, "\n")
    // Form feeds and vertical tabs separate pages and lines in exported text.
    .replace(/[\f\v]/g, "\n")
    .replace(CONTROL_CHARACTERS, "");
  const lines: string[] = [];
  let length = 0;
  let blankRun = 0;
  let start = 0;
  while (start <= flat.length && length < maxChars) {
    const newline = flat.indexOf("\n", start);
    const end = newline === -1 ? flat.length : newline;
    const line = flat.slice(start, end).trimEnd();
    start = end + 1;
    if (line === "") {
      // Leading blank lines go; elsewhere at most two in a row stay.
      if (lines.length === 0 || ++blankRun > 2) continue;
    } else {
      blankRun = 0;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join("\n").trim().slice(0, maxChars).trimEnd();
}

function emptyMessage(kind: DocumentKind): string {
  switch (kind) {
    case "pdf":
      return "The PDF contains no extractable text (is it a scanned image?). " +
        "Upload a PDF with selectable text, a DOCX or a text file.";
    case "docx":
      return "The DOCX contains no text. Check that you chose the right file.";
    case "markdown":
    case "text":
      return "The file contains no text. Check that you chose the right file.";
  }
}
