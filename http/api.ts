/**
 * Declares routes once, with zod schemas, and derives from that both the
 * request validation and the OpenAPI document.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import type { UserType } from "../db/schema.ts";
import { HttpError, type InputSource, toValidationIssues, validationError } from "./errors.ts";
import { readBodyWithLimit, refuseDeclaredOversize } from "./body_limit.ts";
import { nulByteIssues } from "./nul_bytes.ts";

/** The signed-in user, as handlers see it. */
export interface AuthUser {
  id: number;
  username: string;
  userType: UserType;
}

/** Hono environment of this service: per-request variables. */
export type AppEnv = { Variables: { requestId: string; user?: AuthUser } };

/** Body content types a route may accept. */
export type BodyType = "json" | "form";

/** Describes one HTTP route: its path, input schemas, roles and responses. */
export interface RouteSpec {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI-style path, e.g. `/interview/{interview_id}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Roles allowed; leave out for public routes. */
  roles?: readonly UserType[];
  /** Also accept the token as `?token=`, for URLs a browser loads itself (media players). */
  tokenInQuery?: boolean;
  /** Also accept a signed link to this path (auth/signed_links.ts) instead of a token. */
  signedLink?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; types: readonly BodyType[] };
  /** Documents a multipart body that the handler reads itself, with its own size limit. */
  multipart?: z.ZodObject;
  /** Documents a JSON body that the handler reads itself, as an alternative to `multipart`. */
  manualJson?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What a handler receives, typed from its spec. */
export interface RouteInput<S extends RouteSpec> {
  params: Parsed<S["params"]>;
  query: Parsed<S["query"]>;
  body: S["body"] extends { schema: infer B } ? Parsed<B> : undefined;
  user: S["roles"] extends readonly UserType[] ? AuthUser : undefined;
}

/** Handles a validated request. */
export type RouteHandler<S extends RouteSpec> = (
  c: Context<AppEnv>,
  input: RouteInput<S>,
) => Response | Promise<Response>;

/** Resolves the bearer token of a request to a user, or throws a 401 {@link HttpError}. */
export type Authenticator = (
  c: Context<AppEnv>,
  options: { tokenInQuery: boolean; signedLink: boolean },
) => Promise<AuthUser>;

function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  source: InputSource,
): z.output<T> {
  const nul = nulByteIssues(source, value);
  if (nul.length > 0) throw validationError(nul);
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(toValidationIssues(source, result.error, value));
  return result.data;
}

async function readBody(
  c: Context<AppEnv>,
  types: readonly BodyType[],
  maxBytes: number,
): Promise<unknown> {
  const contentType = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const readText = async () =>
    new TextDecoder().decode(await readBodyWithLimit(c.req.raw, maxBytes));
  if (contentType === "application/x-www-form-urlencoded" && types.includes("form")) {
    return Object.fromEntries(new URLSearchParams(await readText()));
  }
  if (contentType === "application/json" || (contentType === "" && types.includes("json"))) {
    const text = await readText();
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new HttpError(
        400,
        `Malformed JSON body: ${(error as Error).message}. Send a valid JSON object.`,
      );
    }
  }
  const accepted = types.map((t) =>
    t === "json" ? "application/json" : "application/x-www-form-urlencoded"
  );
  throw new HttpError(
    415,
    `Unsupported Content-Type "${contentType}". Send ${accepted.join(" or ")}.`,
  );
}

function toHonoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1");
}

/** Collects route specs while registering their handlers on a Hono app. */
export class Api {
  /** Every registered route, in order; the OpenAPI document is built from these. */
  readonly specs: RouteSpec[] = [];

  /**
   * `maxBodyBytes` bounds every body this class reads, and every declared
   * `Content-Length` except on routes that read a multipart or JSON body
   * themselves (uploads), which apply their own, larger limit.
   */
  constructor(
    readonly app: Hono<AppEnv>,
    private readonly authenticate: Authenticator,
    private readonly maxBodyBytes: number,
  ) {}

  /** Registers `handler` for `spec`, validating input and enforcing roles first. */
  route<const S extends RouteSpec>(spec: S, handler: RouteHandler<S>): void {
    this.specs.push(spec);
    const readsOwnBody = spec.multipart !== undefined || spec.manualJson !== undefined;
    this.app.on(spec.method.toUpperCase(), toHonoPath(spec.path), async (c) => {
      if (!readsOwnBody) await refuseDeclaredOversize(c.req.raw, this.maxBodyBytes);
      let user: AuthUser | undefined;
      if (spec.roles) {
        user = await this.authenticate(c, {
          tokenInQuery: spec.tokenInQuery === true,
          signedLink: spec.signedLink === true,
        });
        if (!spec.roles.includes(user.userType)) {
          throw new HttpError(403, `This action needs one of the roles: ${spec.roles.join(", ")}.`);
        }
        c.set("user", user);
      }
      const input = {
        params: spec.params ? parseOrThrow(spec.params, c.req.param(), "path") : undefined,
        query: spec.query ? parseOrThrow(spec.query, c.req.query(), "query") : undefined,
        body: spec.body
          ? parseOrThrow(
            spec.body.schema,
            await readBody(c, spec.body.types, this.maxBodyBytes),
            "body",
          )
          : undefined,
        user,
      } as RouteInput<S>;
      return await handler(c, input);
    });
  }
}
