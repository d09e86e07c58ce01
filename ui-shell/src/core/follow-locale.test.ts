import type { ReactiveController, ReactiveControllerHost } from "lit";
import { describe, expect, it } from "vitest";
import { FollowLocale } from "./follow-locale.js";
import { setLocale } from "./i18n.js";

/** What Lit does with a controller, without a DOM: connect, update, disconnect. */
function fakeHost() {
  const controllers: ReactiveController[] = [];
  const host = {
    updates: 0,
    addController: (controller: ReactiveController) => controllers.push(controller),
    removeController: () => undefined,
    requestUpdate: () => {
      host.updates += 1;
    },
    updateComplete: Promise.resolve(true),
    connect: () => {
      for (const controller of controllers) controller.hostConnected?.();
    },
    disconnect: () => {
      for (const controller of controllers) controller.hostDisconnected?.();
    },
  };
  return host satisfies ReactiveControllerHost;
}

describe("FollowLocale", () => {
  it("re-renders its element on each language change while it is connected, and not after", () => {
    setLocale("ro");
    const host = fakeHost();
    new FollowLocale(host);
    setLocale("en"); // not connected yet
    expect(host.updates).toBe(0);
    host.connect();
    setLocale("ro");
    setLocale("en");
    expect(host.updates).toBe(2);
    host.disconnect();
    setLocale("ro");
    expect(host.updates).toBe(2);
    // Connected again (moved in the page): follows again.
    host.connect();
    setLocale("en");
    expect(host.updates).toBe(3);
    host.disconnect();
    setLocale("ro");
  });
});
