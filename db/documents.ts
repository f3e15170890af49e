/**
 * Queries on uploaded JDs and resumes.
 *
 * @module
 */
import { and, count, eq, ne, notExists, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { type DocumentPurpose, documents, interviews, users } from "./schema.ts";

/** A document row. */
export type DocumentRow = typeof documents.$inferSelect;

/** A new document to record. */
export type NewDocument = typeof documents.$inferInsert;

/** Per-user limits on stored documents, checked by {@linkcode recordDocument}. */
export interface DocumentQuota {
  /** Documents a user may keep, the new one included. */
  maxDocuments: number;
  /** Bytes of files a user may keep, the new one included. */
  maxBytes: number;
}

/** Thrown when recording a document would take its owner over their {@linkcode DocumentQuota}. */
export class DocumentQuotaError extends Error {
  override name = "DocumentQuotaError";
}

/** What {@linkcode recordDocument} did. */
export interface RecordedDocument {
  /** The new document, now the user's current one for its purpose. */
  row: DocumentRow;
  /** Object store keys of the documents deleted to make room; the caller removes them. */
  removedPaths: string[];
}

/**
 * Records an uploaded document and makes it the user's current JD or
 * resume (`jd_path`/`resume_path` included), in one transaction.
 *
 * Older documents of the same purpose that no interview refers to are
 * deleted first. The one being superseded now is kept until the next upload:
 * a `start_interview` may have read it and still be planning questions, and
 * its insert would fail if the document vanished meanwhile. Then the quota is
 * checked on what remains, with the user's row locked so that concurrent
 * uploads of one user are counted one after the other.
 *
 * @throws {DocumentQuotaError} if the user would keep more than `quota` allows;
 * nothing is deleted or recorded then.
 */
export async function recordDocument(
  db: Db,
  document: NewDocument,
  quota: DocumentQuota,
): Promise<RecordedDocument> {
  return await db.transaction(async (tx) => {
    const [owner] = await tx.select({ jd: users.jdDocumentId, resume: users.resumeDocumentId })
      .from(users).where(eq(users.id, document.userId)).for("update");
    const superseded = document.purpose === "jd" ? owner?.jd : owner?.resume;
    const reference = document.purpose === "jd"
      ? interviews.jdDocumentId
      : interviews.resumeDocumentId;
    const removed = await tx.delete(documents).where(and(
      eq(documents.userId, document.userId),
      eq(documents.purpose, document.purpose),
      superseded == null ? undefined : ne(documents.id, superseded),
      notExists(
        tx.select({ one: sql`1` }).from(interviews).where(eq(reference, documents.id)),
      ),
    )).returning({ storagePath: documents.storagePath });

    const [usage] = await tx.select({
      documents: count(),
      bytes: sql<string>`coalesce(sum(${documents.sizeBytes}), 0)`,
    }).from(documents).where(eq(documents.userId, document.userId));
    checkQuota(usage.documents, Number(usage.bytes), document.sizeBytes, quota);

    const [row] = await tx.insert(documents).values(document).returning();
    const current = document.purpose === "jd"
      ? { jdPath: row.storagePath, jdDocumentId: row.id }
      : { resumePath: row.storagePath, resumeDocumentId: row.id };
    await tx.update(users).set({ ...current, updatedAt: new Date() }).where(
      eq(users.id, row.userId),
    );
    return { row, removedPaths: removed.map((r) => r.storagePath) };
  });
}

function checkQuota(
  keptDocuments: number,
  keptBytes: number,
  newBytes: number,
  quota: DocumentQuota,
): void {
  const why = "Each interview keeps the job description and resume it was started with; " +
    "other old uploads are deleted as you upload new ones.";
  if (keptDocuments + 1 > quota.maxDocuments) {
    throw new DocumentQuotaError(
      `You already keep ${keptDocuments} documents, the most allowed per account. ${why} ` +
        "Start interviews with your current documents, or ask an administrator for more room.",
    );
  }
  if (keptBytes + newBytes > quota.maxBytes) {
    const mb = (bytes: number) => `${Number((bytes / 1024 / 1024).toPrecision(2))} MB`;
    throw new DocumentQuotaError(
      `This upload (${mb(newBytes)}) would take your documents to ${
        mb(keptBytes + newBytes)
      }, over the ${mb(quota.maxBytes)} allowed per account. ${why} ` +
        "Upload a smaller file, or ask an administrator for more room.",
    );
  }
}

/** The user's current document for `purpose`, if any. */
export async function currentDocument(
  db: Db,
  userId: number,
  purpose: DocumentPurpose,
): Promise<DocumentRow | undefined> {
  const column = purpose === "jd" ? users.jdDocumentId : users.resumeDocumentId;
  const [row] = await db.select({ document: documents }).from(users)
    .innerJoin(documents, eq(documents.id, column))
    .where(eq(users.id, userId));
  return row?.document;
}
