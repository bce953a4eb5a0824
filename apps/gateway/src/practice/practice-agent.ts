import { agentConfigSchema, type AgentConfig, type PersonaDto, type ScenarioDto } from "@orbis/contracts";
import type { FliteVoice } from "@orbis/providers";

/** The offline voices (flite); a persona naming another voice is heard in the default one. */
const OFFLINE_VOICES: ReadonlySet<string> = new Set<FliteVoice>(["slt", "kal16", "rms", "awb", "kal"]);
const DEFAULT_VOICE: FliteVoice = "slt";

/** Idle sessions are closed this long after the scenario's time limit at the latest (the limit itself ends them first). */
const IDLE_MARGIN_SEC = 60;

/**
 * The agent config a practice session runs the pipeline with: the defaults an agent gets, the persona's
 * voice, the offline speech stack, no tools, recorded when the session is (`record`: the workspace's
 * practice setting when it started), and an idle timeout past the scenario's time
 * limit (the limit, not idleness, ends a quiet session). The prospect brain itself comes from the
 * persona and scenario, not from this config.
 */
export function practiceAgentConfig(persona: PersonaDto, scenario: ScenarioDto, record = false): AgentConfig {
  return agentConfigSchema.parse({
    name: `${persona.name} (practice)`,
    greeting: "",
    voice: OFFLINE_VOICES.has(persona.voice) ? persona.voice : DEFAULT_VOICE,
    tools: [],
    recordCalls: record,
    idleTimeoutSec: Math.min(4 * 3600, scenario.timeLimitSec + IDLE_MARGIN_SEC),
  });
}
