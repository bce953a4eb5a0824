import net from "node:net";
import tls from "node:tls";
import { vi } from "vitest";

type Lookup = NonNullable<net.TcpNetConnectOpts["lookup"]>;

/**
 * Lets the loopback test server stand in for public hosts: every socket the guard opens still gets
 * its address from the guard's own lookup (recorded in `connectedTo`, and in `tlsOptions` for TLS),
 * and then connects to 127.0.0.1 instead, so no test leaves the machine.
 */
export function standInForPublicHosts() {
  const connectedTo: string[] = [];
  const tlsOptions: tls.ConnectionOptions[] = [];
  const toLoopback =
    (guardLookup: Lookup): Lookup =>
    (hostname, options, callback) =>
      guardLookup(hostname, options, (err, address, family) => {
        if (err) return callback(err, address, family);
        const answers = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
        connectedTo.push(...answers.map((a) => a.address));
        if (Array.isArray(address))
          callback(
            null,
            answers.map(() => ({ address: "127.0.0.1", family: 4 })),
          );
        else callback(null, "127.0.0.1", 4);
      });
  const connect = net.connect;
  const tlsConnect = tls.connect;
  const spies = [
    vi
      .spyOn(net, "connect")
      .mockImplementation(((options: net.TcpNetConnectOpts) => connect({ ...options, lookup: toLoopback(options.lookup!) })) as typeof net.connect),
    vi.spyOn(tls, "connect").mockImplementation(((options: tls.ConnectionOptions & { lookup: Lookup }) => {
      tlsOptions.push(options);
      return tlsConnect({ ...options, lookup: toLoopback(options.lookup) });
    }) as typeof tls.connect),
  ];
  return { connectedTo, tlsOptions, restore: () => spies.forEach((s) => s.mockRestore()) };
}
