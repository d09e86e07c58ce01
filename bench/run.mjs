// Runs every benchmark in turn (pnpm bench). Each can also run alone; see its header.
import { spawnSync } from "node:child_process";
import { ROOT } from "./lib.mjs";

const benches = [
  ["--expose-gc", `${ROOT}bench/plugin-cycles.mjs`],
  ["--expose-gc", `${ROOT}bench/plugin-cycles.mjs`, "--plugin", "reports", "--actions", "reload"],
  ["--expose-gc", `${ROOT}bench/package-upgrades.mjs`],
  [`${ROOT}bench/plugin-handover.mjs`],
  [`${ROOT}bench/auth-hot-path.mjs`],
  [`${ROOT}bench/report-hot-path.mjs`],
  [`${ROOT}bench/shell-size.mjs`],
  [`${ROOT}bench/report-exports.mjs`],
  ["--expose-gc", `${ROOT}bench/plugin-packages.mjs`],
];
let failed = false;
for (const args of benches) {
  console.log(`\n== node ${args.join(" ")}`);
  const result = spawnSync(process.execPath, args, { stdio: "inherit", cwd: ROOT });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
