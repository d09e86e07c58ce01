import { describe, expect, it } from "vitest";
import type { PluginStateRow } from "./plugin-state-store.js";
import { PluginSync, type PluginSyncOptions, type SyncedPlugins } from "./plugin-sync.js";

/** A plugin manager that records what it was asked and keeps a state per plugin. */
function fakePlugins(states: Record<string, string>, failing = new Set<string>()) {
  const calls: string[] = [];
  const plugins: SyncedPlugins = {
    get: (name) => (name in states ? { state: states[name] as string, manifest: {} } : undefined),
    enable: async (name, _by, options) => {
      if (failing.has(name)) throw new Error("start failed");
      calls.push(`enable ${name} remember=${options.remember}`);
      states[name] = "enabled";
    },
    disable: async (name, _by, options) => {
      calls.push(`disable ${name} remember=${options.remember}`);
      states[name] = "disabled";
    },
    reload: async (name) => {
      calls.push(`reload ${name}`);
    },
  };
  return { plugins, calls };
}

/**
 * A sync as kernel "me" reading `rows`, over a fake plugin manager holding `states`
 * (`failing`: the plugins it cannot start); `overrides` replace its options — a store
 * that fails, packages to follow, what counts as reported.
 */
function setup(
  rows: PluginStateRow[],
  states: Record<string, string>,
  { failing, ...overrides }: Partial<PluginSyncOptions> & { failing?: Set<string> } = {},
) {
  const { plugins, calls } = fakePlugins(states, failing);
  const warnings: string[] = [];
  const sync = new PluginSync({
    store: { revisions: async () => rows.map((row) => ({ ...row })) },
    plugins,
    kernelId: "me",
    intervalMs: 60_000,
    logger: {
      info: () => undefined,
      warn: (_object: object, message?: string) => warnings.push(String(message)),
    } as never,
    ...overrides,
  });
  return { sync, calls, warnings };
}

const row = (name: string, enabled: boolean, revision: number, by: string): PluginStateRow => ({
  name,
  enabled,
  revision,
  changedByKernel: by,
});

describe("PluginSync", () => {
  it("takes the rows present at start as applied, then follows only later changes", async () => {
    const rows = [row("reports", false, 3, "other")];
    const { sync, calls } = setup(rows, { reports: "disabled" });
    await sync.prime();
    await sync.follow();
    expect(calls).toEqual([]);
    rows[0] = row("reports", true, 4, "other");
    await sync.follow();
    expect(calls).toEqual(["enable reports remember=false"]);
  });

  it("applies another kernel's disable, enable and reload here without recording them again", async () => {
    const rows = [row("notes", true, 1, "other")];
    const { sync, calls } = setup(rows, { notes: "enabled" });
    await sync.prime();
    rows[0] = row("notes", false, 2, "other");
    await sync.follow();
    rows[0] = row("notes", true, 3, "other");
    await sync.follow();
    rows[0] = row("notes", true, 4, "other");
    await sync.follow();
    expect(calls).toEqual([
      "disable notes remember=false",
      "enable notes remember=false",
      "reload notes",
    ]);
  });

  it("follows another kernel's reload that lands in the same round as this kernel's own enable", async () => {
    // Seen: disabled by the other kernel. Then this kernel enabled it (revision 2, its own)
    // and the other reloaded it (revision 3) before this kernel's next round.
    const rows = [row("reports", false, 1, "other")];
    const states: Record<string, string> = { reports: "disabled" };
    const { sync, calls } = setup(rows, states);
    await sync.prime();
    states.reports = "enabled";
    rows[0] = row("reports", true, 3, "other");
    await sync.follow();
    expect(calls).toEqual(["reload reports"]);
  });

  it("never re-applies a change this kernel made, and skips plugins it does not have", async () => {
    const rows = [row("notes", true, 1, "other"), row("ghost", false, 1, "other")];
    const { sync, calls } = setup(rows, { notes: "enabled" });
    await sync.prime();
    rows[0] = row("notes", false, 2, "me");
    rows[1] = row("ghost", true, 2, "other");
    await sync.follow();
    expect(calls).toEqual([]);
  });

  it("disables a plugin that failed here when another kernel disabled it", async () => {
    const rows = [row("notes", true, 1, "other")];
    const { sync, calls } = setup(rows, { notes: "failed" });
    await sync.prime();
    rows[0] = row("notes", false, 2, "other");
    await sync.follow();
    expect(calls).toEqual(["disable notes remember=false"]);
  });

  it("logs a change it cannot follow and goes on with the next plugin", async () => {
    const rows = [row("a", true, 1, "other"), row("b", true, 1, "other")];
    const states: Record<string, string> = { a: "disabled", b: "disabled" };
    const { sync, calls, warnings } = setup(rows, states, { failing: new Set(["a"]) });
    await sync.prime();
    rows[0] = row("a", true, 2, "other");
    rows[1] = row("b", true, 2, "other");
    await sync.follow();
    expect(calls).toEqual(["enable b remember=false"]);
    expect(warnings).toEqual([
      "Could not follow another kernel's change of this plugin; it stays as it is here",
    ]);
  });

  it("keeps going when the database cannot be read, and catches up once it can", async () => {
    let failing = true;
    const rows = [row("notes", true, 1, "other")];
    const { sync, calls, warnings } = setup(
      rows,
      { notes: "enabled" },
      {
        store: {
          revisions: async () => {
            if (failing) throw new Error("connection refused");
            return rows;
          },
        },
      },
    );
    await sync.follow();
    expect(warnings).toHaveLength(1);
    failing = false;
    rows[0] = row("notes", false, 2, "other");
    await sync.follow();
    expect(calls).toEqual(["disable notes remember=false"]);
  });

  it("follows the packages first in each round, and the states even when that step fails", async () => {
    const rows = [row("shop", true, 1, "other")];
    const states: Record<string, string> = {};
    let failing = false;
    // `calls` is the fake plugin manager's record: the packages' step writes into it too,
    // so the order of the two steps shows.
    const { sync, calls, warnings } = setup(rows, states, {
      packages: {
        follow: async () => {
          calls.push("packages");
          if (failing) throw new Error("archive table unreachable");
          // The package installed elsewhere is now here, disabled until its state is followed.
          states.shop ??= "disabled";
        },
      },
    });
    await sync.follow();
    expect(calls).toEqual(["packages", "enable shop remember=false"]);
    failing = true;
    rows[0] = row("shop", false, 2, "other");
    await sync.follow();
    expect(warnings).toEqual([
      "Could not follow the plugin packages of other kernels (will retry)",
    ]);
    expect(calls.slice(2)).toEqual(["packages", "disable shop remember=false"]);
  });

  it("leaves a failure already reported (the database lost) out of its log", async () => {
    const lost = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const other = new Error("permission denied for schema roa2web_kernel");
    let failure: Error = lost;
    const { sync, warnings } = setup(
      [],
      {},
      {
        store: {
          revisions: async () => {
            throw failure;
          },
        },
        reported: (error) => error === lost,
      },
    );
    await sync.follow();
    await sync.follow();
    expect(warnings).toEqual([]);
    failure = other;
    await sync.follow();
    expect(warnings).toHaveLength(1);
  });
});
