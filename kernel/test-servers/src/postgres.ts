/**
 * A throw-away PostgreSQL cluster on loopback: `initdb` into a temporary folder, the
 * server on a free port, trust authentication for the `postgres` superuser, fsync and
 * full-page writes off (tests never survive a power cut; a killed server keeps every
 * committed row, since commits still reach the OS). Started as the
 * `postgres` system user when the test runs as root (PostgreSQL refuses root).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { postgresBinDir, ServerNotInstalledError } from "./binaries.js";
import {
  forgetFolder,
  freePort,
  removeAtExit,
  type Started,
  startProcess,
  stopProcess,
  waitUntilReady,
} from "./processes.js";

export interface PostgresServer {
  host: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** A new, empty database; returns its URL. Names are made unique when omitted. */
  createDatabase(name?: string): Promise<string>;
  /** Kills the server at once (SIGKILL), as a crash or a lost machine would. */
  kill(): Promise<void>;
  /**
   * Freezes the server (SIGSTOP to the postmaster, then to every backend and helper it
   * forked): connections stay open and new ones are accepted by the operating system,
   * but nothing answers — a server that hangs, or a network that drops packets.
   */
  freeze(): Promise<void>;
  /** Lets a frozen server carry on (SIGCONT), with every connection it had. */
  thaw(): Promise<void>;
  /** Starts it again on the same port and data (after `kill`). */
  restart(): Promise<void>;
  /** Stops it and deletes its data. */
  stop(): Promise<void>;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

let databases = 0;

/** The processes whose parent is `pid` (Linux: /proc/<pid>/stat, field 4). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name, in parentheses, may hold spaces: count fields after it.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return children;
}

function signal(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // Exited meanwhile.
    }
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new ServerNotInstalledError("postgres");
  const user = runAs();
  const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-pg-"));
  removeAtExit(folder);
  if (user.uid !== undefined && user.gid !== undefined) chownSync(folder, user.uid, user.gid);
  const dataDir = path.join(folder, "data");
  const init = spawnSync(
    path.join(bin, "initdb"),
    ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "-N"],
    { ...user, encoding: "utf8" },
  );
  if (init.status !== 0) {
    forgetFolder(folder);
    throw new Error(`initdb failed (${init.status}):\n${init.stderr || init.stdout}`);
  }
  const host = "127.0.0.1";
  const port = await freePort();
  let server: Started | undefined;

  const launch = async () => {
    const started = startProcess(
      path.join(bin, "postgres"),
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-k",
        folder,
        "-c",
        `listen_addresses=${host}`,
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=200",
      ],
      { ...user },
    );
    server = started;
    await waitUntilReady("PostgreSQL", started, async () => {
      const probe = spawnSync(
        path.join(bin, "pg_isready"),
        ["-h", host, "-p", String(port), "-U", "postgres"],
        { encoding: "utf8" },
      );
      return probe.status === 0;
    });
  };
  await launch();

  // Frozen processes, postmaster first; thawed before any stop and when this process
  // exits, so a failing test never leaves stopped backends behind.
  let frozen: number[] = [];
  const thaw = () => {
    signal([...frozen].reverse(), "SIGCONT");
    frozen = [];
  };
  process.on("exit", thaw);

  const url = (database: string) => `postgres://postgres@${host}:${port}/${database}`;
  return {
    host,
    port,
    url: url("postgres"),
    async createDatabase(name) {
      databases += 1;
      const database = name ?? `t${process.pid}_${databases}`;
      const created = spawnSync(
        path.join(bin, "createdb"),
        ["-h", host, "-p", String(port), "-U", "postgres", database],
        { encoding: "utf8" },
      );
      if (created.status !== 0) throw new Error(`createdb ${database} failed: ${created.stderr}`);
      return url(database);
    },
    async freeze() {
      const postmaster = server?.child.pid;
      if (postmaster === undefined || frozen.length > 0) return;
      // The postmaster first, so that it forks nothing new while its children stop.
      signal([postmaster], "SIGSTOP");
      const children = childrenOf(postmaster);
      signal(children, "SIGSTOP");
      frozen = [postmaster, ...children];
    },
    async thaw() {
      thaw();
    },
    async kill() {
      thaw();
      if (server) await stopProcess(server, "SIGKILL");
    },
    async restart() {
      thaw();
      if (server) await stopProcess(server, "SIGINT");
      await launch();
    },
    async stop() {
      thaw();
      process.off("exit", thaw);
      // SIGINT is PostgreSQL's "fast" shutdown: sessions are cut, nothing is waited for.
      if (server) await stopProcess(server, "SIGINT");
      forgetFolder(folder);
    },
  };
}
