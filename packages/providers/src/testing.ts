/** Conformance suites (vitest); import from "@orbis/providers/testing" in test files only. */
export { describeSttConformance } from "./conformance/stt.conformance.ts";
export type { ConformanceOptions, SttConformanceFixture } from "./conformance/stt.conformance.ts";
export { describeTtsConformance } from "./conformance/tts.conformance.ts";
export { describeVadConformance } from "./conformance/vad.conformance.ts";
