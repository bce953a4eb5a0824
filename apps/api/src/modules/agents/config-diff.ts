import type { AgentConfig, ConfigChange } from "@orbis/contracts";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function walk(before: unknown, after: unknown, path: string, out: ConfigChange[]): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) out.push({ path: `${path}.${i}`, after: after[i] });
      else if (i >= after.length) out.push({ path: `${path}.${i}`, before: before[i] });
      else walk(before[i], after[i], `${path}.${i}`, out);
    }
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort()) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in before)) out.push({ path: at, after: after[key] });
      else if (!(key in after)) out.push({ path: at, before: before[key] });
      else walk(before[key], after[key], at, out);
    }
    return;
  }
  if (before !== after) out.push({ path, before, after });
}

/**
 * Every leaf that differs between two agent configs, as `{ path, before, after }`: objects and arrays are
 * walked (array items by index), scalars compared. An empty list means the configs are equal.
 */
export function diffAgentConfigs(before: AgentConfig, after: AgentConfig): ConfigChange[] {
  const out: ConfigChange[] = [];
  walk(before, after, "", out);
  return out;
}

export const sameAgentConfig = (a: AgentConfig, b: AgentConfig): boolean => diffAgentConfigs(a, b).length === 0;
