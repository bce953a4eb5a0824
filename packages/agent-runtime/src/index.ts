export { loadAgentConfigForCall, refusalOf, type AgentConfigMode } from "./agent-config-loader.ts";
export { createAgentSetupFactory, createBrainFactory, type AgentSetupFactory, type BrainFactory, type BrainFactoryOptions } from "./brain-factory.ts";
export { businessOfAgent, effectiveBusiness, fallbackBusiness, type EffectiveBusiness } from "./business.ts";
export { businessCalendar, DbCalendar, EXTERNAL_BUSY_MESSAGE, type DbCalendarOptions, type ExternalBusySource } from "./db-calendar.ts";
export { DbMessageSink, toMessageDto } from "./db-message-sink.ts";
export { buildCallSummary, summarizeWithModel, type SummaryTurn } from "./call-summary.ts";
export { callIdOrNull, isoInZone, toAppointmentDto } from "./mappers.ts";
export { compileStoredTool, toolConfigOf } from "./stored-tools.ts";
