import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
/** Money in USD with sub-cent precision (per-turn costs are fractions of a cent). */
const usd = (name: string) => numeric(name, { precision: 14, scale: 8, mode: "number" }).notNull().default(0);
const createdAt = () => ts("created_at").notNull().defaultNow();
const workspaceRef = () =>
  text("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" });

export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  timezone: text("timezone").notNull().default("UTC"),
  /** Set by an owner: members without two-factor sign-in are asked to enrol at their next sign-in. */
  requireTwoFactor: boolean("require_two_factor").notNull().default(false),
  /** Text messages to callers (booking confirmation, reminder) through the workspace's carrier. */
  smsEnabled: boolean("sms_enabled").notNull().default(false),
  /** Call recordings and transcripts older than this many days are purged by the daily retention job. */
  retentionDays: integer("retention_days").notNull().default(365),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** Identities are global (one login, many workspaces); visibility to a tenant goes through memberships. */
export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  status: text("status", { enum: ["active", "blocked"] })
    .notNull()
    .default("active"),
  /** Set when the user opened the link of the verification email. */
  emailVerifiedAt: ts("email_verified_at"),
  /** Which optional emails the user receives (`NotificationPreferences` in contracts); missing keys are on. */
  notificationPrefs: jsonb("notification_prefs")
    .notNull()
    .default(sql`'{}'::jsonb`),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "staff", "viewer"] }).notNull(),
    /** Blocked in this workspace: every request with this membership is refused, not only login. */
    status: text("status", { enum: ["active", "blocked"] })
      .notNull()
      .default("active"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("memberships_ws_user").on(t.workspaceId, t.userId), index("memberships_user").on(t.userId)],
);

/**
 * Dashboard sessions: one row per issued session token (`id` is the token's `jti`). A token works
 * while its row is unrevoked and unexpired, so logout and sign-out-everywhere survive restarts with
 * or without Redis; the cache only remembers the answer for a few seconds. Read and written by the
 * system connection (a user's sessions span workspaces); tenant connections see their workspace's rows.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspaceId: workspaceRef(),
    userAgent: text("user_agent").notNull().default(""),
    ip: text("ip"),
    createdAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("user_sessions_user").on(t.userId, t.createdAt)],
);

/**
 * A user's TOTP authenticator. `secret` is the shared secret encrypted like provider credentials
 * (AES-256-GCM with ENCRYPTION_KEY, bound to the user id); `enabledAt` is null while enrolment waits
 * for its first code. Recovery codes are kept as hashes and removed as they are used; `lastUsedStep`
 * refuses a code a second time. Per user, never tenant data: tenant connections cannot read it.
 */
export const userTwoFactor = pgTable("user_two_factor", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text("secret").notNull(),
  enabledAt: ts("enabled_at"),
  recoveryCodeHashes: text("recovery_code_hashes")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  lastUsedStep: integer("last_used_step"),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * One-time password reset links: only the SHA-256 of the token is kept; a link works once, before
 * `expiresAt`. Per user, never tenant data: tenant connections cannot read it.
 */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    /** Who made the link (an owner or admin), and in which workspace, for the audit log. */
    createdByUserId: text("created_by_user_id"),
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("password_resets_token").on(t.tokenHash), index("password_resets_user").on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    email: text("email").notNull(),
    role: text("role", { enum: ["owner", "admin", "staff", "viewer"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by"),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    createdAt: createdAt(),
  },
  (t) => [index("invitations_ws").on(t.workspaceId)],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["publishable", "secret"] }).notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    allowedOrigins: text("allowed_origins")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdBy: text("created_by"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("api_keys_ws").on(t.workspaceId)],
);

export const agents = pgTable(
  "agents",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    systemPrompt: text("system_prompt").notNull().default(""),
    greeting: text("greeting").notNull().default(""),
    voice: text("voice").notNull(),
    language: text("language").notNull(),
    providers: jsonb("providers").notNull(),
    tools: jsonb("tools")
      .notNull()
      .default(sql`'[]'::jsonb`),
    business: jsonb("business")
      .notNull()
      .default(sql`'{}'::jsonb`),
    turnTaking: jsonb("turn_taking").notNull(),
    idleTimeoutSec: integer("idle_timeout_sec").notNull().default(1800),
    recordCalls: boolean("record_calls").notNull().default(false),
    status: text("status", { enum: ["draft", "published"] })
      .notNull()
      .default("draft"),
    publishedVersion: integer("published_version"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("agents_ws_created").on(t.workspaceId, t.createdAt, t.id)],
);

export const agentVersions = pgTable(
  "agent_versions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    config: jsonb("config").notNull(),
    publishedBy: text("published_by"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("agent_versions_agent_version").on(t.agentId, t.version)],
);

/**
 * An agent's test suite (issue "per-agent test suites"): what a caller says and what must come of it.
 * `turns` is the caller's lines; `expectations` the outcome judged on what the simulated call left
 * behind (an appointment, a message, a transfer, words the agent said). Zod shapes in contracts.
 */
export const agentTestScenarios = pgTable(
  "agent_test_scenarios",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    turns: jsonb("turns").notNull(),
    expectations: jsonb("expectations").notNull(),
    /** Where it came from: written by a member, or shipped with the template the agent was made from. */
    source: text("source", { enum: ["user", "template"] })
      .notNull()
      .default("user"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("agent_test_scenarios_agent").on(t.agentId, t.createdAt)],
);

/**
 * One run of an agent's suite against its draft or a published version: per-scenario results with
 * transcripts (`results`), counts for lists, who or what started it (a member, or a publish).
 */
export const agentTestRuns = pgTable(
  "agent_test_runs",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    /** null: the draft as it was; otherwise the published version run. */
    version: integer("version"),
    /** A digest of the config run, so a run on the draft can be matched to the version it became. */
    configHash: text("config_hash").notNull(),
    status: text("status", { enum: ["passed", "failed", "error"] }).notNull(),
    passed: integer("passed").notNull(),
    failed: integer("failed").notNull(),
    results: jsonb("results").notNull(),
    trigger: text("trigger", { enum: ["manual", "publish"] })
      .notNull()
      .default("manual"),
    createdBy: text("created_by"),
    startedAt: ts("started_at").notNull(),
    finishedAt: ts("finished_at").notNull(),
  },
  (t) => [index("agent_test_runs_agent").on(t.agentId, t.startedAt)],
);

export const calls = pgTable(
  "calls",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    agentId: text("agent_id").references(() => agents.id, { onDelete: "set null" }),
    channel: text("channel", { enum: ["web", "twilio", "telnyx"] }).notNull(),
    direction: text("direction", { enum: ["inbound", "outbound"] })
      .notNull()
      .default("inbound"),
    caller: text("caller"),
    callee: text("callee"),
    status: text("status", { enum: ["queued", "ringing", "in_progress", "completed", "failed", "busy", "no_answer"] }).notNull(),
    providerCallId: text("provider_call_id"),
    /** The gateway process that owns the live call; the reaper closes calls whose owner stopped beating. */
    gatewayId: text("gateway_id"),
    heartbeatAt: ts("heartbeat_at"),
    startedAt: ts("started_at").notNull().defaultNow(),
    answeredAt: ts("answered_at"),
    endedAt: ts("ended_at"),
    durationSec: integer("duration_sec"),
    endReason: text("end_reason"),
    recordingPath: text("recording_path"),
    metadata: jsonb("metadata")
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Provider usage of the whole call (`{ [providerId]: Usage }`) and its cost from the price table. */
    usage: jsonb("usage")
      .notNull()
      .default(sql`'{}'::jsonb`),
    costUsd: usd("cost_usd"),
    /** What the call achieved, set when it ends: booked, rescheduled, cancelled, message, transferred, do_not_call, no_action. */
    outcome: text("outcome"),
    /** A short summary of the call, built from the receptionist's events or by the agent's LLM. */
    summary: text("summary"),
    createdAt: createdAt(),
  },
  (t) => [index("calls_ws_started").on(t.workspaceId, t.startedAt), index("calls_open").on(t.status, t.heartbeatAt)],
);

export const callTurns = pgTable(
  "call_turns",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    callId: text("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    userText: text("user_text"),
    agentText: text("agent_text"),
    /** What the caller actually heard when the agent was interrupted. */
    heardText: text("heard_text"),
    interrupted: boolean("interrupted").notNull().default(false),
    toolCalls: jsonb("tool_calls")
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** End of the caller's speech → the turn end decided (the end-of-turn wait). */
    endpointMs: integer("endpoint_ms"),
    asrMs: integer("asr_ms"),
    llmMs: integer("llm_ms"),
    ttsMs: integer("tts_ms"),
    e2eMs: integer("e2e_ms"),
    /** Which provider served each utterance, sentence and model call of the turn, with failures (ServedRecord[]). */
    servedBy: jsonb("served_by")
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Provider usage during the turn (`{ [providerId]: Usage }`) and its cost. */
    usage: jsonb("usage")
      .notNull()
      .default(sql`'{}'::jsonb`),
    costUsd: usd("cost_usd"),
    startedAt: ts("started_at").notNull(),
    endedAt: ts("ended_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("call_turns_call_seq").on(t.callId, t.seq)],
);

export const auditLogs = pgTable(
  "audit_logs",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    actorUserId: text("actor_user_id"),
    actorKeyId: text("actor_key_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    metadata: jsonb("metadata")
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [index("audit_logs_ws_created").on(t.workspaceId, t.createdAt)],
);

/**
 * Bookings. `[start_at, busy_end_at)` of booked rows of one resource (staff_id, or the business when
 * null) never overlap: an exclusion constraint (migration 0003) enforces it, so concurrent bookings
 * of one slot cannot both commit. `timezone` is the business zone at booking time, so instants are
 * read back with the offset they were booked in.
 */
export const appointments = pgTable(
  "appointments",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    agentId: text("agent_id").references(() => agents.id, { onDelete: "set null" }),
    /** No foreign key: calls are purged by retention while the booking stays. */
    callId: text("call_id"),
    serviceId: text("service_id").notNull(),
    staffId: text("staff_id"),
    customerName: text("customer_name").notNull(),
    customerPhone: text("customer_phone").notNull(),
    customerEmail: text("customer_email").notNull().default(""),
    startAt: ts("start_at").notNull(),
    endAt: ts("end_at").notNull(),
    busyEndAt: ts("busy_end_at").notNull(),
    timezone: text("timezone").notNull().default("UTC"),
    status: text("status", { enum: ["booked", "cancelled", "completed", "no_show"] })
      .notNull()
      .default("booked"),
    source: text("source", { enum: ["agent", "dashboard", "api"] }).notNull(),
    notes: text("notes").notNull().default(""),
    cancelReason: text("cancel_reason"),
    cancelledAt: ts("cancelled_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("appointments_ws_start").on(t.workspaceId, t.startAt, t.id), index("appointments_ws_agent_start").on(t.workspaceId, t.agentId, t.startAt)],
);

/** Messages the agent took for the business ("please call me back about…"). */
export const messages = pgTable(
  "messages",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    agentId: text("agent_id").references(() => agents.id, { onDelete: "set null" }),
    callId: text("call_id"),
    callerName: text("caller_name").notNull(),
    callbackNumber: text("callback_number").notNull(),
    text: text("text").notNull(),
    urgency: text("urgency", { enum: ["low", "normal", "high"] })
      .notNull()
      .default("normal"),
    status: text("status", { enum: ["new", "read", "done"] })
      .notNull()
      .default("new"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("messages_ws_created").on(t.workspaceId, t.createdAt, t.id)],
);

/**
 * Tenant HTTP tools of an agent. `secret` signs each request (HMAC-SHA256); it must be readable to
 * sign, so it is stored as-is like the `headers` next to it, behind the same tenancy and RLS as the
 * rest of the tenant's data, and shown to the user only in the create response.
 */
export const agentTools = pgTable(
  "agent_tools",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull(),
    args: jsonb("args").notNull(),
    url: text("url").notNull(),
    method: text("method", { enum: ["GET", "POST", "PUT", "PATCH", "DELETE"] })
      .notNull()
      .default("POST"),
    headers: jsonb("headers")
      .notNull()
      .default(sql`'{}'::jsonb`),
    timeoutMs: integer("timeout_ms").notNull().default(5000),
    maxRetries: integer("max_retries").notNull().default(2),
    enabled: boolean("enabled").notNull().default(true),
    secret: text("secret").notNull(),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("agent_tools_agent_name").on(t.agentId, t.name), index("agent_tools_ws").on(t.workspaceId)],
);

/** One secret iCal feed URL per workspace; the token is a read-only capability, rotated by replacing it. */
export const calendarFeeds = pgTable("calendar_feeds", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  token: text("token").notNull().unique(),
  createdAt: createdAt(),
});

/**
 * A carrier number routed to an agent. `number` (E.164) is unique across workspaces: an inbound call
 * names only the number, so it must resolve to exactly one tenant.
 */
export const phoneNumbers = pgTable(
  "phone_numbers",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    number: text("number").notNull().unique(),
    provider: text("provider", { enum: ["twilio", "telnyx"] }).notNull(),
    agentId: text("agent_id").references(() => agents.id, { onDelete: "set null" }),
    label: text("label").notNull().default(""),
    /** Where a transfer goes (E.164), when the agent hands the call to a person. */
    escalationNumber: text("escalation_number"),
    /** `agent`: calls go to the agent; `practice`: the workspace's sales practice line (reps dial in with a code, docs/practice.md). */
    purpose: text("purpose", { enum: ["agent", "practice"] })
      .notNull()
      .default("agent"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("phone_numbers_ws").on(t.workspaceId)],
);

/**
 * Provider secrets of a workspace (Twilio, Telnyx, cloud AI keys): one AES-256-GCM blob of a JSON
 * object per provider, encrypted with ENCRYPTION_KEY; `hints` holds only non-secret display values.
 */
export const workspaceCredentials = pgTable(
  "workspace_credentials",
  {
    workspaceId: workspaceRef(),
    provider: text("provider").notNull(),
    ciphertext: text("ciphertext").notNull(),
    hints: jsonb("hints")
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.provider] })],
);

/** Call lifecycle as the carrier reported it: one row per state change, with the provider's ids. */
export const callEvents = pgTable(
  "call_events",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    callId: text("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    kind: text("kind").notNull(),
    status: text("status"),
    providerCallId: text("provider_call_id"),
    /** The carrier's event id, when it has one: retried webhooks are recorded once. */
    providerEventId: text("provider_event_id"),
    occurredAt: ts("occurred_at").notNull(),
    detail: jsonb("detail")
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [index("call_events_call").on(t.callId, t.occurredAt), uniqueIndex("call_events_provider_event").on(t.provider, t.providerEventId)],
);

/**
 * Email verification links: only the SHA-256 of the token is kept; a link works once, before
 * `expiresAt`. Per user, never tenant data.
 */
export const emailVerifications = pgTable(
  "email_verifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("email_verifications_token").on(t.tokenHash), index("email_verifications_user").on(t.userId)],
);

/**
 * The outbox of domain events: written in the same transaction as the change it reports, relayed by
 * the worker (`relayed_at`) into webhook deliveries, emails and text messages. Payloads follow the
 * versioned schemas in `packages/contracts/src/events.ts`.
 */
export const domainEvents = pgTable(
  "domain_events",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    type: text("type").notNull(),
    version: integer("version").notNull().default(1),
    payload: jsonb("payload").notNull(),
    /** The moment of the write (`clock_timestamp()`, not the transaction's start): events of one transaction keep their order. */
    occurredAt: ts("occurred_at")
      .notNull()
      .default(sql`clock_timestamp()`),
    relayedAt: ts("relayed_at"),
  },
  (t) => [
    index("domain_events_unrelayed")
      .on(t.occurredAt)
      .where(sql`relayed_at is null`),
    index("domain_events_ws_occurred").on(t.workspaceId, t.occurredAt),
  ],
);

/** A tenant's webhook endpoint: where events are POSTed, signed per Standard Webhooks with `secret` (sealed). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** Event types it receives; an empty list means every type. */
    eventTypes: jsonb("event_types")
      .notNull()
      .default(sql`'[]'::jsonb`),
    enabled: boolean("enabled").notNull().default(true),
    /** `whsec_…`, sealed at rest (`enc:v1:…`, packages/credentials); only a hint is ever shown again. */
    secret: text("secret").notNull(),
    /** Why it was switched off automatically (sustained failure), cleared when re-enabled. */
    disabledReason: text("disabled_reason"),
    /** Deliveries that failed for good in a row; reset by a success. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_ws").on(t.workspaceId)],
);

/** One event to one endpoint: attempts until success or until retries run out (about 24 h). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => domainEvents.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** A worker holds the delivery until then while it sends; a crashed worker's claim simply runs out. */
    claimedUntil: ts("claimed_until"),
    nextAttemptAt: ts("next_attempt_at"),
    lastAttemptAt: ts("last_attempt_at"),
    responseStatus: integer("response_status"),
    latencyMs: integer("latency_ms"),
    /** The first bytes of the endpoint's reply, for the delivery log. */
    responseSnippet: text("response_snippet"),
    error: text("error"),
    deliveredAt: ts("delivered_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event").on(t.endpointId, t.eventId),
    index("webhook_deliveries_endpoint_created").on(t.endpointId, t.createdAt),
  ],
);

/**
 * Every email the platform sends: queued, then sent through SMTP (or kept in the dev outbox when no
 * SMTP server is configured). `idempotencyKey` makes a re-run job send nothing twice.
 */
export const emails = pgTable(
  "emails",
  {
    id: text("id").primaryKey(),
    /** Null for mail that belongs to no workspace (password reset of a user). */
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    template: text("template").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    status: text("status", { enum: ["queued", "sent", "failed", "outbox"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    claimedUntil: ts("claimed_until"),
    error: text("error"),
    messageId: text("message_id"),
    sentAt: ts("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("emails_idempotency").on(t.idempotencyKey), index("emails_ws_created").on(t.workspaceId, t.createdAt)],
);

/** Text messages to callers (booking confirmation, 24 h reminder), sent through the workspace's carrier. */
export const smsMessages = pgTable(
  "sms_messages",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    appointmentId: text("appointment_id"),
    kind: text("kind", { enum: ["confirmation", "reminder"] }).notNull(),
    provider: text("provider", { enum: ["twilio", "telnyx"] }).notNull(),
    toNumber: text("to_number").notNull(),
    fromNumber: text("from_number").notNull(),
    body: text("body").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    status: text("status", { enum: ["queued", "sent", "failed", "skipped"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    claimedUntil: ts("claimed_until"),
    providerMessageId: text("provider_message_id"),
    error: text("error"),
    sendAt: ts("send_at").notNull().defaultNow(),
    sentAt: ts("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("sms_messages_idempotency").on(t.idempotencyKey), index("sms_messages_ws_created").on(t.workspaceId, t.createdAt)],
);

/** Callers who answered STOP: no more text messages from this workspace to that number (until START). */
export const smsOptOuts = pgTable(
  "sms_opt_outs",
  {
    workspaceId: workspaceRef(),
    phone: text("phone").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.phone] })],
);

/**
 * A workspace's plan and its Stripe subscription (docs/billing.md). No row: the catalogue's default plan.
 * Written by the Stripe webhook handler; `stripe_event_at` keeps an older event from overwriting a newer one.
 */
export const billingSubscriptions = pgTable(
  "billing_subscriptions",
  {
    workspaceId: text("workspace_id")
      .primaryKey()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    planId: text("plan_id").notNull(),
    status: text("status", { enum: ["none", "trialing", "active", "past_due", "canceled", "unpaid", "incomplete"] })
      .notNull()
      .default("none"),
    stripeCustomerId: text("stripe_customer_id"),
    stripeSubscriptionId: text("stripe_subscription_id"),
    currentPeriodStart: ts("current_period_start"),
    currentPeriodEnd: ts("current_period_end"),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    /** Since when the subscription is past_due: the grace period counts from here. */
    pastDueSince: ts("past_due_since"),
    /** The last invoice payment failed (cleared by the next paid invoice): the dashboard's banner. */
    paymentFailedAt: ts("payment_failed_at"),
    stripeEventAt: ts("stripe_event_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("billing_subscriptions_customer").on(t.stripeCustomerId), uniqueIndex("billing_subscriptions_stripe_sub").on(t.stripeSubscriptionId)],
);

/** Stripe webhook events already applied, by Stripe's event id: a replay is acknowledged and changes nothing. */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  workspaceId: workspaceRef(),
  type: text("type").notNull(),
  receivedAt: createdAt(),
});

/**
 * The usage ledger: one row per ended call, written from its `call.ended` event by the worker (exactly
 * once: `call_id` is unique). Kept when the call itself is purged by retention: it is what was billed.
 */
export const usageRecords = pgTable(
  "usage_records",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    callId: text("call_id").notNull(),
    channel: text("channel", { enum: ["web", "twilio", "telnyx"] }).notNull(),
    /** A dashboard test call: metered for cost, never counted against the plan's allowance. */
    test: boolean("test").notNull().default(false),
    /** The civil day of the call's start in the workspace's time zone. */
    day: text("day").notNull(),
    startedAt: ts("started_at").notNull(),
    durationSec: integer("duration_sec").notNull().default(0),
    carrierMinutes: numeric("carrier_minutes", { precision: 12, scale: 2, mode: "number" }).notNull().default(0),
    carrierCostUsd: usd("carrier_cost_usd"),
    sttCostUsd: usd("stt_cost_usd"),
    llmCostUsd: usd("llm_cost_usd"),
    ttsCostUsd: usd("tts_cost_usd"),
    realtimeCostUsd: usd("realtime_cost_usd"),
    infraCostUsd: usd("infra_cost_usd"),
    totalCostUsd: usd("total_cost_usd"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("usage_records_call").on(t.callId),
    index("usage_records_ws_started").on(t.workspaceId, t.startedAt),
    index("usage_records_created").on(t.createdAt),
  ],
);

/** Daily rollup of the ledger per workspace, day and channel, rebuilt by the `billing.rollup` job. */
export const usageDaily = pgTable(
  "usage_daily",
  {
    workspaceId: workspaceRef(),
    day: text("day").notNull(),
    channel: text("channel", { enum: ["web", "twilio", "telnyx"] }).notNull(),
    calls: integer("calls").notNull().default(0),
    billableCalls: integer("billable_calls").notNull().default(0),
    seconds: integer("seconds").notNull().default(0),
    carrierMinutes: numeric("carrier_minutes", { precision: 12, scale: 2, mode: "number" }).notNull().default(0),
    carrierCostUsd: usd("carrier_cost_usd"),
    sttCostUsd: usd("stt_cost_usd"),
    llmCostUsd: usd("llm_cost_usd"),
    ttsCostUsd: usd("tts_cost_usd"),
    realtimeCostUsd: usd("realtime_cost_usd"),
    infraCostUsd: usd("infra_cost_usd"),
    totalCostUsd: usd("total_cost_usd"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.channel] })],
);

/** An allowance threshold (80, 100) reached in a billing period: recorded once, so the owners are emailed once. */
export const billingAlerts = pgTable(
  "billing_alerts",
  {
    workspaceId: workspaceRef(),
    periodStart: ts("period_start").notNull(),
    threshold: integer("threshold").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.periodStart, t.threshold] })],
);

/** Overage already reported to Stripe's meter for a billing period: the next report sends only the difference. */
export const usageMeterReports = pgTable(
  "usage_meter_reports",
  {
    workspaceId: workspaceRef(),
    periodStart: ts("period_start").notNull(),
    reportedCalls: integer("reported_calls").notNull().default(0),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.periodStart] })],
);

/** Platform operators: a role above workspaces (`orbis admin create --email …`), for the operator console. */
export const platformAdmins = pgTable("platform_admins", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
});

/** A referral programme: who it is for and how it pays (set by the operator; docs/referrals.md). */
export const referralPrograms = pgTable("referral_programs", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  audience: text("audience", { enum: ["users", "affiliates"] }).notNull(),
  /** `CommissionRule` (contracts): `{type:"percent", percent, months}` or `{type:"fixed", activationUsd, conversionUsd}`. */
  rule: jsonb("rule").notNull(),
  holdDays: integer("hold_days").notNull().default(30),
  active: boolean("active").notNull().default(true),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** People in the public affiliate programme (not customers: no workspace). */
export const affiliates = pgTable("affiliates", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  website: text("website"),
  promotion: text("promotion"),
  status: text("status", { enum: ["unverified", "pending", "approved", "rejected"] })
    .notNull()
    .default("unverified"),
  termsVersion: text("terms_version").notNull(),
  termsAcceptedAt: ts("terms_accepted_at").notNull(),
  emailVerifiedAt: ts("email_verified_at"),
  reviewedAt: ts("reviewed_at"),
  reviewedBy: text("reviewed_by").references(() => users.id, { onDelete: "set null" }),
  reviewNote: text("review_note"),
  /** A Stripe Connect account to transfer payouts to (set by the operator). */
  stripeAccountId: text("stripe_account_id"),
  signupIpHash: text("signup_ip_hash"),
  createdAt: createdAt(),
});

/** One-time tokens of affiliates: email verification and sign-in links (only the hash is kept). */
export const affiliateTokens = pgTable("affiliate_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  affiliateId: text("affiliate_id")
    .notNull()
    .references(() => affiliates.id, { onDelete: "cascade" }),
  purpose: text("purpose", { enum: ["verify", "login"] }).notNull(),
  expiresAt: ts("expires_at").notNull(),
  usedAt: ts("used_at"),
  createdAt: createdAt(),
});

/** A referral link (`/r/:code`) of a user (Refer & Earn) or of an affiliate. */
export const referralLinks = pgTable(
  "referral_links",
  {
    id: text("id").primaryKey(),
    code: text("code").notNull().unique(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    affiliateId: text("affiliate_id").references(() => affiliates.id, { onDelete: "cascade" }),
    programId: text("program_id")
      .notNull()
      .references(() => referralPrograms.id),
    campaign: text("campaign"),
    createdAt: createdAt(),
  },
  (t) => [index("referral_links_user").on(t.userId), index("referral_links_affiliate").on(t.affiliateId)],
);

/** A click on a referral link: when, from where (hashed IP and user agent), to which page; flagged when part of a burst. */
export const referralClicks = pgTable(
  "referral_clicks",
  {
    id: text("id").primaryKey(),
    linkId: text("link_id")
      .notNull()
      .references(() => referralLinks.id, { onDelete: "cascade" }),
    /** The first-party cookie's visitor id: the clicks of one browser. */
    visitorId: text("visitor_id").notNull(),
    occurredAt: ts("occurred_at").notNull().defaultNow(),
    referrer: text("referrer"),
    ipHash: text("ip_hash").notNull(),
    uaHash: text("ua_hash").notNull(),
    landingPath: text("landing_path").notNull(),
    flag: text("flag"),
  },
  (t) => [
    index("referral_clicks_link_at").on(t.linkId, t.occurredAt),
    index("referral_clicks_ip_at").on(t.ipHash, t.occurredAt),
    // A returning visitor's burst check on a busy link.
    index("referral_clicks_link_visitor_at").on(t.linkId, t.visitorId, t.occurredAt),
    // The operator's funnel: counted clicks in a date range.
    index("referral_clicks_unflagged_at")
      .on(t.occurredAt, t.linkId)
      .where(sql`flag is null`),
  ],
);

/** The referrer a new workspace is attributed to at signup, and how far it went: activated, paid. */
export const referralAttributions = pgTable(
  "referral_attributions",
  {
    workspaceId: text("workspace_id")
      .primaryKey()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    linkId: text("link_id")
      .notNull()
      .references(() => referralLinks.id, { onDelete: "cascade" }),
    clickId: text("click_id"),
    programId: text("program_id").notNull(),
    referrerUserId: text("referrer_user_id").references(() => users.id, { onDelete: "set null" }),
    referrerAffiliateId: text("referrer_affiliate_id").references(() => affiliates.id, { onDelete: "set null" }),
    signupAt: ts("signup_at").notNull(),
    activatedAt: ts("activated_at"),
    firstPaidAt: ts("first_paid_at"),
    paidInvoices: integer("paid_invoices").notNull().default(0),
    revenueUsd: usd("revenue_usd"),
    signupIpHash: text("signup_ip_hash"),
    /** Fraud checks that matched (self-referral, burst, disposable email…): its commissions are held for review. */
    flags: jsonb("flags")
      .notNull()
      .default(sql`'[]'::jsonb`),
  },
  (t) => [index("referral_attributions_link").on(t.linkId), index("referral_attributions_signup").on(t.signupAt)],
);

/** An earning of a referrer: pending through the hold period, then approved, then paid (or held, reversed, rejected). */
export const referralCommissions = pgTable(
  "referral_commissions",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    linkId: text("link_id").notNull(),
    programId: text("program_id").notNull(),
    referrerUserId: text("referrer_user_id").references(() => users.id, { onDelete: "set null" }),
    referrerAffiliateId: text("referrer_affiliate_id").references(() => affiliates.id, { onDelete: "set null" }),
    kind: text("kind", { enum: ["activation", "conversion", "invoice"] }).notNull(),
    /** What earned it: the call that activated, the invoice paid. Unique per kind: a replayed event earns once. */
    sourceId: text("source_id").notNull(),
    amountUsd: usd("amount_usd"),
    status: text("status", { enum: ["pending", "held", "approved", "paid", "reversed", "rejected"] })
      .notNull()
      .default("pending"),
    holdUntil: ts("hold_until"),
    reasons: jsonb("reasons")
      .notNull()
      .default(sql`'[]'::jsonb`),
    payoutId: text("payout_id"),
    createdAt: createdAt(),
    approvedAt: ts("approved_at"),
    paidAt: ts("paid_at"),
    reversedAt: ts("reversed_at"),
  },
  (t) => [
    uniqueIndex("referral_commissions_source").on(t.kind, t.sourceId),
    index("referral_commissions_user").on(t.referrerUserId),
    index("referral_commissions_affiliate").on(t.referrerAffiliateId),
    index("referral_commissions_status_hold").on(t.status, t.holdUntil),
  ],
);

/** Money sent to a referrer for approved commissions: marked paid by the operator, or a Stripe Connect transfer. */
export const referralPayouts = pgTable("referral_payouts", {
  id: text("id").primaryKey(),
  referrerUserId: text("referrer_user_id").references(() => users.id, { onDelete: "set null" }),
  referrerAffiliateId: text("referrer_affiliate_id").references(() => affiliates.id, { onDelete: "set null" }),
  amountUsd: usd("amount_usd"),
  status: text("status", { enum: ["pending", "paid", "failed"] })
    .notNull()
    .default("pending"),
  method: text("method", { enum: ["manual", "stripe_connect"] }).notNull(),
  transferId: text("transfer_id"),
  error: text("error"),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  paidAt: ts("paid_at"),
});

/**
 * Sales practice (docs/practice.md). Personas and scenarios of the workspace (the built-in library is
 * code, `@orbis/practice`); sessions, their turns, goals, activities and what-if scenarios belong to a
 * rep: RLS lets the rep and the workspace's owners and admins read them (`app.user_id`,
 * `app.member_role`, set per transaction by the practice repository).
 */
export const practicePersonas = pgTable("practice_personas", {
  id: text("id").primaryKey(),
  workspaceId: workspaceRef(),
  /** The persona as entered (`personaInputSchema`). */
  definition: jsonb("definition").notNull(),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const practiceScenarios = pgTable("practice_scenarios", {
  id: text("id").primaryKey(),
  workspaceId: workspaceRef(),
  /** The scenario as entered (`scenarioInputSchema`). */
  definition: jsonb("definition").notNull(),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const practiceSessions = pgTable(
  "practice_sessions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    /** The rep: the owner of the session. */
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    personaId: text("persona_id").notNull(),
    scenarioId: text("scenario_id").notNull(),
    /** The persona and scenario as they were when the session started (they may change or go later). */
    persona: jsonb("persona").notNull(),
    scenario: jsonb("scenario").notNull(),
    status: text("status", { enum: ["live", "completed", "abandoned"] })
      .notNull()
      .default("live"),
    channel: text("channel", { enum: ["web", "twilio", "telnyx"] })
      .notNull()
      .default("web"),
    startedAt: ts("started_at").notNull().defaultNow(),
    endedAt: ts("ended_at"),
    durationSec: integer("duration_sec"),
    endReason: text("end_reason"),
    usage: jsonb("usage")
      .notNull()
      .default(sql`'{}'::jsonb`),
    costUsd: usd("cost_usd"),
    /** `practiceScoreSchema`, written when the session ends. */
    score: jsonb("score"),
    overallScore: integer("overall_score"),
    /** By phone: the practice line the rep dials (docs/practice.md, "By phone"). */
    phoneNumberId: text("phone_number_id").references(() => phoneNumbers.id, { onDelete: "set null" }),
    /** By phone: the HMAC of the one-use dial-in code; cleared when the code is used. */
    phoneCodeHash: text("phone_code_hash"),
    phoneCodeExpiresAt: ts("phone_code_expires_at"),
    /** Whether the session is recorded (the workspace's practice setting when it started). */
    recordAudio: boolean("record_audio").notNull().default(false),
    /** Where its recording went (`RecordingStore` location); null: none, failed, or purged by retention. */
    recordingPath: text("recording_path"),
    /** The workspace's practice price per minute in force when the session started (`practice_prices`); null: none set. */
    pricePerMinuteUsd: numeric("price_per_minute_usd", { precision: 14, scale: 8, mode: "number" }),
    /** Minutes × that price, written when the session ends; later price changes never rewrite it. */
    chargeUsd: numeric("charge_usd", { precision: 14, scale: 8, mode: "number" }),
    /** When retention removed its transcript (turns, quotes, recording). */
    transcriptPurgedAt: ts("transcript_purged_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("practice_sessions_user").on(t.workspaceId, t.userId, t.startedAt),
    index("practice_sessions_ws_started").on(t.workspaceId, t.startedAt),
    index("practice_sessions_phone_code").on(t.workspaceId, t.phoneCodeHash),
  ],
);

export const practiceTurns = pgTable(
  "practice_turns",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    sessionId: text("session_id")
      .notNull()
      .references(() => practiceSessions.id, { onDelete: "cascade" }),
    /** The session's rep (for the row policy). */
    userId: text("user_id").notNull(),
    seq: integer("seq").notNull(),
    speaker: text("speaker", { enum: ["rep", "prospect"] }).notNull(),
    text: text("text").notNull(),
    atMs: integer("at_ms").notNull(),
    speechMs: integer("speech_ms").notNull(),
    interrupted: boolean("interrupted").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("practice_turns_session_seq").on(t.sessionId, t.seq)],
);

export const practiceGoals = pgTable(
  "practice_goals",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    /** Null: a team goal (everyone's activities count). */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    metric: text("metric", { enum: ["calls", "meetings_booked", "practice_sessions", "average_score", "revenue"] }).notNull(),
    target: numeric("target", { precision: 14, scale: 2, mode: "number" }).notNull(),
    period: text("period", { enum: ["week", "month", "quarter"] }).notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("practice_goals_user").on(t.workspaceId, t.userId)],
);

export const practiceActivities = pgTable(
  "practice_activities",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["call", "meeting_booked", "email", "practice_session", "deal_won", "note"] }).notNull(),
    amountUsd: numeric("amount_usd", { precision: 14, scale: 2, mode: "number" }),
    note: text("note").notNull().default(""),
    source: text("source", { enum: ["manual", "api", "practice"] }).notNull(),
    practiceSessionId: text("practice_session_id").references(() => practiceSessions.id, { onDelete: "set null" }),
    occurredAt: ts("occurred_at").notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [index("practice_activities_user").on(t.workspaceId, t.userId, t.occurredAt), uniqueIndex("practice_activities_session").on(t.practiceSessionId)],
);

export const whatIfScenarios = pgTable(
  "what_if_scenarios",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** `whatIfInputSchema`. */
    inputs: jsonb("inputs").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("what_if_scenarios_user").on(t.workspaceId, t.userId)],
);

/** A workspace's sales practice settings (no row: the defaults). */
export const practiceSettings = pgTable("practice_settings", {
  workspaceId: workspaceRef().primaryKey(),
  /** Sessions are recorded (two-channel WAV through the `RecordingStore`), as calls of agents with `recordCalls`. */
  recordSessions: boolean("record_sessions").notNull().default(true),
  /** Practice transcripts (turns, quotes) and recordings older than this many days are purged by the retention job. */
  transcriptRetentionDays: integer("transcript_retention_days").notNull().default(365),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** The practice price per minute over time: a session takes the row in force when it starts. Rows are never changed. */
export const practicePrices = pgTable(
  "practice_prices",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    pricePerMinuteUsd: numeric("price_per_minute_usd", { precision: 14, scale: 8, mode: "number" }).notNull(),
    effectiveFrom: ts("effective_from").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("practice_prices_effective").on(t.workspaceId, t.effectiveFrom)],
);

/** The operator's per-workspace feature overrides over the plan's features. */
export const featureFlags = pgTable(
  "feature_flags",
  {
    workspaceId: workspaceRef(),
    flag: text("flag").notNull(),
    enabled: boolean("enabled").notNull(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.flag] })],
);

/** Tables whose rows belong to one workspace; each gets the RLS policy (see migrations/…_rls.sql). */
export const TENANT_TABLES = [
  "memberships",
  "invitations",
  "api_keys",
  "agents",
  "agent_versions",
  "calls",
  "call_turns",
  "audit_logs",
  "appointments",
  "messages",
  "agent_tools",
  "calendar_feeds",
  "phone_numbers",
  "workspace_credentials",
  "call_events",
  "user_sessions",
  "agent_test_scenarios",
  "agent_test_runs",
  "domain_events",
  "webhook_endpoints",
  "webhook_deliveries",
  "emails",
  "sms_messages",
  "sms_opt_outs",
  "billing_subscriptions",
  "stripe_events",
  "usage_records",
  "usage_daily",
  "billing_alerts",
  "usage_meter_reports",
  "practice_personas",
  "practice_scenarios",
  "practice_sessions",
  "practice_turns",
  "practice_goals",
  "practice_activities",
  "what_if_scenarios",
  "feature_flags",
  "practice_settings",
  "practice_prices",
  "calendar_connections",
  "calendar_event_links",
  "campaigns",
  "campaign_contacts",
  "do_not_call",
] as const;

// ─── Calendar connections (Google Calendar, Microsoft 365): docs/calendars.md ───

/** A calendar entry of a connection as the dashboard chooses among them. */
export interface CalendarChoice {
  id: string;
  name: string;
  primary: boolean;
  /** Its busy times block the receptionist's availability. */
  blocks: boolean;
}

/**
 * A workspace's (or one staff member's) Google or Microsoft account, connected by OAuth. `tokens` is
 * sealed (AES-256-GCM, bound to the workspace and the connection) and holds the refresh and access tokens.
 */
export const calendarConnections = pgTable(
  "calendar_connections",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    provider: text("provider", { enum: ["google", "microsoft"] }).notNull(),
    /** Who connected it. */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    /** The business's staff member (its id in the business config) whose calendar this is; null: the whole business. */
    staffId: text("staff_id"),
    accountEmail: text("account_email").notNull().default(""),
    tokens: text("tokens").notNull(),
    accessExpiresAt: ts("access_expires_at"),
    calendars: jsonb("calendars").$type<CalendarChoice[]>().notNull().default([]),
    /** Where our bookings are written; null: none. */
    bookingCalendarId: text("booking_calendar_id"),
    status: text("status", { enum: ["active", "error"] })
      .notNull()
      .default("active"),
    lastError: text("last_error"),
    lastSyncedAt: ts("last_synced_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("calendar_connections_workspace").on(t.workspaceId)],
);

/** One appointment's event in one connection's calendar: the id the provider gave it and how its sync went. */
export const calendarEventLinks = pgTable(
  "calendar_event_links",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    appointmentId: text("appointment_id")
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    connectionId: text("connection_id")
      .notNull()
      .references(() => calendarConnections.id, { onDelete: "cascade" }),
    calendarId: text("calendar_id"),
    externalEventId: text("external_event_id"),
    /** pending: to be (re)written; synced: their event matches; removed: their event is gone; failed: gave up. */
    status: text("status", { enum: ["pending", "synced", "removed", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    claimedUntil: ts("claimed_until"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("calendar_event_links_pair").on(t.appointmentId, t.connectionId), index("calendar_event_links_pending").on(t.status, t.updatedAt)],
);

// ─── Outbound campaigns: docs/campaigns.md ───

/** An agent calling a list of contacts from one of the workspace's numbers, inside calling windows. */
export const campaigns = pgTable(
  "campaigns",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    fromNumber: text("from_number").notNull(),
    type: text("type", { enum: ["standard", "appointment_reminder"] }).notNull(),
    status: text("status", { enum: ["draft", "running", "paused", "completed", "cancelled"] })
      .notNull()
      .default("draft"),
    /** Local time of each contact: `HH:MM` bounds and ISO weekdays (1 = Monday). */
    window: jsonb("window").$type<{ start: string; end: string; days: number[] }>().notNull(),
    allowOutsideQuietHours: boolean("allow_outside_quiet_hours").notNull().default(false),
    maxConcurrent: integer("max_concurrent").notNull(),
    maxAttempts: integer("max_attempts").notNull(),
    backoffMinutes: integer("backoff_minutes").notNull(),
    machineDetection: text("machine_detection", { enum: ["hangup", "voicemail", "off"] }).notNull(),
    voicemailMessage: text("voicemail_message"),
    opening: text("opening"),
    lastError: text("last_error"),
    startedAt: ts("started_at"),
    completedAt: ts("completed_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("campaigns_ws_created").on(t.workspaceId, t.createdAt, t.id), index("campaigns_status").on(t.status)],
);

/** One person a campaign calls; consent and its source are kept with them (every call records both). */
export const campaignContacts = pgTable(
  "campaign_contacts",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    campaignId: text("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    phone: text("phone").notNull(),
    name: text("name").notNull().default(""),
    timezone: text("timezone").notNull(),
    variables: jsonb("variables").$type<Record<string, string>>().notNull().default({}),
    consent: boolean("consent").notNull(),
    consentSource: text("consent_source").notNull(),
    status: text("status", { enum: ["pending", "calling", "done", "failed", "skipped_dnc", "skipped_no_consent"] })
      .notNull()
      .default("pending"),
    outcome: text("outcome", {
      enum: ["booked", "rescheduled", "cancelled", "message", "voicemail", "no_answer", "busy", "declined", "failed", "completed"],
    }),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    lastAttemptAt: ts("last_attempt_at"),
    /** No foreign key: calls are purged by retention while the result stays. */
    lastCallId: text("last_call_id"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("campaign_contacts_phone").on(t.campaignId, t.phone),
    index("campaign_contacts_due").on(t.campaignId, t.status, t.nextAttemptAt),
    index("campaign_contacts_list").on(t.campaignId, t.createdAt, t.id),
  ],
);

/** The workspace's do-not-call list: no campaign calls these numbers. */
export const doNotCall = pgTable(
  "do_not_call",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    phone: text("phone").notNull(),
    reason: text("reason").notNull().default(""),
    source: text("source", { enum: ["manual", "call", "sms", "import"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("do_not_call_phone").on(t.workspaceId, t.phone), index("do_not_call_ws_created").on(t.workspaceId, t.createdAt, t.id)],
);
