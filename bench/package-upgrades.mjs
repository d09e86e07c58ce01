// Upgrading an installed plugin package while the kernel runs (ADR 0024, in-process
// activation): the time from upload to the new version serving, and the memory each
// upgrade keeps (ES modules cannot be unloaded). The notes example is packed in N
// versions (its built dist, the version bumped), installed once, then upgraded N-1
// times over HTTP; memory after two forced GCs, after a warm-up of 3 upgrades.
//   node --expose-gc bench/package-upgrades.mjs [--upgrades 50]
import { cpSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, temporaryDir } from "./lib.mjs";

const { packPlugin } = await import(`${ROOT}kernel/core/dist/index.js`);
const { startTestKernel } = await import(`${ROOT}kernel/core/dist/testing.js`);

const { values } = parseArgs({ options: { upgrades: { type: "string", default: "50" } } });
const upgrades = Number(values.upgrades);
const warmup = 3;
if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");

const NOTES = path.join(ROOT, "plugins/examples/notes");
const work = temporaryDir("roa2web-package-upgrades-");
symlinkSync(path.join(ROOT, "kernel/core/node_modules"), path.join(work, "node_modules"));

/** The notes example as version 1.0.<n>, packed (unsigned: development). */
async function notesVersion(n) {
  const source = path.join(work, `notes-${n}`);
  cpSync(path.join(NOTES, "dist"), path.join(source, "dist"), { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(NOTES, "package.json"), "utf8"));
  writeFileSync(path.join(source, "package.json"), JSON.stringify({ ...pkg, version: `1.0.${n}` }));
  const { file } = await packPlugin(source, { outDir: path.join(work, "out") });
  return readFileSync(file);
}

const archives = [];
for (let n = 0; n <= upgrades + warmup; n++) archives.push(await notesVersion(n));

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
  if (check.status !== 200) throw new Error(`notes answered ${check.status} after ${body.version}`);
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
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(0);
const fmt = (value) => value.toFixed(1);
console.log(
  JSON.stringify({
    upgrades: times.length,
    packageKb: Math.round(archives[0].length / 1024),
    msMedian: Number(at(0.5)),
    msP95: Number(at(0.95)),
    rssMb: { before: fmt(before.rss), after: fmt(after.rss), growth: fmt(after.rss - before.rss) },
    heapUsedMb: {
      before: fmt(before.heapUsed),
      after: fmt(after.heapUsed),
      growth: fmt(after.heapUsed - before.heapUsed),
      perUpgradeKb: Math.round(((after.heapUsed - before.heapUsed) * 1024) / times.length),
    },
  }),
);
