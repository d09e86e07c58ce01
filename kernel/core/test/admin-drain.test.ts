/**
 * An admin's enable/disable/reload request swaps route generations and waits for the
 * old one to drain. The request itself runs on the old generation: it must not wait
 * for itself (it used to, until the drain timeout).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

let t: TestKernel;
const logLines: Array<{ msg?: string }> = [];

beforeAll(async () => {
  // A drain timeout far beyond the test's own timeout: waiting for it fails the test.
  t = await startTestKernel({ listen: true, env: { HTTP_DRAIN_TIMEOUT_MS: "600000" }, logLines });
});
afterAll(async () => t?.close());

it("answers plugin enable, disable and reload over HTTP without waiting for its own drain", {
  timeout: 20_000,
}, async () => {
  const token = await t.login();
  const headers = { authorization: `Bearer ${token}` };
  for (const action of ["disable", "enable", "reload"]) {
    const response = await fetch(`${t.url}/api/kernel/plugins/good/${action}`, {
      method: "POST",
      headers,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { state: string }).state).toBe(
      action === "disable" ? "disabled" : "enabled",
    );
  }
  expect(logLines.some((line) => line.msg?.includes("after the drain timeout"))).toBe(false);
});

it("does not hold a swap for an open event stream", { timeout: 20_000 }, async () => {
  const token = await t.login();
  const headers = { authorization: `Bearer ${token}` };
  // A request that asks for an event stream and runs 5 s. Had the swap waited for it
  // (the drain timeout here is 10 minutes), the reload could only answer after it.
  const stream = fetch(`${t.url}/api/good/slow?ms=5000`, {
    headers: { ...headers, accept: "text/event-stream" },
  }).then(() => "stream");
  await new Promise((resolve) => setTimeout(resolve, 200));
  const reload = fetch(`${t.url}/api/kernel/plugins/good/reload`, { method: "POST", headers }).then(
    (response) => `reload ${response.status}`,
  );
  expect(await Promise.race([stream, reload])).toBe("reload 200");
  expect(await stream).toBe("stream");
});
