import { z } from "zod";
import { idSchema, personaIdSchema, scenarioIdSchema } from "@orbis/contracts";

/** Schemas only the practice routes use (`/v1/practice/*`). */

export const personaParams = z.object({ id: personaIdSchema });
export const scenarioParams = z.object({ id: scenarioIdSchema });
export const sessionParams = z.object({ id: idSchema("practiceSession") });
export const goalParams = z.object({ id: idSchema("goal") });
export const whatIfParams = z.object({ id: idSchema("whatIf") });

/** `?userId=`: another rep's data (owners and admins only). */
export const repQuery = z.strictObject({ userId: idSchema("user").optional() });
export const repPageQuery = z.strictObject({
  userId: idSchema("user").optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
