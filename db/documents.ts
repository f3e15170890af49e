/**
 * Queries on uploaded JDs and resumes.
 *
 * @module
 */
import { eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { type DocumentPurpose, documents, users } from "./schema.ts";

/** A document row. */
export type DocumentRow = typeof documents.$inferSelect;

/** A new document to record. */
export type NewDocument = typeof documents.$inferInsert;

/**
 * Records an uploaded document and makes it the user's current JD or
 * resume (`jd_path`/`resume_path` included), in one transaction.
 */
export async function recordDocument(db: Db, document: NewDocument): Promise<DocumentRow> {
  return await db.transaction(async (tx) => {
    const [row] = await tx.insert(documents).values(document).returning();
    const current = document.purpose === "jd"
      ? { jdPath: row.storagePath, jdDocumentId: row.id }
      : { resumePath: row.storagePath, resumeDocumentId: row.id };
    await tx.update(users).set({ ...current, updatedAt: new Date() }).where(
      eq(users.id, row.userId),
    );
    return row;
  });
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
