import { describe, expect, it } from "vitest";
import { AttemptLimiter } from "./attempts.js";

describe("AttemptLimiter", () => {
  it("allows 5 failures per user in 10 minutes", () => {
    const limiter = new AttemptLimiter();
    for (let i = 0; i < 5; i += 1) {
      expect(limiter.allowed(7, 1000 + i)).toBe(true);
      limiter.fail(7, 1000 + i);
    }
    expect(limiter.allowed(7, 2000)).toBe(false);
    expect(limiter.allowed(8, 2000)).toBe(true);
    expect(limiter.allowed(7, 1000 + 10 * 60 * 1000)).toBe(true);
  });

  it("forgets a user's failures after a success", () => {
    const limiter = new AttemptLimiter(2, 1000);
    limiter.fail(1, 0);
    limiter.fail(1, 1);
    expect(limiter.allowed(1, 2)).toBe(false);
    limiter.reset(1);
    expect(limiter.allowed(1, 3)).toBe(true);
  });

  it("tracks at most maxKeys users, forgetting the least recently failed first", () => {
    const limiter = new AttemptLimiter(1, 60_000, 3);
    for (const user of [1, 2, 3]) limiter.fail(user, 0);
    expect(limiter.allowed(1, 10)).toBe(false);
    limiter.fail(1, 20); // 1 is now the most recent; 2 the least
    limiter.fail(4, 30);
    expect(limiter.size).toBe(3);
    expect(limiter.allowed(2, 40)).toBe(true);
    for (const user of [1, 3, 4]) expect(limiter.allowed(user, 40)).toBe(false);
    for (let user = 100; user < 10_100; user += 1) limiter.fail(user, 50);
    expect(limiter.size).toBe(3);
  });
});
