/** Why a request was refused before anything was sent to where it pointed. */
export type BlockReason = "scheme" | "credentials" | "address" | "redirect";

/** A request the guard refused. Never worth retrying: the same request is refused again. */
export class OutboundBlockedError extends Error {
  override name = "OutboundBlockedError";
  readonly reason: BlockReason;
  /** The host of the refused URL (or of the redirect hop that was refused). */
  readonly host: string;
  /** For `address`: the refused IP and its ipaddr.js range (`loopback`, `private`, `linkLocal`, …). */
  readonly address?: string;
  readonly range?: string;

  constructor(reason: BlockReason, message: string, target: { host: string; address?: string; range?: string }) {
    super(message);
    this.reason = reason;
    this.host = target.host;
    if (target.address !== undefined) this.address = target.address;
    if (target.range !== undefined) this.range = target.range;
  }
}

/** The response body went over the guard's cap (declared by Content-Length, or while streaming). */
export class ResponseTooLargeError extends Error {
  override name = "ResponseTooLargeError";
  readonly limit: number;

  constructor(limit: number) {
    super(`response too large (over ${limit} bytes)`);
    this.limit = limit;
  }
}
