/**
 * The capability ports: what the pipeline, the brain and the API consume and what providers,
 * calendars and message stores implement. No dependencies (types from @orbis/contracts only).
 */
export { ProviderError } from "./errors.ts";
export type { SttHandlers, SttProvider, SttStream, TtsProvider, Vad } from "./speech.ts";
export type { ChatChunk, ChatMessage, ChatModel, ChatRequest, ChatToolCall, ToolSpec } from "./chat.ts";
export type { RealtimeConnectOptions, RealtimeEvent, RealtimeProvider, RealtimeSession } from "./realtime.ts";
export { fixedWallClock, systemTimerClock, systemWallClock } from "./clocks.ts";
export type { FixedWallClock, TimerClock, WallClock } from "./clocks.ts";
export type { Appointment, AppointmentFilter, AppointmentPatch, BusyInterval, CalendarProvider, NewAppointment } from "./calendar.ts";
export type { MessageSink, NewMessage } from "./messages.ts";
