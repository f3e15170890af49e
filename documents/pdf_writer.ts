/**
 * A small PDF writer for text documents (interview reports): Helvetica,
 * Latin-1, fixed line height, no dependencies.
 *
 * @module
 */

const LINES_PER_PAGE = 40;
const PAGE_TOP = 770;
const LINE_HEIGHT = 16;

/**
 * Writes a minimal PDF 1.4 that shows `lines` in Helvetica, 40 lines a page,
 * with a correct cross-reference table. An empty array gives one blank page,
 * like a scanned document without a text layer.
 *
 * Characters outside Latin-1 are written as `?`.
 */
export function writeTextPdf(lines: string[]): Uint8Array {
  const pages: string[][] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_PAGE) {
    pages.push(lines.slice(i, i + LINES_PER_PAGE));
  }
  if (pages.length === 0) pages.push([]);

  // Objects 1-3 are fixed; each page then takes a page object and a content stream.
  const pageIds = pages.map((_, index) => 4 + index * 2);
  const objects: string[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${
      pageIds.map((id) => `${id} 0 R`).join(" ")
    }] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  for (const [index, pageLines] of pages.entries()) {
    const content = pageContent(pageLines);
    objects.push(
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " +
        `/Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index] + 1} 0 R >>`,
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    );
  }

  // Every character is below U+0100, so string offsets are byte offsets.
  let pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  for (const [index, body] of objects.entries()) {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  }
  const xrefOffset = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${
    objects.length + 1
  } /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return latin1Bytes(pdf);
}

function pageContent(lines: string[]): string {
  const operators = ["BT", "/F1 11 Tf", `72 ${PAGE_TOP} Td`];
  for (const [index, line] of lines.entries()) {
    if (index > 0) operators.push(`0 -${LINE_HEIGHT} Td`);
    if (line !== "") operators.push(`(${pdfString(line)}) Tj`);
  }
  operators.push("ET");
  return operators.join("\n");
}

function pdfString(text: string): string {
  let escaped = "";
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (character === "(" || character === ")" || character === "\\") escaped += `\\${character}`;
    else if (code >= 0x20 && code < 0x7f) escaped += character;
    else if (code >= 0xa0 && code <= 0xff) escaped += `\\${code.toString(8)}`;
    else escaped += "?";
  }
  return escaped;
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (character) => character.charCodeAt(0));
}
