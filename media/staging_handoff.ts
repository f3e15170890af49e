/**
 * Hand-off of an answer's staged media between instances that do not share
 * a `DATA_DIR`. Live chunks are staged (and synced before they are acked) on
 * the local disk of the instance that received them; when the candidate
 * reconnects to another instance, or another instance's job finalizes the
 * answer, the staging must first come to that instance's disk.
 *
 * Each `DATA_DIR` is a *staging area* with a random id kept in
 * `DATA_DIR/staging_area_id`: instances sharing a folder share the id and
 * never hand anything over among themselves. The `staging_area` column of
 * the answer says which area holds its staging:
 *
 * - `null`: nothing was staged (or it was staged before the column existed,
 *   in the one shared `DATA_DIR` of that time);
 * - an area id: that area holds it;
 * - `moving:<id>`: that area is uploading it to the object store;
 * - `store`: it is in the object store under `handoff/<i>/<q>/`, with a
 *   `manifest.json` written last, and the next claimer downloads it.
 *
 * {@linkcode StagingHandoff.claim} asks the holder over the event bus; the
 * holder waits until its own connection writing the answer is closed (a newer
 * connection of the candidate closes it with 4000), uploads, and announces
 * it. Every state change is a conditional update of that one column, so
 * among several processes of one area exactly one moves an answer, and
 * among several claimers exactly one takes it. On graceful stop an instance
 * flushes the answers it holds to the store, so nobody has to wait for it.
 *
 * @module
 */
import { join } from "node:path";
import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { interviews, jobs, questionAnswers } from "../db/schema.ts";
import {
  type EventBus,
  type LiveEvent,
  STAGING_HANDOFF_EVENT,
  type StagingHandoffEvent,
  stagingHandoffEvent,
} from "../realtime/event_bus.ts";
import type { ObjectStore } from "./object_store.ts";
import { answerDir, removeStaging } from "./recordings.ts";
import { finalizeJobKey } from "./finalize_job.ts";
import { createFileAtomic, PRIVATE_FILE_MODE, syncDirectory } from "./storage.ts";
import { log } from "../log.ts";
import { settlesWithin } from "../deadline.ts";

/** `staging_area` of an answer whose staging waits in the object store. */
export const STAGING_IN_STORE = "store";
/** Prefix of `staging_area` while an area uploads the staging to the store. */
const MOVING = "moving:";
/** The file in `DATA_DIR` that names its staging area. */
export const STAGING_AREA_FILE = "staging_area_id";
/** Staged files of an answer (media/recordings.ts); finalization's work files are not. */
const STAGED_FILE = /^(camera|screen|audio)(\.[1-9][0-9]{0,3})?\.(part|raw)$/;
const AREA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MANIFEST = "manifest.json";
/** A claimer repeats its request this often, so a holder that just came back sees one. */
const REQUEST_EVERY_MS = 1000;
/** A claimer looks at the row at least this often, in case an event was missed. */
const POLL_MS = 500;
/**
 * A holder says it is still uploading this often (and at least three times
 * per timeout); each one gives claimers a new timeout.
 */
const MOVING_EVERY_MS = 2000;

/** What a hand-off stores next to the staged files: their names and sizes. */
const manifestSchema = z.object({
  files: z.array(z.object({
    name: z.string().regex(STAGED_FILE),
    size: z.number().int().min(0),
  })),
});

/** The answer a hand-off is about. */
export interface StagedAnswerRef {
  /** Row id in `question_answers`. */
  id: number;
  interviewId: number;
  questionId: number;
}

/** Thrown by {@linkcode StagingHandoff.claim} when the staging could not be brought here. */
export class StagingUnavailableError extends Error {
  override name = "StagingUnavailableError";
}

/**
 * The staging area id of `dataDir`, created once (random, 0600) by the
 * first instance that starts on it. A hard link publishes the file whole,
 * so instances starting together on one folder agree on one id.
 */
export async function stagingAreaId(dataDir: string): Promise<string> {
  const path = join(dataDir, STAGING_AREA_FILE);
  const existing = await readAreaId(path);
  if (existing) return existing;
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    {
      using file = await Deno.open(temporary, {
        write: true,
        createNew: true,
        mode: PRIVATE_FILE_MODE,
      });
      await file.write(new TextEncoder().encode(crypto.randomUUID()));
      await file.syncData();
    }
    await Deno.link(temporary, path).catch((error) => {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    });
    await syncDirectory(dataDir);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  const id = await readAreaId(path);
  if (!id) throw new Error(`${path} was not created; check that DATA_DIR is writable`);
  return id;
}

async function readAreaId(path: string): Promise<string | null> {
  let text: string;
  try {
    text = (await Deno.readTextFile(path)).trim();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  if (!AREA_ID.test(text)) {
    throw new Error(
      `${path} does not hold a staging area id (a UUID); delete it while no instance runs on this DATA_DIR, and start again`,
    );
  }
  return text;
}

/** Key prefix of an answer's staging in the object store during a hand-off. */
export function handoffPrefix(answer: Pick<StagedAnswerRef, "interviewId" | "questionId">): string {
  return `handoff/${answer.interviewId}/${answer.questionId}/`;
}

/** The staged files of an answer in `dataDir`, by name (none when nothing is staged). */
async function stagedFileNames(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir)))
      .filter((entry) => entry.isFile && STAGED_FILE.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** What a {@linkcode StagingHandoff} works with. */
export interface StagingHandoffOptions {
  db: Db;
  dataDir: string;
  /** Where staging goes during a hand-off; must be shared by every staging area. */
  store: ObjectStore;
  bus: EventBus;
  /** How long a claim waits for the holder to act (`STAGING_HANDOFF_TIMEOUT_S`). */
  timeoutMs: number;
  /**
   * Resolves once no live connection of this process writes `answer` any
   * more; a hand-off starts only then. Without it nothing is waited for.
   */
  writersClosed?: (answer: StagedAnswerRef) => Promise<void>;
}

/** This process's side of staging hand-offs: claiming, answering requests, flushing on stop. */
export class StagingHandoff {
  /** Claimers waiting for news of an answer, by row id. */
  private readonly waiters = new Map<number, Set<(phase: StagingHandoffEvent["phase"]) => void>>();
  /** Moves under way in this process, by row id, so one request or flush does not start two. */
  private readonly moves = new Map<number, Promise<boolean>>();
  /** Requests being answered, by row id: requests repeat every second. */
  private readonly releasing = new Set<number>();
  private readonly unsubscribe: () => void;
  /** Set once the live connections exist (they are created after this). */
  writersClosed: (answer: StagedAnswerRef) => Promise<void>;

  private constructor(
    /** This `DATA_DIR`'s staging area id. */
    readonly areaId: string,
    private readonly options: StagingHandoffOptions,
  ) {
    this.writersClosed = options.writersClosed ?? (() => Promise.resolve());
    this.unsubscribe = options.bus.subscribe((event) => this.onEvent(event));
  }

  /**
   * Reads (or creates) the staging area id of `options.dataDir`, finishes
   * hand-offs a crash of this area cut short, and listens for requests.
   */
  static async start(options: StagingHandoffOptions): Promise<StagingHandoff> {
    const handoff = new StagingHandoff(await stagingAreaId(options.dataDir), options);
    await handoff.recoverInterruptedMoves();
    return handoff;
  }

  /**
   * An answer left `moving:<this area>` by a crash would wait for a move
   * nobody makes: it is in the store once its manifest was written (the
   * last step of an upload), else still in this folder.
   */
  private async recoverInterruptedMoves(): Promise<void> {
    const { db, store } = this.options;
    const moving = MOVING + this.areaId;
    const stuck = await db.select({
      id: questionAnswers.id,
      interviewId: questionAnswers.interviewId,
      questionId: questionAnswers.questionId,
    }).from(questionAnswers).where(eq(questionAnswers.stagingArea, moving));
    for (const answer of stuck) {
      const uploaded = (await store.stat(handoffPrefix(answer) + MANIFEST)) !== null;
      await db.update(questionAnswers)
        .set({ stagingArea: uploaded ? STAGING_IN_STORE : this.areaId })
        .where(and(eq(questionAnswers.id, answer.id), eq(questionAnswers.stagingArea, moving)));
      log.warn("finished a staging hand-off cut short by a crash", {
        question_answer_id: answer.id,
        now: uploaded ? "in the object store" : "back in this DATA_DIR",
      });
    }
  }

  /** Stops answering requests. */
  close(): void {
    this.unsubscribe();
  }

  /**
   * Makes sure the staging of `answer` is in this `DATA_DIR` before anyone
   * reads its committed offsets, writes to it or finalizes it. With
   * `forWriting`, an answer nobody holds yet becomes this area's.
   *
   * @throws {StagingUnavailableError} when its holder did not hand it over
   *   within the timeout, or the hand-off is missing from the store.
   */
  async claim(
    answer: StagedAnswerRef,
    options: { forWriting?: boolean; signal?: AbortSignal } = {},
  ): Promise<void> {
    const { timeoutMs } = this.options;
    let deadline = Date.now() + timeoutMs;
    let requestedAt = -Infinity;
    for (;;) {
      options.signal?.throwIfAborted();
      const area = await this.areaOf(answer.id);
      if (area === undefined || area === this.areaId) return;
      if (area === null) {
        if (!options.forWriting) return;
        const [marked] = await this.options.db.update(questionAnswers)
          .set({ stagingArea: this.areaId })
          .where(and(eq(questionAnswers.id, answer.id), isNull(questionAnswers.stagingArea)))
          .returning({ id: questionAnswers.id });
        if (marked) return;
        continue;
      }
      if (area === STAGING_IN_STORE) {
        if (await this.fetch(answer)) return;
        continue;
      }
      const holder = area.startsWith(MOVING) ? area.slice(MOVING.length) : area;
      const now = Date.now();
      if (now >= deadline) {
        throw new StagingUnavailableError(
          `the instance holding the recording of question ${answer.questionId} of interview ${answer.interviewId} (staging area ${holder}) did not hand it over within ${
            timeoutMs / 1000
          } s; it is probably down`,
        );
      }
      // A process of this very area is moving it: it needs no request, only time.
      if (holder !== this.areaId && now - requestedAt >= REQUEST_EVERY_MS) {
        this.publish("request", answer, holder);
        requestedAt = now;
      }
      const news = await this.news(answer.id, Math.min(POLL_MS, deadline - now), options.signal);
      if (news === "moving") deadline = Date.now() + timeoutMs;
    }
  }

  /**
   * Flushes to the store, on a graceful stop, the staging this area holds
   * that nobody else is using: answers waiting for finalization, and
   * recording answers whose candidate is away or was connected to this
   * process (`closedConnections`, closed just now). Answers another process
   * of this area is writing or finalizing right now stay with it. The next
   * instance then takes them without waiting for this one.
   */
  async flush(closedConnections: ReadonlySet<string>): Promise<void> {
    const held = await this.options.db.select({
      id: questionAnswers.id,
      interviewId: questionAnswers.interviewId,
      questionId: questionAnswers.questionId,
      status: questionAnswers.status,
      connectionId: interviews.candidateConnectionId,
      disconnectedAt: interviews.candidateDisconnectedAt,
    }).from(questionAnswers)
      .innerJoin(interviews, eq(interviews.id, questionAnswers.interviewId))
      .where(and(
        eq(questionAnswers.stagingArea, this.areaId),
        inArray(questionAnswers.status, ["RECORDING", "PROCESSING"]),
      ));
    if (held.length === 0) return;
    // This process's jobs are over by now (its runner stopped): a running one is elsewhere.
    const finalizing = new Set(
      (await this.options.db.select({ key: jobs.dedupeKey }).from(jobs).where(and(
        inArray(jobs.dedupeKey, held.map((answer) => finalizeJobKey(answer.id))),
        eq(jobs.status, "running"),
        gt(jobs.lockedUntil, new Date()),
      ))).map((job) => job.key),
    );
    for (const answer of held) {
      const writtenElsewhere = answer.status === "RECORDING" && answer.disconnectedAt === null &&
        !closedConnections.has(answer.connectionId ?? "");
      if (writtenElsewhere || finalizing.has(finalizeJobKey(answer.id))) continue;
      await this.release(answer).catch((error) =>
        log.error("could not flush staged media to the object store on stop", {
          question_answer_id: answer.id,
          error,
        })
      );
    }
  }

  /** Hands `answer` over once this process no longer writes it; whether it moved. */
  private async release(answer: StagedAnswerRef): Promise<boolean> {
    if (!(await settlesWithin(this.writersClosed(answer), this.options.timeoutMs))) {
      log.warn("a hand-off was asked for an answer a connection here still writes; not moved", {
        question_answer_id: answer.id,
      });
      return false;
    }
    return await this.moveToStore(answer);
  }

  /**
   * Uploads the staging of `answer` to the store and gives it up, if this
   * area holds it; one move per answer at a time. Returns whether it moved.
   */
  moveToStore(answer: StagedAnswerRef): Promise<boolean> {
    let move = this.moves.get(answer.id);
    if (!move) {
      move = this.move(answer).finally(() => this.moves.delete(answer.id));
      this.moves.set(answer.id, move);
    }
    return move;
  }

  private async move(answer: StagedAnswerRef): Promise<boolean> {
    const { db, dataDir, store } = this.options;
    const moving = MOVING + this.areaId;
    const setArea = (to: string, from: string) =>
      db.update(questionAnswers).set({ stagingArea: to })
        .where(and(eq(questionAnswers.id, answer.id), eq(questionAnswers.stagingArea, from)))
        .returning({ id: questionAnswers.id });
    // Of several processes sharing this area, the one whose update lands moves it.
    const [taken] = await setArea(moving, this.areaId);
    if (!taken) return false;
    const started = performance.now();
    this.publish("moving", answer, this.areaId);
    const heartbeat = setInterval(
      () => this.publish("moving", answer, this.areaId),
      Math.min(MOVING_EVERY_MS, this.options.timeoutMs / 3),
    );
    const prefix = handoffPrefix(answer);
    const dir = join(dataDir, answerDir(answer.interviewId, answer.questionId), "staging");
    const files: z.infer<typeof manifestSchema>["files"] = [];
    try {
      try {
        await store.deleteByPrefix(prefix);
        for (const name of await stagedFileNames(dir)) {
          await store.putFile(prefix + name, join(dir, name));
          const stored = await store.stat(prefix + name);
          if (!stored) {
            throw new Error(`the object store lost ${prefix + name} right after it was stored`);
          }
          files.push({ name, size: stored.size });
        }
        // Last: a claimer trusts the files only once the manifest names them.
        await store.put(prefix + MANIFEST, new TextEncoder().encode(JSON.stringify({ files })));
      } catch (error) {
        // Nothing was given up: keep holding it, so a later request or claim can try again.
        await setArea(this.areaId, moving);
        throw error;
      }
      // Before the row says `store`: a claimer of this same area downloads into this folder.
      await removeStaging(dataDir, answer.interviewId, answer.questionId).catch((error) =>
        log.warn("could not remove staging after handing it over; the sweeper will", {
          question_answer_id: answer.id,
          error,
        })
      );
      await setArea(STAGING_IN_STORE, moving);
    } finally {
      clearInterval(heartbeat);
    }
    log.info("handed staged media over through the object store", {
      question_answer_id: answer.id,
      interview_id: answer.interviewId,
      files: files.length,
      bytes: files.reduce((sum, file) => sum + file.size, 0),
      ms: Math.round(performance.now() - started),
    });
    this.publish("done", answer, this.areaId);
    return true;
  }

  /**
   * Downloads a handed-over staging into this `DATA_DIR` and takes it.
   * Returns false when another claimer took it first (then look again).
   */
  private async fetch(answer: StagedAnswerRef): Promise<boolean> {
    const { db, dataDir, store } = this.options;
    const prefix = handoffPrefix(answer);
    const missing = async (what: string): Promise<false> => {
      // A claimer that won deletes the objects after taking the row: not a loss then.
      if (await this.areaOf(answer.id) !== STAGING_IN_STORE) return false;
      throw new StagingUnavailableError(
        `the media staged for question ${answer.questionId} of interview ${answer.interviewId} was handed over, but ${what} is missing from the object store; instances with separate DATA_DIRs need one shared bucket (STORAGE=s3)`,
      );
    };
    const manifestObject = await store.get(prefix + MANIFEST);
    if (!manifestObject) return await missing(prefix + MANIFEST);
    const manifest = manifestSchema.parse(await new Response(manifestObject.body).json());
    const relativeDir = `${answerDir(answer.interviewId, answer.questionId)}/staging`;
    for (const file of manifest.files) {
      const object = await store.get(prefix + file.name);
      if (!object) return await missing(prefix + file.name);
      await createFileAtomic(dataDir, `${relativeDir}/${file.name}`, async (temporary) => {
        const target = await Deno.open(temporary, { write: true });
        await object.body.pipeTo(target.writable); // closes it
      });
      const size = (await Deno.stat(join(dataDir, relativeDir, file.name))).size;
      if (size !== file.size) {
        throw new StagingUnavailableError(
          `${prefix + file.name} has ${size} bytes but its hand-off stored ${file.size}; try again`,
        );
      }
    }
    // Acks resume on these files: their names must survive a crash too.
    if (manifest.files.length > 0) await syncDirectory(join(dataDir, relativeDir));
    const [taken] = await db.update(questionAnswers).set({ stagingArea: this.areaId })
      .where(and(
        eq(questionAnswers.id, answer.id),
        eq(questionAnswers.stagingArea, STAGING_IN_STORE),
      ))
      .returning({ id: questionAnswers.id });
    if (!taken) {
      // Another claimer took it; of this area, it took these very files.
      if (await this.areaOf(answer.id) === this.areaId) return true;
      await removeStaging(dataDir, answer.interviewId, answer.questionId);
      return false;
    }
    await store.deleteByPrefix(prefix).catch((error) =>
      log.warn("could not delete a finished hand-off from the object store", {
        question_answer_id: answer.id,
        error,
      })
    );
    log.info("took over staged media from the object store", {
      question_answer_id: answer.id,
      interview_id: answer.interviewId,
      files: manifest.files.length,
      bytes: manifest.files.reduce((sum, file) => sum + file.size, 0),
    });
    return true;
  }

  /** The answer's `staging_area`; `undefined` when the answer no longer exists. */
  private async areaOf(id: number): Promise<string | null | undefined> {
    const [row] = await this.options.db.select({ area: questionAnswers.stagingArea })
      .from(questionAnswers).where(eq(questionAnswers.id, id));
    return row ? row.area : undefined;
  }

  /** Waits up to `ms` for an event about answer `id`; which phase, or null. */
  private news(
    id: number,
    ms: number,
    signal?: AbortSignal,
  ): Promise<StagingHandoffEvent["phase"] | null> {
    return new Promise((resolve) => {
      let waiters = this.waiters.get(id);
      if (!waiters) this.waiters.set(id, waiters = new Set());
      const done = (phase: StagingHandoffEvent["phase"] | null) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", aborted);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiters.get(id) === waiters) this.waiters.delete(id);
        resolve(phase);
      };
      const aborted = () => done(null);
      const timer = setTimeout(() => done(null), Math.max(0, ms));
      signal?.addEventListener("abort", aborted);
      waiters.add(done);
    });
  }

  private publish(
    phase: StagingHandoffEvent["phase"],
    answer: StagedAnswerRef,
    area: string,
  ): void {
    const event: StagingHandoffEvent = {
      interview_id: answer.interviewId,
      type: STAGING_HANDOFF_EVENT,
      phase,
      question_answer_id: answer.id,
      question_id: answer.questionId,
      area,
    };
    this.options.bus.publish(event);
  }

  private onEvent(event: LiveEvent): void {
    if (event.type !== STAGING_HANDOFF_EVENT) return;
    const parsed = stagingHandoffEvent.safeParse(event);
    if (!parsed.success) return log.warn("ignored a malformed staging hand-off event");
    const { phase, area, question_answer_id: id } = parsed.data;
    if (phase !== "request") {
      for (const wake of [...this.waiters.get(id) ?? []]) wake(phase);
      return;
    }
    if (area !== this.areaId || this.releasing.has(id)) return;
    const answer = {
      id,
      interviewId: parsed.data.interview_id,
      questionId: parsed.data.question_id,
    };
    this.releasing.add(id);
    this.release(answer).catch((error) =>
      log.error("could not hand over staged media", { question_answer_id: id, error })
    ).finally(() => this.releasing.delete(id));
  }
}

/**
 * Deletes hand-offs left in the store that nobody will take: of answers
 * that are final or gone, or that an area holds again (a claimer took it
 * and then could not delete the objects). Returns the answers cleaned.
 */
export async function removeLeftoverHandoffs(
  db: Db,
  store: ObjectStore,
): Promise<StagedAnswerRef[]> {
  const found = new Map<string, { interviewId: number; questionId: number }>();
  for (const key of await store.list("handoff/")) {
    const match = /^handoff\/([1-9][0-9]{0,9})\/([1-9][0-9]{0,9})\//.exec(key);
    if (match) {
      found.set(`${match[1]}/${match[2]}`, {
        interviewId: Number(match[1]),
        questionId: Number(match[2]),
      });
    }
  }
  const removed: StagedAnswerRef[] = [];
  for (const { interviewId, questionId } of found.values()) {
    const [row] = await db.select({
      id: questionAnswers.id,
      status: questionAnswers.status,
      area: questionAnswers.stagingArea,
    }).from(questionAnswers).where(and(
      eq(questionAnswers.interviewId, interviewId),
      eq(questionAnswers.questionId, questionId),
    ));
    const inUse = row && ["RECORDING", "PROCESSING"].includes(row.status) &&
      (row.area === STAGING_IN_STORE || row.area?.startsWith(MOVING));
    if (inUse) continue;
    await store.deleteByPrefix(handoffPrefix({ interviewId, questionId }));
    removed.push({ id: row?.id ?? 0, interviewId, questionId });
  }
  return removed;
}

/**
 * Whether local staging with `staging_area` = `area` may be removed by this
 * area's sweeper: another area took it over (it was handed off). Staging
 * of this area, of nobody (older answers) or waiting in the store is kept.
 */
export function stagingHeldElsewhere(area: string | null, ownArea: string): boolean {
  if (area === null || area === STAGING_IN_STORE) return false;
  return area !== ownArea && area !== MOVING + ownArea;
}
