// Issue #3 target: a trivial authenticated plugin route keeps >= 0.8x the requests per
// second of a bare Fastify route. Both servers run in their own process, one at a time,
// loaded by autocannon from this process; rounds alternate and medians are compared.
//   node bench/auth-hot-path.mjs [--rounds 3] [--duration 10]
import { parseArgs } from "node:util";
import {
  kernelEnv,
  LOAD_GENERATOR,
  load,
  login,
  median,
  ROOT,
  startServer,
  stopServer,
} from "./lib.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "10" },
  },
});
const rounds = Number(values.rounds);
const duration = Number(values.duration);

const bare = [];
const bareWithHeaders = [];
const kernelPublic = [];
const kernelAuth = [];
const kernel = await startServer(
  `${ROOT}kernel/core/dist/main.js`,
  kernelEnv({ PLUGINS_WORKSPACE_DIR: `${ROOT}bench/fixtures/plugins` }),
);
const token = await login(kernel.port);
const headers = { authorization: `Bearer ${token}` };
await load(`http://127.0.0.1:${kernel.port}/api/bench/ping`, { headers, duration: 2 }); // warm-up
// The security headers the kernel puts on every API answer, for the second baseline.
const sample = await fetch(`http://127.0.0.1:${kernel.port}/api/bench/public`);
const SECURITY_HEADERS = [
  "content-security-policy",
  "strict-transport-security",
  "x-content-type-options",
  "x-frame-options",
];
const kernelHeaders = Object.fromEntries(
  SECURITY_HEADERS.filter((name) => sample.headers.has(name)).map((name) => [
    name,
    sample.headers.get(name),
  ]),
);
for (let round = 1; round <= rounds; round++) {
  const baseline = await startServer(`${ROOT}bench/servers/bare-fastify.mjs`);
  await load(`http://127.0.0.1:${baseline.port}/ping`, { duration: 2 });
  bare.push(await load(`http://127.0.0.1:${baseline.port}/ping`, { duration }));
  await stopServer(baseline);
  const withHeaders = await startServer(`${ROOT}bench/servers/bare-fastify.mjs`, {
    BARE_HEADERS: JSON.stringify(kernelHeaders),
  });
  await load(`http://127.0.0.1:${withHeaders.port}/ping`, { duration: 2 });
  bareWithHeaders.push(await load(`http://127.0.0.1:${withHeaders.port}/ping`, { duration }));
  await stopServer(withHeaders);
  kernelPublic.push(await load(`http://127.0.0.1:${kernel.port}/api/bench/public`, { duration }));
  kernelAuth.push(
    await load(`http://127.0.0.1:${kernel.port}/api/bench/ping`, { headers, duration }),
  );
  console.log(
    `round ${round}: bare ${bare.at(-1)} req/s, bare + kernel's headers ${bareWithHeaders.at(-1)}, kernel public ${kernelPublic.at(-1)}, kernel authenticated ${kernelAuth.at(-1)}`,
  );
}
await stopServer(kernel);
const result = {
  node: process.version,
  loadGenerator: LOAD_GENERATOR,
  rounds,
  durationSeconds: duration,
  bareFastify: median(bare),
  bareFastifyWithKernelHeaders: median(bareWithHeaders),
  kernelPublicRoute: median(kernelPublic),
  kernelAuthenticatedRoute: median(kernelAuth),
};
result.ratioPublic = Math.round((result.kernelPublicRoute / result.bareFastify) * 100) / 100;
result.ratioAuthenticated =
  Math.round((result.kernelAuthenticatedRoute / result.bareFastify) * 100) / 100;
result.ratioAuthenticatedToSameHeaders =
  Math.round((result.kernelAuthenticatedRoute / result.bareFastifyWithKernelHeaders) * 100) / 100;
result.headersCostOnBare =
  Math.round((result.bareFastifyWithKernelHeaders / result.bareFastify) * 100) / 100;
console.log(JSON.stringify(result, null, 2));
console.log(
  result.ratioAuthenticated >= 0.8
    ? "PASS: >= 0.8x bare Fastify"
    : "BELOW TARGET: < 0.8x bare Fastify",
);
