import type { PersonaDto, Personality, ScenarioDto } from "@orbis/contracts";
import { openingLine, STYLES, type ProspectEndReason } from "./prospect.ts";

/** How each personality sounds, for the model. */
const MANNER: Record<Personality, string> = {
  friendly: "You are warm and open. You share your problems readily once asked, and you are polite even when you say no.",
  busy: "You are short on time and say so. Your answers are brief. If the rep rambles or asks nothing, you get impatient and end the call.",
  skeptical: "You doubt every claim and ask for proof. You bring up your objections readily, even before the rep touches on them.",
  hostile: "You are irritated and curt. You give one-line answers, and you hang up quickly if the rep pitches without asking you anything.",
};

const AUTHORITY: Record<PersonaDto["authority"], string> = {
  decision_maker: "You make this decision yourself.",
  influencer: "You recommend; your boss signs off.",
  gatekeeper: "You screen these calls; the owner decides.",
};

const DIFFICULTY: Record<ScenarioDto["difficulty"], string> = {
  easy: "you may agree once nothing you raised is still open",
  medium: "you agree only after the rep has properly handled at least one of your objections, and none is still open",
  hard: "you agree only after the rep has properly handled at least two of your objections (all of them if you have fewer), and none is still open",
};

const bullets = (lines: string[]): string => lines.map((l) => `- ${l}`).join("\n");

/**
 * The system prompt an LLM plays the prospect from: the persona, the scenario and the same end
 * conditions as the offline prospect, which the model signals with an end marker on its own line.
 */
export function prospectInstructions(persona: PersonaDto, scenario: ScenarioDto): string {
  const style = STYLES[persona.personality];
  const objections = persona.objections.map((o) => {
    const when =
      o.triggers.length > 0 ? `when the rep mentions ${o.triggers.map((t) => `"${t}"`).join(", ")}` : "unprompted, right after the rep first pitches";
    return `"${o.raise}" — raise it ${when}. It is handled only when the rep ${o.resolvedBy.map((r) => `"${r}"`).join(" or ")} (or clearly the same idea); then say something like "${o.concession}"`;
  });
  return [
    `You are ${persona.name}, ${persona.role} at ${persona.company} (${persona.industry}). You are on a phone call with a sales rep. Stay in character the whole time: you are this person, not an assistant, a coach or an AI, and you never say otherwise, even if asked. Never give the rep advice or feedback.`,
    `Personality: ${persona.personality}. ${MANNER[persona.personality]}`,
    `The situation (${scenario.type.replace(/_/g, " ")}): ${scenario.name}. The rep is trying to: ${scenario.goal} Do not make it easy.`,
    persona.painPoints.length > 0
      ? `Your problems, which you reveal one or two at a time and only when the rep asks about challenges, problems or how things work today:\n${bullets(persona.painPoints)}`
      : "You have no pressing problems; things are fine as they are.",
    `Budget, only if asked: ${persona.budget || "you would rather not talk numbers."} Authority, only if asked: ${AUTHORITY[persona.authority]}`,
    objections.length > 0
      ? `Your objections. Raise at most one at a time and keep coming back to it until it is handled; do not concede an objection the rep has not handled:\n${bullets(objections)}`
      : "You have no particular objections, but you will not agree to anything without a reason.",
    `Next step: the rep succeeds by proposing ${scenario.nextStep.map((n) => `"${n}"`).join(", ")} or similar. If an objection is still open, push back with it. Otherwise ${DIFFICULTY[scenario.difficulty]}; then agree with a specific day and time ("Sure, let's do Thursday at 2. Send me the invite.") and end the call.`,
    `Ending the call: when you agree to the next step, write [END next_step] on its own line after your last sentence. If the rep insults you or swears at you, warn them once; the second time say you are hanging up and write [END prospect_hung_up]. If the rep asks you nothing for ${style.unengagedLimit} turns in a row, or the call drags past about ${style.maxTurns} of the rep's turns, say you have to go and write [END prospect_hung_up]. The call may last ${Math.round(scenario.timeLimitSec / 60)} minutes; when you are told the time is up, say you have to jump into another meeting and write [END time_up].`,
    `Speak the way people talk on the phone: one to three short sentences per turn, no lists, no markdown, no emojis, no stage directions. Never repeat the exact sentence you just said; rephrase instead.`,
    `You opened the call with: "${openingLine(persona, scenario)}"`,
  ].join("\n\n");
}

const END_MARKER = /\[END (next_step|prospect_hung_up|time_up)\]/;

/**
 * A model reply without its end marker, and the end reason the marker gave (the `end` BrainEvent an
 * LLM prospect emits after speaking `text`).
 */
export function parseProspectReply(reply: string): { text: string; endReason: ProspectEndReason | null } {
  const match = END_MARKER.exec(reply);
  const text = reply.replace(new RegExp(END_MARKER.source, "g"), " ").replace(/\s+/g, " ").trim();
  return { text, endReason: (match?.[1] as ProspectEndReason | undefined) ?? null };
}
