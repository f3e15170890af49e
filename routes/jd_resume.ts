/**
 * `/jd_resume/*`: job-description and resume uploads, and reading them back.
 *
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
import type { Api, AppEnv, AuthUser } from "../http/api.ts";
import type { AppDeps } from "../http/deps.ts";
import { HttpError, toValidationIssues, validationError } from "../http/errors.ts";
import { bodyTooLarge, readBodyWithLimit } from "../http/body_limit.ts";
import { assertMultipartParts } from "../http/multipart_limit.ts";
import {
  currentDocument,
  DocumentQuotaError,
  type DocumentRow,
  recordDocument,
} from "../db/documents.ts";
import { type DocumentPurpose, userTypes } from "../db/schema.ts";
import { detectDocumentKind, type DocumentKind } from "../documents/detect.ts";
import { DocumentError, MAX_TEXT_CHARS } from "../documents/extract.ts";
import {
  createDocumentReader,
  type DocumentReader,
  ReaderBusyError,
} from "../documents/document_reader.ts";
import { sha256Hex } from "../media/storage.ts";
import { log } from "../log.ts";

/** Multipart framing around the file: boundaries, headers and field names. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** The form has one field; a few more are tolerated from clients that add their own. */
const MAX_UPLOAD_PARTS = 8;

const extensions: Record<DocumentKind, string> = {
  pdf: "pdf",
  docx: "docx",
  markdown: "md",
  text: "txt",
};

const documentOut = z.object({
  id: z.number().int(),
  purpose: z.enum(["jd", "resume"]),
  kind: z.enum(["pdf", "docx", "markdown", "text"]).describe("Recognised from the content"),
  original_filename: z.string().nullable().describe("As sent by the client; metadata only"),
  path: z.string().describe("Where the server stored the file, relative to DATA_DIR"),
  size_bytes: z.number().int(),
  sha256: z.string(),
  text_length: z.number().int(),
  text_preview: z.string(),
  uploaded_at: z.string(),
});

const documentWithText = documentOut.extend({ text: z.string() });

const uploadForm = z.object({
  file: z.string().describe("PDF, DOCX, TXT or Markdown file").meta({ format: "binary" }),
});

const jdTextBody = z.object({
  text: z.string().trim().min(1).max(MAX_TEXT_CHARS).describe("The job description as plain text"),
});

function toDocumentOut(row: DocumentRow): z.infer<typeof documentOut> {
  return {
    id: row.id,
    purpose: row.purpose,
    kind: row.kind,
    original_filename: row.originalFilename,
    path: row.storagePath,
    size_bytes: row.sizeBytes,
    sha256: row.sha256,
    text_length: row.extractedText.length,
    text_preview: row.extractedText.slice(0, 500),
    uploaded_at: row.createdAt.toISOString(),
  };
}

/** Keeps a client's file name only as harmless metadata: no path, no control characters. */
function cleanFilename(name: string): string | null {
  // deno-lint-ignore no-control-regex
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(
    0,
    255,
  );
  return base || null;
}

function fileFieldError(msg: string, type: string): HttpError {
  return validationError([{ loc: ["body", "file"], msg, type }]);
}

async function storeDocument(
  deps: AppDeps,
  reader: DocumentReader,
  user: AuthUser,
  purpose: DocumentPurpose,
  bytes: Uint8Array<ArrayBuffer>,
  originalFilename: string | null,
): Promise<DocumentRow> {
  const kind = detectDocumentKind(bytes);
  if (!kind) {
    throw new HttpError(415, "Unsupported file type: upload a PDF, DOCX, TXT or Markdown file.");
  }
  let text: string;
  try {
    text = await reader.read(user.id, bytes, kind);
  } catch (error) {
    if (error instanceof DocumentError) throw fileFieldError(error.message, "value_error");
    if (error instanceof ReaderBusyError) {
      throw new HttpError(error.perUser ? 429 : 503, error.message, {
        "retry-after": String(error.retryAfterSeconds),
      });
    }
    throw error;
  }
  if (text.trim() === "") {
    throw fileFieldError(
      "The file contains no text. Upload a document with text in it.",
      "value_error",
    );
  }
  const storagePath = `uploads/${purpose}/${user.id}/${crypto.randomUUID()}.${extensions[kind]}`;
  await deps.store.put(storagePath, bytes);
  let recorded;
  try {
    recorded = await recordDocument(deps.database.db, {
      userId: user.id,
      purpose,
      storagePath,
      originalFilename,
      kind,
      sizeBytes: bytes.byteLength,
      sha256: await sha256Hex(bytes),
      extractedText: text.slice(0, MAX_TEXT_CHARS),
    }, {
      maxDocuments: deps.config.MAX_DOCUMENTS_PER_USER,
      maxBytes: Math.floor(deps.config.MAX_DOCUMENT_MB_PER_USER * 1024 * 1024),
    });
  } catch (error) {
    await deps.store.delete(storagePath);
    if (error instanceof DocumentQuotaError) throw new HttpError(409, error.message);
    throw error;
  }
  // After the commit: a crash here leaves files without rows, never rows without files.
  for (const path of recorded.removedPaths) await deps.store.delete(path);
  log.info("document uploaded", {
    user_id: user.id,
    purpose,
    kind,
    size_bytes: bytes.byteLength,
    superseded_removed: recorded.removedPaths.length,
  });
  return recorded.row;
}

async function readUpload(
  c: Context<AppEnv>,
  maxFileBytes: number,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; name: string | null }> {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new HttpError(
      415,
      `Unsupported Content-Type "${contentType}". Send multipart/form-data with the field "file".`,
    );
  }
  const body = await readBodyWithLimit(c.req.raw, maxFileBytes + MULTIPART_OVERHEAD_BYTES);
  assertMultipartParts(body, contentType, MAX_UPLOAD_PARTS);
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new HttpError(
      400,
      'Malformed multipart body. Send multipart/form-data with the field "file".',
    );
  }
  const file = form.get("file");
  if (file === null) throw fileFieldError("Field required", "missing");
  if (!(file instanceof File)) {
    throw fileFieldError("Expected a file upload, got a text field", "file_type");
  }
  if (file.size > maxFileBytes) throw bodyTooLarge(maxFileBytes);
  if (file.size === 0) throw fileFieldError("The file is empty", "value_error");
  return { bytes: new Uint8Array(await file.arrayBuffer()), name: cleanFilename(file.name) };
}

/** Registers the `/jd_resume` routes. */
export function registerJdResumeRoutes(api: Api, deps: AppDeps): void {
  const maxFileBytes = Math.floor(deps.config.MAX_UPLOAD_MB * 1024 * 1024);
  const reader = createDocumentReader({
    concurrency: deps.config.DOCUMENT_READ_CONCURRENCY,
    queueLength: deps.config.DOCUMENT_READ_QUEUE,
    maxPages: deps.config.DOCUMENT_MAX_PAGES,
    timeoutSeconds: deps.config.DOCUMENT_READ_TIMEOUT_S,
    memoryMb: deps.config.DOCUMENT_READ_MEMORY_MB,
  });
  const uploadResponses = {
    201: { description: "Stored; text extracted", schema: documentOut },
    400: { description: "Malformed body" },
    409: { description: "Over the per-user document quota" },
    413: { description: `Larger than MAX_UPLOAD_MB, or too many multipart parts` },
    415: { description: "Not a PDF, DOCX, TXT or Markdown file" },
    422: {
      description:
        "No field `file`, or the document cannot be read: damaged, no text, too many pages, or over the time or memory limit",
    },
    429: { description: "Another of your documents is still being read (`Retry-After`)" },
    503: { description: "Too many documents are being read (`Retry-After`)" },
  };

  api.route({
    method: "post",
    path: "/jd_resume/upload_jd",
    tag: "jd_resume",
    summary: "Upload a job description (file, or JSON {text})",
    description:
      "multipart/form-data with a `file` field (PDF, DOCX, TXT or Markdown, recognised by content), " +
      'or application/json `{"text": "..."}`.',
    roles: userTypes,
    multipart: uploadForm,
    manualJson: jdTextBody,
    responses: uploadResponses,
  }, async (c, { user }) => {
    if ((c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
      const raw = new TextDecoder().decode(await readBodyWithLimit(c.req.raw, maxFileBytes));
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (error) {
        throw new HttpError(
          400,
          `Malformed JSON body: ${(error as Error).message}. Send {"text": "..."}.`,
        );
      }
      const parsed = jdTextBody.safeParse(json);
      if (!parsed.success) {
        throw validationError(toValidationIssues("body", parsed.error, json));
      }
      const row = await storeDocument(
        deps,
        reader,
        user,
        "jd",
        new TextEncoder().encode(parsed.data.text),
        null,
      );
      return c.json(toDocumentOut(row), 201);
    }
    const upload = await readUpload(c, maxFileBytes);
    return c.json(
      toDocumentOut(await storeDocument(deps, reader, user, "jd", upload.bytes, upload.name)),
      201,
    );
  });

  api.route({
    method: "post",
    path: "/jd_resume/upload_resume",
    tag: "jd_resume",
    summary: "Upload a resume",
    description:
      "multipart/form-data with a `file` field: PDF, DOCX, TXT or Markdown, recognised by content.",
    roles: userTypes,
    multipart: uploadForm,
    responses: uploadResponses,
  }, async (c, { user }) => {
    const upload = await readUpload(c, maxFileBytes);
    return c.json(
      toDocumentOut(await storeDocument(deps, reader, user, "resume", upload.bytes, upload.name)),
      201,
    );
  });

  for (const purpose of ["jd", "resume"] as const) {
    api.route({
      method: "get",
      path: `/jd_resume/${purpose}`,
      tag: "jd_resume",
      summary: `Your current ${
        purpose === "jd" ? "job description" : "resume"
      } with its extracted text`,
      roles: userTypes,
      responses: {
        200: { description: "The document", schema: documentWithText },
        404: { description: "Nothing uploaded yet" },
      },
    }, async (c, { user }) => {
      const row = await currentDocument(deps.database.db, user.id, purpose);
      if (!row) {
        throw new HttpError(
          404,
          `No ${purpose === "jd" ? "job description" : "resume"} uploaded yet. Upload one first.`,
        );
      }
      return c.json({ ...toDocumentOut(row), text: row.extractedText });
    });
  }

  api.route({
    method: "get",
    path: "/jd_resume/current",
    tag: "jd_resume",
    summary: "Your current job description and resume, without their text",
    description: "Null for a document not uploaded yet, so pages can ask without a 404.",
    roles: userTypes,
    responses: {
      200: {
        description: "Both documents",
        schema: z.object({ jd: documentOut.nullable(), resume: documentOut.nullable() }),
      },
    },
  }, async (c, { user }) => {
    const [jd, resume] = await Promise.all([
      currentDocument(deps.database.db, user.id, "jd"),
      currentDocument(deps.database.db, user.id, "resume"),
    ]);
    return c.json({
      jd: jd ? toDocumentOut(jd) : null,
      resume: resume ? toDocumentOut(resume) : null,
    });
  });
}
