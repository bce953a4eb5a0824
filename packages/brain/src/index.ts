export { computeAvailability, findService, openingIntervalsOn, staffForService, validateSlot } from "./availability.ts";
export type { AvailabilityParams, ExistingBooking, Slot, SlotRejection, SlotValidation, ValidateSlotParams } from "./availability.ts";
export { InMemoryCalendar, InMemoryMessageSink, REJECTION_TEXT, bookAppointment, rescheduleAppointment } from "./calendar.ts";
export type { BookInput, BookingDeps } from "./calendar.ts";
export { Toolbox, defineTool, runTool, toolJsonSchema } from "./tools/tool.ts";
export type { AnyTool, Tool, ToolContext } from "./tools/tool.ts";
export {
  bookAppointmentTool,
  builtinTools,
  businessInfoTool,
  cancelAppointmentTool,
  checkAvailabilityTool,
  endCallTool,
  findAppointmentsTool,
  findSlots,
  rescheduleAppointmentTool,
  takeMessageTool,
  transferCallTool,
} from "./tools/builtins.ts";
export type { PartOfDay } from "./tools/builtins.ts";
export { MAX_RESPONSE_BYTES, compileArgsSchema, compileHttpTool, signToolRequest, verifyToolSignature } from "./tools/http-tool.ts";
export type { HttpToolOptions, StoredHttpTool } from "./tools/http-tool.ts";
export { answerQuestion, describeWeeklyHours, matchFaq } from "./knowledge.ts";
export type { InfoTopic } from "./knowledge.ts";
export { createReceptionistBrain, toolContextFor } from "./receptionist/brain.ts";
export type { BrainPorts, ReceptionistBrainOptions } from "./receptionist/brain.ts";
export { buildPhraseSpec, numberToWords, toSpokenWords } from "./receptionist/phrase-spec.ts";
export { extractPhone, extractWhen, normalize, spokenDigits, understand } from "./receptionist/nlu.ts";
export type { Intent, Understanding, When } from "./receptionist/nlu.ts";
export { BUSINESS_TEMPLATES, businessFromTemplate, getBusinessTemplate, type BusinessFacts } from "./templates.ts";
export { TEMPLATE_SUITES } from "./template-suites.ts";
export { createLlmBrain } from "./llm/llm-brain.ts";
export type { LlmBrainOptions } from "./llm/llm-brain.ts";
export { createRealtimeAgent } from "./llm/realtime-agent.ts";
export { fitHistory } from "./llm/context-window.ts";
export type { ContextBudget } from "./llm/context-window.ts";
export type { AgentBrainSetup, RealtimeAgent, RealtimeToolOutcome } from "./llm/realtime-agent.ts";
export { buildSystemPrompt, toolSpecs } from "./llm/prompt.ts";
export { SentenceStream, splitSentences } from "./text.ts";
