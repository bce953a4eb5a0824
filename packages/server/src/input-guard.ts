import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "@orbis/contracts";

/** Deepest nesting of objects and arrays a request may carry; a business config, the deepest real body, is 5. */
export const MAX_INPUT_DEPTH = 64;
/** Issues listed in `details`, like zod's: enough to fix a form, not a second copy of a hostile body. */
const MAX_ISSUES = 20;

const NUL = "must not contain a NUL character (U+0000)";
const SURROGATE = "must not contain an unpaired UTF-16 surrogate";
const SUSPECT = /[\0\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface InputIssue {
  path: string;
  message: string;
}

/** Why PostgreSQL (text refuses NUL, jsonb refuses both) or a UTF-8 encoder would choke on this string. */
function stringProblem(s: string): string | undefined {
  if (!SUSPECT.test(s)) return undefined;
  if (s.includes("\0")) return NUL;
  return LONE_SURROGATE.test(s) ? SURROGATE : undefined;
}

const UNPRINTABLE = new RegExp(`\\0|${LONE_SURROGATE.source}`, "g");
/** A key as it can be shown in a path: its NULs and lone surrogates written as escapes. */
const printable = (key: string) => key.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/**
 * The strings (values and keys) of a parsed input that no route can store, and any nesting deeper than
 * MAX_INPUT_DEPTH, with the path of each in the error handler's form (`body.business.services.0.name`).
 * Recursion stops at the depth limit, so the walk itself is safe on any input.
 */
export function findUnsafeInput(value: unknown, root: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const path: string[] = [root];
  const add = (message: string) => issues.push({ path: path.join("."), message });
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === "string") {
      const problem = stringProblem(v);
      if (problem) add(problem);
      return;
    }
    if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return;
    if (depth >= MAX_INPUT_DEPTH) return void add(`nests deeper than ${MAX_INPUT_DEPTH} levels`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && issues.length < MAX_ISSUES; i++) {
        path.push(String(i));
        walk(v[i], depth + 1);
        path.pop();
      }
      return;
    }
    for (const key of Object.keys(v)) {
      if (issues.length >= MAX_ISSUES) return;
      path.push(printable(key));
      const problem = stringProblem(key);
      if (problem) add(`key ${problem}`);
      else walk((v as Record<string, unknown>)[key], depth + 1);
      path.pop();
    }
  };
  walk(value, 0);
  return issues;
}

const isJson = (contentType: string | undefined) => contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);

/** The body as parsed; a JSON body a route keeps as text (to check a signature over its bytes) is parsed to look inside. */
function bodyOf(request: FastifyRequest): unknown {
  const body = request.body;
  if (typeof body !== "string" || !isJson(request.headers["content-type"])) return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/**
 * Every route's input is checked here, before its schema and its handler: body (whatever parsed it,
 * including routes whose schema takes any JSON and routes that keep the raw text), query string and
 * path parameters. A string with a NUL or a lone surrogate, or nesting past MAX_INPUT_DEPTH, is a 422
 * naming the field. The parsers themselves are safe: V8's JSON.parse does not recurse, and the body
 * limit (413) bounds its work; what recursed on a deep body was what came after (validation,
 * serializers), which never sees one now.
 */
export function registerInputGuard(app: FastifyInstance) {
  app.addHook("preValidation", (request, _reply, done) => {
    const issues = [
      ...findUnsafeInput(bodyOf(request), "body"),
      ...findUnsafeInput(request.query, "querystring"),
      ...findUnsafeInput(request.params, "params"),
    ].slice(0, MAX_ISSUES);
    const first = issues[0];
    done(first ? new AppError("validation_failed", `${first.path}: ${first.message}`, issues) : undefined);
  });
}
