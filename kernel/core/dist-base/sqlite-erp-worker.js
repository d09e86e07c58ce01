// src/erp/sqlite-erp-worker.js
import { parentPort, workerData } from "worker_threads";
import Database from "better-sqlite3";
var db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma("query_only = ON");
var statements = /* @__PURE__ */ new Map();
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
    const rows = one ? [statement.get(binds)].filter((row) => row !== void 0) : statement.all(binds);
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
//# sourceMappingURL=sqlite-erp-worker.js.map