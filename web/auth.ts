/// <reference lib="dom" />
/**
 * The sign-in panel both pages share (`#auth-form`, `#auth-status`, `#who`).
 *
 * @module
 */
import { currentUser, logIn, setToken, signUp, type User } from "./api.ts";
import { byId, h, say } from "./dom.ts";
import { plainMessage } from "./plain_errors.ts";

/**
 * Resolves with the signed-in user: the tab's stored session if it is still
 * valid, otherwise whoever signs in (or signs up) with the form.
 */
export async function signIn(): Promise<User> {
  const section = byId("auth");
  const status = byId("auth-status");
  let user = await currentUser().catch((error) => {
    say(status, plainMessage(error, "Your session could not be checked; sign in again."), "error");
    return null;
  });
  if (!user) {
    section.hidden = false;
    user = await fromForm(byId<HTMLFormElement>("auth-form"), status);
    section.hidden = true;
  }
  showSignedIn(user);
  return user;
}

function fromForm(form: HTMLFormElement, status: HTMLElement): Promise<User> {
  return new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const username = byId<HTMLInputElement>("auth-username").value.trim();
      const password = byId<HTMLInputElement>("auth-password").value;
      const signingUp = (event.submitter as HTMLButtonElement | null)?.value === "signup";
      say(status, signingUp ? "Creating your account…" : "Signing in…");
      try {
        resolve(signingUp ? await signUp(username, password) : await logIn(username, password));
        say(status, "");
      } catch (error) {
        say(
          status,
          plainMessage(
            error,
            signingUp ? "The account could not be created." : "You could not be signed in.",
          ),
          "error",
        );
      }
    });
  });
}

function showSignedIn(user: User): void {
  const signOut = h("button", { type: "button", class: "secondary" }, "Sign out");
  signOut.addEventListener("click", () => {
    setToken(null);
    location.reload();
  });
  byId("who").replaceChildren(`Signed in as ${user.username} (${user.user_type}) `, signOut);
}
