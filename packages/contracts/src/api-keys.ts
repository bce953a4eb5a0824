import { z } from "zod";
import { idSchema } from "./ids.ts";

export const apiKeyKindSchema = z.enum(["publishable", "secret"]);

const originSchema = z
  .string()
  .trim()
  .refine((o) => {
    if (o === "*") return false;
    try {
      const u = new URL(o);
      return (u.protocol === "http:" || u.protocol === "https:") && u.origin === o.replace(/\/$/, "");
    } catch {
      return false;
    }
  }, "must be an origin like https://example.com (scheme, host, optional port)")
  .transform((o) => o.replace(/\/$/, ""));

export const createApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    kind: apiKeyKindSchema,
    allowedOrigins: z.array(originSchema).max(50).default([]),
  })
  .refine((k) => k.kind === "secret" || k.allowedOrigins.length > 0, {
    message: "a publishable key needs at least one allowed origin",
    path: ["allowedOrigins"],
  });

export const apiKeySchema = z.object({
  id: idSchema("apiKey"),
  name: z.string(),
  kind: apiKeyKindSchema,
  prefix: z.string(),
  allowedOrigins: z.array(z.string()),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ApiKeyDto = z.infer<typeof apiKeySchema>;

/** Returned once, on creation: the only time the full key is visible. */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string() });
