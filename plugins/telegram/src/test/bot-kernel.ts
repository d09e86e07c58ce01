/**
 * What every telegram API test starts from: a fresh fake Bot API on loopback and a test
 * kernel running the BUILT plugin against it (started, or startTestKernel throws with
 * the step and the reason).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type StartTestKernelOptions,
  startTestKernel,
  type TestKernel,
} from "@roa2web/kernel/testing";
import { FakeBotApi } from "../fake-bot-api.js";

/** The telegram plugin's package folder (its package.json and dist/). */
export const PACKAGE_ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

export interface BotKernelOptions extends Omit<StartTestKernelOptions, "plugins"> {
  /** Plugin folders loaded beside telegram (data-entry, reports). */
  plugins?: readonly string[];
}

/**
 * The bot's kernel: TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT point at the fake Bot API,
 * `env` adds or overrides settings. Close both when done (`t.close()`, `api.close()`).
 */
export async function startBotKernel(
  options: BotKernelOptions = {},
): Promise<{ t: TestKernel; api: FakeBotApi }> {
  const api = new FakeBotApi();
  try {
    const t = await startTestKernel({
      ...options,
      plugins: [PACKAGE_ROOT, ...(options.plugins ?? [])],
      env: { TELEGRAM_BOT_TOKEN: "123:abc", TELEGRAM_API_ROOT: await api.start(), ...options.env },
    });
    return { t, api };
  } catch (error) {
    await api.close();
    throw error;
  }
}
