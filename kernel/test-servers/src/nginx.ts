/**
 * nginx on loopback as the load balancer in front of several kernels: round robin over
 * the given upstreams, HTTP/1.1 keep-alive to them, no buffering (SSE streams pass
 * through as they are written), forwarded-for headers. A request that could not reach a
 * kernel (connection refused, 502/503) is tried on the next one unless it was not
 * idempotent — nginx's own rule, so a POST is never sent twice.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { nginxBinary, ServerNotInstalledError } from "./binaries.js";
import {
  accepts,
  forgetFolder,
  freePort,
  removeAtExit,
  startProcess,
  stopProcess,
  waitUntilReady,
} from "./processes.js";

export interface NginxOptions {
  /** `host:port` of each kernel. */
  upstreams: string[];
}

export interface NginxServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The configuration it runs (for a failure message, or to copy into docs). */
  config: string;
  stop(): Promise<void>;
}

export function nginxConfig(options: { folder: string; port: number; upstreams: string[] }) {
  const { folder, port, upstreams } = options;
  const asRoot = process.getuid?.() === 0;
  return `# Written by @roa2web/test-servers for one test run.
${asRoot ? "user root;\n" : ""}worker_processes 1;
error_log ${folder}/error.log warn;
pid ${folder}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${folder}/client_body;
  proxy_temp_path ${folder}/proxy;
  fastcgi_temp_path ${folder}/fastcgi;
  uwsgi_temp_path ${folder}/uwsgi;
  scgi_temp_path ${folder}/scgi;
  client_max_body_size 60m;
  upstream roa2web_kernels {
${upstreams.map((upstream) => `    server ${upstream} max_fails=1 fail_timeout=2s;`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://roa2web_kernels;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
`;
}

export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  const binary = nginxBinary();
  if (!binary) throw new ServerNotInstalledError("nginx");
  const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-nginx-"));
  removeAtExit(folder);
  mkdirSync(path.join(folder, "logs"));
  const port = await freePort();
  const config = nginxConfig({ folder, port, upstreams: options.upstreams });
  const file = path.join(folder, "nginx.conf");
  writeFileSync(file, config);
  const args = ["-p", folder, "-c", file, "-e", path.join(folder, "error.log")];
  const check = spawnSync(binary, [...args, "-t"], { encoding: "utf8" });
  if (check.status !== 0) {
    forgetFolder(folder);
    throw new Error(`nginx refused its configuration:\n${check.stderr}\n${config}`);
  }
  const started = startProcess(binary, [...args, "-g", "daemon off;"], {});
  await waitUntilReady("nginx", started, () => accepts("127.0.0.1", port));
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    config,
    async stop() {
      // SIGQUIT: nginx's graceful stop (requests in flight finish).
      await stopProcess(started, "SIGQUIT");
      forgetFolder(folder);
    },
  };
}
