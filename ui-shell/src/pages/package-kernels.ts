/**
 * Where an installed package serves when several kernels share one database (ADR 0033):
 * "served by all 3 servers", or which ones do not serve the active version yet and why.
 * Nothing on a single server.
 */
import { t } from "../core/i18n.js";
import type { PluginInfo } from "../core/shell-state.js";

export function packageKernelsLabel(plugin: PluginInfo): string | undefined {
  const kernels = plugin.package?.kernels ?? [];
  const behind = kernels.filter((entry) => entry.behind);
  if (kernels.length < 2 && behind.length === 0) return undefined;
  if (behind.length === 0) return t("admin.kernels.all", { count: kernels.length });
  return t("admin.kernels.behind", {
    count: behind.length,
    total: String(kernels.length),
    kernels: behind
      .map((entry) =>
        entry.failure
          ? `${entry.kernel} (${entry.serving_version ?? "—"}: ${entry.failure})`
          : `${entry.kernel} (${entry.serving_version ?? "—"})`,
      )
      .join("; "),
  });
}
