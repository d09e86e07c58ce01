// The baseline: a bare Fastify route, no logging, no hooks. Prints its port.
import Fastify from "fastify";

const app = Fastify({ logger: false });
const response = { 200: { type: "object", properties: { ok: { type: "boolean" } } } };
app.get("/ping", { schema: { response } }, async () => ({ ok: true }));
await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
