/**
 * Builds the OpenAPI 3.1 document from the registered route specs; schemas
 * come from the same zod objects that validate requests.
 *
 * @module
 */
import { z } from "zod";
import type { RouteSpec } from "./api.ts";

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parameters(schema: z.ZodObject | undefined, place: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: place,
    required: place === "path" || required.has(name),
    ...(property.description ? { description: property.description } : {}),
    schema: property,
  }));
}

const validationErrorSchema: JsonSchema = {
  type: "object",
  properties: {
    detail: {
      type: "array",
      items: {
        type: "object",
        properties: {
          loc: { type: "array", items: { anyOf: [{ type: "string" }, { type: "integer" }] } },
          msg: { type: "string" },
          type: { type: "string" },
        },
        required: ["loc", "msg", "type"],
      },
    },
  },
};

const errorSchema: JsonSchema = {
  type: "object",
  properties: { detail: { type: "string" } },
  required: ["detail"],
};

function operation(spec: RouteSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema
        ? { content: { "application/json": { schema: toSchema(response.schema, "output") } } }
        : {}),
    };
  }
  const hasInput = spec.params || spec.query || spec.body || spec.multipart || spec.manualJson;
  if (hasInput) {
    responses["422"] = {
      description: "Invalid input",
      content: { "application/json": { schema: validationErrorSchema } },
    };
  }
  if (spec.roles) {
    responses["401"] ??= {
      description: "Missing, expired or invalid token",
      content: { "application/json": { schema: errorSchema } },
    };
    responses["403"] ??= {
      description: "Role not allowed",
      content: { "application/json": { schema: errorSchema } },
    };
  }
  const content: Record<string, JsonSchema> = {};
  if (spec.body) {
    const schema = toSchema(spec.body.schema, "input");
    for (const type of spec.body.types) {
      content[type === "json" ? "application/json" : "application/x-www-form-urlencoded"] = {
        schema,
      };
    }
  }
  if (spec.multipart) {
    content["multipart/form-data"] = { schema: toSchema(spec.multipart, "input") };
  }
  if (spec.manualJson) {
    content["application/json"] = { schema: toSchema(spec.manualJson, "input") };
  }
  return {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    operationId: `${spec.method}_${spec.path.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")}`,
    parameters: [
      ...parameters(spec.params, "path"),
      ...parameters(spec.query, "query"),
      ...(spec.signedLink ? signedLinkParameters : []),
    ],
    ...(Object.keys(content).length ? { requestBody: { required: true, content } } : {}),
    responses,
    ...(spec.roles ? { security: [{ OAuth2PasswordBearer: [] }] } : {}),
  };
}

/** The query of a signed link (auth/signed_links.ts), which stands in for the token. */
const signedLinkParameters: JsonSchema[] = [
  ["uid", "integer", "The user the link was issued to"],
  ["expires", "integer", "Unix time after which the link is refused"],
  ["sig", "string", "HMAC-SHA-256 over the path, uid and expires"],
].map(([name, type, description]) => ({
  name,
  in: "query",
  required: false,
  description: `Signed link: ${description}`,
  schema: { type },
}));

/** Returns the OpenAPI 3.1 document describing `specs`. */
export function buildOpenApiDocument(specs: RouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of specs) {
    paths[spec.path] ??= {};
    paths[spec.path][spec.method] = operation(spec);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "AI Interviewer",
      version,
      description:
        "Interviews with AI-generated questions and evaluation. Authorize with a username and password to try the protected routes.",
    },
    paths,
    components: {
      securitySchemes: {
        OAuth2PasswordBearer: {
          type: "oauth2",
          flows: { password: { tokenUrl: "/auth/login", scopes: {} } },
        },
      },
    },
  };
}
