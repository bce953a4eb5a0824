/**
 * Property-based fuzzing of every route in the OpenAPI document (`GET /openapi.json`): fast-check
 * arbitraries derived from each operation's JSON schemas (path and query parameters, request body),
 * bodies both schema-shaped and hostile, and the checks every answer must pass. Used by
 * `fuzz.int.test.ts` (bounded, in CI), the carrier fuzz in `e2e/fuzz/` and `bench/fuzz.bench.ts`.
 */
import fc from "fast-check";
import { errorBodySchema } from "@orbis/contracts";

/** The JSON Schema the zod → OpenAPI transform emits (OpenAPI 3.0 flavour: `nullable`). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
}

export interface Operation {
  method: string;
  /** The OpenAPI path template, `/v1/agents/{id}`. */
  path: string;
  params: Parameter[];
  query: Parameter[];
  body?: JsonSchema;
}

export const routeOf = (op: Operation) => `${op.method} ${op.path}`;

export function operationsOf(doc: unknown): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries((doc as OpenApiDocument).paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = op.parameters ?? [];
      const body = op.requestBody?.content?.["application/json"]?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === "path"),
        query: parameters.filter((p) => p.in === "query"),
        ...(body ? { body } : {}),
      });
    }
  }
  return ops;
}

/** Values that exist, so that cases reach past "not found": what the fuzzing workspace holds, and another one's. */
export interface KnownValues {
  /** Ids and slugs of the fuzzing workspace; used for any string whose pattern they match. */
  own: string[];
  /** Ids of another workspace: a request naming one in its path must not succeed. */
  foreign: string[];
  /** Values for fields by name (`email`, `password`, `token`, `number`…). */
  byName: Record<string, string[]>;
  /** Valid requests by route (`POST /v1/appointments`), that shaped cases start from and hostile ones break. */
  examples?: Record<string, Example[]>;
}

export interface Example {
  body?: unknown;
  query?: Record<string, unknown>;
}

const MAX_SHAPED_STRING = 40;

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

function stringArbitrary(s: JsonSchema, name: string | undefined, known: KnownValues): fc.Arbitrary<string> {
  const choices: fc.WeightedArbitrary<string>[] = [];
  const re = s.pattern ? safeRegExp(s.pattern) : undefined;
  if (s.format === "date-time") {
    const instant = fc.date({ min: new Date("2020-01-01"), max: new Date("2035-01-01"), noInvalidDate: true });
    choices.push({ weight: 3, arbitrary: instant.map((d) => d.toISOString()) });
    if (re) choices.push({ weight: 1, arbitrary: fc.stringMatching(re) });
  } else if (re) {
    const own = known.own.filter((v) => re.test(v));
    const foreign = known.foreign.filter((v) => re.test(v));
    if (own.length) choices.push({ weight: 4, arbitrary: fc.constantFrom(...own) });
    if (foreign.length) choices.push({ weight: 1, arbitrary: fc.constantFrom(...foreign) });
    choices.push({ weight: 3, arbitrary: fc.stringMatching(re) });
  } else if (s.format === "uri") {
    choices.push({ weight: 3, arbitrary: fc.webUrl() });
  } else {
    const minLength = s.minLength ?? 0;
    const maxLength = Math.max(minLength, Math.min(s.maxLength ?? MAX_SHAPED_STRING, MAX_SHAPED_STRING));
    choices.push({ weight: 3, arbitrary: fc.string({ minLength, maxLength }) });
    choices.push({ weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: "grapheme" }) });
    if (s.maxLength !== undefined) choices.push({ weight: 1, arbitrary: fc.constantFrom("x".repeat(s.maxLength), "x".repeat(s.maxLength + 1)) });
    if (known.own.length) choices.push({ weight: 1, arbitrary: fc.constantFrom(...known.own) });
  }
  const named = name ? known.byName[name] : undefined;
  if (named?.length) choices.push({ weight: 4, arbitrary: fc.constantFrom(...named) });
  return fc.oneof(...choices);
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = s.minimum ?? -1e9;
  const max = s.maximum ?? 1e9;
  const inRange = integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
  return fc.oneof({ weight: 5, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, min, max) });
}

function objectArbitrary(s: JsonSchema, known: KnownValues): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(s.properties ?? {});
  const record = fc.record(Object.fromEntries(props.map(([k, v]) => [k, arbitraryOf(v, known, k)])), {
    requiredKeys: (s.required ?? []).filter((k) => s.properties?.[k]),
  });
  const extra = s.additionalProperties;
  if (!extra || props.length) return record;
  const value = extra === true ? anyJson : arbitraryOf(extra, known);
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), value, { maxKeys: 4 });
}

const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/**
 * A value the schema accepts, or nearly (lengths and ranges are tried at and past their bounds):
 * patterns through `fc.stringMatching`, known ids for strings whose pattern they match, any JSON
 * where the schema says nothing (`{}`, a `$ref` the document does not define).
 */
export function arbitraryOf(s: JsonSchema, known: KnownValues, name?: string): fc.Arbitrary<unknown> {
  const base = ((): fc.Arbitrary<unknown> => {
    if (s.allOf?.length === 1) return arbitraryOf(s.allOf[0]!, known, name);
    const union = s.anyOf ?? s.oneOf;
    if (union?.length) return fc.oneof(...union.map((u) => arbitraryOf(u, known, name)));
    if (s.enum?.length) return fc.constantFrom(...s.enum);
    if ("const" in s) return fc.constant(s.const);
    if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type) => arbitraryOf({ ...s, type }, known, name)));
    const type = s.type;
    switch (type) {
      case "string":
        return stringArbitrary(s, name, known);
      case "integer":
      case "number":
        return numberArbitrary(s, type === "integer");
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return fc.array(s.items ? arbitraryOf(s.items, known) : anyJson, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
      case "object":
        return objectArbitrary(s, known);
      default:
        return anyJson;
    }
  })();
  return s.nullable ? fc.option(base, { nil: null, freq: 6 }) : base;
}

// ---- hostile values ----

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings that have broken servers: NUL, lone surrogates, control and bidi characters, injections, huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "\u0000",
      "a\u0000b",
      "\ud800",
      "x\udfffy",
      "\u202e\u0301\u200b",
      "😀",
      "' OR '1'='1' --",
      "../../../etc/passwd",
      "%00",
      "\\u0000",
      "${7*7}{{7*7}}",
      "<script>alert(1)</script>",
      "",
      " ",
      "\r\n",
      "null",
      "-1",
      "1e999",
      "agt_",
      "ws_00000000",
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.constant("\u0000"), loneSurrogate), fc.string({ maxLength: 8 }))
      .map(([a, bad, b]) => `${a}${bad}${b}`),
  },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 16 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => "x".repeat(n)) },
);

/** JSON text of `{"a":{"a":…}}` this deep: built as text, since JSON.stringify itself recurses. */
export const nestedJson = (depth: number, leaf = "1") => `${'{"a":'.repeat(depth)}${leaf}${"}".repeat(depth)}`;
/** Stands for a deep value inside a generated body until `toJson` writes it out as text. */
const deepMarker = (depth: number) => `\u0001deep:${depth}\u0001`;
const DEEP_MARKER = /"\\u0001deep:(\d+)\\u0001"/g;
export const toJson = (v: unknown) => (JSON.stringify(v) ?? "").replace(DEEP_MARKER, (_, depth: string) => nestedJson(Number(depth)));

/** A value of another type than the field's, or a string no field should take. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5, true, false, null, [], {}) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: anyJson },
  { weight: 1, arbitrary: fc.array(hostileString, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 5_000 }).map(deepMarker) },
);

const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "", "$where", "a.b", "\u0000", "\ud800"),
  fc.string({ unit: "binary", maxLength: 12 }),
);

type Path = (string | number)[];

/** Every position in a JSON value, root first. */
function positions(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => positions(v, [...at, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) positions(v, [...at, k], out);
  return out;
}

/** A copy of `root` with `value` at `path` (an own property even for `__proto__`). */
function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<string | number, unknown>;
  Object.defineProperty(copy, head, { value: setAt(copy[head], rest, value), enumerable: true, writable: true, configurable: true });
  return copy;
}

type Mutation =
  { kind: "poison"; char: string; at: number } | { kind: "replace"; value: unknown } | { kind: "extra"; key: string; value: unknown } | { kind: "drop" };

/**
 * One change to a request that is otherwise shaped (often valid): a NUL or a lone surrogate slipped
 * into a string (what gets past a schema to the database), a hostile value in place of one, an extra
 * key, a missing one.
 */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.oneof(fc.constant("\u0000"), loneSurrogate), fc.nat()).map(([char, at]) => ({ kind: "poison" as const, char, at })) },
  { weight: 4, arbitrary: hostileValue.map((value) => ({ kind: "replace" as const, value })) },
  { weight: 2, arbitrary: fc.tuple(hostileKey, hostileValue).map(([key, value]) => ({ kind: "extra" as const, key, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: "drop" as const }) },
);

/** A value as the text a form field, path or query parameter carries. */
export const asText = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));

function poisoned(v: unknown, m: { char: string; at: number }): string {
  const s = asText(v);
  const i = m.at % (s.length + 1);
  return `${s.slice(0, i)}${m.char}${s.slice(i)}`;
}

const valueAt = (root: unknown, path: Path) => path.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root);

/** `value` (a body) with one mutation at one of its positions. */
function mutate(value: unknown, pick: number, m: Mutation): unknown {
  const spots = positions(value);
  if (m.kind === "extra") {
    const objects = spots.filter((p) => {
      const v = valueAt(value, p);
      return v !== null && typeof v === "object" && !Array.isArray(v);
    });
    const at = objects[pick % Math.max(objects.length, 1)];
    return at ? setAt(value, [...at, m.key], m.value) : { [m.key]: m.value };
  }
  if (m.kind === "poison") {
    const strings = spots.filter((p) => typeof valueAt(value, p) === "string");
    const at = (strings.length ? strings : spots)[pick % (strings.length || spots.length)]!;
    return setAt(value, at, poisoned(valueAt(value, at), m));
  }
  const at = spots[pick % spots.length]!;
  if (m.kind === "replace" || at.length === 0) return setAt(value, at, m.kind === "replace" ? m.value : undefined);
  const parentPath = at.slice(0, -1);
  const parent = valueAt(value, parentPath);
  const key = at[at.length - 1]!;
  const without = Array.isArray(parent) ? parent.filter((_, i) => i !== key) : Object.fromEntries(Object.entries(parent as object).filter(([k]) => k !== key));
  return setAt(value, parentPath, without);
}

/** `arb`'s values, each with one hostile mutation: for messages the OpenAPI document does not list (carrier webhooks, stream frames). */
export const withMutation = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.tuple(arb, fc.nat(), mutation).map(([v, pick, m]) => mutate(v, pick, m));

/** Query or path parameters with one mutation: one of `names` (or an extra one) poisoned, replaced or emptied. */
function mutateParameters(values: Record<string, unknown>, names: string[], pick: number, m: Mutation): Record<string, unknown> {
  if (m.kind === "extra") return { ...values, [m.key]: m.value };
  const present = names.filter((n) => values[n] !== undefined);
  const name = (present.length ? present : names)[pick % Math.max(present.length || names.length, 1)] ?? "q";
  const value = m.kind === "poison" ? poisoned(values[name] ?? "", m) : m.kind === "replace" ? m.value : "";
  return { ...values, [name]: value };
}

// ---- requests ----

type AuthVariant = "owner" | "apiKey" | "none" | "garbage";

interface FuzzCase {
  kind: "shaped" | "hostile" | "raw";
  auth: AuthVariant;
  method: string;
  url: string;
  contentType?: string;
  payload?: string;
  /** A path parameter names another workspace's resource: the answer must not be a success. */
  foreign: boolean;
}

/** Percent-encoding that also carries lone surrogates (as their three WTF-8 bytes), which encodeURIComponent refuses. */
export function encodeComponent(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else out += encodeURIComponent(ch);
  }
  return out;
}

function urlOf(op: Operation, params: Record<string, unknown>, query: Record<string, unknown>): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeComponent(asText(params[name])));
  const pairs = Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeComponent(k)}=${encodeComponent(asText(x))}`));
  return pairs.length ? `${path}?${pairs.join("&")}` : path;
}

/** What fast-check prints for a failing case: short, whatever the payload's size. */
function withSummary(c: FuzzCase): FuzzCase {
  const clip = (s: string) => (s.length > 400 ? `${s.slice(0, 400)}… (${s.length} chars)` : s);
  return Object.assign(c, {
    [fc.toStringMethod]: () => JSON.stringify({ ...c, url: clip(c.url), ...(c.payload !== undefined ? { payload: clip(c.payload) } : {}) }),
  });
}

/** Bodies no schema describes: not JSON, empty, the wrong media type, nested 5,000 deep, over the 1 MiB limit, prototype keys. */
const rawBody: fc.Arbitrary<{ contentType?: string; payload: string }> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }).map((payload) => ({ contentType: "application/json", payload })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...[
        "",
        "{",
        '{"a":1,"a":"\\u0000"}',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"admin":true}}}',
        "\ufeff{}",
        "1e999",
        '"\\ud800"',
      ].map((payload) => ({ contentType: "application/json", payload })),
      { contentType: "application/json; charset=utf-16", payload: "{}" },
      { contentType: "text/plain", payload: '{"name":"x"}' },
      { contentType: "application/x-www-form-urlencoded", payload: "name=x&name=%00" },
      { contentType: "application/xml", payload: "<a/>" },
      { contentType: "multipart/form-data; boundary=x", payload: "--x--" },
      { payload: "{}" },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 65, max: 100_000 }).map((depth) => ({ contentType: "application/json", payload: `${"[".repeat(depth)}${"]".repeat(depth)}` })),
  },
  { weight: 1, arbitrary: fc.constant({ contentType: "application/json", payload: JSON.stringify({ text: "x".repeat(1024 * 1024) }) }) },
);

const auth: fc.Arbitrary<AuthVariant> = fc.oneof(
  { weight: 16, arbitrary: fc.constant("owner" as const) },
  { weight: 2, arbitrary: fc.constant("apiKey" as const) },
  { weight: 1, arbitrary: fc.constant("none" as const) },
  { weight: 1, arbitrary: fc.constant("garbage" as const) },
);

const sendsBody = (op: Operation) => op.body !== undefined || ["POST", "PUT", "PATCH", "DELETE"].includes(op.method);

/**
 * One request to `op`: schema-shaped (about 45 %), the same with one hostile mutation in its body,
 * query or path (45 %), or a raw body no schema describes (10 %); as the workspace's owner mostly,
 * sometimes with its secret API key, without credentials or with a garbage token.
 */
function caseArbitrary(op: Operation, known: KnownValues): fc.Arbitrary<FuzzCase> {
  const fields = (ps: Parameter[], optional: boolean) =>
    fc.record(Object.fromEntries(ps.map((p) => [p.name, p.schema ? arbitraryOf(p.schema, known, p.name) : fc.string()])), {
      requiredKeys: ps.filter((p) => !optional || p.required).map((p) => p.name),
    });
  const fromSchema = fc.record({
    params: fields(op.params, false),
    query: fields(op.query, true),
    body: op.body ? arbitraryOf(op.body, known) : fc.constant(undefined),
    auth,
  });
  const examples = known.examples?.[routeOf(op)] ?? [];
  const shaped = examples.length
    ? fc.oneof(
        { weight: 3, arbitrary: fromSchema },
        {
          weight: 2,
          arbitrary: fc.tuple(fromSchema, fc.constantFrom(...examples)).map(([p, e]) => ({ ...p, ...e, query: e.query ?? p.query, body: e.body ?? p.body })),
        },
      )
    : fromSchema;
  const build = (kind: FuzzCase["kind"], p: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown; auth: AuthVariant }) =>
    withSummary({
      kind,
      auth: p.auth,
      method: op.method,
      url: urlOf(op, p.params, p.query),
      ...(p.body !== undefined ? { contentType: "application/json", payload: toJson(p.body) } : {}),
      foreign: Object.values(p.params).some((v) => typeof v === "string" && known.foreign.includes(v)),
    });
  const targets = [...(op.body ? (["body"] as const) : []), "query" as const, ...(op.params.length ? (["params"] as const) : [])];
  const [queryNames, paramNames] = [op.query.map((x) => x.name), op.params.map((x) => x.name)];
  const hostile = fc.tuple(shaped, fc.constantFrom(...targets), fc.nat(), mutation).map(([p, target, pick, m]) => {
    if (target === "body") return build("hostile", { ...p, body: mutate(p.body ?? {}, pick, m) });
    if (target === "query") return build("hostile", { ...p, query: mutateParameters(p.query, queryNames, pick, m) });
    // A path has no room for an extra parameter: the extra key becomes a parameter's value.
    const params = mutateParameters(p.params, paramNames, pick, m.kind === "extra" ? { kind: "replace", value: m.key } : m);
    return build("hostile", { ...p, params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, asText(v)])) });
  });
  const arbitraries: fc.WeightedArbitrary<FuzzCase>[] = [
    { weight: 9, arbitrary: shaped.map((p) => build("shaped", p)) },
    { weight: 9, arbitrary: hostile },
  ];
  if (sendsBody(op)) {
    const raw = fc.tuple(shaped, rawBody).map(([p, r]) => withSummary({ ...build("raw", { ...p, body: undefined }), ...r }));
    arbitraries.push({ weight: 2, arbitrary: raw });
  }
  return fc.oneof(...arbitraries);
}

// ---- running and judging ----

interface InjectResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}
/** Anything with Fastify's `inject`: the api alone or a composed platform. */
export interface Injector {
  inject(o: { method: string; url: string; headers: Record<string, string>; payload?: string }): Promise<InjectResponse>;
}

export interface Credentials {
  token: string;
  apiKey: string;
}

function headersOf(c: FuzzCase, creds: Credentials): Record<string, string> {
  const headers: Record<string, string> = {};
  if (c.contentType) headers["content-type"] = c.contentType;
  if (c.auth === "owner") headers.authorization = `Bearer ${creds.token}`;
  else if (c.auth === "apiKey") headers.authorization = `Bearer ${creds.apiKey}`;
  else if (c.auth === "garbage") headers.authorization = "Bearer sk_live_0000000000000000000000000000";
  return headers;
}

/** Why an answer is wrong: a 5xx, a 4xx without the one error body, a success for another workspace's id. */
export function problemOf(res: InjectResponse, foreign = false): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode >= 400) {
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      return `${res.statusCode} is not JSON: ${res.body.slice(0, 200)}`;
    }
    if (!errorBodySchema.safeParse(json).success) return `${res.statusCode} without the error body: ${res.body.slice(0, 200)}`;
  } else if (foreign && res.statusCode < 300) return `${res.statusCode} for another workspace's id: ${res.body.slice(0, 200)}`;
  return undefined;
}

async function runCase(app: Injector, c: FuzzCase, creds: Credentials): Promise<{ status: number; problem?: string }> {
  const res = await app.inject({ method: c.method, url: c.url, headers: headersOf(c, creds), ...(c.payload !== undefined ? { payload: c.payload } : {}) });
  const problem = problemOf(res, c.foreign);
  return { status: res.statusCode, ...(problem ? { problem } : {}) };
}

/** Answers by status for one route, and the cases that failed a check. */
export interface RouteTally {
  cases: number;
  statuses: Map<number, number>;
  problems: { problem: string; case: FuzzCase }[];
}

const newTally = (): RouteTally => ({ cases: 0, statuses: new Map(), problems: [] });

/**
 * Runs `numRuns` cases against one operation and tallies them. With `throwOnProblem` the first bad
 * answer fails the property (fast-check then shrinks it and prints the seed); without, every problem
 * is collected (the bench's long mode).
 */
export async function fuzzOperation(
  app: Injector,
  op: Operation,
  o: { known: KnownValues; creds: Credentials; numRuns: number; seed: number; throwOnProblem: boolean },
): Promise<RouteTally> {
  const tally = newTally();
  await fc.assert(
    fc.asyncProperty(caseArbitrary(op, o.known), async (c) => {
      const r = await runCase(app, c, o.creds);
      tally.cases++;
      tally.statuses.set(r.status, (tally.statuses.get(r.status) ?? 0) + 1);
      if (!r.problem) return;
      tally.problems.push({ problem: r.problem, case: c });
      if (o.throwOnProblem) throw new Error(`${routeOf(op)} → ${r.problem}`);
    }),
    { numRuns: o.numRuns, seed: o.seed, endOnFailure: !o.throwOnProblem },
  );
  return tally;
}

/** A stable per-route seed from the run's seed, so one route's cases do not shift when another changes. */
export function seedFor(op: Operation, base: number): number {
  let h = base | 0;
  for (const ch of routeOf(op)) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}
