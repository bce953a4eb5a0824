import { BUSINESS_TEMPLATES } from "@orbis/brain";

/** Vertical business templates: product content, the same for every workspace. */
export function createTemplatesService() {
  return {
    list: () => [...BUSINESS_TEMPLATES],
  };
}
export type TemplatesService = ReturnType<typeof createTemplatesService>;
