import { describe, expect, it } from "vitest";
import { Conversation } from "./harness.ts";

/** `preview`: the first sentence of the answer, worked out before the turn has ended, with no side effects. */
describe("ReceptionistSession.preview", () => {
  const preview = (c: Conversation, text: string) => c.session.preview!({ kind: "speech", text }, new AbortController().signal);

  it("is the first sentence the turn then says, and leaves the conversation where it was", async () => {
    const c = new Conversation("dental");
    await c.greet();
    for (const line of ["what are your opening hours", "I'd like to book a cleaning", "next Tuesday afternoon"]) {
      const ahead = await preview(c, line);
      // Asked twice: the first preview changed nothing.
      expect(await preview(c, line)).toBe(ahead);
      const turn = await c.say({ kind: "speech", text: line });
      expect(ahead, line).toBe(turn.texts[0]);
    }
  });

  it("stops before a tool: confirming a booking books nothing, and the real turn still books", async () => {
    const c = new Conversation("dental", { caller: "+12125550123" });
    await c.greet();
    await c.say("I'd like a cleaning next Tuesday afternoon");
    await c.say("the first one");
    await c.say("my name is Jane Doe");
    const confirm = await c.say("yes");
    expect(confirm.text).toMatch(/shall i book it/i);
    // The answer starts with the booking itself: nothing can be said before it is made.
    expect(await preview(c, "yes please")).toBeUndefined();
    expect(await c.booked()).toHaveLength(0);
    const turn = await c.say({ kind: "speech", text: "yes please" });
    expect(turn.tools.map((t) => t.name)).toContain("book_appointment");
    expect(await c.booked()).toHaveLength(1);
  });

  it("says nothing for typed input or an aborted turn", async () => {
    const c = new Conversation("dental");
    await c.greet();
    expect(await c.session.preview!({ kind: "typed", text: "what are your opening hours" }, new AbortController().signal)).toBeUndefined();
    const aborted = new AbortController();
    aborted.abort();
    expect(await c.session.preview!({ kind: "speech", text: "what are your opening hours" }, aborted.signal)).toBeUndefined();
  });
});
