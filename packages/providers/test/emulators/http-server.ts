import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface LoopbackServer {
  server: Server;
  port: number;
  url: string;
  /** Destroys every open connection (the provider "dies"), then stops listening. */
  close(): Promise<void>;
  /** Kills open connections without closing the listener. */
  dropConnections(): void;
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

let selfSigned: TlsMaterial | undefined;

/** A self-signed certificate for 127.0.0.1 (openssl CLI), made once per process: SDKs that force wss need TLS. */
export function selfSignedCert(): TlsMaterial {
  if (selfSigned) return selfSigned;
  const dir = mkdtempSync(join(tmpdir(), "orbis-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    selfSigned = { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
    return selfSigned;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A node:http(s) server on 127.0.0.1 with an ephemeral port, tracking sockets so tests can kill them. */
export async function listenLoopback(handler: (req: IncomingMessage, res: ServerResponse) => void, tls?: TlsMaterial): Promise<LoopbackServer> {
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler);
  const sockets = new Set<Socket>();
  server.on(tls ? "secureConnection" : "connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const dropConnections = (): void => {
    for (const s of sockets) s.destroy();
  };
  return {
    server,
    port,
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    dropConnections,
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
