/** A plugin's view of the environment: only its own `<NAMESPACE>_*` variables. */
import { envNamespace, type PluginSettings } from "@roa2web/plugin-sdk";

export function createPluginSettings(
  pluginName: string,
  env: Readonly<Record<string, string>>,
): PluginSettings {
  const prefix = `${envNamespace(pluginName)}_`;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(prefix) && value.trim() !== "")
      values[key.slice(prefix.length)] = value.trim();
  }
  const invalid = (key: string, expected: string) =>
    // A deployment mistake, not a bad request: a plain Error (500 if it reaches HTTP).
    new Error(`Setting ${prefix}${key} must be ${expected} (got "${values[key]}")`);
  return Object.freeze({
    prefix,
    values: Object.freeze(values),
    string: (key: string, fallback: string) => values[key] ?? fallback,
    optionalString: (key: string) => values[key],
    number(key: string, fallback: number) {
      const raw = values[key];
      if (raw === undefined) return fallback;
      const parsed = Number(raw);
      if (!Number.isFinite(parsed)) throw invalid(key, "a number");
      return parsed;
    },
    boolean(key: string, fallback: boolean) {
      const raw = values[key]?.toLowerCase();
      if (raw === undefined) return fallback;
      if (["1", "true", "yes", "on"].includes(raw)) return true;
      if (["0", "false", "no", "off"].includes(raw)) return false;
      throw invalid(key, "true or false");
    },
  });
}
