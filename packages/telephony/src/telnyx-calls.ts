import Telnyx, { APIError } from "telnyx";
import { AppError } from "@orbis/contracts";

/**
 * Telnyx Call Control through the official SDK, its base URL from config (TELNYX_API_URL: the real API,
 * or a loopback emulator in tests). One short retry: a command is idempotent by `command_id`.
 */
export function telnyxCalls(o: { apiKey: string; apiUrl: string; fetch?: typeof fetch }) {
  const client = new Telnyx({ apiKey: o.apiKey, baseURL: o.apiUrl.replace(/\/$/, ""), maxRetries: 1, timeout: 10_000, ...(o.fetch ? { fetch: o.fetch } : {}) });
  const run = async <T>(action: string, p: () => Promise<T>): Promise<T> => {
    try {
      return await p();
    } catch (err) {
      if (err instanceof APIError) throw new AppError("unavailable", `Telnyx ${action} failed: ${err.status ?? "no response"} ${err.message.slice(0, 200)}`);
      throw err;
    }
  };
  return {
    answer: (ccid: string, body: Parameters<typeof client.calls.actions.answer>[1]) => run("answer", () => client.calls.actions.answer(ccid, body)),
    hangup: (ccid: string, body: Parameters<typeof client.calls.actions.hangup>[1] = {}) => run("hangup", () => client.calls.actions.hangup(ccid, body)),
    transfer: (ccid: string, body: Parameters<typeof client.calls.actions.transfer>[1]) => run("transfer", () => client.calls.actions.transfer(ccid, body)),
    /** Text to speech on the call (Telnyx's own voice); `call.speak.ended` follows when it has played. */
    speak: (ccid: string, body: Parameters<typeof client.calls.actions.speak>[1]) => run("speak", () => client.calls.actions.speak(ccid, body)),
    /** Speaks `payload` and collects keys; `call.gather.ended` follows with the `digits`. */
    gatherUsingSpeak: (ccid: string, body: Parameters<typeof client.calls.actions.gatherUsingSpeak>[1]) =>
      run("gather_using_speak", () => client.calls.actions.gatherUsingSpeak(ccid, body)),
    /** Starts the media stream on a call answered without one (`streaming_start`). */
    startStreaming: (ccid: string, body: Parameters<typeof client.calls.actions.startStreaming>[1]) =>
      run("streaming_start", () => client.calls.actions.startStreaming(ccid, body)),
  };
}
export type TelnyxCalls = ReturnType<typeof telnyxCalls>;
