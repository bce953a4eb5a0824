import { z } from "zod";
import { idSchema } from "./ids.ts";

/** Browser stream protocol (docs/protocols.md): JSON text frames; binary frames are PCM16 LE mono. */

export const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), sampleRate: z.number().int().min(8000).max(48000).optional() }),
  z.object({ type: z.literal("text"), text: z.string().trim().min(1).max(2000) }),
  z.object({ type: z.literal("dtmf"), digit: z.string().regex(/^[0-9*#]$/) }),
  z.object({ type: z.literal("end") }).loose(),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion("type", [
  /** `callId` is the call's id, or the practice session's (`prs_…`) when the stream is a sales practice session. */
  z.object({ type: z.literal("ready"), callId: z.union([idSchema("call"), idSchema("practiceSession")]), sampleRate: z.number().int() }),
  z.object({ type: z.literal("transcript"), role: z.enum(["user", "agent"]), text: z.string(), final: z.boolean() }),
  z.object({ type: z.literal("interrupt") }),
  z.object({ type: z.literal("tool"), name: z.string(), status: z.enum(["started", "succeeded", "failed"]) }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
  z.object({ type: z.literal("end"), reason: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export const CLOSE_CODES = {
  normal: 1000,
  /** The server is shutting down (after `end {reason: "server_shutdown"}`); a new call may go to another gateway. */
  serverShutdown: 1012,
  /** Also: no `start` within the start timeout, or a voice token already used for a call. */
  invalidAgentOrToken: 4000,
  rateLimited: 4001,
  idleTimeout: 4002,
  quotaExceeded: 4003,
  protocolError: 4004,
  internal: 1011,
} as const;

export const createVoiceSessionBodySchema = z.object({ agentId: idSchema("agent") });
export const voiceSessionSchema = z.object({ token: z.string(), url: z.string(), expiresAt: z.string() });
