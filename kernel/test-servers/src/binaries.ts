/**
 * Where Debian's server binaries are. Each can be pointed elsewhere by an environment
 * variable (PG_BINDIR, REDIS_SERVER, NGINX) for a machine that installs them apart.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

export type ServerKind = "postgres" | "redis" | "nginx";

/** The Debian package that brings each server (named in skip messages and errors). */
export const DEBIAN_PACKAGE: Record<ServerKind, string> = {
  postgres: "postgresql",
  redis: "redis-server",
  nginx: "nginx",
};

function onPath(name: string, extra: string[]): string | undefined {
  const folders = [...(process.env.PATH ?? "").split(path.delimiter), ...extra];
  for (const folder of folders) {
    if (!folder) continue;
    const candidate = path.join(folder, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The folder holding initdb, postgres and pg_isready: the newest major installed. */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.PG_BINDIR;
  if (fromEnv) return existsSync(path.join(fromEnv, "initdb")) ? fromEnv : undefined;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = path.join(root, major, "bin");
    if (existsSync(path.join(bin, "initdb")) && existsSync(path.join(bin, "postgres"))) return bin;
  }
  return undefined;
}

export function redisServerBinary(): string | undefined {
  return process.env.REDIS_SERVER || onPath("redis-server", ["/usr/bin", "/usr/sbin"]);
}

export function nginxBinary(): string | undefined {
  return process.env.NGINX || onPath("nginx", ["/usr/sbin", "/usr/bin"]);
}

export function serverAvailable(kind: ServerKind): boolean {
  switch (kind) {
    case "postgres":
      return postgresBinDir() !== undefined;
    case "redis":
      return redisServerBinary() !== undefined;
    case "nginx":
      return nginxBinary() !== undefined;
  }
}

/** Thrown when a test asks for a server this machine does not have. */
export class ServerNotInstalledError extends Error {
  constructor(kind: ServerKind) {
    super(
      `${kind} is not installed: apt-get install -y ${DEBIAN_PACKAGE[kind]} (.ci/run installs it)`,
    );
    this.name = "ServerNotInstalledError";
  }
}
