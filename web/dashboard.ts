/// <reference lib="dom" />
/**
 * The interviewer dashboard (`/dashboard`): live interviews, one interview
 * watched live or reviewed with its recordings, and the performance summary.
 *
 * @module
 */
import { signIn } from "./auth.ts";
import { byId, h, messageOf, say } from "./dom.ts";
import { startLiveList } from "./live_list.ts";
import { startSummaryTable } from "./summary_table.ts";
import { WatchView } from "./watch_view.ts";

async function main(): Promise<void> {
  const pageStatus = byId("page-status");
  say(pageStatus, "");
  const user = await signIn();
  if (user.user_type === "candidate") {
    pageStatus.replaceChildren(
      "The dashboard is for interviewers and admins; you are signed in as a candidate. Take your interview on the ",
      h("a", { href: "/" }, "interview page"),
      ".",
    );
    return;
  }
  for (const id of ["live", "summary"]) byId(id).hidden = false;
  const watch = new WatchView();
  const reload = startSummaryTable((id) => watch.open(id));
  let pending: ReturnType<typeof setTimeout> | undefined;
  // Live events come in bursts (a score, then the next question); one reload covers a burst.
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(() => void reload(), 500);
  };
  startLiveList((id) => watch.open(id), refresh);
  await reload();
}

main().catch((error) => say(byId("page-status"), messageOf(error), "error"));
