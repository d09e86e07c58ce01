// Moving an embedded install onto PostgreSQL (ADR 0037): how long `roa2web db
// copy-to-postgres` takes for a plugin table of many rows, and the command's peak memory
// (it streams rows from SQLite in batches, so memory should not grow with the rows).
// Run after a build, with PostgreSQL installed (Debian's package):
//   node bench/copy-to-postgres.mjs [--rows 100000]
// No target was set; the figures go in docs/performance.md.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, temporaryDir } from "./lib.mjs";

const { values } = parseArgs({ options: { rows: { type: "string", default: "100000" } } });
const ROWS = Number(values.rows);
// Built code, loaded at run time as the other benchmarks do.
const { openPluginDatabase } = await import(`${ROOT}kernel/core/dist/testing.js`);
const { startPostgres } = await import(`${ROOT}kernel/test-servers/dist/index.js`);
const notes = (await import(`${ROOT}plugins/examples/notes/dist/plugin.js`)).default;

const dataDir = path.join(temporaryDir(), "data");
const env = {
  ...process.env,
  ROA2WEB_ENV: "test",
  DATA_DIR: dataDir,
  PLUGINS_WORKSPACE_DIR: path.join(ROOT, "plugins", "examples"),
};
// The kernel database as the users command makes it; the notes database as the kernel
// opens it, filled with ROWS notes.
mkdirSync(dataDir, { recursive: true });
spawnSync(process.execPath, [`${ROOT}kernel/core/dist/main.js`, "users", "list"], { env });
const file = path.join(dataDir, "plugins", "notes", "notes.db");
mkdirSync(path.dirname(file), { recursive: true });
const { dataSource } = await openPluginDatabase({ file, ...notes.database });
await dataSource.transaction(async (manager) => {
  const now = Date.now();
  for (let index = 0; index < ROWS; index += 1) {
    await manager.query(
      "INSERT INTO notes (company_id, title, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
      [
        1 + (index % 5),
        `Note ${index}`,
        "Body ".repeat(20),
        "bench",
        new Date(now - index * 1000).toISOString().replace("T", " ").slice(0, 23),
      ],
    );
  }
});
await dataSource.destroy();

const server = await startPostgres();
try {
  const target = await server.createDatabase();
  const started = performance.now();
  const run = spawnSync(
    "/usr/bin/time",
    ["-f", "%M", process.execPath, `${ROOT}kernel/core/dist/main.js`, "db", "copy-to-postgres"],
    { env: { ...env, DATABASE_URL: target }, encoding: "utf8" },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr);
    process.exit(1);
  }
  const peakKb = Number(run.stderr.trim().split("\n").at(-1));
  console.log(run.stdout.split("\n").at(-3));
  console.log(
    `copy-to-postgres: ${ROWS.toLocaleString("en")} notes in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds).toLocaleString("en")} rows/s, process start and migrations included), peak RSS ${Math.round(peakKb / 1024)} MB`,
  );
} finally {
  await server.stop();
}
