import { describe, expect, it } from "vitest";
import { businessConfigSchema, businessTemplateSchema, type BusinessConfig } from "@orbis/contracts";
import { fixedWallClock } from "@orbis/ports";
import { BUSINESS_TEMPLATES, InMemoryCalendar, InMemoryMessageSink, businessFromTemplate, createReceptionistBrain, getBusinessTemplate } from "../src/index.ts";
import { Conversation, NOW } from "./harness.ts";

const HARBOR = { name: "Harbor Physio", timezone: "America/New_York", phone: "+16175550111", email: "hello@harborphysio.example" };

/** Everything the dental template's fictional example business knows that a real business must not inherit. */
function dentalSampleFacts(): string[] {
  const sample = getBusinessTemplate("dental").business;
  return [
    sample.name,
    sample.phone,
    sample.email,
    sample.website,
    sample.escalationPhone ?? "",
    sample.address?.line1 ?? "",
    sample.address?.city ?? "",
    "pharmacy",
    ...sample.staff.map((s) => s.name),
  ].filter(Boolean);
}

describe("templates", () => {
  it("five verticals, each a valid template of suggestions with services and FAQs", () => {
    expect(BUSINESS_TEMPLATES.map((t) => t.id)).toEqual(["dental", "home_services", "auto_repair", "salon_spa", "generic"]);
    for (const t of BUSINESS_TEMPLATES) {
      expect(businessTemplateSchema.parse(t)).toEqual(t);
      expect(t.suggestions.services.length).toBeGreaterThanOrEqual(2);
      expect(t.suggestions.faqs.length).toBeGreaterThanOrEqual(2);
    }
  });

  it("offer no business facts: no name, address, phone, email or staff of the example business", () => {
    for (const t of BUSINESS_TEMPLATES) {
      const sample = getBusinessTemplate(t.id).business;
      const offered = JSON.stringify(t);
      expect(offered).not.toContain(sample.name);
      if (sample.address) expect(offered).not.toContain(sample.address.line1);
      if (sample.phone) expect(offered).not.toContain(sample.phone);
      for (const s of sample.staff) expect(offered).not.toMatch(new RegExp(`"${s.id}"`));
      expect(t.suggestions.services.every((s) => s.staffIds.length === 0)).toBe(true);
      expect(Object.keys(t.suggestions)).not.toContain("staff");
    }
  });

  it("a business built from a template carries the business's own facts and the template's suggestions", () => {
    const dental = BUSINESS_TEMPLATES[0]!;
    const b = businessFromTemplate(dental, HARBOR);
    expect(b).toMatchObject({ ...HARBOR, address: null, staff: [], escalationPhone: null, website: "" });
    expect(b.services.map((s) => s.id)).toEqual(dental.suggestions.services.map((s) => s.id));
    expect(b.hours).toEqual(dental.suggestions.hours);
    const text = JSON.stringify(b);
    for (const fact of dentalSampleFacts()) expect(text).not.toContain(fact);
  });

  it("business config rejects unknown staff ids and bad time zones", () => {
    const base = getBusinessTemplate("dental").business;
    expect(businessConfigSchema.safeParse({ ...base, timezone: "Mars/Olympus" }).success).toBe(false);
    expect(businessConfigSchema.safeParse({ ...base, services: [{ id: "x", name: "X", durationMin: 30, staffIds: ["ghost"] }] }).success).toBe(false);
    expect(businessConfigSchema.safeParse({ ...base, hours: { ...base.hours, mon: [{ open: "17:00", close: "09:00" }] } }).success).toBe(false);
  });

  it("a stored business greeting is dropped: the business data no longer carries one", () => {
    const parsed = businessConfigSchema.parse({ ...businessFromTemplate(BUSINESS_TEMPLATES[0]!, HARBOR), greeting: "Thanks for calling Bright Smile Dental" });
    expect(JSON.stringify(parsed)).not.toContain("Bright Smile");
  });
});

describe("an agent created from the dental template for Harbor Physio", () => {
  /** Replaces the example business the harness starts from with Harbor Physio's, built from the template. */
  const harbor = (b: BusinessConfig) => {
    const own = businessFromTemplate(BUSINESS_TEMPLATES[0]!, HARBOR);
    for (const key of Object.keys(b)) delete (b as Record<string, unknown>)[key];
    Object.assign(b, own);
  };

  it("greets with its own name and says nothing of the template's business across a booking", async () => {
    const c = new Conversation("dental", { mutate: harbor });
    expect((await c.greet()).text).toMatch(/Harbor Physio/);
    expect((await c.say("Hi, I'd like to book a cleaning next Tuesday afternoon")).text).toMatch(/Tuesday, March 10/);
    expect((await c.say("the second one")).text).toMatch(/name/);
    expect((await c.say("My name is Jane Smith")).text).toMatch(/phone number/);
    expect((await c.say("five five five, two one two, one two three four")).text).toMatch(/confirm: a cleaning .*Tuesday, March 10 at 2 PM, for Jane Smith/);
    expect((await c.say("yes please")).text).toMatch(/all set/);
    await c.say("where are you located?");
    await c.say("who will I see?");
    await c.say("can I talk to a person?");
    expect(await c.booked()).toHaveLength(1);
    const said = c.transcript.filter((l) => l.startsWith("agent: ")).join("\n");
    for (const fact of dentalSampleFacts()) expect(said, c.transcript.join("\n")).not.toContain(fact);
  });

  it("the agent's Greeting field is what callers hear; empty, the phrase with the business's own name", async () => {
    const clock = fixedWallClock(NOW);
    const business = businessFromTemplate(BUSINESS_TEMPLATES[0]!, HARBOR);
    const start = (greeting?: string) =>
      createReceptionistBrain({
        business,
        calendar: new InMemoryCalendar(clock),
        messages: new InMemoryMessageSink(clock),
        clock,
        ...(greeting ? { greeting } : {}),
      }).startSession({ callId: "call_test0000000000000000", workspaceId: "ws_test", agentId: "agt_test00000000000000000", channel: "web" });
    const first = async (greeting?: string) => {
      const said: string[] = [];
      for await (const e of start(greeting).greet(new AbortController().signal)) if (e.type === "text") said.push(e.text);
      return said.join(" ");
    };
    expect(await first("Harbor Physio, this is Sam. What can I do for you?")).toBe("Harbor Physio, this is Sam. What can I do for you?");
    expect(await first()).toBe("Thanks for calling Harbor Physio. How can I help you today?");
  });
});
