// Plugin packages (issue #17 item 2, ADR 0023): how long packing and opening take, and
// how much memory opening holds. Run after a build, with the GC exposed so the live
// memory is measured rather than garbage not yet collected:
//   node --expose-gc bench/plugin-packages.mjs        (part of `pnpm bench`)
// No target was set; the figures go in docs/performance.md. Opening streams the archive
// through gunzip and tar into a staging folder, so its live memory should stay flat
// whatever the package's size.
import { statSync } from "node:fs";
import path from "node:path";
import { median, ROOT, temporaryDir } from "./lib.mjs";

// Built code, loaded at run time as the other benchmarks do (`pnpm bench` builds first).
const { generatePackageKeyPair, openPackage, packPlugin, parseTrustedKey } = await import(
  `${ROOT}kernel/core/dist/index.js`
);

if (typeof global.gc !== "function") {
  console.error("run with node --expose-gc");
  process.exit(1);
}
const RUNS = 7;
const keys = generatePackageKeyPair();
const trusted = [parseTrustedKey(keys.publicKey)];
const out = temporaryDir();

for (const plugin of ["plugins/examples/notes", "plugins/reports"]) {
  let started = performance.now();
  const { file, index } = await packPlugin(path.join(ROOT, plugin), {
    outDir: out,
    privateKeyPem: keys.privateKeyPem,
  });
  const packMs = performance.now() - started;
  const times = [];
  for (let run = 0; run < RUNS; run += 1) {
    started = performance.now();
    const opened = await openPackage(file, { trustedKeys: trusted, requireSignature: true });
    times.push(performance.now() - started);
    await opened.extractTo(path.join(out, `${index.name}-${run}`));
  }
  // One more open, sampled with a full GC every 10 ms: the live memory, not the garbage.
  global.gc();
  const base = process.memoryUsage();
  let peak = 0;
  const sampler = setInterval(() => {
    global.gc();
    const now = process.memoryUsage();
    peak = Math.max(peak, now.heapUsed + now.external - base.heapUsed - base.external);
  }, 10);
  const opened = await openPackage(file, { trustedKeys: trusted, requireSignature: true });
  clearInterval(sampler);
  await opened.dispose();
  console.log(
    `${path.basename(file)}: ${Object.keys(index.files).length} files, ` +
      `${(statSync(file).size / 1e6).toFixed(2)} MB; pack ${Math.round(packMs)} ms; ` +
      `open + verify (signed) median ${Math.round(median(times))} ms over ${RUNS}; ` +
      `live memory peak while opening ${(peak / 1e6).toFixed(1)} MB`,
  );
}
