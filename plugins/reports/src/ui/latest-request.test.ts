import { describe, expect, it } from "vitest";
import { LatestRequest } from "./latest-request.js";

function fakeHost() {
  const host = {
    controllers: [] as Array<{ hostDisconnected?(): void }>,
    updates: 0,
    addController(controller: { hostDisconnected?(): void }) {
      host.controllers.push(controller);
    },
    requestUpdate() {
      host.updates += 1;
    },
  };
  return host;
}

/** A request the test settles by hand, remembering the signal it was given. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  let signal!: AbortSignal;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return {
    load: (given: AbortSignal) => {
      signal = given;
      return promise;
    },
    resolve,
    reject,
    get signal() {
      return signal;
    },
  };
}

describe("LatestRequest", () => {
  it("registers with its host and shows the answer", async () => {
    const host = fakeHost();
    const request = new LatestRequest<string>(host);
    expect(host.controllers).toContain(request);
    const first = deferred<string>();
    const done = request.run("company=1", first.load);
    expect(request.loading).toBe(true);
    first.resolve("dashboard 1");
    await done;
    expect(request).toMatchObject({ value: "dashboard 1", loading: false, error: undefined });
    expect(host.updates).toBeGreaterThanOrEqual(2);
  });

  it("aborts the running request when another one starts, and ignores its late answer", async () => {
    const request = new LatestRequest<string>(fakeHost());
    const slow = deferred<string>();
    const fast = deferred<string>();
    const slowDone = request.run("company=1", slow.load);
    const fastDone = request.run("company=2", fast.load);
    expect(slow.signal.aborted).toBe(true);
    expect(fast.signal.aborted).toBe(false);
    fast.resolve("company 2");
    await fastDone;
    slow.resolve("company 1");
    await slowDone;
    expect(request.value).toBe("company 2");
    expect(request.loading).toBe(false);
  });

  it("does not reload for the same key, but does on retry", async () => {
    const request = new LatestRequest<number>(fakeHost());
    let calls = 0;
    const load = async () => ++calls;
    await request.run("a", load);
    await request.run("a", load);
    expect(calls).toBe(1);
    await request.retry();
    expect(calls).toBe(2);
    expect(request.value).toBe(2);
  });

  it("keeps the failure (and the last good answer) until a request succeeds", async () => {
    const request = new LatestRequest<string>(fakeHost());
    await request.run("a", async () => "good");
    const failure = new Error("503");
    await request.run("b", async () => {
      throw failure;
    });
    expect(request.error).toBe(failure);
    expect(request.value).toBe("good");
    await request.run("c", async () => "better");
    expect(request.error).toBeUndefined();
    expect(request.value).toBe("better");
  });

  it("an aborted request's rejection is not an error", async () => {
    const request = new LatestRequest<string>(fakeHost());
    const first = deferred<string>();
    const done = request.run("a", first.load);
    request.reset();
    first.reject(new DOMException("aborted", "AbortError"));
    await done;
    expect(request.error).toBeUndefined();
  });

  it("aborts and forgets on disconnect, so reconnecting loads again", async () => {
    const host = fakeHost();
    const request = new LatestRequest<string>(host);
    const first = deferred<string>();
    void request.run("a", first.load);
    host.controllers[0]?.hostDisconnected?.();
    expect(first.signal.aborted).toBe(true);
    expect(request.loading).toBe(false);
    let loaded = false;
    await request.run("a", async () => {
      loaded = true;
      return "again";
    });
    expect(loaded).toBe(true);
  });
});
