// Plugin upgrades without restart (issue #17 item 4, ADR 0025): the supervisor with the
// real plugins under a steady, bounded load of authenticated requests to the reports
// plugin, and N reloads of `reports`, each a hand-over to a fresh kernel process.
//   node bench/plugin-handover.mjs [--count 100] [--rate 200] [--connections 8]
// Reports: failed requests (errors, timeouts, non-2xx: must be 0), the RSS of the whole
// process tree (supervisor + kernels, summed from /proc) at the start and after the
// last old kernel exited (target: within 50 MB), the time from the reload request to
// the new kernel serving (p50/p95/max), and the peak tree RSS (two kernels at once).
// Linux only (/proc).
import { parseArgs } from "node:util";
import {
  kernelEnv,
  percentile,
  ROOT,
  sleep,
  startSupervisor,
  steadyLoad,
  treeRss,
} from "./lib.mjs";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100" },
    rate: { type: "string", default: "200" },
    connections: { type: "string", default: "8" },
    port: { type: "string", default: "8242" },
  },
});
const count = Number(values.count);

const server = await startSupervisor({
  ...kernelEnv({ PORT: values.port, PLUGINS_WORKSPACE_DIR: `${ROOT}plugins` }),
  // One kernel process at a time here: no Telegram poller, no demo users' chats.
  MODULE_TELEGRAM_ENABLED: "false",
  // 100 hand-overs on a busy machine outlast the default 15 minutes of one token.
  ACCESS_TOKEN_TTL_SECONDS: "14400",
});
const supervisor = server.child;
const { base } = server;
const login = await fetch(`${base}/api/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ username: "demo", password: "demo" }),
});
const token = (await login.json()).access_token;
const authorization = `Bearer ${token}`;
const target = `${base}/api/reports/cache/stats`;
const probe = await fetch(target, { headers: { authorization } });
if (probe.status !== 200) throw new Error(`GET ${target} answered ${probe.status}`);

// The steady load: a fixed rate over keep-alive connections, for as long as the bench runs.
const load = steadyLoad(base, {
  paths: ["/api/reports/cache/stats"],
  headers: { authorization },
  rate: Number(values.rate),
  connections: Number(values.connections),
});

await sleep(10_000);
const rssStart = treeRss(supervisor.pid);
let peak = rssStart;
const sampler = setInterval(() => {
  peak = Math.max(peak, treeRss(supervisor.pid));
}, 100);

const times = [];
const failedReloads = [];
for (let index = 0; index < count; index += 1) {
  const started = performance.now();
  const response = await fetch(`${base}/api/kernel/plugins/reports/reload`, {
    method: "POST",
    headers: { authorization },
  });
  const body = await response.json();
  times.push(performance.now() - started);
  if (response.status !== 200 || body.state !== "enabled") {
    failedReloads.push({ status: response.status, error: body.error?.message ?? body });
    process.stdout.write(
      `  reload ${index + 1} not done: ${JSON.stringify(failedReloads.at(-1))}\n`,
    );
    continue;
  }
  // The old kernel's exit (its plugins stopped): the next hand-over starts after it anyway.
  await server.drained(index + 1 - failedReloads.length);
  if ((index + 1) % 10 === 0) {
    process.stdout.write(
      `  ${index + 1}/${count} hand-overs, tree RSS ${treeRss(supervisor.pid).toFixed(0)} MB\n`,
    );
  }
}
await sleep(2_000);
const rssEnd = treeRss(supervisor.pid);
clearInterval(sampler);
const r = await load.stop();
const code = await server.stop();

const sorted = [...times].sort((a, b) => a - b);
const failed = r.failed;
console.log(
  `plugin hand-over: ${count} reloads of reports, under ${values.rate} req/s over ${values.connections} keep-alive connections`,
);
console.log(
  `  load: ${r.requests.total} requests, failed ${failed} (errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx})`,
);
console.log(`  reloads answered other than 200/enabled: ${failedReloads.length}`);
for (const failure of failedReloads.slice(0, 3)) console.log(`    ${JSON.stringify(failure)}`);
console.log(
  `  request → new kernel serving: p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p95 ${percentile(sorted, 0.95).toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms`,
);
console.log(
  `  tree RSS: start ${rssStart.toFixed(0)} MB, after the last old kernel exited ${rssEnd.toFixed(0)} MB (${rssEnd - rssStart >= 0 ? "+" : ""}${(rssEnd - rssStart).toFixed(0)} MB; target within 50), peak during hand-overs ${peak.toFixed(0)} MB`,
);
const { unclean, aborted } = server.problems();
console.log(
  `  kernel processes that did not exit cleanly: ${unclean.length}${unclean.length ? ` (${unclean.join("; ")})` : ""}`,
);
for (const why of aborted.slice(0, 3)) console.log(`  hand-over aborted: ${why}`);
console.log(`  supervisor exit code on SIGTERM: ${code}`);
const ok =
  failed === 0 && failedReloads.length === 0 && Math.abs(rssEnd - rssStart) <= 50 && code === 0;
process.exit(ok ? 0 : 1);
