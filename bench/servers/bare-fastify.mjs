// The baseline: a bare Fastify route, no logging, no hooks. Prints its port.
// With BARE_HEADERS (a JSON object), every answer also carries those headers plus a
// fresh x-request-id: the same header work the kernel does on its API answers, so
// the kernel's own overhead can be told apart from the cost of the headers.
import { randomUUID } from "node:crypto";
import Fastify from "fastify";

const extra = process.env.BARE_HEADERS ? JSON.parse(process.env.BARE_HEADERS) : undefined;
const app = Fastify({ logger: false });
const response = { 200: { type: "object", properties: { ok: { type: "boolean" } } } };
app.get("/ping", { schema: { response } }, async (_request, reply) => {
  if (extra) reply.headers({ ...extra, "x-request-id": randomUUID() });
  return { ok: true };
});
await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
