#!/usr/bin/env node
// Command line: writes a demo ERP database file, e.g. to regenerate data/demo-erp.db or to measure.
// Usage: node kernel/demo-erp/dist/cli.js --out data/demo-erp.db [--seed 42] [--companies 3] [--months 24]
//        [--end-date YYYY-MM-DD] [--scale 1]
import { existsSync, renameSync, rmSync } from "node:fs";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { generateDemoErp } from "./generator/generate.js";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "data/demo-erp.db" },
    seed: { type: "string" },
    companies: { type: "string" },
    months: { type: "string" },
    "end-date": { type: "string" },
    scale: { type: "string" },
  },
});

const numberOption = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : Number(text);

// Written beside the target and renamed at the end, so a running kernel never sees half a file.
const out = values.out;
const temporary = `${out}.tmp`;
for (const suffix of ["", "-journal", "-wal", "-shm"])
  rmSync(`${temporary}${suffix}`, { force: true });
const db = new Database(temporary);
// A fresh file nobody else reads yet: durability during the build buys nothing.
db.pragma("journal_mode = OFF");
db.pragma("synchronous = OFF");
const summary = generateDemoErp(db, {
  seed: numberOption(values.seed),
  companies: numberOption(values.companies),
  months: numberOption(values.months),
  endDate: values["end-date"],
  scale: numberOption(values.scale),
});
db.close();
if (existsSync(out)) rmSync(out);
renameSync(temporary, out);
process.stdout.write(`${JSON.stringify({ out, ...summary }, null, 2)}\n`);
