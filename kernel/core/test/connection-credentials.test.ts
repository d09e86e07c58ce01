/**
 * A keep-alive connection remembers the last Authorization header that verified on it
 * (src/http/connection-credentials.ts). These requests go over one real connection, so
 * every request after the first meets that memo: it must never answer for a header it
 * was not made from, a signed-out token or an expired one.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { createSigner } from "fast-jwt";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestKernel, type TestKernel } from "./helpers/test-kernel.js";

let t: TestKernel;

beforeAll(async () => {
  t = await startTestKernel({ listen: true });
});
afterAll(async () => t?.close());

interface Answer {
  status: number;
  body: { user?: string; error?: { details?: { reason?: string } } };
  socket: Socket;
}

/** One client connection: every request goes over the same socket. */
function connection() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (path: string, authorization?: string, method = "GET"): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const request = http.request(
        `${t.url}${path}`,
        { agent, method, headers: authorization ? { authorization } : {} },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
          });
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              body: text ? JSON.parse(text) : {},
              socket: request.socket as Socket,
            }),
          );
        },
      );
      request.on("error", reject);
      request.end();
    });
  return { send, close: () => agent.destroy() };
}

let client: ReturnType<typeof connection>;
beforeEach(() => {
  client = connection();
});
afterEach(() => client.close());

/** Sends the requests in turn and checks that they all went over one socket. */
async function overOneConnection(
  requests: Array<[path: string, authorization?: string]>,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const [path, authorization] of requests)
    answers.push(await client.send(path, authorization));
  expect(new Set(answers.map((answer) => answer.socket)).size).toBe(1);
  return answers;
}

describe("the credential a connection remembers", () => {
  it("answers each request as the user its own header names, whoever came before", async () => {
    const reader = await t.createUser({ username: "reader", permissions: ["good:read"] });
    const writer = await t.createUser({ username: "writer", permissions: ["good:write"] });
    const answers = await overOneConnection([
      ["/api/good/ping", `Bearer ${reader.token}`],
      ["/api/good/ping", `Bearer ${writer.token}`],
      ["/api/good/ping", `Bearer ${reader.token}`],
      ["/api/good/ping"],
      ["/api/good/ping", `Bearer ${reader.token}`],
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 403, 200, 401, 200]);
    expect(answers[0]?.body.user).toBe("reader");
    expect(answers[2]?.body.user).toBe("reader");
    expect(answers[3]?.body.error?.details?.reason).toBe("missing_token");
  });

  it("does not answer for a header that differs from the remembered one in its last character", async () => {
    const reader = await t.createUser({ username: "reader2", permissions: ["good:read"] });
    const last = reader.token.at(-1) === "A" ? "B" : "A";
    const altered = `${reader.token.slice(0, -1)}${last}`;
    const answers = await overOneConnection([
      ["/api/good/ping", `Bearer ${reader.token}`],
      ["/api/good/ping", `Bearer ${altered}`],
      ["/api/good/ping", `Bearer ${reader.token} `],
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 200]);
    expect(answers[1]?.body.error?.details?.reason).toBe("invalid");
  });

  it("forgets a token signed out on another connection", async () => {
    const reader = await t.createUser({ username: "reader3", permissions: ["good:read"] });
    const [before] = await overOneConnection([["/api/good/ping", `Bearer ${reader.token}`]]);
    expect(before?.status).toBe(200);
    const out = await fetch(`${t.url}/api/auth/logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(out.status).toBe(204);
    const [after] = await overOneConnection([["/api/good/ping", `Bearer ${reader.token}`]]);
    expect(after?.socket).toBe(before?.socket);
    expect(after?.status).toBe(401);
    expect(after?.body.error?.details?.reason).toBe("revoked");
  });

  it("refuses a token that expires while the connection stays open", async () => {
    const reader = await t.createUser({ username: "reader4", permissions: ["good:read"] });
    const claims = JSON.parse(
      Buffer.from(reader.token.split(".")[1] as string, "base64url").toString(),
    );
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const shortLived = createSigner({ key: t.kernel.settings.auth.jwtSecret, algorithm: "HS256" })({
      ...claims,
      exp: expiresAt,
    });
    const [first] = await overOneConnection([["/api/good/ping", `Bearer ${shortLived}`]]);
    expect(first?.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    const [later] = await overOneConnection([["/api/good/ping", `Bearer ${shortLived}`]]);
    expect(later?.socket).toBe(first?.socket);
    expect(later?.status).toBe(401);
    expect(later?.body.error?.details?.reason).toBe("expired");
  });
});
