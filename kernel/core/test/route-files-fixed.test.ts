/**
 * #17: "Reloading *any other* plugin also makes new route files go live", and a plugin
 * rebuilt in place served new route files beside its old code. The route files of
 * loaded code are the ones that were there when it loaded.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryPluginHome, writePluginFolder, writeRoute } from "./helpers/plugin-folders.js";
import { inject, startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

let t: TestKernel;
let token: string;
const home = temporaryPluginHome();
const plugins = path.join(home.dir, "plugins");
let first: string;

beforeAll(async () => {
  first = writePluginFolder(
    plugins,
    { name: "first", version: "1.0.0", routes: ["old"] },
    path.join(plugins, "first"),
  );
  writePluginFolder(plugins, { name: "second", version: "1.0.0" }, path.join(plugins, "second"));
  t = await startTestKernel({ pluginDirs: [plugins] });
  token = await t.login();
});
afterAll(async () => {
  await t?.close();
  home.remove();
});

const get = (url: string) => inject(t.kernel, { method: "GET", url });
const reload = (name: string) =>
  inject(t.kernel, {
    method: "POST",
    url: `/api/kernel/plugins/${name}/reload`,
    headers: { authorization: `Bearer ${token}` },
  });

describe("the route files of loaded code", () => {
  it("stay the ones present when it loaded, whatever is reloaded", async () => {
    expect((await get("/api/first/old")).statusCode).toBe(200);
    // A rebuild in place adds a route file next to the running code.
    writeRoute(first, "added");
    expect((await reload("second")).statusCode).toBe(200);
    expect((await get("/api/first/added")).statusCode).toBe(404);
    expect((await reload("first")).statusCode).toBe(200);
    expect((await get("/api/first/added")).statusCode).toBe(404);
    expect((await get("/api/first/old")).statusCode).toBe(200);
  });
});
