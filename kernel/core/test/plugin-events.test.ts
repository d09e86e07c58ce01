/**
 * `GET /api/kernel/plugins/events`: the stream the shell follows to learn that a plugin
 * was installed, upgraded or disabled while its page is open (#17 item 5). Signed-in
 * users only; the first event is the list as it is, later ones come with each change
 * (as that user sees the list), and a token signed out ends the stream.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packPlugin } from "../src/packages/index.js";
import { startTestKernel, type TestKernel } from "../src/testing/index.js";
import {
  type PluginSpec,
  temporaryPluginHome,
  writePluginFolder,
} from "./helpers/plugin-folders.js";
import { REPO_ROOT } from "./helpers/test-kernel.js";

interface PluginItem {
  name: string;
  version: string;
  state: string;
  ui: { url: string } | null;
}
interface PluginsEvent {
  items: PluginItem[];
  ui_reload: string;
}

const home = temporaryPluginHome();
const workspace = path.join(home.dir, "workspace");
writePluginFolder(
  workspace,
  { name: "resident", version: "1.0.0" },
  path.join(workspace, "resident"),
);

async function pack(spec: PluginSpec): Promise<string> {
  const folder = writePluginFolder(path.join(home.dir, "sources"), spec);
  const { file } = await packPlugin(folder, {
    outDir: path.join(home.dir, "packages", `${spec.name}-${spec.version}`),
  });
  return file;
}

/**
 * An open event stream: its `plugins` events in order, and whether it ended. `next()`
 * waits for the next event (the kernel sends one per change, so no timing is involved).
 */
function follow(url: string, token: string) {
  const controller = new AbortController();
  const events: PluginsEvent[] = [];
  /** Names of the other events (`reconnect`). */
  const others: string[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  const opened = fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  const done = (async () => {
    const response = await opened;
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = (response.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += value;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((line) => line.startsWith("data: "));
          const name = block.split("\n").find((line) => line.startsWith("event: "));
          if (name === "event: plugins" && data) {
            events.push(JSON.parse(data.slice(6)) as PluginsEvent);
            for (const wake of waiters.splice(0)) wake();
          } else if (name) others.push(name.slice(7));
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true;
    for (const wake of waiters.splice(0)) wake();
  })();
  return {
    events,
    others,
    get ended() {
      return ended;
    },
    /** The first event (from the start) that satisfies `test`; undefined if the stream ended first. */
    async until(test: (event: PluginsEvent) => boolean): Promise<PluginsEvent | undefined> {
      for (let seen = 0; ; ) {
        for (; seen < events.length; seen += 1) {
          if (test(events[seen] as PluginsEvent)) return events[seen];
        }
        if (ended) return undefined;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    /** Resolves once the server has ended the stream. */
    async end(): Promise<void> {
      await done;
    },
    close() {
      controller.abort();
    },
  };
}

const find = (event: PluginsEvent | undefined, name: string) =>
  event?.items.find((item) => item.name === name);

describe("the plugin event stream", () => {
  let t: TestKernel;
  let admin: string;
  let reader: string;
  const url = () => `${t.url}/api/kernel/plugins/events`;
  const files: Record<string, string> = {};

  beforeAll(async () => {
    files.v1 = await pack({ name: "shop", version: "1.0.0", ui: "Shop 1" });
    files.v2 = await pack({ name: "shop", version: "1.1.0", ui: "Shop 2" });
    t = await startTestKernel({
      root: REPO_ROOT,
      listen: true,
      env: {
        PLUGINS_WORKSPACE_DIR: workspace,
        PLUGINS_DIR: "",
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "roa2web-plugin-events-")),
      },
    });
    admin = (await t.createUser({ username: "admin", permissions: ["kernel:admin"] })).token;
    reader = (await t.createUser({ username: "reader", permissions: [] })).token;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    home.remove();
  });

  const install = async (file: string) => {
    const form = new FormData();
    form.append("file", new Blob([readFileSync(file)]), path.basename(file));
    const response = await fetch(`${t.url}/api/kernel/plugins/packages`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    expect(response.status).toBe(200);
  };
  const act = async (name: string, action: string) => {
    const response = await fetch(`${t.url}/api/kernel/plugins/${name}/${action}`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(200);
  };

  it("refuses a request without a token, and one that does not ask for a stream", async () => {
    const anonymous = await fetch(url(), { headers: { accept: "text/event-stream" } });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      "UNAUTHORIZED",
    );
    const plain = await fetch(url(), { headers: { authorization: `Bearer ${reader}` } });
    expect(plain.status).toBe(406);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe("NOT_ACCEPTABLE");
  });

  it("sends the list at once, then the new version on an install and an upgrade, and a disable", async () => {
    const asAdmin = follow(url(), admin);
    const asReader = follow(url(), reader);
    const shop = (event: PluginsEvent) => find(event, "shop");
    try {
      const [first] = [await asReader.until(() => true)];
      expect(first?.ui_reload).toBe("live"); // development: the shell loads a new UI in place
      expect(find(first, "resident")).toMatchObject({ version: "1.0.0", state: "enabled" });
      expect(find(first, "shop")).toBeUndefined();
      await asAdmin.until(() => true);

      await install(files.v1 as string);
      const installed = await asReader.until((event) => shop(event)?.version === "1.0.0");
      expect(shop(installed as PluginsEvent)?.ui?.url).toBe("/plugins/shop/ui/shop-app.js?v=1.0.0");
      await asAdmin.until((event) => shop(event)?.version === "1.0.0");

      await install(files.v2 as string);
      const upgraded = await asReader.until((event) => shop(event)?.version === "1.1.0");
      expect(shop(upgraded as PluginsEvent)).toMatchObject({ state: "enabled" });
      expect(shop(upgraded as PluginsEvent)?.ui?.url).toBe("/plugins/shop/ui/shop-app.js?v=1.1.0");

      // A disabled plugin leaves a reader's list; an administrator sees it disabled.
      const before = asReader.events.length;
      await act("shop", "disable");
      const disabled = await asReader.until(
        (event) => asReader.events.indexOf(event) >= before && shop(event) === undefined,
      );
      expect(disabled).toBeDefined();
      expect(await asAdmin.until((event) => shop(event)?.state === "disabled")).toBeDefined();
      // No event repeats the one before it: each one says something changed.
      const texts = asReader.events.map((event) => JSON.stringify(event));
      expect(texts.every((text, index) => index === 0 || text !== texts[index - 1])).toBe(true);
      expect(asReader.ended).toBe(false);
    } finally {
      asAdmin.close();
      asReader.close();
    }
  });

  it("ends the stream once its token is signed out", async () => {
    const { token } = await t.createUser({ username: "leaving", permissions: [] });
    const stream = follow(url(), token);
    await stream.until(() => true);
    const logout = await fetch(`${t.url}/api/auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(logout.status).toBe(204);
    // The next change checks the token again: the stream ends instead of sending the list.
    await act("resident", "reload");
    await stream.end();
    expect(stream.ended).toBe(true);
    expect(stream.events).toHaveLength(1);
  });

  it("ends with a reconnect event when the kernel stops (as in a hand-over)", async () => {
    const stream = follow(url(), reader);
    await stream.until(() => true);
    const stopping = t;
    t = undefined as unknown as TestKernel; // closed here, not again after the file
    await stopping.close();
    await stream.end();
    expect(stream.others).toEqual(["reconnect"]);
  });
});
