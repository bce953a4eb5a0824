import { createId, type WhatIfInput } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { projectWhatIf } from "@orbis/practice";
import { found } from "../../lib/found.ts";
import { assertMember, type PracticeCaller } from "./practice-access.ts";
import { toWhatIfDto } from "./practice.mappers.ts";

/** The what-if calculator: a projection on demand (nothing kept), and each rep's saved scenarios (theirs alone). */
export function createWhatIfService() {
  return {
    project: (input: WhatIfInput) => projectWhatIf(input),

    async list(tenant: TenantScope, caller: PracticeCaller) {
      assertMember(caller);
      return { data: (await tenant.practice.listWhatIf(caller.viewer)).map((row) => toWhatIfDto(row, projectWhatIf)) };
    },

    async save(tenant: TenantScope, caller: PracticeCaller, input: WhatIfInput) {
      assertMember(caller);
      return toWhatIfDto(await tenant.practice.insertWhatIf(caller.viewer, { id: createId("whatIf"), inputs: input }), projectWhatIf);
    },

    async remove(tenant: TenantScope, caller: PracticeCaller, id: string) {
      assertMember(caller);
      found((await tenant.practice.deleteWhatIf(caller.viewer, id)) || undefined, "What-if scenario");
    },
  };
}
export type WhatIfService = ReturnType<typeof createWhatIfService>;
