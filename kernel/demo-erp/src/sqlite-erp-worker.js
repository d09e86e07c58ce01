// Runs demo-ERP queries off the main thread: one read-only better-sqlite3 connection
// per worker, prepared statements cached. Messages: {id, sql, binds, one} → {id, rows}
// or {id, error: {message, code}}. Plain JavaScript so it loads from src/ and dist/ alike.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma("query_only = ON");
const statements = new Map();

function prepare(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    if (statements.size > 500) statements.clear();
    statements.set(sql, statement);
  }
  return statement;
}

parentPort.on("message", ({ id, sql, binds, one }) => {
  try {
    const statement = prepare(sql);
    const rows = one
      ? [statement.get(binds)].filter((row) => row !== undefined)
      : statement.all(binds);
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
