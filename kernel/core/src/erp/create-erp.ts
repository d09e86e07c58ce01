/**
 * Opens the `erp` service through an ERP adapter (ADR 0017): Oracle, built in, when
 * ORACLE_* is set; otherwise the module `ERP_ADAPTER` names (by default the demo ERP
 * package), loaded by dynamic import. The kernel knows only the adapter interface.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ErpAdapter, ErpAdapterContext, ErpConnection } from "@roa2web/plugin-sdk";
import { ConfigError } from "../config/parse.js";
import type { KernelSettings } from "../config/settings.js";
import type { KernelLogger } from "../logging/create-logger.js";
import { type OracleDriver, OracleErpClient } from "./oracle-erp.js";

/** The kernel's handle: the client plugins see, plus what only the kernel uses. */
export type ErpService = ErpConnection;

/** `ERP_ADAPTER` value of the adapter built into the kernel. */
export const ORACLE_ERP_ADAPTER = "oracle";

export async function createErp(
  settings: KernelSettings,
  logger: KernelLogger,
): Promise<ErpService> {
  const erpLogger = logger.child({ module: "erp" });
  const specifier = settings.erp.adapter;
  const adapter =
    specifier === ORACLE_ERP_ADAPTER ? oracleAdapter(settings) : await loadErpAdapter(specifier);
  const context: ErpAdapterContext = {
    env: settings.env,
    environment: settings.environment,
    dataDir: settings.dataDir,
    resolvePath: (value) => path.resolve(settings.root, value),
    logger: erpLogger,
  };
  const problems = adapter.settingsProblems?.(context) ?? [];
  if (problems.length > 0) throw new ConfigError(problems);
  erpLogger.info({ adapter: adapter.name, module: specifier }, "Opening the ERP");
  return adapter.open(context);
}

/**
 * The adapter a module default-exports. A module that cannot be found is a
 * configuration error naming `ERP_ADAPTER`; one that fails as it loads is a bug in it.
 */
export async function loadErpAdapter(specifier: string): Promise<ErpAdapter> {
  let loaded: { default?: unknown };
  try {
    loaded = await import(path.isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === "ERR_MODULE_NOT_FOUND" && message.includes(specifier)) {
      throw new ConfigError([
        `ERP_ADAPTER=${specifier}: no such module is installed (set ORACLE_* for the real ERP, or install the adapter package)`,
      ]);
    }
    throw new Error(`The ERP adapter ${specifier} failed to load: ${message}`, { cause: error });
  }
  const adapter = loaded.default as Partial<ErpAdapter> | undefined;
  if (
    typeof adapter !== "object" ||
    adapter === null ||
    typeof adapter.name !== "string" ||
    typeof adapter.open !== "function"
  ) {
    throw new ConfigError([
      `ERP_ADAPTER=${specifier}: the module's default export is not an ERP adapter (an object with a name and open(); see ErpAdapter in @roa2web/plugin-sdk)`,
    ]);
  }
  return adapter as ErpAdapter;
}

/** The real ERP on Oracle: node-oracledb is imported only when it is used. */
function oracleAdapter(settings: KernelSettings): ErpAdapter {
  return {
    name: "oracle",
    async open({ logger }) {
      const oracleSettings = settings.erp.oracle;
      if (!oracleSettings) throw new Error("The Oracle ERP needs ORACLE_* settings");
      const driver = (await import("oracledb")).default as unknown as OracleDriver;
      const client = new OracleErpClient(driver, oracleSettings, logger);
      await client.open();
      return {
        client,
        health: () => client.health(settings.erp.healthTimeoutMs),
        verifyCredentials: (username, password) => client.verifyCredentials(username, password),
        close: () => client.close(),
      };
    },
  };
}
