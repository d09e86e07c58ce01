export {
  DEBIAN_PACKAGE,
  nginxBinary,
  postgresBinDir,
  redisServerBinary,
  type ServerKind,
  ServerNotInstalledError,
  serverAvailable,
} from "./binaries.js";
export { describeWithServers, missingServers } from "./describe-with-servers.js";
export { type NginxOptions, type NginxServer, nginxConfig, startNginx } from "./nginx.js";
export { type PostgresServer, startPostgres } from "./postgres.js";
export { freePort } from "./processes.js";
export { type RedisServer, startRedis } from "./redis.js";
