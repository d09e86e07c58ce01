// The baseline: a bare Fastify route, no logging, no hooks. Prints its port.
// With BARE_HEADERS (a JSON object), every answer also carries those headers plus a
// fresh x-request-id, set the way the kernel sets them (an onRequest hook adding a frozen
// object, then the id): the same header work the kernel does on its API answers, so the
// kernel's own overhead can be told apart from the cost of the headers. (Spreading a new
// object per request into reply.headers() costs this route ~5 µs more: measured.)
import { readFileSync } from "node:fs";
import Fastify from "fastify";

const extra = process.env.BARE_HEADERS ? JSON.parse(process.env.BARE_HEADERS) : undefined;
// With BARE_PAYLOAD_FILE, /ping answers that file's JSON as is (the same bytes as a
// cached report), so a large answer is compared with a large answer. Sent as a Buffer,
// as the kernel sends a cached report: a string would be re-encoded on every answer
// (400 KB with diacritics: ~20x slower), which is not what a bare route at its best does.
const payload = process.env.BARE_PAYLOAD_FILE
  ? readFileSync(process.env.BARE_PAYLOAD_FILE)
  : undefined;
const app = Fastify({ logger: false });
if (extra) {
  const headers = Object.freeze(extra);
  const prefix = `${process.pid.toString(16).padStart(12, "0")}-`;
  let count = 0;
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    reply.header("x-request-id", prefix + (++count).toString(36));
    done();
  });
}
const response = { 200: { type: "object", properties: { ok: { type: "boolean" } } } };
app.get("/ping", { schema: { response } }, async (_request, reply) => {
  if (payload) return reply.type("application/json; charset=utf-8").send(payload);
  return { ok: true };
});
await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
