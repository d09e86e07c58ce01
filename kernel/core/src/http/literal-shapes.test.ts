import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), "roa2web-shapes-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs a fresh Node with V8's natives syntax (to read `process.nextTick`'s feedback)
 * and a callable `gc`: ticks until nextTick is hot, six full collections with no tick
 * queued (what an idle heap's memory reducer does), ticks again, and prints the state
 * of each property-definition slot of its tick-object literal.
 */
function tickLiteralSlotsAfterIdleCollections(keep: boolean): string[] {
  const source = readFileSync(path.join(here, "literal-shapes.ts"), "utf8");
  const module = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  writeFileSync(path.join(work, "literal-shapes.mjs"), module);
  const script = path.join(work, "ticks.mjs");
  writeFileSync(
    script,
    `import { keepTickObjectShape } from "./literal-shapes.mjs";
     if (process.argv[2] === "keep") keepTickObjectShape();
     const burst = (n) => new Promise((done) => {
       let i = 0;
       const step = () => (++i < n ? process.nextTick(step, i) : done());
       process.nextTick(step);
     });
     for (let k = 0; k < 20; k++) await burst(10000);
     await new Promise((idle) => setTimeout(idle, 10));
     for (let k = 0; k < 6; k++) globalThis.gc();
     for (let k = 0; k < 20; k++) await burst(10000);
     %DebugPrint(process.nextTick);`,
  );
  const run = spawnSync(
    process.execPath,
    ["--allow-natives-syntax", "--expose-gc", script, keep ? "keep" : "control"],
    { encoding: "utf8" },
  );
  expect(run.status, run.stderr).toBe(0);
  return [...run.stdout.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1] ?? "");
}

describe("keepTickObjectShape", () => {
  it("keeps nextTick's tick-object literal on V8's fast path through idle collections", () => {
    // Without it (the control) the collections free the literal's maps and V8 marks the
    // slots megamorphic for good: every later tick defines its properties by runtime
    // calls (~30 per cached dashboard request, docs/performance.md, session 11).
    const control = tickLiteralSlotsAfterIdleCollections(false);
    expect(control).toHaveLength(4);
    expect(control).toContain("MEGAMORPHIC");
    const kept = tickLiteralSlotsAfterIdleCollections(true);
    expect(kept).toEqual(["MONOMORPHIC", "MONOMORPHIC", "MONOMORPHIC", "MONOMORPHIC"]);
  });
});
