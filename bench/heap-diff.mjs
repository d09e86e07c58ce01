// What grew between two heap snapshots, by node type and name (constructor, string,
// code…): count and self size. For the reload memory work (bench/plugin-cycles.mjs
// --snapshots DIR writes the two files).
//   node bench/heap-diff.mjs before.heapsnapshot after.heapsnapshot [--top 40]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "40" } },
});
if (positionals.length !== 2) throw new Error("usage: heap-diff.mjs before after [--top N]");

function summarise(file) {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(file, "utf8"));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const groups = new Map();
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const rawName = strings[nodes[i + nameAt]];
    // Strings and code are grouped by type only: their "names" are their contents.
    const name =
      type === "string" || type === "concatenated string" || type === "sliced string"
        ? ""
        : String(rawName).slice(0, 80);
    const key = `${type}\t${name}`;
    const group = groups.get(key) ?? { count: 0, size: 0 };
    group.count += 1;
    group.size += nodes[i + sizeAt];
    groups.set(key, group);
  }
  return groups;
}

const before = summarise(positionals[0]);
const after = summarise(positionals[1]);
const rows = [];
for (const [key, grown] of after) {
  const was = before.get(key) ?? { count: 0, size: 0 };
  const [type, name] = key.split("\t");
  rows.push({ type, name, count: grown.count - was.count, kb: (grown.size - was.size) / 1024 });
}
rows.sort((a, b) => b.kb - a.kb);
const total = rows.reduce((sum, row) => sum + row.kb, 0);
console.log(`total self size growth: ${(total / 1024).toFixed(2)} MB`);
for (const row of rows.slice(0, Number(values.top)))
  console.log(
    `${row.kb.toFixed(1).padStart(9)} KB ${String(row.count).padStart(7)}  ${row.type}  ${row.name}`,
  );
