import { z } from "zod";

/** The workspace's secret iCal feed URL. */
export const feedUrlSchema = z.object({ url: z.string(), createdAt: z.string() });
