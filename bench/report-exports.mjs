// Issue #4 target: a 100,000-row export (xlsx and PDF) grows the process's peak memory
// by less than 100 MB. Each case runs in a fresh child process that hosts the kernel
// (built dist, reports plugin + the bench fixture plugin) over a demo ERP at scale 64
// (≥ 1M ledger lines; the file is generated once and reused) and downloads one export
// from itself over HTTP, discarding the bytes. Baseline in the same run: the same ERP
// rows streamed as JSON lines (bench/fixtures/plugins/bench/routes/rows/index.js).
// Peak memory is the kernel's VmHWM (reset before the download), minus RSS before it.
//   npx -y pnpm@10.34.9 build
//   node bench/report-exports.mjs [--scale 64] [--company 1] [--cases json,xlsx,pdf] [--rounds 1]
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, temporaryDir } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "64" },
    company: { type: "string", default: "1" },
    cases: { type: "string", default: "json,xlsx,pdf" },
    rounds: { type: "string", default: "1" },
    "erp-file": { type: "string" },
    child: { type: "string" },
  },
});
const erpFile =
  values["erp-file"] ?? path.join(os.tmpdir(), `roa2web-bench-erp-s${values.scale}.db`);

if (values.child) {
  await runChild(values.child);
} else {
  runParent();
}

function runParent() {
  console.log(`demo ERP ${erpFile} (scale ${values.scale}; generated on first use, ~20 s at 64)`);
  const results = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const name of values.cases.split(",")) {
      const child = spawnSync(
        process.execPath,
        ["--expose-gc", new URL(import.meta.url).pathname, "--child", name, ...passThrough()],
        { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 15 * 60_000 },
      );
      const line = child.stdout.split("\n").find((text) => text.startsWith("{"));
      if (child.status !== 0 || !line) throw new Error(`case ${name} failed:\n${child.stdout}`);
      const result = JSON.parse(line);
      results.push(result);
      console.log(JSON.stringify(result));
    }
  }
  const byCase = {};
  for (const result of results) {
    byCase[result.case] = [...(byCase[result.case] ?? []), result];
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const base = byCase.json ? median(byCase.json.map((result) => result.seconds)) : undefined;
  console.log(
    "\n| case | rows | file MB | seconds | rows/s | time vs JSON | RSS before MB | peak growth MB |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, list] of Object.entries(byCase)) {
    const seconds = median(list.map((result) => result.seconds));
    const first = list[0];
    console.log(
      `| ${name} | ${first.rows} | ${first.mb} | ${seconds} | ${Math.round(first.rows / seconds)} | ${
        base ? `${(seconds / base).toFixed(1)}×` : "–"
      } | ${first.rssBeforeMb} | ${median(list.map((result) => result.peakGrowthMb))} |`,
    );
  }
  const worst = Math.max(
    ...results.filter((result) => result.case !== "json").map((result) => result.peakGrowthMb),
  );
  console.log(`\nworst export peak growth: ${worst} MB (target < 100 MB)`);
}

function passThrough() {
  return ["--scale", values.scale, "--company", values.company, "--erp-file", erpFile];
}

async function runChild(name) {
  const { createKernel, loadConfig } = await import(`${ROOT}kernel/core/dist/index.js`);
  const { pino } = await import("pino");
  let exportedRows;
  const logger = pino(
    { level: "info" },
    {
      write(line) {
        if (line.includes('"Report exported"')) exportedRows = JSON.parse(line).rows;
        else if (/"level":(50|60)/.test(line)) process.stderr.write(line);
      },
    },
  );
  const settings = loadConfig({
    root: ROOT,
    ignoreDotenv: true,
    env: {
      ROA2WEB_ENV: "test",
      DATA_DIR: temporaryDir("roa2web-bench-exports-"),
      PORT: "0",
      HOST: "127.0.0.1",
      AUTH_CREATE_DEMO_USER: "true",
      PLUGINS_WORKSPACE_DIR: `${ROOT}plugins`,
      PLUGINS_DIR: `${ROOT}bench/fixtures/plugins`,
      MODULE_DATA_ENTRY_ENABLED: "false",
      MODULE_TELEGRAM_ENABLED: "false",
      ERP_DEMO_FILE: erpFile,
      ERP_DEMO_SCALE: values.scale,
    },
  });
  const kernel = await createKernel(settings, { logger });
  const { url } = await kernel.listen();
  const login = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "demo", password: "demo" }),
  });
  const headers = { authorization: `Bearer ${(await login.json()).access_token}` };

  // The whole books of one company: at scale 64 about 110,000 treasury movements.
  const Database = createRequire(`${ROOT}kernel/core/package.json`)("better-sqlite3");
  const erp = new Database(erpFile, { readonly: true });
  const meta = Object.fromEntries(
    erp
      .prepare("SELECT key, value FROM meta")
      .all()
      .map((row) => [row.key, row.value]),
  );
  erp.close();
  const company = Number(values.company);
  const from = meta.start_date;
  const to = meta.end_date;
  const until = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const target = (range) =>
    name === "json"
      ? `${url}/api/bench/rows/treasury?company=${company}&from=${range.from}&until=${range.until}`
      : `${url}/api/reports/treasury/export?company=${company}&from=${range.from}&to=${range.to}&format=${name}`;

  async function download(address) {
    const response = await fetch(address, { headers });
    if (response.status !== 200)
      throw new Error(`${address}: ${response.status} ${await response.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      if (name === "json") for (const byte of chunk) if (byte === 10) lines++;
    }
    return { bytes, lines };
  }

  // Warm-up on one month: modules, fonts, JIT and the allocator's first arenas.
  await download(target({ from: `${to.slice(0, 8)}01`, to, until }));
  global.gc();
  global.gc();
  const rssBefore = process.memoryUsage().rss;
  // Linux: "5" resets the peak RSS (VmHWM) to the current RSS.
  writeFileSync("/proc/self/clear_refs", "5");
  const started = performance.now();
  const { bytes, lines } = await download(target({ from, to, until }));
  const seconds = (performance.now() - started) / 1000;
  const hwm =
    Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) * 1024;
  await kernel.stop();
  console.log(
    JSON.stringify({
      case: name,
      rows: name === "json" ? lines : exportedRows,
      mb: Math.round((bytes / 2 ** 20) * 10) / 10,
      seconds: Math.round(seconds * 100) / 100,
      rssBeforeMb: Math.round(rssBefore / 2 ** 20),
      peakGrowthMb: Math.round((hwm - rssBefore) / 2 ** 20),
    }),
  );
  process.exit(0);
}
