import type { Vad } from "@orbis/ports";
import { createWebRtcVad } from "@orbis/voice";
import type { WebRtcVadOptions } from "@orbis/voice";

/** The offline VAD: WebRTC VAD (fvad WASM) from the voice engine, behind the provider registry. */
export const createFvadVad = (options: WebRtcVadOptions = {}): Promise<Vad> => createWebRtcVad({ mode: 2, ...options });
