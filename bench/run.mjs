// Runs every benchmark in turn (pnpm bench). Each can also run alone; see its header.
import { spawnSync } from "node:child_process";
import { ROOT } from "./lib.mjs";

const MINUTE = 60_000;
// [node arguments, time limit]: a bench still running at its limit gets SIGTERM (the
// supervised ones then stop their server and kernels) and counts as failed.
const benches = [
  [["--expose-gc", `${ROOT}bench/plugin-cycles.mjs`], 20 * MINUTE],
  [
    ["--expose-gc", `${ROOT}bench/plugin-cycles.mjs`, "--plugin", "reports", "--actions", "reload"],
    20 * MINUTE,
  ],
  // 100 signed upgrades under the supervisor and load; it stops itself after 40 minutes.
  [[`${ROOT}bench/package-upgrades.mjs`], 45 * MINUTE],
  [["--expose-gc", `${ROOT}bench/package-upgrades.mjs`, "--in-process"], 20 * MINUTE],
  [[`${ROOT}bench/plugin-handover.mjs`], 45 * MINUTE],
  [[`${ROOT}bench/auth-hot-path.mjs`], 20 * MINUTE],
  [[`${ROOT}bench/report-hot-path.mjs`], 20 * MINUTE],
  [[`${ROOT}bench/shell-size.mjs`], 20 * MINUTE],
  [[`${ROOT}bench/report-exports.mjs`], 20 * MINUTE],
  [["--expose-gc", `${ROOT}bench/plugin-packages.mjs`], 20 * MINUTE],
  // 1, 2 and 3 kernels on PostgreSQL + Redis against 1 on SQLite, behind nginx (#18).
  [[`${ROOT}bench/several-kernels.mjs`], 20 * MINUTE],
];
let failed = false;
for (const [args, timeout] of benches) {
  console.log(`\n== node ${args.join(" ")}`);
  const result = spawnSync(process.execPath, args, {
    stdio: "inherit",
    cwd: ROOT,
    timeout,
    killSignal: "SIGTERM",
  });
  if (result.error?.code === "ETIMEDOUT")
    console.log(`   stopped after ${timeout / MINUTE} minutes`);
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
