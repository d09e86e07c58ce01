/**
 * What the tests of data-entry on PostgreSQL share: a throw-away server for the describe
 * block (under `describeWithServers(["postgres"], …)`), a new empty database from it for
 * each case, and the attachment bytes the storage tests keep there.
 */
import type { PluginDatabaseWhere } from "@roa2web/kernel/testing";
import { type PostgresServer, startPostgres } from "@roa2web/test-servers";
import sharp from "sharp";
import { afterAll, beforeAll } from "vitest";

/** A JPEG of several chunks (`CHUNK_BYTES`) that must decode whole: noise fills it. */
export const PHOTO = await sharp({
  create: {
    width: 900,
    height: 700,
    channels: 3,
    background: { r: 20, g: 120, b: 240 },
    noise: { type: "gaussian", mean: 128, sigma: 60 },
  },
})
  .jpeg({ quality: 95 })
  .toBuffer();

/** A PNG that fits in one chunk. */
export const SMALL = await sharp({
  create: { width: 16, height: 12, channels: 3, background: { r: 200, g: 120, b: 40 } },
})
  .png()
  .toBuffer();

/**
 * Starts PostgreSQL in the calling describe block's `beforeAll` and stops it in its
 * `afterAll`; what it returns reads the started server, so use it in hooks and tests.
 */
export function usePostgres() {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => server?.stop());
  const started = (): PostgresServer => {
    if (!server) throw new Error("PostgreSQL has not started (its beforeAll failed?)");
    return server;
  };
  return {
    /** A new empty database: its URL, for DATABASE_URL. */
    createDatabase: () => started().createDatabase(),
    /** data-entry's database on a new empty database (its own schema), for the opener. */
    pluginDatabase: async (): Promise<PluginDatabaseWhere> => ({
      postgres: { url: await started().createDatabase(), plugin: "data-entry" },
    }),
  };
}
