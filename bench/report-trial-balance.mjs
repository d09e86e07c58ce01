// Issue #4 targets, on a demo ERP of a million ledger lines (ERP_DEMO_SCALE=64):
//  1. a cold trial balance (kernel cache miss) for one company and month answers well
//     under a second and within 1.2x the time of its raw SQL alone (the same
//     statements run directly with better-sqlite3 on the same file, in this process);
//  2. a cached trial balance (L1 hit) keeps >= 0.7x the requests per second of a bare
//     Fastify route, both loaded by wrk in the same run.
//   node bench/report-trial-balance.mjs [--scale 64] [--duration 8]
// The scale-64 ERP is generated once into data/bench-erp-<scale>/ (about a minute) and
// reused by later runs.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
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
  options: { scale: { type: "string", default: "64" }, duration: { type: "string", default: "8" } },
});
const scale = Number(values.scale);
const duration = Number(values.duration);
const dataDir = path.join(ROOT, "data", `bench-erp-${scale}`);
mkdirSync(dataDir, { recursive: true });

const kernel = await startServer(
  `${ROOT}kernel/core/dist/main.js`,
  kernelEnv({
    DATA_DIR: dataDir,
    ERP_DEMO_SCALE: String(scale),
    MODULE_TELEGRAM_ENABLED: "false",
    MODULE_DATA_ENTRY_ENABLED: "false",
  }),
);
const token = await login(kernel.port);
const headers = { authorization: `Bearer ${token}` };
const base = `http://127.0.0.1:${kernel.port}`;

// The same statements the plugin runs (plugins/reports/src/queries/trial-balance.ts).
const Database = createRequire(path.join(ROOT, "kernel", "core", "package.json"))("better-sqlite3");
const db = new Database(path.join(dataDir, "demo-erp.db"), { readonly: true });
const side = (column) =>
  db.prepare(`SELECT ${column} AS account,
      ROUND(SUM(CASE WHEN "date" < :date_from THEN amount ELSE 0 END), 2) AS before_sum,
      ROUND(SUM(CASE WHEN "date" >= :date_from THEN amount ELSE 0 END), 2) AS period_sum
    FROM ledger_entries WHERE company_id = :company AND "date" < :date_until GROUP BY ${column}`);
const debitSide = side("debit_account");
const creditSide = side("credit_account");
const names = db.prepare("SELECT code, name FROM accounts WHERE company_id = :company");
const lines = db.prepare("SELECT COUNT(*) AS n FROM ledger_entries").get().n;

function rawSql(company, period) {
  const [year, month] = period.split("-").map(Number);
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, "0")}`;
  const params = { company, date_from: `${period}-01`, date_until: `${next}-01` };
  const started = performance.now();
  debitSide.all(params);
  creditSide.all(params);
  names.all({ company });
  return performance.now() - started;
}

async function overHttp(url) {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const body = await response.json();
  const ms = performance.now() - started;
  if (response.status !== 200)
    throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return { ms, cache: response.headers.get("x-cache"), lines: body.lines?.length };
}

const companies = db
  .prepare("SELECT id FROM companies ORDER BY id")
  .all()
  .map((row) => row.id);
const latest = db.prepare('SELECT MAX("date") AS d FROM ledger_entries').get().d.slice(0, 7);
const [ly, lm] = latest.split("-").map(Number);
const periods = [0, 3, 6, 12].map((back) => {
  const date = new Date(Date.UTC(ly, lm - 1 - back, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
});

const coldMs = [];
const rawMs = [];
const ratios = [];
for (const period of periods) {
  for (const company of companies) {
    const raw = rawSql(company, period);
    const http = await overHttp(
      `${base}/api/reports/trial-balance?company=${company}&period=${period}`,
    );
    if (http.cache !== "MISS") throw new Error(`expected a cache miss, got ${http.cache}`);
    coldMs.push(http.ms);
    rawMs.push(raw);
    ratios.push(http.ms / raw);
    console.log(
      `company ${company} ${period}: raw SQL ${raw.toFixed(0)} ms, cold HTTP ${http.ms.toFixed(0)} ms (${http.lines} lines), ${(http.ms / raw).toFixed(2)}x`,
    );
  }
}

// Cached: one URL, now an L1 hit, against a bare Fastify route.
const cachedUrl = `${base}/api/reports/trial-balance?company=${companies[0]}&period=${periods[0]}`;
const check = await overHttp(cachedUrl);
const bareServer = await startServer(`${ROOT}bench/servers/bare-fastify.mjs`);
await load(`http://127.0.0.1:${bareServer.port}/ping`, { duration: 2 });
const bare = await load(`http://127.0.0.1:${bareServer.port}/ping`, { duration });
await stopServer(bareServer);
await load(cachedUrl, { headers, duration: 2 });
const cached = await load(cachedUrl, { headers, duration });
await stopServer(kernel);

const result = {
  node: process.version,
  loadGenerator: LOAD_GENERATOR,
  ledgerLines: lines,
  coldMedianMs: Math.round(median(coldMs)),
  coldMaxMs: Math.round(Math.max(...coldMs)),
  rawSqlMedianMs: Math.round(median(rawMs)),
  coldToRawMedianRatio: Math.round(median(ratios) * 100) / 100,
  cachedLevel: check.cache,
  cachedReqPerSec: cached,
  bareFastifyReqPerSec: bare,
  cachedToBareRatio: Math.round((cached / bare) * 100) / 100,
};
console.log(JSON.stringify(result, null, 2));
console.log(
  [
    result.coldMaxMs < 1000 ? "PASS cold < 1 s" : "BELOW TARGET: cold >= 1 s",
    result.coldToRawMedianRatio <= 1.2
      ? "PASS cold <= 1.2x raw SQL"
      : "BELOW TARGET: cold > 1.2x raw SQL",
    result.cachedToBareRatio >= 0.7
      ? "PASS cached >= 0.7x bare"
      : "BELOW TARGET: cached < 0.7x bare",
  ].join("; "),
);
