/** The kernel's own version, read from its package.json (what plugin ranges are checked against). */
import { readFileSync } from "node:fs";

function readVersion(): string {
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "@roa2web/kernel" && pkg.version) return pkg.version;
    } catch {
      // try the next location (src/ in tests, dist/ when built)
    }
  }
  throw new Error("Cannot find the kernel's package.json");
}

export const KERNEL_VERSION = readVersion();
