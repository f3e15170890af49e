/**
 * Where recordings live under `DATA_DIR`, and the append-only writer that
 * stages each media stream of an answer while it arrives.
 *
 * Layout of one answer, `recordings/<interview_id>/<question_id>/`:
 * `staging/<stream>.part` while a stream is open, `staging/<stream>.raw`
 * once the candidate ended it. Segment `n` > 0 of a stream (a
 * continuation after a reload) is staged as `staging/<stream>.<n>.part`
 * and `.raw`; segment 0 keeps the names of answers that have one segment.
 *
 * Finalization makes `<stream>.webm`, `combined.webm` and `audio.wav` in
 * `staging/out/` and moves them into the object store under the same
 * folder's key, `recordings/<interview_id>/<question_id>/<file>` (with
 * `STORAGE=fs` the very place they always were, so older rows keep working).
 * Staging is local disk only; finished recordings are read and deleted
 * through the store.
 *
 * @module
 */
import { join } from "node:path";
import type { StreamName } from "../realtime/protocol.ts";
import type { ObjectStore } from "./object_store.ts";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, syncDirectory } from "./storage.ts";

/** Folder of one answer's recordings, relative to `DATA_DIR`. */
export function answerDir(interviewId: number, questionId: number): string {
  return `recordings/${interviewId}/${questionId}`;
}

/** Relative path of a finalized output file of an answer. */
export function outputPath(
  interviewId: number,
  questionId: number,
  file: `${StreamName}.webm` | "combined.webm" | "audio.wav",
): string {
  return `${answerDir(interviewId, questionId)}/${file}`;
}

function stagingPaths(
  dataDir: string,
  interviewId: number,
  questionId: number,
  stream: StreamName,
  segment: number,
) {
  const dir = join(dataDir, answerDir(interviewId, questionId), "staging");
  const base = segment === 0 ? stream : `${stream}.${segment}`;
  return { dir, part: join(dir, `${base}.part`), raw: join(dir, `${base}.raw`) };
}

/** Where finalization puts the remuxed segment `segment` of a stream before joining them. */
export function segmentWebmPath(
  dataDir: string,
  interviewId: number,
  questionId: number,
  stream: StreamName,
  segment: number,
): string {
  return join(dataDir, answerDir(interviewId, questionId), "staging", `${stream}.${segment}.webm`);
}

/**
 * Where finalization makes output `file` of an answer on local disk (ffmpeg
 * writes files in place), before it is moved into the object store under
 * {@link outputPath}. Inside staging, so it goes with it.
 */
export function localOutputPath(
  dataDir: string,
  interviewId: number,
  questionId: number,
  file: Parameters<typeof outputPath>[2],
): string {
  return join(dataDir, answerDir(interviewId, questionId), "staging", "out", file);
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * Deletes what was staged for an answer, once its outcome is stored: the
 * finalized files (when there are any) are what the product shows, and
 * staging can be as large as `MAX_ANSWER_MB` per stream.
 */
export async function removeStaging(
  dataDir: string,
  interviewId: number,
  questionId: number,
): Promise<void> {
  await Deno.remove(join(dataDir, answerDir(interviewId, questionId), "staging"), {
    recursive: true,
  }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/**
 * Deletes every recording of an answer whose interview has ended: the
 * stored objects at `keys` (its finalized recordings and WAV), anything
 * still staged on local disk, then its local folder and the interview's if
 * they are left empty. What is already gone is skipped, so a removal cut
 * short by a crash can simply run again.
 */
export async function removeAnswerRecordings(
  store: ObjectStore,
  dataDir: string,
  interviewId: number,
  questionId: number,
  keys: string[],
): Promise<void> {
  for (const key of keys) await store.delete(key);
  await removeStaging(dataDir, interviewId, questionId);
  await removeEmptyAnswerDir(dataDir, interviewId, questionId);
  await removeEmptyFolder(join(dataDir, `recordings/${interviewId}`));
}

/**
 * Removes the local folder of a final answer once nothing is left in it
 * (with `STORAGE=s3`, after its staging went); with `STORAGE=fs` it holds
 * the stored recordings and stays.
 */
export async function removeEmptyAnswerDir(
  dataDir: string,
  interviewId: number,
  questionId: number,
): Promise<void> {
  await removeEmptyFolder(join(dataDir, answerDir(interviewId, questionId)));
}

/** Removes `dir` if it exists and is empty; a folder something else still uses stays. */
async function removeEmptyFolder(dir: string): Promise<void> {
  await Deno.remove(dir).catch((error) => {
    const notEmpty = (error as { code?: string }).code === "ENOTEMPTY";
    if (!notEmpty && !(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/**
 * Deletes every recording of interview `interviewId` when the interview is
 * deleted: its objects in the store (finalized recordings and WAVs) and
 * everything staged for it on local disk. Can run again after a crash.
 */
export async function removeRecordings(
  store: ObjectStore,
  dataDir: string,
  interviewId: number,
): Promise<void> {
  await store.deleteByPrefix(`recordings/${interviewId}/`);
  await Deno.remove(join(dataDir, "recordings", String(interviewId)), { recursive: true })
    .catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
}

/**
 * Every answer that has a staging folder under `DATA_DIR`, by the ids in
 * its path. Folders whose names are not ids were not made by the service
 * and are left out.
 */
export async function stagedAnswers(
  dataDir: string,
): Promise<{ interviewId: number; questionId: number }[]> {
  const found: { interviewId: number; questionId: number }[] = [];
  const ids = async (relative: string) => {
    try {
      return (await Array.fromAsync(Deno.readDir(join(dataDir, relative))))
        .filter((entry) => entry.isDirectory && /^[1-9][0-9]{0,9}$/.test(entry.name))
        .map((entry) => Number(entry.name));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
  };
  for (const interviewId of await ids("recordings")) {
    for (const questionId of await ids(`recordings/${interviewId}`)) {
      const staging = join(dataDir, answerDir(interviewId, questionId), "staging");
      if (await Deno.stat(staging).then((stat) => stat.isDirectory, () => false)) {
        found.push({ interviewId, questionId });
      }
    }
  }
  return found;
}

/** What is staged for one segment of a stream: its committed bytes, and whether it was ended. */
export async function stagedStream(
  dataDir: string,
  interviewId: number,
  questionId: number,
  stream: StreamName,
  segment = 0,
): Promise<{ committed: number; ended: boolean; path: string | null }> {
  const paths = stagingPaths(dataDir, interviewId, questionId, stream, segment);
  const raw = await sizeOf(paths.raw);
  if (raw !== null) return { committed: raw, ended: true, path: paths.raw };
  const part = await sizeOf(paths.part);
  return { committed: part ?? 0, ended: false, path: part === null ? null : paths.part };
}

/** Outcome of {@link StreamWriter.write}. */
export type WriteOutcome =
  | { kind: "written" }
  | { kind: "duplicate" }
  | { kind: "gap"; expected: number };

/**
 * Stages one stream of an answer. Bytes are written at their stream offset
 * (never appended blindly) and synced before `write` returns, so an ack
 * means durable, a repeat is harmless, and two writers that briefly
 * overlap during a reconnect write identical bytes to identical places.
 * The committed length is the file's length, so it survives a crash.
 */
export class StreamWriter {
  private positioned = false;

  private constructor(
    private file: Deno.FsFile | null,
    private readonly paths: ReturnType<typeof stagingPaths>,
    /** Bytes durably staged. */
    public committed: number,
    /** Whether the candidate ended the stream. */
    public ended: boolean,
  ) {}

  /** Opens (creating if needed) the staging file of a segment of a stream. */
  static async open(
    dataDir: string,
    interviewId: number,
    questionId: number,
    stream: StreamName,
    segment = 0,
  ): Promise<StreamWriter> {
    const paths = stagingPaths(dataDir, interviewId, questionId, stream, segment);
    const staged = await stagedStream(dataDir, interviewId, questionId, stream, segment);
    if (staged.ended) return new StreamWriter(null, paths, staged.committed, true);
    await Deno.mkdir(paths.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const file = await Deno.open(paths.part, {
      read: true,
      write: true,
      create: true,
      mode: PRIVATE_FILE_MODE,
    });
    await syncDirectory(paths.dir);
    const committed = (await file.stat()).size;
    return new StreamWriter(file, paths, committed, false);
  }

  /**
   * Writes the part of `payload` (at stream `offset`) beyond what is
   * committed. Bytes already committed are not written again; a payload
   * starting beyond the committed length would leave a hole and is refused.
   */
  async write(offset: number, payload: Uint8Array): Promise<WriteOutcome> {
    if (offset > this.committed) return { kind: "gap", expected: this.committed };
    const end = offset + payload.byteLength;
    if (end <= this.committed || this.ended || !this.file) return { kind: "duplicate" };
    let rest = payload.subarray(this.committed - offset);
    // After a complete write the file position is the committed length; seek only when unsure.
    if (!this.positioned) await this.file.seek(this.committed, Deno.SeekMode.Start);
    this.positioned = false;
    while (rest.byteLength > 0) rest = rest.subarray(await this.file.write(rest));
    await this.file.syncData();
    this.committed = end;
    this.positioned = true;
    return { kind: "written" };
  }

  /** Marks the stream ended: the staged file is renamed so every instance sees it. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.file?.close();
    this.file = null;
    await Deno.rename(this.paths.part, this.paths.raw).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    await syncDirectory(this.paths.dir);
    this.ended = true;
  }

  /** Releases the file; what was written stays staged. */
  close(): void {
    this.file?.close();
    this.file = null;
  }
}
