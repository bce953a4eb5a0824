import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Toolbox, builtinTools, defineTool, runTool } from "../src/index.ts";
import { toolContext } from "./context.ts";

describe("tool runner", () => {
  it("validates args, applies defaults and records the result", async () => {
    const echo = defineTool({
      name: "echo",
      description: "echo",
      args: z.object({ n: z.number().int(), tag: z.string().default("x") }),
      run: async (a) => ({ twice: a.n * 2, tag: a.tag }),
    });
    const ok = await runTool(echo, { n: 2 }, toolContext());
    expect(ok).toMatchObject({ name: "echo", ok: true, args: { n: 2, tag: "x" }, result: { twice: 4, tag: "x" } });
    expect(typeof ok.ms).toBe("number");
    const bad = await runTool(echo, { n: "2" }, toolContext());
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/^validation_failed: n:/) });
    const boom = defineTool({
      name: "boom",
      description: "b",
      args: z.object({}),
      run: async () => {
        throw new Error("kaput");
      },
    });
    expect(await runTool(boom, {}, toolContext())).toMatchObject({ ok: false, error: "kaput" });
  });

  it("toolbox refuses duplicates and reports unknown tools", async () => {
    expect(() => new Toolbox([...builtinTools(), ...builtinTools()])).toThrow(/duplicate/);
    const box = new Toolbox(builtinTools());
    expect(await box.run("nope", {}, toolContext())).toMatchObject({ ok: false, error: "not_found: no tool named nope" });
  });

  it("built-ins work against the ports", async () => {
    const ctx = toolContext();
    const box = new Toolbox(builtinTools());
    const avail = await box.run("check_availability", { serviceId: "whitening", date: "2026-03-09", limit: 2 }, ctx);
    expect(avail.result).toMatchObject({ slots: [{ start: "2026-03-09T08:00:00-04:00", staffId: "dr-patel" }, { start: "2026-03-09T08:30:00-04:00" }] });
    const booked = await box.run(
      "book_appointment",
      { serviceId: "whitening", start: "2026-03-09T08:00:00-04:00", customerName: "Al", customerPhone: "2125550100" },
      ctx,
    );
    expect(booked.ok).toBe(true);
    const again = await box.run(
      "book_appointment",
      { serviceId: "whitening", start: "2026-03-09T08:30:00-04:00", customerName: "Bo", customerPhone: "2125550101" },
      ctx,
    );
    expect(again).toMatchObject({ ok: false, error: "conflict: that time is already booked" });
    const found = await box.run("find_appointments", { customerPhone: "+1 212 555 0100" }, ctx);
    const id = (found.result as { appointments: Array<{ id: string }> }).appointments[0]?.id;
    expect(id).toBeDefined();
    expect((await box.run("reschedule_appointment", { appointmentId: id, start: "2026-03-09T13:00:00-04:00" }, ctx)).ok).toBe(true);
    expect((await box.run("cancel_appointment", { appointmentId: id }, ctx)).result).toMatchObject({ appointment: { status: "cancelled" } });
    expect((await box.run("business_info", { topic: "hours" }, ctx)).result).toMatchObject({ found: true });
    expect((await box.run("take_message", { callerName: "Cy", callbackNumber: "2125550102", text: "call me" }, ctx)).ok).toBe(true);
    expect((await ctx.messages.saveMessage({ agentId: null, callId: null, callerName: "x", callbackNumber: "1", text: "t", urgency: "low" })).id).toBe("msg_2");
    expect((await box.run("transfer_call", {}, ctx)).result).toEqual({ to: "+12125550199", reason: "caller asked for a person" });
    // A website call cannot be put through: the LLM brain is told the number to give instead.
    const fromWeb = await box.run("transfer_call", {}, { ...ctx, channel: "web" });
    expect(fromWeb).toMatchObject({ ok: false });
    expect(fromWeb.error).toMatch(/cannot be transferred: tell the caller they can ring \+12125550199, or take a message/);
    expect((await box.run("end_call", {}, ctx)).result).toEqual({ reason: "completed" });
  });
});
