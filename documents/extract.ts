/**
 * Turns an uploaded PDF, DOCX, markdown or text file into plain text for the
 * interview engine. Kinds come from {@linkcode detectDocumentKind}.
 *
 * @module
 */

import { extractText, getDocumentProxy } from "unpdf";
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

/** A real document.xml is a few megabytes at most; anything bigger is a bomb or abuse. */
const DOCX_XML_MAX_BYTES = 50 * 1024 * 1024;

/**
 * Extracts the text of a document, normalised: LF line endings, no control
 * characters other than newline and tab, at most two blank lines in a row,
 * trimmed. PDF pages are separated by a blank line; each DOCX paragraph is a line.
 *
 * @throws {DocumentError} if the file is unreadable or contains no text.
 */
export async function extractDocumentText(
  bytes: Uint8Array,
  kind: DocumentKind,
): Promise<string> {
  const raw = kind === "pdf"
    ? await pdfText(bytes)
    : kind === "docx"
    ? await docxText(bytes)
    : decodeUtf8(bytes);
  const text = normalizeText(raw);
  if (text === "") throw new DocumentError(emptyMessage(kind));
  return text;
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>> | undefined;
  try {
    // pdf.js may transfer (detach) the buffer it is given; the caller keeps theirs.
    pdf = await getDocumentProxy(bytes.slice(), { verbosity: 0 });
    const { text } = await extractText(pdf, { mergePages: false });
    return text.join("\n\n");
  } catch (error) {
    throw new DocumentError(
      `The PDF could not be read: ${pdfFailureReason(error)}. ` +
        "Export it again or upload a DOCX or text file.",
      { cause: error },
    );
  } finally {
    await pdf?.loadingTask.destroy();
  }
}

function pdfFailureReason(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "PasswordException") return "it is password-protected";
  if (name === "InvalidPDFException") return "it is damaged or not really a PDF";
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\.$/, "") || "unknown error";
}

async function docxText(bytes: Uint8Array): Promise<string> {
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
  return wordprocessingMlToText(new TextDecoder().decode(xml));
}

/**
 * Tags and text runs. `[^<>]` keeps scanning linear on hostile input; Word
 * writes no comments or CDATA into document.xml, so they need no handling.
 */
const XML_TOKEN = /<[^<>]*>|[^<]+/g;
const TAG_NAME = /^<\/?([^\s/>]+)/;

/**
 * Only the `w:` prefix is matched: Word always writes it, and other prefixes
 * with `p` or `t` elements (DrawingML `a:t`, math `m:t`) hold chart labels and
 * equations rather than body text.
 */
function wordprocessingMlToText(xml: string): string {
  const lines: string[] = [];
  let line = "";
  let inText = false;
  // <w:tab> inside <w:tabs> defines tab stops, not tab characters.
  let tabStopDepth = 0;
  for (const [token] of xml.matchAll(XML_TOKEN)) {
    if (!token.startsWith("<")) {
      if (inText) line += decodeXmlEntities(token);
      continue;
    }
    const name = TAG_NAME.exec(token)?.[1];
    const closing = token.startsWith("</");
    const selfClosing = token.endsWith("/>");
    switch (name) {
      case "w:p":
        if (closing || selfClosing) {
          lines.push(line);
          line = "";
        }
        break;
      case "w:t":
        inText = !closing && !selfClosing;
        break;
      case "w:tabs":
        if (!selfClosing) tabStopDepth += closing ? -1 : 1;
        break;
      case "w:tab":
        if (tabStopDepth <= 0) line += "\t";
        break;
      case "w:br":
      case "w:cr":
        line += "\n";
        break;
    }
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
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

function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    // Form feeds and vertical tabs separate pages and lines in exported text.
    .replace(/[\f\v]/g, "\n")
    .replace(CONTROL_CHARACTERS, "")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{4,}/g, "\n\n\n")
    .trim();
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
