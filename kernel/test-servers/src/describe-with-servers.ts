/**
 * `describe` for tests that need PostgreSQL, Redis or nginx. Where one is missing (a
 * developer's laptop with only Node.js) the block is skipped with a warning naming the
 * Debian package; with ROA2WEB_REQUIRE_SERVERS=1 (CI sets it, and .ci/run installs
 * them) a missing server fails the run instead, so CI never passes by skipping.
 */
import { describe } from "vitest";
import { DEBIAN_PACKAGE, type ServerKind, serverAvailable } from "./binaries.js";

export function missingServers(kinds: ServerKind[]): ServerKind[] {
  return kinds.filter((kind) => !serverAvailable(kind));
}

export function describeWithServers(kinds: ServerKind[], name: string, body: () => void): void {
  const missing = missingServers(kinds);
  if (missing.length > 0 && process.env.ROA2WEB_REQUIRE_SERVERS !== "1") {
    console.warn(
      `[server tests] skipped "${name}": not installed: ${missing.map((kind) => DEBIAN_PACKAGE[kind]).join(", ")} (apt-get install -y …)`,
    );
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}
