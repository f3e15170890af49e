import assert from "node:assert/strict";
import fc from "fast-check";
import { detectDocumentKind } from "../documents/detect.ts";
import { DocumentError, DOCX_XML_MAX_BYTES, extractDocumentText } from "../documents/extract.ts";
import { listZipEntries, readZipEntry, ZipError } from "../documents/zip.ts";
import { makeDocx, makePdf, makeZip } from "./fixtures/documents.ts";
import { characterReferenceDocx, manyPagesPdf } from "./fixtures/hostile_documents.ts";
import { concatBytes } from "../media/bytes.ts";

const encoder = new TextEncoder();

/** Deterministic noise, so a failure reproduces. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** A DOCX whose document.xml is given verbatim, to exercise markup makeDocx never writes. */
function docxWithXml(xml: string): Promise<Uint8Array> {
  return makeZip([{ name: "word/document.xml", data: encoder.encode(xml) }]);
}

function setUint16(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint16(offset, value, true);
  return copy;
}

const RESUME_TEXT = `Jane Doe
Senior Backend Engineer

Experience
- Built payment APIs in Go and PostgreSQL
- Led a team of 4 engineers
- Cut p99 latency by 40%

Skills: Go, TypeScript, Kubernetes`;

const README_MARKDOWN = `# Senior Backend Engineer

We are hiring. See [our careers page](https://example.com/jobs).

## Requirements

- **5+ years** of backend work
- Experience with \`PostgreSQL\`
`;

// --- detection ---------------------------------------------------------------

Deno.test("detect: PDF by magic, also after a BOM and whitespace", () => {
  assert.equal(detectDocumentKind(makePdf(["hello"])), "pdf");
  const prefixed = concatBytes([
    new Uint8Array([0xef, 0xbb, 0xbf]),
    encoder.encode("\r\n  "),
    makePdf(["x"]),
  ]);
  assert.equal(detectDocumentKind(prefixed), "pdf");
});

Deno.test("detect: PDF magic after other junk is not a PDF", () => {
  const junk = concatBytes([new Uint8Array([0x89, 0x00, 0x01]), makePdf(["x"])]);
  assert.equal(detectDocumentKind(junk), null);
});

Deno.test("detect: DOCX, compressed and stored", async () => {
  assert.equal(detectDocumentKind(await makeDocx(["hi"])), "docx");
  assert.equal(detectDocumentKind(await makeDocx(["hi"], { compress: false })), "docx");
});

Deno.test("detect: ZIP archives that are not DOCX are rejected", async () => {
  const plain = await makeZip([{ name: "notes.txt", data: encoder.encode("hello") }]);
  assert.equal(detectDocumentKind(plain), null);
  const xlsx = await makeZip([
    { name: "[Content_Types].xml", data: encoder.encode("<Types/>") },
    { name: "xl/workbook.xml", data: encoder.encode("<workbook/>") },
  ]);
  assert.equal(detectDocumentKind(xlsx), null);
  const odt = await makeZip([
    { name: "mimetype", data: encoder.encode("application/vnd.oasis.opendocument.text") },
    { name: "content.xml", data: encoder.encode("<office:document-content/>") },
  ], { compress: false });
  assert.equal(detectDocumentKind(odt), null);
});

Deno.test("detect: a truncated DOCX is not recognised", async () => {
  const docx = await makeDocx(["hello"]);
  assert.equal(detectDocumentKind(docx.subarray(0, docx.byteLength - 30)), null);
});

Deno.test("detect: plain text and markdown", () => {
  assert.equal(detectDocumentKind(encoder.encode(RESUME_TEXT)), "text");
  assert.equal(detectDocumentKind(encoder.encode(README_MARKDOWN)), "markdown");
  assert.equal(detectDocumentKind(encoder.encode("\uFEFFPlain text with a BOM.\r\n")), "text");
  assert.equal(detectDocumentKind(encoder.encode("Zoë — naïve café ✓ 日本語")), "text");
  assert.equal(detectDocumentKind(encoder.encode("Page 1\fPage 2\tcolumn")), "text");
});

Deno.test("detect: markdown signals need to add up", () => {
  // Dash bullets alone are common in plain text.
  assert.equal(detectDocumentKind(encoder.encode("- a\n- b\n- c\n- d\n- e\n")), "text");
  assert.equal(detectDocumentKind(encoder.encode("#hashtag is not a heading\n")), "text");
  assert.equal(detectDocumentKind(encoder.encode("# Title\n\n- one\n")), "markdown");
  assert.equal(detectDocumentKind(encoder.encode("```ts\nconst x = 1;\n```\n")), "markdown");
  assert.equal(
    detectDocumentKind(encoder.encode("Links: [a](https://a.example) [b](https://b.example)")),
    "markdown",
  );
});

Deno.test("detect: empty input is rejected", () => {
  assert.equal(detectDocumentKind(new Uint8Array()), null);
});

Deno.test("detect: images, executables and noise are rejected", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  assert.equal(detectDocumentKind(png), null);
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
  assert.equal(detectDocumentKind(jpeg), null);
  const elf = concatBytes([
    new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
    new Uint8Array(56),
  ]);
  assert.equal(detectDocumentKind(elf), null);
  for (let seed = 1; seed <= 20; seed++) {
    assert.equal(detectDocumentKind(pseudoRandomBytes(4096, seed)), null, `seed ${seed}`);
  }
});

Deno.test("detect: UTF-16 text is rejected", () => {
  const text = "Jane Doe, Backend Engineer";
  const littleEndian = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) littleEndian[i * 2] = text.charCodeAt(i);
  assert.equal(detectDocumentKind(littleEndian), null);
  assert.equal(detectDocumentKind(concatBytes([new Uint8Array([0xff, 0xfe]), littleEndian])), null);
  const bigEndian = concatBytes([new Uint8Array([0xfe, 0xff, 0]), littleEndian.subarray(0, -1)]);
  assert.equal(detectDocumentKind(bigEndian), null);
});

Deno.test("detect: binary with NULs or many control characters is rejected", () => {
  assert.equal(detectDocumentKind(encoder.encode("looks like text\0but is not")), null);
  const controls = "abc\x01\x02\x03def\x1b[0m".repeat(20);
  assert.equal(detectDocumentKind(encoder.encode(controls)), null);
});

Deno.test("detect: huge hostile lines are scored quickly", () => {
  const started = performance.now();
  assert.equal(detectDocumentKind(encoder.encode("[".repeat(2_000_000))), "text");
  assert.ok(performance.now() - started < 2000);
});

// --- PDF -----------------------------------------------------------------------

Deno.test("pdf: text round trip, including parentheses and backslashes", async () => {
  const lines = [
    "Senior Engineer (Backend)",
    "Paths like C:\\work and (nested (parens))",
    "Café, naïve résumé",
  ];
  assert.equal(await extractDocumentText(makePdf(lines), "pdf"), lines.join("\n"));
});

Deno.test("pdf: pages are separated by a blank line", async () => {
  const lines = Array.from({ length: 45 }, (_, i) => `Line ${i + 1}`);
  const text = await extractDocumentText(makePdf(lines), "pdf");
  const [first, second] = text.split("\n\n");
  assert.deepEqual(first.split("\n"), lines.slice(0, 40));
  assert.deepEqual(second.split("\n"), lines.slice(40));
});

Deno.test("pdf: extraction leaves the caller's bytes intact", async () => {
  const pdf = makePdf(["keep me"]);
  const copy = pdf.slice();
  await extractDocumentText(pdf, "pdf");
  assert.deepEqual(pdf, copy);
});

Deno.test("pdf: a PDF without text is reported as possibly scanned", async () => {
  await assert.rejects(
    extractDocumentText(makePdf([]), "pdf"),
    (error: unknown) =>
      error instanceof DocumentError && /no extractable text.*scanned/.test(error.message),
  );
});

Deno.test("pdf: truncated or corrupt PDFs raise DocumentError", async () => {
  const pdf = makePdf(["hello"]);
  const broken = [
    pdf.subarray(0, 40),
    encoder.encode("%PDF-1.4\nthis is not a pdf at all"),
    concatBytes([encoder.encode("%PDF-1.7\n"), pseudoRandomBytes(2000, 7)]),
  ];
  for (const bytes of broken) {
    await assert.rejects(
      extractDocumentText(bytes, "pdf"),
      (error: unknown) =>
        error instanceof DocumentError && error.message.startsWith("The PDF could not be read") &&
        error.message.includes("upload a DOCX or text file"),
    );
  }
});

// --- DOCX ----------------------------------------------------------------------

const DOCX_PARAGRAPHS = [
  "Jane Doe",
  "R&D <team> lead",
  "Name:\tJane\tDoe",
  "First line\nsecond line",
  `Quotes "double" and 'single'`,
  "Ünïcödé ✓",
];

Deno.test("docx: round trip, deflated", async () => {
  const text = await extractDocumentText(await makeDocx(DOCX_PARAGRAPHS), "docx");
  assert.equal(text, DOCX_PARAGRAPHS.join("\n"));
});

Deno.test("docx: round trip, stored", async () => {
  const docx = await makeDocx(DOCX_PARAGRAPHS, { compress: false });
  assert.equal(await extractDocumentText(docx, "docx"), DOCX_PARAGRAPHS.join("\n"));
});

Deno.test("docx: numeric entities, tab stops, deleted text and field codes", async () => {
  const xml = `<?xml version="1.0"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
  <w:r><w:t>Caf&#233; &#x1F600; &#xD800; &amp;amp;</w:t></w:r></w:p>
<w:p><w:r><w:delText>removed</w:delText><w:instrText> HYPERLINK </w:instrText>
  <w:t xml:space="preserve">kept </w:t><w:tab/><w:t>x</w:t><w:cr/><w:t>y</w:t></w:r></w:p>
<w:p/>
<w:p><w:r><w:t/><w:t>last</w:t></w:r></w:p>
</w:body></w:document>`;
  const text = await extractDocumentText(await docxWithXml(xml), "docx");
  assert.equal(text, "Café 😀 \uFFFD &amp;\nkept \tx\ny\n\nlast");
});

Deno.test("docx: a DOCX without text is reported", async () => {
  await assert.rejects(
    extractDocumentText(await makeDocx(["", "  "]), "docx"),
    (error: unknown) => error instanceof DocumentError && /contains no text/.test(error.message),
  );
});

Deno.test("docx: truncated or corrupt archives raise DocumentError", async () => {
  const docx = await makeDocx(DOCX_PARAGRAPHS);
  const entry = listZipEntries(docx).find((candidate) => candidate.name === "word/document.xml")!;
  const flipped = docx.slice();
  flipped[entry.localHeaderOffset + 30 + entry.name.length + 5] ^= 0xff;
  const broken = [
    docx.subarray(0, docx.byteLength - 10),
    docx.subarray(0, 100),
    docx.subarray(docx.byteLength - 200),
    flipped,
    await makeZip([{ name: "notes.txt", data: encoder.encode("not a docx") }]),
  ];
  for (const bytes of broken) {
    await assert.rejects(
      extractDocumentText(bytes, "docx"),
      (error: unknown) =>
        error instanceof DocumentError && error.message.startsWith("The DOCX could not be read") &&
        error.cause instanceof ZipError,
    );
  }
});

Deno.test("docx: a zip bomb is stopped at the 16 MB cap", async () => {
  const bomb = await makeZip([
    { name: "word/document.xml", data: new Uint8Array(60 * 1024 * 1024), declaredSize: 1000 },
  ]);
  assert.ok(bomb.byteLength < 200_000, `bomb is ${bomb.byteLength} bytes`);
  assert.equal(detectDocumentKind(bomb), "docx");
  await assert.rejects(
    extractDocumentText(bomb, "docx"),
    (error: unknown) =>
      error instanceof DocumentError &&
      error.message.includes(`expands to more than ${DOCX_XML_MAX_BYTES} bytes`),
  );
});

// --- ZIP reader ----------------------------------------------------------------

Deno.test("zip: lists entries and reads them back", async () => {
  const files = [
    { name: "a.txt", data: encoder.encode("alpha") },
    { name: "dir/ü.bin", data: pseudoRandomBytes(10_000, 3) },
    { name: "empty", data: new Uint8Array() },
  ];
  for (const compress of [true, false]) {
    const zip = await makeZip(files, { compress });
    const entries = listZipEntries(zip);
    assert.deepEqual(entries.map((entry) => entry.name), files.map((file) => file.name));
    assert.deepEqual(entries.map((entry) => entry.method), files.map(() => compress ? 8 : 0));
    for (const file of files) {
      assert.deepEqual(await readZipEntry(zip, file.name, { maxBytes: 1 << 20 }), file.data);
    }
  }
});

Deno.test("zip: finds the directory behind an archive comment", async () => {
  const zip = await makeZip([{ name: "a.txt", data: encoder.encode("alpha") }]);
  const comment = encoder.encode("PK\x05\x06 a comment that mimics the signature");
  const withComment = concatBytes([
    setUint16(zip, zip.byteLength - 2, comment.byteLength),
    comment,
  ]);
  assert.deepEqual(listZipEntries(withComment).map((entry) => entry.name), ["a.txt"]);
});

Deno.test("zip: refuses what it does not support, with clear messages", async () => {
  const zip = await makeZip([{ name: "a.txt", data: encoder.encode("alpha") }]);
  const central = zip.byteLength - 22 - 46 - "a.txt".length;
  const cases: [Uint8Array, RegExp][] = [
    [setUint16(zip, central + 8, 0x0801), /"a\.txt" is encrypted/],
    [
      setUint16(zip, central + 10, 12),
      /compression method 12; only stored \(0\) and deflate \(8\)/,
    ],
    [setUint16(zip, zip.byteLength - 12, 0xffff), /ZIP64/],
    [setUint16(zip, zip.byteLength - 18, 1), /Multi-part/],
    [zip.subarray(0, zip.byteLength - 1), /end of central directory record is missing/],
    [zip.subarray(20), /truncated/],
  ];
  for (const [bytes, message] of cases) {
    await assert.rejects(
      readZipEntry(bytes, "a.txt", { maxBytes: 1000 }),
      (error: unknown) => error instanceof ZipError && message.test(error.message),
    );
  }
  await assert.rejects(
    readZipEntry(zip, "missing.txt", { maxBytes: 1000 }),
    /The ZIP archive has no entry "missing.txt"/,
  );
});

Deno.test("zip: the size cap applies to stored entries and does not trust declared sizes", async () => {
  const data = new Uint8Array(5000);
  for (const compress of [true, false]) {
    const zip = await makeZip([{ name: "big", data, declaredSize: 10 }], { compress });
    await assert.rejects(readZipEntry(zip, "big", { maxBytes: 4096 }), /more than 4096 bytes/);
    // Below the cap, the lie is still caught.
    await assert.rejects(readZipEntry(zip, "big", { maxBytes: 1 << 20 }), /declares 10/);
  }
});

// --- plain text ----------------------------------------------------------------

Deno.test("text: decoding and normalisation", async () => {
  const raw =
    "\uFEFF  Title\r\nline\twith tab   \r\n\r\n\r\n\r\n\r\n\r\nend\x07\x1b\x00\r\rafter\n\n";
  assert.equal(
    await extractDocumentText(encoder.encode(raw), "text"),
    "Title\nline\twith tab\n\n\nend\n\nafter",
  );
  assert.equal(
    await extractDocumentText(encoder.encode(README_MARKDOWN), "markdown"),
    README_MARKDOWN.trim(),
  );
});

Deno.test("text: invalid UTF-8 and empty text raise DocumentError", async () => {
  await assert.rejects(
    extractDocumentText(new Uint8Array([0x68, 0x69, 0xff, 0xfe]), "text"),
    (error: unknown) => error instanceof DocumentError && /not valid UTF-8/.test(error.message),
  );
  await assert.rejects(
    extractDocumentText(encoder.encode(" \r\n\t\n"), "markdown"),
    (error: unknown) => error instanceof DocumentError && /contains no text/.test(error.message),
  );
});

// --- properties ----------------------------------------------------------------

Deno.test("property: detection never throws on arbitrary bytes", () => {
  const prefixes = [[], [0x25, 0x50, 0x44, 0x46, 0x2d], [0x50, 0x4b, 0x03, 0x04], [
    0xef,
    0xbb,
    0xbf,
  ]];
  fc.assert(
    fc.property(
      fc.constantFrom(...prefixes),
      fc.uint8Array({ maxLength: 4096 }),
      (prefix, tail) => {
        const kind = detectDocumentKind(concatBytes([new Uint8Array(prefix), tail]));
        assert.ok(kind === null || ["pdf", "docx", "markdown", "text"].includes(kind));
      },
    ),
    { numRuns: 2000 },
  );
});

/** Runs `action` and fails unless it succeeds or throws an instance of `errorClass`. */
async function onlyThrows(
  errorClass: new (...args: never[]) => Error,
  action: () => Promise<unknown>,
): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof errorClass)) throw error;
  }
}

Deno.test("property: the zip reader only throws ZipError, on noise or damaged archives", async () => {
  const zip = await makeZip([
    { name: "a.txt", data: encoder.encode("alpha ".repeat(50)) },
    { name: "b.bin", data: pseudoRandomBytes(300, 5) },
  ]);
  const noise = fc.uint8Array({ maxLength: 2048 }).map((tail) =>
    concatBytes([new Uint8Array([0x50, 0x4b, 0x03, 0x04]), tail])
  );
  // Edits near the end hit the central directory and EOCD, where the offsets live.
  const damaged = fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), {
    minLength: 1,
    maxLength: 6,
  }).map((edits) => {
    const copy = zip.slice();
    for (const [back, value] of edits) copy[Math.max(0, copy.byteLength - 1 - back)] = value;
    return copy;
  });
  await fc.assert(
    fc.asyncProperty(fc.oneof(noise, damaged), fc.string(), async (bytes, name) => {
      await onlyThrows(ZipError, async () => {
        for (const entry of listZipEntries(bytes)) {
          await readZipEntry(bytes, entry.name, { maxBytes: 1 << 16 });
        }
      });
      await onlyThrows(ZipError, () => readZipEntry(bytes, name, { maxBytes: 1 << 16 }));
    }),
    { numRuns: 1000 },
  );
});

Deno.test("property: damaged DOCX and PDF files only ever raise DocumentError", async () => {
  const docx = await makeDocx(DOCX_PARAGRAPHS);
  const pdf = makePdf(["Senior Engineer (Backend)", "Go, PostgreSQL"]);
  const damage = fc.record({
    original: fc.constantFrom<[Uint8Array, "docx" | "pdf"]>([docx, "docx"], [pdf, "pdf"]),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    }),
    // Mostly in-place damage; truncation fails early and needs fewer runs.
    cut: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.nat(), weight: 1 }),
  });
  await fc.assert(
    fc.asyncProperty(damage, async ({ original: [bytes, kind], edits, cut }) => {
      let damaged = bytes.slice();
      for (const [position, value] of edits) damaged[position % damaged.byteLength] = value;
      if (cut !== null) damaged = damaged.subarray(0, cut % damaged.byteLength);
      detectDocumentKind(damaged);
      await onlyThrows(DocumentError, () => extractDocumentText(damaged, kind));
    }),
    { numRuns: 300 },
  );
});

// --- hostile documents (issue 8) -------------------------------------------------

Deno.test("text: ten million blank lines are collapsed without overflowing the stack", async () => {
  const bytes = encoder.encode(`top\n${"\n".repeat(10_000_000)}bottom`);
  assert.equal(await extractDocumentText(bytes, "text"), "top\n\n\nbottom");
});

Deno.test("pdf: the page count is checked before any page is read", async () => {
  const pdf = await manyPagesPdf(20_000);
  const started = performance.now();
  await assert.rejects(
    extractDocumentText(pdf, "pdf", { maxPages: 200, maxTextChars: 1000 }),
    (error: unknown) =>
      error instanceof DocumentError &&
      error.message ===
        "The PDF has 20,000 pages; at most 200 are read. Upload a shorter document.",
  );
  assert.ok(performance.now() - started < 5000);
});

Deno.test("pdf: pages stop being read at the text cap", async () => {
  const lines = Array.from({ length: 400 }, (_, i) => `Line ${i + 1} of a long document`);
  const text = await extractDocumentText(makePdf(lines), "pdf", {
    maxPages: 200,
    maxTextChars: 100,
  });
  assert.ok(text.length <= 100, `${text.length} characters`);
  assert.ok(text.startsWith("Line 1 of a long document\nLine 2"));
});

Deno.test("docx: character references are decoded only up to the text cap", async () => {
  const docx = await characterReferenceDocx(15 * 1024 * 1024);
  const started = performance.now();
  const text = await extractDocumentText(docx, "docx", { maxPages: 1, maxTextChars: 1000 });
  assert.equal(text, "A".repeat(1000));
  assert.ok(performance.now() - started < 3000);
});

Deno.test("docx: empty paragraphs, deep nesting and stray brackets are scanned in one pass", async () => {
  const xml = `<w:document><w:body>${"<w:p/>".repeat(2_000_000)}` +
    `<w:p>${"<w:r>".repeat(100_000)}<w:t>deep</w:t>${"</w:r>".repeat(100_000)}</w:p>` +
    `<w:p><w:r><w:t>a${"<".repeat(1_000_000)}b</w:t></w:r></w:p></w:body></w:document>`;
  const text = await extractDocumentText(await docxWithXml(xml), "docx");
  assert.equal(text, "deep\nab");
});
