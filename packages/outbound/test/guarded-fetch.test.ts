import { lookup as dnsLookup } from "node:dns/promises";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OutboundBlockedError, ResponseTooLargeError, assertAllowedTarget, createGuardedFetch, type ResolveHost } from "../src/index.ts";
import { standInForPublicHosts } from "./stand-in.ts";

const PUBLIC_IP = "93.184.215.14";
/** Test names and what they answer; any other name goes to the system resolver (`localhost`). */
const DNS: Record<string, string[]> = {
  "public.test": [PUBLIC_IP],
  "other-public.test": ["1.1.1.1"],
  "internal.test": ["127.0.0.1"],
  "metadata.test": ["169.254.169.254"],
  "v6-loopback.test": ["::1"],
  "mapped.test": ["::ffff:127.0.0.1"],
  "mixed.test": [PUBLIC_IP, "10.0.0.5"],
};
const lookup: ResolveHost = async (hostname) => {
  const answers = DNS[hostname];
  return answers ? answers.map((address) => ({ address, family: isIP(address) })) : dnsLookup(hostname, { all: true });
};

let server: Server;
let port = 0;
const hits = new Map<string, number>();
const seen: Array<{ path: string; method: string; headers: IncomingHttpHeaders; body: string }> = [];
const totalHits = () => [...hits.values()].reduce((a, b) => a + b, 0);
const routes: Record<string, (res: ServerResponse) => void> = {
  "/ok": (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'),
  "/secret": (res) => res.writeHead(200).end("instance credentials"),
  "/to-loopback-ip": (res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end(),
  "/to-loopback-name": (res) => res.writeHead(307, { location: `http://internal.test:${port}/secret` }).end(),
  "/to-metadata": (res) => res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
  "/to-public": (res) => res.writeHead(303, { location: `http://other-public.test:${port}/ok` }).end(),
  "/loop": (res) => res.writeHead(302, { location: "/loop" }).end(),
  "/huge": (res) => res.writeHead(200, { "content-length": "100000" }).end("x".repeat(100_000)),
  "/huge-chunked": (res) => {
    res.writeHead(200);
    for (let i = 0; i < 100; i++) res.write("x".repeat(1000));
    res.end();
  },
  "/slow": (res) => void setTimeout(() => res.writeHead(200).end("late"), 500),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      seen.push({ path, method: req.method ?? "", headers: req.headers, body });
      (routes[path] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
let standIn: ReturnType<typeof standInForPublicHosts> | undefined;
afterEach(() => {
  standIn?.restore();
  standIn = undefined;
  hits.clear();
  seen.length = 0;
});

/** [URL (`PORT` is the loopback server's), the address the guard must name, its range]. */
const SSRF_TARGETS: Array<[string, string, string]> = [
  ["http://127.0.0.1:PORT/secret", "127.0.0.1", "loopback"],
  ["http://127.255.255.254:PORT/", "127.255.255.254", "loopback"],
  ["http://[::1]:PORT/", "::1", "loopback"],
  ["http://0.0.0.0:PORT/", "0.0.0.0", "unspecified"],
  ["http://0:PORT/", "0.0.0.0", "unspecified"],
  ["http://[::]:PORT/", "::", "unspecified"],
  ["http://10.0.0.1:PORT/", "10.0.0.1", "private"],
  ["http://172.16.0.1:PORT/", "172.16.0.1", "private"],
  ["http://172.31.255.254:PORT/", "172.31.255.254", "private"],
  ["http://192.168.1.1:PORT/", "192.168.1.1", "private"],
  ["http://169.254.169.254/latest/meta-data/", "169.254.169.254", "linkLocal"],
  ["http://100.64.0.1:PORT/", "100.64.0.1", "carrierGradeNat"],
  ["http://224.0.0.1:PORT/", "224.0.0.1", "multicast"],
  ["http://255.255.255.255:PORT/", "255.255.255.255", "broadcast"],
  ["http://240.0.0.1:PORT/", "240.0.0.1", "reserved"],
  ["http://198.18.0.1:PORT/", "198.18.0.1", "reserved"],
  ["http://[fc00::1]:PORT/", "fc00::1", "uniqueLocal"],
  ["http://[fd12:3456::1]:PORT/", "fd12:3456::1", "uniqueLocal"],
  ["http://[fe80::1]:PORT/", "fe80::1", "linkLocal"],
  ["http://[ff02::1]:PORT/", "ff02::1", "multicast"],
  ["http://[::ffff:127.0.0.1]:PORT/secret", "::ffff:7f00:1", "loopback"],
  ["http://[::ffff:10.0.0.1]:PORT/", "::ffff:a00:1", "private"],
  ["http://[0:0:0:0:0:ffff:a9fe:a9fe]/latest/meta-data/", "::ffff:a9fe:a9fe", "linkLocal"],
  ["http://[::127.0.0.1]:PORT/", "::7f00:1", "ipv4Compatible"],
  ["http://[64:ff9b::7f00:1]:PORT/", "64:ff9b::7f00:1", "rfc6052"],
  ["http://[2002:7f00:1::1]:PORT/", "2002:7f00:1::1", "6to4"],
  ["http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:PORT/", "2001:0:4136:e378:8000:63bf:80ff:fffe", "teredo"],
  ["http://2130706433:PORT/secret", "127.0.0.1", "loopback"],
  ["http://0x7f000001:PORT/secret", "127.0.0.1", "loopback"],
  ["http://0177.0.0.1:PORT/secret", "127.0.0.1", "loopback"],
  ["http://017700000001:PORT/secret", "127.0.0.1", "loopback"],
  ["http://0x7f.1:PORT/secret", "127.0.0.1", "loopback"],
  ["http://127.1:PORT/secret", "127.0.0.1", "loopback"],
  ["http://3232235777:PORT/", "192.168.1.1", "private"],
  ["https://127.0.0.1:PORT/secret", "127.0.0.1", "loopback"],
  ["http://localhost:PORT/secret", "127.0.0.1", "loopback"],
  ["http://LocalHost:PORT/secret", "127.0.0.1", "loopback"],
  ["http://internal.test:PORT/secret", "127.0.0.1", "loopback"],
  ["http://metadata.test/latest/meta-data/", "169.254.169.254", "linkLocal"],
  ["http://v6-loopback.test:PORT/", "::1", "loopback"],
  ["http://mapped.test:PORT/secret", "::ffff:127.0.0.1", "loopback"],
  ["http://mixed.test:PORT/", "10.0.0.5", "private"],
];

describe("createGuardedFetch", () => {
  it(`refuses all ${SSRF_TARGETS.length} SSRF targets, naming the address, and the loopback server receives nothing`, async () => {
    const guarded = createGuardedFetch({ lookup, timeoutMs: 2000 });
    let refused = 0;
    for (const [template, address, range] of SSRF_TARGETS) {
      const url = template.replace("PORT", String(port));
      const err = await guarded(url).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, url).toBeInstanceOf(OutboundBlockedError);
      expect(err, url).toMatchObject({ reason: "address", range });
      // localhost may answer ::1 before 127.0.0.1.
      if (!url.toLowerCase().includes("localhost")) expect((err as OutboundBlockedError).address, url).toBe(address);
      refused++;
    }
    console.log(`outbound guard: refused ${refused}/${SSRF_TARGETS.length} SSRF targets`);
    expect(totalHits()).toBe(0);
  });

  it("refuses other schemes and credentials in the URL, even with the private-network opt-in", async () => {
    const open = createGuardedFetch({ allowPrivateNetwork: true });
    for (const [url, reason] of [
      ["file:///etc/passwd", "scheme"],
      ["ftp://127.0.0.1/", "scheme"],
      ["gopher://127.0.0.1:70/", "scheme"],
      [`http://admin:secret@127.0.0.1:${port}/ok`, "credentials"],
      [`http://admin@127.0.0.1:${port}/ok`, "credentials"],
    ] as const) {
      await expect(open(url), url).rejects.toMatchObject({ name: "OutboundBlockedError", reason });
    }
    expect(totalHits()).toBe(0);
  });

  it("the opt-in (allowPrivateNetwork) reaches loopback, by IP and by name, and sends method, headers and body", async () => {
    const open = createGuardedFetch({ allowPrivateNetwork: true });
    const res = await open(`http://localhost:${port}/ok`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "k" },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.url).toBe(`http://localhost:${port}/ok`);
    expect(seen[0]).toMatchObject({
      method: "POST",
      body: '{"a":1}',
      headers: { "x-api-key": "k", "content-type": "application/json", "content-length": "7", "accept-encoding": "identity" },
    });
    expect((await open(`http://127.0.0.1:${port}/ok`)).status).toBe(200);
  });

  it("DNS rebinding: one resolution per connection, and the connection goes to the address that was checked", async () => {
    let resolutions = 0;
    const rebinding: ResolveHost = async () => [{ address: resolutions++ === 0 ? PUBLIC_IP : "127.0.0.1", family: 4 }];
    const guarded = createGuardedFetch({ lookup: rebinding });
    standIn = standInForPublicHosts();

    const first = await guarded(`http://rebind.test:${port}/ok`);
    expect(first.status).toBe(200);
    // Checked and connected on the same answer: a second resolution that could differ never happens.
    expect(resolutions).toBe(1);
    expect(standIn.connectedTo).toEqual([PUBLIC_IP]);

    // The name now answers a loopback address: refused before any socket connects.
    await expect(guarded(`http://rebind.test:${port}/secret`)).rejects.toMatchObject({ reason: "address", address: "127.0.0.1", range: "loopback" });
    expect(resolutions).toBe(2);
    expect(standIn.connectedTo).toEqual([PUBLIC_IP]);
    expect(hits.get("/secret")).toBeUndefined();
  });

  it("a redirect from an allowed host to loopback or the metadata address is refused, by IP literal or by name", async () => {
    const guarded = createGuardedFetch({ lookup });
    standIn = standInForPublicHosts();
    await expect(guarded(`http://public.test:${port}/to-loopback-ip`)).rejects.toMatchObject({ reason: "address", address: "127.0.0.1" });
    await expect(guarded(`http://public.test:${port}/to-loopback-name`)).rejects.toMatchObject({
      reason: "address",
      host: "internal.test",
      address: "127.0.0.1",
    });
    await expect(guarded(`http://public.test:${port}/to-metadata`)).rejects.toMatchObject({ reason: "address", address: "169.254.169.254" });
    expect(hits.get("/secret")).toBeUndefined();
    expect(standIn.connectedTo).toEqual([PUBLIC_IP, PUBLIC_IP, PUBLIC_IP]);
  });

  it("follows public redirects (303 turns a POST into a GET, credentials stay on their origin) up to the limit", async () => {
    const guarded = createGuardedFetch({ lookup, maxRedirects: 3 });
    standIn = standInForPublicHosts();
    const res = await guarded(`http://public.test:${port}/to-public`, { method: "POST", body: "x", headers: { authorization: "Bearer t", "x-api-key": "k" } });
    expect(res.status).toBe(200);
    expect(res.redirected).toBe(true);
    expect(res.url).toBe(`http://other-public.test:${port}/ok`);
    expect(standIn.connectedTo).toEqual([PUBLIC_IP, "1.1.1.1"]);
    expect(seen[1]).toMatchObject({ path: "/ok", method: "GET", body: "" });
    expect(seen[1]!.headers.authorization).toBeUndefined();
    expect(seen[1]!.headers["x-api-key"]).toBe("k");

    await expect(guarded(`http://public.test:${port}/loop`)).rejects.toMatchObject({
      reason: "redirect",
      message: expect.stringMatching(/more than 3 redirects/),
    });
    expect(hits.get("/loop")).toBe(4);
  });

  it('redirect: "error" (what tools use) refuses any redirect; "manual" hands it back', async () => {
    const guarded = createGuardedFetch({ lookup });
    standIn = standInForPublicHosts();
    await expect(guarded(`http://public.test:${port}/to-public`, { redirect: "error" })).rejects.toMatchObject({ reason: "redirect" });
    const manual = await guarded(`http://public.test:${port}/to-loopback-ip`, { redirect: "manual" });
    expect(manual.status).toBe(302);
    expect(hits.get("/ok")).toBeUndefined();
    expect(hits.get("/secret")).toBeUndefined();
  });

  it("caps the response size: a declared length over the cap fails the fetch, a streamed one fails the body", async () => {
    const guarded = createGuardedFetch({ allowPrivateNetwork: true, maxResponseBytes: 10_000 });
    await expect(guarded(`http://127.0.0.1:${port}/huge`)).rejects.toBeInstanceOf(ResponseTooLargeError);
    const streamed = await guarded(`http://127.0.0.1:${port}/huge-chunked`);
    await expect(streamed.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(await (await guarded(`http://127.0.0.1:${port}/ok`)).json()).toEqual({ ok: true });
  });

  it("caps the total time, and the caller's signal ends it sooner", async () => {
    const capped = createGuardedFetch({ allowPrivateNetwork: true, timeoutMs: 100 });
    await expect(capped(`http://127.0.0.1:${port}/slow`)).rejects.toMatchObject({ name: "TimeoutError" });
    const open = createGuardedFetch({ allowPrivateNetwork: true });
    await expect(open(`http://127.0.0.1:${port}/slow`, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: "TimeoutError" });
    const controller = new AbortController();
    controller.abort(new Error("caller hung up"));
    await expect(open(`http://127.0.0.1:${port}/ok`, { signal: controller.signal })).rejects.toThrow("caller hung up");
  });

  it("TLS is verified against the host name (SNI), not the pinned address", async () => {
    const guarded = createGuardedFetch({ lookup });
    standIn = standInForPublicHosts();
    // The stand-in speaks plain HTTP, so the handshake fails; what matters is what the socket was asked to verify.
    await expect(guarded(`https://public.test:${port}/ok`)).rejects.toThrow();
    expect(standIn.tlsOptions[0]).toMatchObject({ host: "public.test", servername: "public.test" });
    expect(standIn.tlsOptions[0]!.rejectUnauthorized).not.toBe(false);
    expect(standIn.connectedTo).toEqual([PUBLIC_IP]);
  });
});

describe("assertAllowedTarget", () => {
  it("resolves the host and refuses a private answer before anything is sent", async () => {
    await expect(assertAllowedTarget(`http://internal.test:${port}/`, { lookup })).rejects.toMatchObject({ reason: "address", address: "127.0.0.1" });
    await expect(assertAllowedTarget("http://public.test/", { lookup })).resolves.toBeUndefined();
    await expect(assertAllowedTarget(`http://internal.test:${port}/`, { lookup, allowPrivateNetwork: true })).resolves.toBeUndefined();
    expect(totalHits()).toBe(0);
  });
});
