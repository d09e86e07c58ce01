// Plugin upgrades without restart (issue #17 item 4, ADR 0025): the supervisor with the
// real plugins under a steady, bounded load of authenticated requests to the reports
// plugin, and N reloads of `reports`, each a hand-over to a fresh kernel process.
//   node bench/plugin-handover.mjs [--count 100] [--rate 200] [--connections 8]
// Reports: failed requests (errors, timeouts, non-2xx: must be 0), the RSS of the whole
// process tree (supervisor + kernels, summed from /proc) at the start and after the
// last old kernel exited (target: within 50 MB), the time from the reload request to
// the new kernel serving (p50/p95/max), and the peak tree RSS (two kernels at once).
// Linux only (/proc).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { kernelEnv, ROOT } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100" },
    rate: { type: "string", default: "200" },
    connections: { type: "string", default: "8" },
    port: { type: "string", default: "8242" },
  },
});
const count = Number(values.count);

/** Pids of `root` and every process under it. */
function tree(root) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const pids = [root];
  for (let index = 0; index < pids.length; index += 1) {
    pids.push(...(children.get(pids[index]) ?? []));
  }
  return pids;
}

/** Summed VmRSS of the tree, in MB. */
function treeRss(root) {
  let kb = 0;
  for (const pid of tree(root)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const supervisor = spawn(process.execPath, [`${ROOT}kernel/core/dist/main.js`], {
  cwd: ROOT,
  env: {
    ...process.env,
    ...kernelEnv({
      PORT: values.port,
      PLUGINS_WORKSPACE_DIR: `${ROOT}plugins`,
      ROA2WEB_SUPERVISOR: "on",
    }),
    // One kernel process at a time here: no Telegram poller, no demo users' chats.
    MODULE_TELEGRAM_ENABLED: "false",
    // 100 hand-overs on a busy machine outlast the default 15 minutes of one token.
    ACCESS_TOKEN_TTL_SECONDS: "14400",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
// A bench that stops early leaves no process behind: the supervisor and its kernels.
process.once("exit", () => {
  for (const pid of tree(supervisor.pid).reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
});
const lines = [];
let buffer = "";
supervisor.stdout.on("data", (chunk) => {
  buffer += chunk.toString();
  let newline = buffer.indexOf("\n");
  while (newline >= 0) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    try {
      const parsed = JSON.parse(line);
      // Only what the bench reads: the log of 100 kernels is large.
      if (parsed.module === "supervisor") lines.push(parsed);
    } catch {}
    newline = buffer.indexOf("\n");
  }
});
async function waitFor(matches, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines.find(matches);
    if (found) return found;
    if (Date.now() > deadline) throw new Error("the supervisor did not log what was expected");
    if (supervisor.exitCode !== null)
      throw new Error(`the supervisor exited (${supervisor.exitCode})`);
    await sleep(50);
  }
}

const running = await waitFor((line) => line.msg === "Supervisor running: the kernel serves");
const base = `http://127.0.0.1:${running.port}`;
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
let loadResult;
let stopLoad;
const loadDone = new Promise((resolve) => {
  const instance = autocannon(
    {
      url: target,
      headers: { authorization },
      connections: Number(values.connections),
      overallRate: Number(values.rate),
      duration: 24 * 3600,
      timeout: 10,
    },
    (error, result) => {
      loadResult = error ?? result;
      resolve();
    },
  );
  stopLoad = () => instance.stop();
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
  const exits = index + 1 - failedReloads.length;
  await waitFor(
    () =>
      lines.filter((line) => line.msg === "Kernel process exited" && line.phase === "draining")
        .length >= exits,
  );
  if ((index + 1) % 10 === 0) {
    process.stdout.write(
      `  ${index + 1}/${count} hand-overs, tree RSS ${treeRss(supervisor.pid).toFixed(0)} MB\n`,
    );
  }
}
await sleep(2_000);
const rssEnd = treeRss(supervisor.pid);
clearInterval(sampler);
stopLoad();
await loadDone;
const exited = new Promise((resolve) => supervisor.once("exit", resolve));
supervisor.kill("SIGTERM");
const code = await exited;

const sorted = [...times].sort((a, b) => a - b);
const r = loadResult;
const failed = r.errors + r.timeouts + r.non2xx;
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
const unclean = lines.filter(
  (line) => line.msg === "Kernel process exited" && (line.code !== 0 || line.signal !== null),
);
const aborted = lines.filter((line) => line.msg.startsWith("Hand-over aborted"));
console.log(
  `  kernel processes that did not exit cleanly: ${unclean.length}${unclean.length ? ` (${unclean.map((line) => `generation ${line.kernelGeneration}: ${line.signal ?? line.code} while ${line.phase}`).join("; ")})` : ""}`,
);
for (const line of aborted.slice(0, 3)) console.log(`  hand-over aborted: ${line.why}`);
console.log(`  supervisor exit code on SIGTERM: ${code}`);
const ok =
  failed === 0 && failedReloads.length === 0 && Math.abs(rssEnd - rssStart) <= 50 && code === 0;
process.exit(ok ? 0 : 1);
