/**
 * The demo ERP's settings (`ERP_DEMO_*`), read from the kernel's environment. Every
 * problem is named with its variable, so a bad configuration is reported in one go.
 */
import path from "node:path";
import type { ErpAdapterContext } from "@roa2web/plugin-sdk";

export interface DemoErpSettings {
  /** The SQLite file of the books (default `DATA_DIR/demo-erp.db`). */
  file: string;
  seed: number;
  /** Volume multiplier (64 gives a million ledger lines, docs/demo-erp.md). */
  scale: number;
}

const TRUE = new Set(["1", "true", "yes", "on"]);

export function readDemoErpSettings(context: ErpAdapterContext): {
  settings: DemoErpSettings;
  problems: string[];
} {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const value = context.env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, range?: [number, number]): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    const [min, max] = range ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      const wanted = range ? `a whole number from ${min} to ${max}` : "a whole number";
      problems.push(`${name} must be ${wanted} (got "${value}")`);
      return fallback;
    }
    return parsed;
  };
  // Generated books are no one's accounts: a production install must say it wants them.
  if (
    context.environment === "production" &&
    !TRUE.has(raw("ALLOW_DEMO_ERP_IN_PRODUCTION")?.toLowerCase() ?? "")
  ) {
    problems.push(
      "The demo ERP is refused in production: configure the real ERP (ORACLE_USER, ORACLE_PASSWORD and ORACLE_CONNECT_STRING) or set ALLOW_DEMO_ERP_IN_PRODUCTION=true for a demonstration install",
    );
  }
  const file = raw("ERP_DEMO_FILE");
  return {
    settings: {
      file: file ? context.resolvePath(file) : path.join(context.dataDir, "demo-erp.db"),
      seed: integer("ERP_DEMO_SEED", 42),
      scale: integer("ERP_DEMO_SCALE", 1, [1, 10_000]),
    },
    problems,
  };
}
