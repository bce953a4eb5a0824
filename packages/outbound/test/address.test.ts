import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { OutboundBlockedError, addressRange, assertAllowedUrl, isPublicAddress } from "../src/index.ts";

/** Refused ranges written out for the test only (the guard itself asks ipaddr.js). */
const REFUSED_CIDRS = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::/128",
  "::1/128",
  "::/96",
  "64:ff9b::/96",
  "100::/64",
  "2001::/32",
  "2001:db8::/32",
  "2002::/16",
  "fc00::/7",
  "fe80::/10",
  "ff00::/8",
];

/** Any address inside a CIDR: its prefix bits, then random bits. */
function addressIn(cidr: string): fc.Arbitrary<string> {
  const [base, prefix] = ipaddr.parseCIDR(cidr);
  const bytes = base.toByteArray();
  return fc.array(fc.integer({ min: 0, max: 255 }), { minLength: bytes.length, maxLength: bytes.length }).map((random) => {
    const mixed = bytes.map((byte, i) => {
      const keep = Math.max(0, Math.min(8, prefix - i * 8));
      const mask = (0xff << (8 - keep)) & 0xff;
      return (byte & mask) | (random[i]! & ~mask & 0xff);
    });
    return ipaddr.fromByteArray(mixed).toString();
  });
}

const ipv4 = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."));

describe("addressRange", () => {
  it.each([
    ["8.8.8.8", "unicast"],
    ["1.1.1.1", "unicast"],
    ["2606:4700:4700::1111", "unicast"],
    ["::ffff:8.8.8.8", "unicast"],
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["255.255.255.255", "broadcast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::7f00:1", "ipv4Compatible"],
    ["::a00:1", "ipv4Compatible"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::8.8.8.8", "rfc6052"],
    ["2002:808:808::1", "6to4"],
    ["fd00::1", "uniqueLocal"],
    ["example.com", "invalid"],
    ["2130706433", "invalid"],
  ])("%s is %s", (ip, range) => {
    expect(addressRange(ip)).toBe(range);
  });

  it("any address in a refused range is refused", () => {
    for (const cidr of REFUSED_CIDRS) {
      fc.assert(
        fc.property(addressIn(cidr), (ip) => !isPublicAddress(ip)),
        { numRuns: 200 },
      );
    }
  });

  it("an IPv4 address and its IPv4-mapped IPv6 forms get the same verdict", () => {
    fc.assert(
      fc.property(ipv4, (ip) => {
        const mapped = ipaddr.IPv4.parse(ip).toIPv4MappedAddress();
        return isPublicAddress(`::ffff:${ip}`) === isPublicAddress(ip) && isPublicAddress(mapped.toString()) === isPublicAddress(ip);
      }),
      { numRuns: 2000 },
    );
  });

  it("a URL naming an IPv4 address in decimal, hex or octal is judged as the dotted address", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        const dotted = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
        const forms = [`http://${n}/`, `http://0x${n.toString(16)}/`, `http://0${n.toString(8)}/`];
        return forms.every((url) => {
          try {
            assertAllowedUrl(url);
            return isPublicAddress(dotted);
          } catch (err) {
            return err instanceof OutboundBlockedError && err.address === dotted && !isPublicAddress(dotted);
          }
        });
      }),
      { numRuns: 2000 },
    );
  });
});
