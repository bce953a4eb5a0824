import type { FastifyServerOptions } from "fastify";

/** Headers that carry credentials or signatures: never written to a log, wherever they appear in it. */
const SECRET_HEADERS = ["authorization", "cookie", "set-cookie", "x-twilio-signature", "telnyx-signature-ed25519"];

/** pino redact paths: the headers of a logged request or response, at the top or one level down. */
const REDACTED_PATHS = SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`, `headers["${h}"]`, `*.headers["${h}"]`]);

const REDACTED = "[redacted]";

/** Query parameters whose value is a credential (`?token=` of a voice or media stream, an API key). */
const SECRET_QUERY = /([?&;](?:token|apiKey|api_key|key)=)[^&;#\s"'<>]*/gi;
/** The calendar feed's token is its path (`/v1/calendar/<token>.ics`). */
const SECRET_PATH = /(\/v1\/calendar\/)[^/?#\s"'.]+(\.ics)/g;

/** Any text with the secrets of the URLs in it replaced by `[redacted]`. */
export const redactUrls = (text: string): string => text.replace(SECRET_QUERY, `$1${REDACTED}`).replace(SECRET_PATH, `$1${REDACTED}$2`);

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, string | string[] | undefined>;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer with the URL's secrets redacted (the `incoming request` line). */
const requestSerializer = (req: LoggedRequest) => ({
  method: req.method,
  url: typeof req.url === "string" ? redactUrls(req.url) : req.url,
  version: [req.headers?.["accept-version"]].flat()[0],
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});

/**
 * Redaction every role's logger applies: secret headers by path, secret query values and feed tokens in
 * the request line and in any message or top-level `url` field (Fastify's "Route GET:/… not found").
 */
export function redactingLoggerOptions(level: string, stream?: { write(line: string): void }): Exclude<FastifyServerOptions["logger"], boolean | undefined> {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    serializers: { req: requestSerializer },
    hooks: {
      logMethod(args, method) {
        const clean = args.map((arg: unknown) => {
          if (typeof arg === "string") return redactUrls(arg);
          if (arg && typeof arg === "object" && typeof (arg as { url?: unknown }).url === "string") {
            return { ...arg, url: redactUrls((arg as { url: string }).url) };
          }
          return arg;
        });
        return method.apply(this, clean as Parameters<typeof method>);
      },
    },
    ...(stream ? { stream } : {}),
  };
}
