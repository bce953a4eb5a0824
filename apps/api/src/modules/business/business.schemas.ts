import { z } from "zod";
import { businessConfigSchema } from "@orbis/contracts";

/** The agent's business config, or the generic template (`configured: false`) when none is set. */
export const effectiveBusinessSchema = z.object({ configured: z.boolean(), business: businessConfigSchema });
