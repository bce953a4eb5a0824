import { DateTime } from "luxon";
import type { BusinessConfig } from "@orbis/contracts";
import { WEEKDAYS } from "@orbis/contracts";
import { describeLocation, formatPrice, spokenClock } from "../knowledge.ts";
import type { AnyTool } from "../tools/tool.ts";
import { toolJsonSchema } from "../tools/tool.ts";
import type { ToolSpec } from "@orbis/ports";

export function toolSpecs(tools: readonly AnyTool[]): ToolSpec[] {
  return tools.map((t) => ({ name: t.name, description: t.description, parameters: toolJsonSchema(t) }));
}

/**
 * The system prompt: the agent's own instructions, then the business facts (so the model answers
 * from them instead of guessing), then the tools. Ids are included because the tools take ids.
 */
export function buildSystemPrompt(p: { agentPrompt: string; business: BusinessConfig; tools: readonly AnyTool[]; now: Date }): string {
  const b = p.business;
  const now = DateTime.fromJSDate(p.now, { zone: b.timezone });
  const lines: string[] = [];
  lines.push(p.agentPrompt.trim() || `You are the phone receptionist of ${b.name}. Be brief, friendly and accurate.`);
  lines.push("");
  lines.push("Replies are spoken aloud: short sentences, no lists, no markdown, no URLs.");
  lines.push(`Current local time: ${now.toFormat("cccc, LLLL d, yyyy h:mm a")} (${b.timezone}).`);
  lines.push("");
  lines.push(`# Business: ${b.name}`);
  if (b.phone) lines.push(`Phone: ${b.phone}`);
  const loc = describeLocation(b);
  if (loc) lines.push(`Address: ${loc}`);
  lines.push("Hours:");
  for (const d of WEEKDAYS) {
    const iv = b.hours[d];
    lines.push(`- ${d}: ${iv.length ? iv.map((i) => `${spokenClock(i.open)}-${spokenClock(i.close)}`).join(", ") : "closed"}`);
  }
  const upcoming = b.closures.filter((c) => c.date >= (now.toISODate() as string)).slice(0, 5);
  if (upcoming.length) {
    lines.push("Closures:");
    for (const c of upcoming)
      lines.push(`- ${c.date} ${c.name}: ${c.hours.length ? c.hours.map((i) => `${spokenClock(i.open)}-${spokenClock(i.close)}`).join(", ") : "closed"}`);
  }
  lines.push("Services (id: name, duration, price):");
  for (const s of b.services) {
    const staff = s.staffIds.length ? `; staff: ${s.staffIds.join(", ")}` : "";
    lines.push(`- ${s.id}: ${s.name}, ${s.durationMin} min, ${formatPrice(s) ?? "price on request"}${staff}`);
  }
  if (b.staff.length) {
    lines.push("Staff (id: name, role):");
    for (const st of b.staff) lines.push(`- ${st.id}: ${st.name}${st.role ? `, ${st.role}` : ""}`);
  }
  if (b.faqs.length) {
    lines.push("FAQ:");
    for (const f of b.faqs) lines.push(`- Q: ${f.question} A: ${f.answer}`);
  }
  lines.push("");
  lines.push("# Tools");
  lines.push("Call a tool instead of guessing. Confirm service, day, time, name and phone before book_appointment.");
  lines.push(b.escalationPhone ? "Use transfer_call when the caller asks for a person." : "No one can take transfers: use take_message instead.");
  for (const t of p.tools) lines.push(`- ${t.name}: ${t.description} Arguments: ${JSON.stringify(toolJsonSchema(t))}`);
  return lines.join("\n");
}
