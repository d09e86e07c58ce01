/**
 * Which peers may speak for the client: `TRUST_PROXY`, in the forms Fastify's
 * `trustProxy` takes. Only a trusted peer's `X-Forwarded-For` sets the client address
 * (the login limit's key), its `X-Forwarded-Proto` the protocol (HSTS, Secure cookies)
 * and its `X-Request-Id` the request id; anyone else's are ignored.
 *
 * - `false` (the default everywhere): trust nobody, the socket's peer is the client;
 * - a hop count `n`: the last n peers are proxies (n ≥ 1 trusts the socket's peer);
 * - addresses, CIDR ranges and proxy-addr's names (`loopback`, `linklocal`,
 *   `uniquelocal`): trust exactly those, e.g. `127.0.0.1` for IIS or nginx on the host;
 * - `true`: trust every peer, so any client can claim any address: only when the
 *   process cannot be reached but through the proxy, and the kernel warns at start.
 */
import { BlockList, isIP } from "node:net";

export type TrustProxySetting = boolean | number | string[];

/** proxy-addr's named ranges (what Fastify accepts as names). */
const NAMED: Record<string, string[]> = {
  loopback: ["127.0.0.1/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/** Why an entry of a TRUST_PROXY list is not an address, range or name; undefined if it is. */
export function trustEntryProblem(entry: string): string | undefined {
  if (NAMED[entry]) return undefined;
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || bits > max)
    return `"${entry}" has a prefix length outside 0–${max}`;
  return undefined;
}

/** Whether the socket's peer (`remoteAddress`) is a proxy whose forwarded headers count. */
export function compilePeerTrust(
  setting: TrustProxySetting,
): (peer: string | undefined) => boolean {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === "number") return setting >= 1 ? () => true : () => false;
  const trusted = new BlockList();
  for (const entry of setting.flatMap((item) => NAMED[item] ?? [item])) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(prefix), type);
  }
  return (peer) => {
    if (peer === undefined) return false;
    const family = isIP(peer);
    return family !== 0 && trusted.check(peer, family === 4 ? "ipv4" : "ipv6");
  };
}

/**
 * The client's address as a counting key: IIS ARR writes `X-Forwarded-For` with the
 * client's port (`203.0.113.7:51234`) unless told not to, and a new port per connection
 * must not make a new client.
 */
export function clientAddressKey(ip: string): string {
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip);
  if (v4WithPort) return v4WithPort[1] as string;
  const v6WithPort = /^\[([0-9A-Fa-f:.]+)\]:\d+$/.exec(ip);
  if (v6WithPort) return (v6WithPort[1] as string).toLowerCase();
  return ip.toLowerCase();
}
