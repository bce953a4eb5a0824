import type { FastifyReply } from "fastify";

/** A recording sent through a signed link: a WAV for the browser's player, never cached. */
export function sendWav(reply: FastifyReply, recording: { size: number; body: unknown }, filename: string) {
  return reply
    .type("audio/wav")
    .header("content-length", recording.size)
    .header("cache-control", "private, no-store")
    .header("content-disposition", `inline; filename="${filename}.wav"`)
    .send(recording.body);
}
