/**
 * A throw-away Redis on loopback: a free port, no persistence, its folder in tmp.
 */
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { redisServerBinary, ServerNotInstalledError } from "./binaries.js";
import {
  forgetFolder,
  freePort,
  removeAtExit,
  type Started,
  startProcess,
  stopProcess,
  waitUntilReady,
} from "./processes.js";

export interface RedisServer {
  host: string;
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Kills the server at once (SIGKILL): every key is gone, clients see the connection drop. */
  kill(): Promise<void>;
  /** Starts it again, empty, on the same port (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Sends PING in Redis' wire protocol and waits for +PONG. */
function pings(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let answer = "";
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n")) {
        socket.destroy();
        resolve(answer.startsWith("+PONG"));
      }
    });
    socket.once("error", () => resolve(false));
  });
}

export async function startRedis(): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (!binary) throw new ServerNotInstalledError("redis");
  const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-redis-"));
  removeAtExit(folder);
  const host = "127.0.0.1";
  const port = await freePort();
  let server: Started | undefined;
  const launch = async () => {
    const started = startProcess(
      binary,
      ["--port", String(port), "--bind", host, "--save", "", "--appendonly", "no", "--dir", folder],
      {},
    );
    server = started;
    await waitUntilReady("Redis", started, () => pings(host, port));
  };
  await launch();
  return {
    host,
    port,
    url: `redis://${host}:${port}`,
    async kill() {
      if (server) await stopProcess(server, "SIGKILL");
    },
    async restart() {
      if (server) await stopProcess(server, "SIGTERM");
      await launch();
    },
    async stop() {
      if (server) await stopProcess(server, "SIGTERM");
      forgetFolder(folder);
    },
  };
}
