/**
 * Interviewers' and admins' live views: one interview, or every live
 * interview. On join an observer gets the current state, then every event
 * as it happens, from whichever instance it happens on. An observer that
 * does not read what it is sent is closed instead of buffered for.
 *
 * @module
 */
import { and, asc, desc, eq, gt, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { interviews, proctoringEvents, questionAnswers, users } from "../db/schema.ts";
import { interviewStats, listQuestions, transcriptsOf } from "../db/interviews.ts";
import { toQuestionAnswerOut } from "../http/schemas.ts";
import type { LiveEvent } from "./event_bus.ts";
import { log } from "../log.ts";

/** A connection counts as live while its heartbeat is younger than this. */
export const PRESENCE_TIMEOUT_MS = 30_000;

/** SQL condition: the candidate of the interview has a live connection. */
function candidateOnline(now = new Date()) {
  return and(
    gt(interviews.candidateSeenAt, new Date(now.getTime() - PRESENCE_TIMEOUT_MS)),
    or(
      isNull(interviews.candidateDisconnectedAt),
      lt(interviews.candidateDisconnectedAt, interviews.candidateSeenAt),
    ),
  );
}

/** Whether the candidate of `interview` has a live connection. */
export function isOnline(
  interview: { candidateSeenAt: Date | null; candidateDisconnectedAt: Date | null },
  now = Date.now(),
): boolean {
  const seen = interview.candidateSeenAt?.getTime();
  if (seen === undefined || seen < now - PRESENCE_TIMEOUT_MS) return false;
  return !interview.candidateDisconnectedAt || interview.candidateDisconnectedAt.getTime() < seen;
}

async function interviewState(db: Db, interviewId: number): Promise<Record<string, unknown>> {
  const [row] = await db.select({ interview: interviews, username: users.username })
    .from(interviews).innerJoin(users, eq(users.id, interviews.userId)).where(
      eq(interviews.id, interviewId),
    );
  const questions = await listQuestions(db, interviewId);
  const transcripts = await transcriptsOf(db, questions.map((q) => q.id));
  const current = questions.find((q) =>
    q.status === "NEW" || q.status === "RECORDING" || q.status === "PROCESSING"
  );
  const transcript = current ? transcripts.get(current.id) ?? [] : [];
  const proctoring = await db.select({
    question_id: proctoringEvents.questionId,
    kind: proctoringEvents.kind,
    at: proctoringEvents.occurredAt,
    detail: proctoringEvents.detail,
  }).from(proctoringEvents).where(eq(proctoringEvents.interviewId, interviewId))
    .orderBy(desc(proctoringEvents.occurredAt)).limit(200);
  return {
    type: "observe.state",
    interview: {
      interview_id: row.interview.id,
      interview_name: row.interview.interviewName,
      username: row.username,
      status: row.interview.status,
      created_at: row.interview.createdAt.toISOString(),
      candidate_online: isOnline(row.interview),
    },
    current_question_id: current?.questionId ?? null,
    questions: questions.map((q) =>
      toQuestionAnswerOut(q, { isCandidate: false }, transcripts.get(q.id))
    ),
    transcript,
    proctoring: proctoring.reverse().map((p) => ({ ...p, at: p.at.toISOString() })),
  };
}

async function liveState(db: Db): Promise<Record<string, unknown>> {
  const rows = await db.select({ interview: interviews, username: users.username }).from(interviews)
    .innerJoin(users, eq(users.id, interviews.userId))
    .where(and(eq(interviews.status, "in_progress"), candidateOnline()))
    .orderBy(desc(interviews.candidateSeenAt)).limit(500);
  const ids = rows.map((r) => r.interview.id);
  const [stats, open] = await Promise.all([
    interviewStats(db, ids),
    ids.length
      ? db.select({
        interviewId: questionAnswers.interviewId,
        questionId: questionAnswers.questionId,
        status: questionAnswers.status,
      })
        .from(questionAnswers)
        .where(
          and(
            inArray(questionAnswers.interviewId, ids),
            inArray(questionAnswers.status, ["NEW", "RECORDING", "PROCESSING"]),
          ),
        )
        .orderBy(asc(questionAnswers.position))
      : Promise.resolve([]),
  ]);
  const current = new Map<number, number>();
  for (const q of open) if (!current.has(q.interviewId)) current.set(q.interviewId, q.questionId);
  return {
    type: "live.state",
    interviews: rows.map(({ interview, username }) => ({
      interview_id: interview.id,
      interview_name: interview.interviewName,
      username,
      status: interview.status,
      current_question_id: current.get(interview.id) ?? null,
      question_count: stats.get(interview.id)?.questionCount ?? 0,
      answered_count: stats.get(interview.id)?.answeredCount ?? 0,
    })),
  };
}

/** What one observer connection may hold in this process. */
export interface ObserverLimits {
  /** Events kept while the initial state loads. */
  maxBacklog: number;
  /** Bytes sent but not yet taken by the client before it is closed. */
  maxOutboundBytes: number;
}

/** One observer connection: of interview `interviewId`, or of all live interviews when null. */
export class ObserverSession {
  private ready = false;
  private backlog: LiveEvent[] = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly db: Db,
    readonly interviewId: number | null,
    private readonly onClose: (session: ObserverSession) => void,
    private readonly limits: ObserverLimits,
  ) {
    socket.onopen = () => this.start();
    socket.onmessage = (event) => {
      // Observers only listen; a ping is the one message they may send.
      if (typeof event.data !== "string") return;
      try {
        const message = JSON.parse(event.data);
        if (message?.type === "ping") this.send({ type: "pong", id: message.id });
      } catch { /* not JSON: ignored */ }
    };
    socket.onclose = () => {
      this.backlog = [];
      onClose(this);
    };
    socket.onerror = () => {};
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > this.limits.maxOutboundBytes) {
      return this.close(
        1008,
        `more than ${this.limits.maxOutboundBytes} bytes of events unread; read them`,
      );
    }
    this.socket.send(JSON.stringify(message));
  }

  private async start(): Promise<void> {
    try {
      this.send(
        this.interviewId === null
          ? await liveState(this.db)
          : await interviewState(this.db, this.interviewId),
      );
    } catch (error) {
      log.error("observer state failed", { interview_id: this.interviewId, error });
      this.socket.close(1011, "could not load the state");
      return;
    }
    // Events that arrived while the state loaded follow it, so none is missed.
    this.ready = true;
    for (const event of this.backlog) this.send(event);
    this.backlog = [];
  }

  /** Forwards a bus event if it concerns this observer. */
  onEvent(event: LiveEvent): void {
    if (this.interviewId !== null && event.interview_id !== this.interviewId) return;
    if (this.ready) this.send(event);
    else if (this.backlog.length < this.limits.maxBacklog) this.backlog.push(event);
    else this.close(1008, "too many events while the state loaded; reconnect");
  }

  /** Closes the connection. */
  close(code: number, reason: string): void {
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.close(code, reason);
  }
}
