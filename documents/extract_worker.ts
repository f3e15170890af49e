/**
 * The Worker of the document-reading child process (`extract_child.ts`):
 * extracts the text of one document and posts it back.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { DocumentKind } from "./detect.ts";
import { DocumentError, extractDocumentText, type ExtractionLimits } from "./extract.ts";

/** What the child sends its Worker. */
export interface ReadRequest {
  bytes: Uint8Array;
  kind: DocumentKind;
  limits: ExtractionLimits;
}

/** What the Worker answers: the text, or a message meant for the uploader. */
export type ReadResult = { text: string } | { error: string };

self.onmessage = async (event: MessageEvent<ReadRequest>) => {
  const { bytes, kind, limits } = event.data;
  let result: ReadResult;
  try {
    result = { text: await extractDocumentText(bytes, kind, limits) };
  } catch (error) {
    // Anything else is a bug or a crash: the child's exit status and stderr report it.
    if (!(error instanceof DocumentError)) throw error;
    result = { error: error.message };
  }
  self.postMessage(result);
};
