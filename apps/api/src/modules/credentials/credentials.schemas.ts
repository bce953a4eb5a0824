import { z } from "zod";
import { credentialMetadataSchema, credentialProviderSchema } from "@orbis/contracts";

export const credentialListSchema = z.object({ data: z.array(credentialMetadataSchema) });

/**
 * What `POST /v1/credentials/:provider/test` found: `ok` the vendor accepted the key; `format_ok` the
 * stored values are well-formed but nobody was asked (carriers: no offline check); `unauthorized` the
 * vendor refused the key (401/403); `unreachable` no answer; `error` another failure; `unchecked` the
 * vendor has no health check.
 */
export const credentialTestResultSchema = z.object({
  provider: credentialProviderSchema,
  result: z.enum(["ok", "format_ok", "unauthorized", "unreachable", "error", "unchecked"]),
  message: z.string(),
});
export type CredentialTestResult = z.infer<typeof credentialTestResultSchema>;
