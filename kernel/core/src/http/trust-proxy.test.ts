import { describe, expect, it } from "vitest";
import { clientAddressKey, compilePeerTrust, trustEntryProblem } from "./trust-proxy.js";

describe("TRUST_PROXY", () => {
  it("trusts exactly the addresses and ranges named", () => {
    const trusts = compilePeerTrust(["127.0.0.1", "10.1.0.0/16", "::1"]);
    expect(trusts("127.0.0.1")).toBe(true);
    expect(trusts("::ffff:127.0.0.1")).toBe(true);
    expect(trusts("10.1.200.3")).toBe(true);
    expect(trusts("::1")).toBe(true);
    expect(trusts("127.0.0.2")).toBe(false);
    expect(trusts("10.2.0.1")).toBe(false);
    expect(trusts("203.0.113.7")).toBe(false);
    expect(trusts(undefined)).toBe(false);
  });

  it("knows proxy-addr's names, hop counts, and trusts nobody when off", () => {
    expect(compilePeerTrust(["loopback"])("127.8.0.1")).toBe(true);
    expect(compilePeerTrust(["uniquelocal"])("192.168.1.1")).toBe(true);
    expect(compilePeerTrust(["uniquelocal"])("8.8.8.8")).toBe(false);
    expect(compilePeerTrust(1)("203.0.113.7")).toBe(true);
    expect(compilePeerTrust(0)("127.0.0.1")).toBe(false);
    expect(compilePeerTrust(false)("127.0.0.1")).toBe(false);
  });

  it("names what is not an address or a range", () => {
    expect(trustEntryProblem("127.0.0.1")).toBeUndefined();
    expect(trustEntryProblem("fd00::/8")).toBeUndefined();
    expect(trustEntryProblem("10.0.0.0/33")).toMatch(/prefix length outside 0–32/);
    expect(trustEntryProblem("proxy.local")).toMatch(/not an IP address/);
    expect(trustEntryProblem("1.2.3.4/8/1")).toMatch(/not an IP address/);
  });

  it("counts a client behind IIS ARR once, whatever its port", () => {
    expect(clientAddressKey("203.0.113.7:51234")).toBe("203.0.113.7");
    expect(clientAddressKey("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(clientAddressKey("2001:db8::1")).toBe("2001:db8::1");
  });
});
