// Upgrading an installed plugin package while the server runs (issue #17 item 4,
// ADRs 0024 and 0025), measured as users run it: `node kernel/core/dist/main.js` with
// the supervisor on, in production mode, a user made with `roa2web users add`, the
// `notes` example packed N+1 times (its built dist, version 1.0.0 … 1.0.N) with
// `roa2web plugin pack --key`, signed by a key in PLUGIN_TRUSTED_KEYS. 1.0.0 is
// installed, then 1.0.1 … 1.0.N are each uploaded to POST /api/kernel/plugins/packages
// while a steady load of authenticated requests (a notes route and a reports route,
// alternating on every keep-alive connection) runs.
//   node bench/package-upgrades.mjs [--upgrades 100] [--rate 200] [--connections 8]
//        [--port 8270] [--max-minutes 40]
// Reports: requests sent and failed (a failure is a socket error, a timeout or any
// non-2xx answer: must be 0), the RSS of the whole process tree (supervisor + kernels,
// from /proc) at the start, after every 10th upgrade and at the end (target: within
// 50 MB of the start), the time from the upload's first byte to the answer and to a
// fresh request seeing the new version in GET /api/kernel/plugins (p50/p95/max), the
// version serving at the end and the package records (the last version active, the one
// before it kept, nothing else on disk), and a note written before the upgrades still
// there. Exits 1 on any miss. Linux only (/proc).
//
// The in-process variant (ADR 0024's activator, without the supervisor): the memory
// each upgrade keeps in one process (ES modules cannot be unloaded), after two GCs:
//   node --expose-gc bench/package-upgrades.mjs --in-process [--upgrades 50]
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import {
  kernelEnv,
  percentile,
  ROOT,
  sleep,
  startSupervisor,
  steadyLoad,
  temporaryDir,
  treeRss,
} from "./lib.mjs";

const { values } = parseArgs({
  options: {
    "in-process": { type: "boolean", default: false },
    upgrades: { type: "string" },
    rate: { type: "string", default: "200" },
    connections: { type: "string", default: "8" },
    port: { type: "string", default: "8270" },
    "max-minutes": { type: "string", default: "40" },
  },
});
const inProcess = values["in-process"];
const upgrades = Number(values.upgrades ?? (inProcess ? 50 : 100));
const MAIN = `${ROOT}kernel/core/dist/main.js`;
const NOTES = path.join(ROOT, "plugins/examples/notes");
const work = temporaryDir("roa2web-package-upgrades-");
// The packer resolves the plugin's imports from its folder up: the kernel's modules.
symlinkSync(path.join(ROOT, "kernel/core/node_modules"), path.join(work, "node_modules"));

/** The notes example as version 1.0.<n>: its built dist and package.json, the version bumped. */
function notesSource(n) {
  const source = path.join(work, "sources", `notes-${n}`);
  cpSync(path.join(NOTES, "dist"), path.join(source, "dist"), { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(NOTES, "package.json"), "utf8"));
  writeFileSync(path.join(source, "package.json"), JSON.stringify({ ...pkg, version: `1.0.${n}` }));
  return source;
}

if (inProcess) await inProcessUpgrades();
else await supervisedUpgrades();

async function supervisedUpgrades() {
  const run = promisify(execFile);
  const deadline = Date.now() + Number(values["max-minutes"]) * 60_000;

  // A signing key, as an author makes one; its public half is what the server trusts.
  const keys = path.join(work, "keys");
  const { stdout: publicKey } = await run(process.execPath, [
    MAIN,
    "plugin",
    "keygen",
    "--out",
    keys,
  ]);
  const privateKey = path.join(
    keys,
    readdirSync(keys).find((file) => file.endsWith(".pem")),
  );

  // Every version packed and signed with the CLI, two at a time (≈1 s each).
  const archives = new Array(upgrades + 1);
  let next = 0;
  const packer = async () => {
    for (let n = next++; n <= upgrades; n = next++) {
      const { stdout } = await run(process.execPath, [
        MAIN,
        "plugin",
        "pack",
        notesSource(n),
        "--out",
        path.join(work, "packages"),
        "--key",
        privateKey,
      ]);
      archives[n] = readFileSync(stdout.trim());
    }
  };
  const packStarted = performance.now();
  await Promise.all([packer(), packer()]);
  const packSeconds = (performance.now() - packStarted) / 1000;

  const password = "bench-upgrades-password";
  const env = {
    ...kernelEnv({ PORT: values.port }),
    ROA2WEB_ENV: "production",
    HOST: "127.0.0.1",
    JWT_SECRET: randomBytes(48).toString("base64"),
    ALLOW_DEMO_ERP_IN_PRODUCTION: "true",
    PLUGINS_WORKSPACE_DIR: `${ROOT}plugins`,
    PLUGIN_TRUSTED_KEYS: publicKey.trim(),
    // No Telegram poller (it needs a bot token; the two-kernel bench measures it).
    MODULE_TELEGRAM_ENABLED: "false",
    // 100 hand-overs on a busy machine outlast the default 15 minutes of one token.
    ACCESS_TOKEN_TTL_SECONDS: "14400",
  };
  // Production has no demo user: the administrator is made with the CLI.
  const added = spawnSync(
    process.execPath,
    [MAIN, "users", "add", "bench", "--permissions", "*:*", "--companies", "*"],
    { cwd: ROOT, env: { ...process.env, ...env }, input: `${password}\n`, encoding: "utf8" },
  );
  if (added.status !== 0) throw new Error(`roa2web users add: ${added.stderr}`);

  const server = await startSupervisor(env);
  const { base } = server;
  const signIn = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "bench", password }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}`);
  const authorization = `Bearer ${(await signIn.json()).access_token}`;

  const upload = async (archive) => {
    const form = new FormData();
    form.append("file", new Blob([archive]), "notes.roa2web.tgz");
    const response = await fetch(`${base}/api/kernel/plugins/packages`, {
      method: "POST",
      headers: { authorization },
      body: form,
      signal: AbortSignal.timeout(300_000),
    });
    return { status: response.status, body: await response.json() };
  };
  const api = async (url, init = {}) => {
    const response = await fetch(`${base}${url}`, {
      ...init,
      headers: { authorization, "content-type": "application/json", ...init.headers },
    });
    const body = await response.json();
    if (response.status >= 300)
      throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  const servingVersion = async () =>
    (await api("/api/kernel/plugins")).items.find((plugin) => plugin.name === "notes")?.version;

  const first = await upload(archives[0]);
  if (first.status !== 200) throw new Error(`install of 1.0.0: ${JSON.stringify(first)}`);
  await server.drained(1);
  // Data written by the first version, read back after the last.
  const note = await api("/api/notes/", {
    method: "POST",
    body: JSON.stringify({ company_id: 1, title: "written by 1.0.0" }),
  });

  const period = new Date().toISOString().slice(0, 7);
  const load = steadyLoad(base, {
    paths: ["/api/notes/?company=1", `/api/reports/dashboard?company=1&period=${period}`],
    headers: { authorization },
    rate: Number(values.rate),
    connections: Number(values.connections),
  });
  await sleep(10_000);
  const rss = [{ after: 0, mb: treeRss(server.child.pid) }];
  let peak = rss[0].mb;
  const sampler = setInterval(() => {
    peak = Math.max(peak, treeRss(server.child.pid));
  }, 200);

  const answered = [];
  const serving = [];
  const refused = [];
  let done = 0;
  for (let n = 1; n <= upgrades; n += 1) {
    if (Date.now() > deadline) {
      refused.push({
        version: `1.0.${n}`,
        error: `--max-minutes ${values["max-minutes"]} reached`,
      });
      break;
    }
    const version = `1.0.${n}`;
    const started = performance.now();
    const { status, body } = await upload(archives[n]);
    answered.push(performance.now() - started);
    if (status !== 200 || body.version !== version) {
      refused.push({ version, status, error: body.error ?? body });
      process.stdout.write(`  upgrade to ${version} not done: ${JSON.stringify(refused.at(-1))}\n`);
      continue;
    }
    // Serving: a fresh request names the new version (the answer comes once the new
    // kernel was committed, so this is normally the first poll).
    while ((await servingVersion()) !== version) {
      if (performance.now() - started > 300_000) throw new Error(`${version} never served`);
      await sleep(20);
    }
    serving.push(performance.now() - started);
    done += 1;
    // The old kernel's exit: the next hand-over starts after it anyway.
    await server.drained(1 + done);
    if (n % 10 === 0) {
      rss.push({ after: n, mb: treeRss(server.child.pid) });
      process.stdout.write(
        `  ${n}/${upgrades} upgrades, tree RSS ${rss.at(-1).mb.toFixed(0)} MB\n`,
      );
    }
  }
  await sleep(2_000);
  const rssEnd = treeRss(server.child.pid);
  clearInterval(sampler);
  const result = await load.stop();

  const finalVersion = await servingVersion();
  const records = (await api("/api/kernel/plugins/packages")).items
    .filter((row) => row.name === "notes")
    .map((row) => `${row.version} ${row.status}`);
  const folders = readdirSync(path.join(env.DATA_DIR, "plugin-packages", "notes")).sort();
  const notes = (await api("/api/notes/?company=1")).items ?? [];
  const kept = notes.some((item) => item.id === note.id && item.title === note.title);
  const code = await server.stop();

  const last = `1.0.${upgrades}`;
  const before = `1.0.${upgrades - 1}`;
  const recordsOk =
    records.length === 2 &&
    records.includes(`${last} active`) &&
    records.includes(`${before} previous`) &&
    folders.join() === [before, last].sort().join();
  const growth = rssEnd - rss[0].mb;
  const { unclean, aborted } = server.problems();
  const ms = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    if (sorted.length === 0) return "none";
    return `p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p95 ${percentile(sorted, 0.95).toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms`;
  };
  const [load1] = readFileSync("/proc/loadavg", "utf8").split(" ");
  console.log(
    `package upgrades under the supervisor: ${done} of ${upgrades} upgrades of notes done (signed, ${(archives[0].length / 1024).toFixed(0)} KB; ${upgrades + 1} packed in ${packSeconds.toFixed(0)} s), ` +
      `under ${values.rate} req/s over ${values.connections} keep-alive connections; load average at the end ${load1}`,
  );
  console.log(
    `  load: ${result.requests.total} requests, failed ${result.failed} (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
  );
  console.log(`  upgrades not done (refused, or the time limit reached): ${refused.length}`);
  for (const failure of refused.slice(0, 3)) console.log(`    ${JSON.stringify(failure)}`);
  console.log(`  upload → answer:          ${ms(answered)}`);
  console.log(`  upload → new version serving: ${ms(serving)}`);
  console.log(
    `  tree RSS: ${rss.map((sample) => `${sample.after === 0 ? "start" : sample.after} ${sample.mb.toFixed(0)}`).join(", ")}, end ${rssEnd.toFixed(0)} MB ` +
      `(${growth >= 0 ? "+" : ""}${growth.toFixed(0)} MB; target within 50), peak ${peak.toFixed(0)} MB`,
  );
  console.log(
    `  serving at the end: ${finalVersion} (expected ${last}); records: ${records.join(", ")}; folders: ${folders.join(", ")}`,
  );
  console.log(`  the note written by 1.0.0 is there: ${kept}`);
  console.log(
    `  kernel processes that did not exit cleanly: ${unclean.length}${unclean.length ? ` (${unclean.join("; ")})` : ""}`,
  );
  for (const why of aborted.slice(0, 3)) console.log(`  hand-over aborted: ${why}`);
  console.log(`  supervisor exit code on SIGTERM: ${code}`);
  const ok =
    result.failed === 0 &&
    refused.length === 0 &&
    finalVersion === last &&
    recordsOk &&
    kept &&
    Math.abs(growth) <= 50 &&
    unclean.length === 0 &&
    code === 0;
  process.exit(ok ? 0 : 1);
}

async function inProcessUpgrades() {
  const { packPlugin } = await import(`${ROOT}kernel/core/dist/index.js`);
  const { startTestKernel } = await import(`${ROOT}kernel/core/dist/testing.js`);
  const warmup = 3;
  if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");

  const archives = [];
  mkdirSync(path.join(work, "out"), { recursive: true });
  for (let n = 0; n <= upgrades + warmup; n++) {
    // Unsigned: the test kernel runs in development.
    const { file } = await packPlugin(notesSource(n), { outDir: path.join(work, "out") });
    archives.push(readFileSync(file));
  }

  const t = await startTestKernel({ listen: true, env: { LOG_LEVEL: "silent" } });
  const token = await t.login();

  async function install(archive) {
    const form = new FormData();
    form.append("file", new Blob([archive]), "notes.roa2web.tgz");
    const started = performance.now();
    const response = await fetch(`${t.url}/api/kernel/plugins/packages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = await response.json();
    if (response.status !== 200)
      throw new Error(`install answered ${response.status}: ${JSON.stringify(body)}`);
    // Serving: the new version answers its own route.
    const check = await fetch(`${t.url}/api/notes/?company=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await check.text();
    if (check.status !== 200)
      throw new Error(`notes answered ${check.status} after ${body.version}`);
    return performance.now() - started;
  }

  function memory() {
    global.gc();
    global.gc();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss: rss / 2 ** 20, heapUsed: heapUsed / 2 ** 20 };
  }

  await install(archives[0]);
  for (let n = 1; n <= warmup; n++) await install(archives[n]);
  const before = memory();
  const times = [];
  for (let n = warmup + 1; n < archives.length; n++) times.push(await install(archives[n]));
  const after = memory();
  await t.close();

  times.sort((a, b) => a - b);
  const at = (q) => percentile(times, q).toFixed(0);
  const fmt = (value) => value.toFixed(1);
  console.log(
    JSON.stringify({
      mode: "in-process",
      upgrades: times.length,
      packageKb: Math.round(archives[0].length / 1024),
      msMedian: Number(at(0.5)),
      msP95: Number(at(0.95)),
      rssMb: {
        before: fmt(before.rss),
        after: fmt(after.rss),
        growth: fmt(after.rss - before.rss),
      },
      heapUsedMb: {
        before: fmt(before.heapUsed),
        after: fmt(after.heapUsed),
        growth: fmt(after.heapUsed - before.heapUsed),
        perUpgradeKb: Math.round(((after.heapUsed - before.heapUsed) * 1024) / times.length),
      },
    }),
  );
}
