import { describe, expect, it } from "vitest";
import { JobListeners } from "./job-listeners.js";

describe("JobListeners", () => {
  it("tells every listener of a job, past one that throws, and none of another job", () => {
    const listeners = new JobListeners<number>();
    const heard: string[] = [];
    listeners.add("a", () => {
      throw new Error("socket closed");
    });
    listeners.add("a", (value) => heard.push(`a:${value}`));
    listeners.add("b", (value) => heard.push(`b:${value}`));
    listeners.tell("a", 1);
    expect(heard).toEqual(["a:1"]);
  });

  it("forgets a job once its last listener leaves, and counts what is left", () => {
    const listeners = new JobListeners<number>();
    const stopFirst = listeners.add("a", () => undefined);
    const stopSecond = listeners.add("a", () => undefined);
    listeners.add("b", () => undefined);
    expect(listeners.count()).toBe(3);
    stopFirst();
    expect(listeners.count("a")).toBe(1);
    stopSecond();
    expect(listeners.has("a")).toBe(false);
    expect(listeners.count()).toBe(1);
    listeners.forget("b");
    expect(listeners.count()).toBe(0);
  });
});
