/// <reference lib="dom" />
/**
 * The candidate page (`/`): sign in, upload a job description and resume,
 * check camera and microphone, then take an interview.
 *
 * @module
 */
import { api, ApiError, type SummaryItem } from "./api.ts";
import { signIn } from "./auth.ts";
import { Devices } from "./devices.ts";
import { byId, h, say } from "./dom.ts";
import { showHistory } from "./history.ts";
import { InterviewView } from "./interview_view.ts";
import { plainMessage } from "./plain_errors.ts";
import { showResults } from "./results_view.ts";

interface DocumentInfo {
  original_filename: string | null;
  kind: string;
  text_length: number;
}

const devices = new Devices();

async function main(): Promise<void> {
  const pageStatus = byId("page-status");
  say(pageStatus, "");
  const user = await signIn();
  if (user.user_type !== "candidate") {
    pageStatus.replaceChildren(
      "This page is for candidates. Interviewers and admins watch interviews on the ",
      h("a", { href: "/dashboard" }, "dashboard"),
      ".",
    );
    return;
  }
  const view = new InterviewView(devices);
  showSetup();
  setUpDocuments();
  setUpDevices();
  setUpStart(view);
  byId("done-new").addEventListener("click", () => {
    // After an interview the devices are off and the lists are stale: a fresh page is simplest.
    if (byId("interview").hidden && !byId("devices").hidden) showSetup();
    else location.reload();
  });
  await Promise.all([showDocuments(), listUnfinished(view), listPast()]);
}

/** The steps before an interview: documents, devices and the start form. */
function showSetup(): void {
  for (const id of ["documents", "devices", "start"]) byId(id).hidden = false;
  byId("done").hidden = true;
}

function listPast(): Promise<void> {
  return showHistory((item) => {
    byId("documents").hidden = true;
    byId("start").hidden = true;
    void showResults(item.interview_id, `Started ${new Date(item.created_at).toLocaleString()}.`);
  });
}

function describe(document: DocumentInfo | null): string {
  if (!document) return "none yet";
  return `${
    document.original_filename ?? "pasted text"
  } (${document.kind}, ${document.text_length} characters of text)`;
}

async function showDocuments(): Promise<void> {
  const { jd, resume } = await api<{ jd: DocumentInfo | null; resume: DocumentInfo | null }>(
    "/jd_resume/current",
  ).catch(() => ({ jd: null, resume: null }));
  byId("documents-current").textContent = `Job description: ${describe(jd)}. Resume: ${
    describe(resume)
  }.`;
}

function setUpDocuments(): void {
  const status = byId("documents-status");
  byId<HTMLFormElement>("documents-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const jdFile = byId<HTMLInputElement>("jd-file").files?.[0];
    const jdText = byId<HTMLTextAreaElement>("jd-text").value.trim();
    const resumeFile = byId<HTMLInputElement>("resume-file").files?.[0];
    if (!jdFile && !jdText && !resumeFile) {
      say(
        status,
        "Choose a job description or resume file, or paste the job description.",
        "error",
      );
      return;
    }
    say(status, "Uploading…");
    try {
      if (jdFile) await api("/jd_resume/upload_jd", { method: "POST", body: fileForm(jdFile) });
      else if (jdText) {
        await api("/jd_resume/upload_jd", { method: "POST", body: { text: jdText } });
      }
      if (resumeFile) {
        await api("/jd_resume/upload_resume", { method: "POST", body: fileForm(resumeFile) });
      }
      say(status, "Uploaded.", "ok");
      await showDocuments();
    } catch (error) {
      say(status, plainMessage(error, "Your files could not be uploaded."), "error");
    }
  });
}

function fileForm(file: File): FormData {
  const form = new FormData();
  form.append("file", file);
  return form;
}

function setUpDevices(): void {
  const status = byId("devices-status");
  const cameraButton = byId<HTMLButtonElement>("devices-button");
  const screenButton = byId<HTMLButtonElement>("screen-button");
  const screenPreview = byId<HTMLVideoElement>("screen-preview");
  cameraButton.addEventListener("click", async () => {
    say(status, "Asking for camera and microphone…");
    try {
      await devices.enableCamera(
        byId<HTMLVideoElement>("camera-preview"),
        byId<HTMLMeterElement>("mic-level"),
      );
      byId("camera-preview").hidden = false;
      cameraButton.disabled = true;
      cameraButton.textContent = "Camera and microphone are on";
      say(status, "Camera and microphone are on. Speak to see the level move.", "ok");
    } catch (error) {
      say(status, deviceMessage(error, "camera and microphone"), "error");
    }
  });
  const screenOff = () => {
    screenPreview.hidden = true;
    screenButton.textContent = "Share your screen (optional)";
    say(status, "Screen sharing is off.");
  };
  screenButton.addEventListener("click", async () => {
    if (devices.screen) {
      devices.stopScreen(screenPreview);
      screenOff();
      return;
    }
    try {
      await devices.shareScreen(screenPreview, screenOff);
      screenPreview.hidden = false;
      screenButton.textContent = "Stop sharing the screen";
      say(status, "Your screen is shared and will be recorded with each answer.", "ok");
    } catch (error) {
      say(status, deviceMessage(error, "screen"), "error");
    }
  });
}

function setUpStart(view: InterviewView): void {
  const status = byId("start-status");
  byId<HTMLFormElement>("start-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = byId<HTMLInputElement>("interview-name").value.trim();
    const count = Number(byId<HTMLInputElement>("question-count").value);
    say(status, "Preparing your questions…");
    try {
      const interview = await api<{ interview_id: number; interview_name: string }>(
        "/interview/start_interview",
        { method: "POST", body: { interview_name: name, question_count: count } },
      );
      say(status, "");
      await openInterview(view, interview.interview_id, interview.interview_name);
    } catch (error) {
      say(
        status,
        error instanceof ApiError && error.status === 409
          ? "Upload a job description or a resume first (step 1), then start the interview."
          : plainMessage(error, "The interview could not be started."),
        "error",
      );
    }
  });
}

async function listUnfinished(view: InterviewView): Promise<void> {
  const { items } = await api<{ items: SummaryItem[] }>(
    "/api/performance/summary?status=in_progress&limit=10",
  ).catch(() => ({ items: [] as SummaryItem[] }));
  if (items.length === 0) return;
  byId("continue-list").replaceChildren(
    h("h3", {}, "Continue an interview"),
    ...items.map((item) => {
      const button = h(
        "button",
        { type: "button", class: "secondary" },
        `Continue “${item.interview_name}” (${item.answered_count} of ${item.question_count} answered)`,
      );
      button.addEventListener(
        "click",
        () => openInterview(view, item.interview_id, item.interview_name),
      );
      return button;
    }),
  );
}

async function openInterview(view: InterviewView, id: number, name: string): Promise<void> {
  byId("documents").hidden = true;
  byId("start").hidden = true;
  await view.open(id, name);
}

/** Browsers name media failures with DOMException names; these say what to do instead. */
function deviceMessage(error: unknown, what: string): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError") {
    return `The browser did not allow access to your ${what}. Allow it (the icon in the address bar) and try again.`;
  }
  if (name === "NotFoundError") return `No ${what} was found. Connect one and try again.`;
  if (name === "NotReadableError") {
    return `Your ${what} is in use by another program. Close it and try again.`;
  }
  return `Your ${what} could not be turned on. Try again, or try another browser.`;
}

main().catch((error) =>
  say(byId("page-status"), plainMessage(error, "The page could not load; reload it."), "error")
);
