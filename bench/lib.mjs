// Shared helpers for benchmarks: start a server in its own process, load it with
// autocannon from this process, and report medians.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Starts `node script` with env; resolves with {port, child} once it prints its port or logs "Listening on". */
export function startServer(script, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    // A bench that stops early must not leave its servers running (they hold ports,
    // CPU and any pipe the bench's output goes through).
    const killChild = () => child.kill();
    process.once("exit", killChild);
    child.once("exit", () => process.off("exit", killChild));
    let buffer = "";
    // Long enough for a first start that generates a large demo ERP (scale 64: ~1 min).
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${script} did not print its port within 5 minutes`));
    }, 300_000);
    child.stdout.on("data", (chunk) => {
      buffer += chunk.toString();
      for (const line of buffer.split("\n")) {
        try {
          const parsed = JSON.parse(line);
          if (parsed.port) {
            clearTimeout(timer);
            child.stdout.removeAllListeners("data");
            child.stdout.resume();
            resolve({ port: parsed.port, child, killChild });
            return;
          }
        } catch {}
      }
    });
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export async function stopServer({ child, killChild }) {
  // Also drops the exit hook startServer added: a bench that starts a server per round
  // would otherwise pile them up on `process` (MaxListenersExceededWarning).
  if (killChild) process.off("exit", killChild);
  child.removeAllListeners("exit");
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/**
 * A fresh folder under the system's temporary directory, deleted when the bench exits
 * (after its servers: their exit hooks were added first). A bench leaves nothing behind.
 */
export function temporaryDir(prefix = "roa2web-bench-") {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once("exit", () => {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A server still closing its files: the system's tmp cleaner gets it.
    }
  });
  return dir;
}

export function kernelEnv(extra = {}) {
  return {
    ROA2WEB_ENV: "development",
    LOG_PRETTY: "false",
    LOG_LEVEL: "info",
    PORT: "0",
    // As in production behind the proxy: same-origin only. (development.env allows the
    // Vite dev server's origin, which puts @fastify/cors on every request.)
    CORS_ORIGINS: "",
    // The kernel in the process the bench starts, so its CPU time (and callgrind's
    // count) is the kernel's, not an idle supervisor's. The hand-over bench turns it on.
    ROA2WEB_SUPERVISOR: "off",
    DATA_DIR: temporaryDir(),
    ...extra,
  };
}

/** wrk (C, Debian package `wrk`) costs the client far less CPU than autocannon, so on a
 * 2-core machine the server, not the load generator, is what gets measured. */
export const LOAD_GENERATOR = spawnSync("wrk", ["--version"]).error ? "autocannon" : "wrk";

export async function load(url, options = {}) {
  return (await loadWithCount(url, options)).rate;
}

/** Like `load`, also answering how many requests completed (`requests`). */
export async function loadWithCount(url, { headers = {}, duration = 10, connections = 50 } = {}) {
  if (LOAD_GENERATOR === "wrk") {
    const args = ["-t1", `-c${connections}`, `-d${duration}s`, "--timeout", "5s"];
    for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
    const output = execFileSync("wrk", [...args, url], { encoding: "utf8" });
    const bad = /Non-2xx or 3xx responses: (\d+)/.exec(output);
    const errors = /Socket errors: (.*)/.exec(output);
    if (bad || errors) throw new Error(`${url}: ${bad?.[0] ?? ""} ${errors?.[0] ?? ""}`);
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
    const requests = /(\d+) requests in/.exec(output);
    if (!rate || !requests) throw new Error(`cannot read wrk's output:\n${output}`);
    return { rate: Math.round(Number(rate[1])), requests: Number(requests[1]) };
  }
  const result = await autocannon({ url, headers, duration, connections, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rate: result.requests.average, requests: result.requests.total };
}

/** CPU time (user + system) a process has used so far, in µs, from /proc (Linux only). */
export function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after its ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return (ticks * 1e6) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
export const CLOCK_TICKS =
  Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The headers bench/servers/bare-fastify.mjs writes itself (its own values, or a fresh id). */
const BARE_OWN_HEADERS = new Set([
  "connection",
  "content-length",
  "content-type",
  "date",
  "keep-alive",
  "x-request-id",
]);

/**
 * A kernel answer's headers that the bare server must be given (BARE_HEADERS) to send
 * the same ones: all but those it writes itself. The floor of the hot-path benches.
 */
export function headersForBare(response) {
  return Object.fromEntries([...response.headers].filter(([name]) => !BARE_OWN_HEADERS.has(name)));
}

export async function login(port) {
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "demo", password: "demo" }),
  });
  return (await response.json()).access_token;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value at quantile `p` (0–1) of an ascending array. */
export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** Pids of `root` and every process under it, from /proc (Linux only). */
export function processTree(root) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const pids = [root];
  for (let index = 0; index < pids.length; index += 1) {
    pids.push(...(children.get(pids[index]) ?? []));
  }
  return pids;
}

/** Summed VmRSS of `root` and every process under it, in MB (Linux only). */
export function treeRss(root) {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

/**
 * Starts the server as users do — `node kernel/core/dist/main.js` with the supervisor
 * on (ADR 0025) — and keeps the supervisor's own log lines (`lines`; the kernels' are
 * dropped: 100 kernels log a lot). `waitFor(line => …)` resolves with the first line
 * that matches; `running` is the supervisor's "the kernel serves" line (its `port`).
 * The supervisor and its kernels are killed if the bench exits early, including on
 * SIGINT/SIGTERM (a time limit of `pnpm bench`).
 */
export async function startSupervisor(env) {
  const child = spawn(process.execPath, [`${ROOT}kernel/core/dist/main.js`], {
    cwd: ROOT,
    env: { ...process.env, ...env, ROA2WEB_SUPERVISOR: "on" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.once("exit", () => {
    for (const pid of processTree(child.pid).reverse()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));
  const lines = [];
  let buffer = "";
  child.stdout.on("data", (chunk) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        const parsed = JSON.parse(line);
        if (parsed.module === "supervisor") lines.push(parsed);
      } catch {}
      newline = buffer.indexOf("\n");
    }
  });
  async function waitFor(matches, timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error("the supervisor did not log what was expected");
      if (child.exitCode !== null) throw new Error(`the supervisor exited (${child.exitCode})`);
      await sleep(50);
    }
  }
  /** Resolves once `count` old kernels have exited after their drain. */
  const drained = (count) =>
    waitFor(
      () =>
        lines.filter((line) => line.msg === "Kernel process exited" && line.phase === "draining")
          .length >= count,
    );
  /** SIGTERM, as the service manager stops it; resolves with the exit code. */
  async function stop() {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    return exited;
  }
  const running = await waitFor((line) => line.msg === "Supervisor running: the kernel serves");
  return {
    child,
    lines,
    waitFor,
    drained,
    stop,
    base: `http://127.0.0.1:${running.port}`,
    /** Kernel processes that ended other than exit 0, and hand-overs aborted. */
    problems() {
      const unclean = lines.filter(
        (line) => line.msg === "Kernel process exited" && (line.code !== 0 || line.signal !== null),
      );
      return {
        unclean: unclean.map(
          (line) =>
            `generation ${line.kernelGeneration}: ${line.signal ?? line.code} while ${line.phase}`,
        ),
        aborted: lines
          .filter((line) => line.msg.startsWith("Hand-over aborted"))
          .map((line) => line.why),
      };
    },
  };
}

/**
 * A steady load at a fixed overall rate over keep-alive connections, for as long as
 * the bench runs; `requests` (paths) are cycled on every connection. `stop()` resolves
 * with autocannon's result and `failed`: errors + timeouts + non-2xx answers.
 */
export function steadyLoad(base, { paths, headers, rate, connections }) {
  let stopLoad;
  const done = new Promise((resolve) => {
    const instance = autocannon(
      {
        url: base,
        requests: paths.map((path) => ({ method: "GET", path })),
        headers,
        connections,
        overallRate: rate,
        duration: 24 * 3600,
        timeout: 10,
      },
      (error, result) => resolve(error ?? result),
    );
    stopLoad = () => instance.stop();
  });
  return {
    async stop() {
      stopLoad();
      const result = await done;
      if (result instanceof Error) throw result;
      return { ...result, failed: result.errors + result.timeouts + result.non2xx };
    },
  };
}
