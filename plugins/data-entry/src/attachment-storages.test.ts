/**
 * Both attachment storages with the receipts they belong to (ADR 0031): files in a
 * folder, and chunks in the plugin's database — on a SQLite file and on PostgreSQL (the
 * plugin's schema, DATABASE_URL set), each migrated from empty by the kernel's opener.
 * The same cases run on each.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { openPluginDatabase, type PluginDatabaseWhere } from "@roa2web/kernel/testing";
import type { Logger } from "@roa2web/plugin-sdk";
import { describeWithServers } from "@roa2web/test-servers";
import type { DataSource } from "typeorm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { adoptFolderAttachments } from "./attachment-adoption.js";
import { CHUNK_BYTES, DatabaseAttachmentStorage } from "./attachment-database-storage.js";
import { FileAttachmentStorage } from "./attachment-file-storage.js";
import {
  type AttachmentStorage,
  type AttachmentStorageKind,
  storeUpload,
} from "./attachment-storage.js";
import type { Attachment } from "./entities.js";
import { ENTITIES } from "./entities.js";
import { MIGRATIONS } from "./migrations/index.js";
import { ReceiptsStore } from "./receipts-store.js";
import { openAttachmentStorage } from "./services.js";
import { PHOTO, SMALL, usePostgres } from "./test/postgres-storage.js";

const fields = {
  merchant: "OMV Petrom",
  taxId: "RO1590082",
  date: "2026-01-15",
  total: 121.5,
  vat: 21.09,
  currency: "RON",
  notes: null,
};

// Many small pieces, the way an upload arrives.
const upload = (buffer: Buffer, size = 64 * 1024) =>
  Readable.from(
    Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) =>
      buffer.subarray(i * size, (i + 1) * size),
    ),
  );

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Setup {
  database: DataSource;
  store: ReceiptsStore;
  storage: AttachmentStorage;
  folder: string;
  logged: Logged[];
}

interface Logged {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps what it is given. */
function recordingLogger(logged: Logged[]): Logger {
  const at =
    (level: string) =>
    (fields: unknown, message?: string): void => {
      logged.push({
        level,
        fields: (fields ?? {}) as Record<string, unknown>,
        message: message ?? "",
      });
    };
  const logger = {
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: () => logger,
  };
  return logger as unknown as Logger;
}

/** Records `bytes` as an attachment of `receiptId` stored as a file, as before the database storage. */
async function attachAsFile(
  store: ReceiptsStore,
  folder: string,
  receiptId: number,
  bytes: Buffer,
) {
  const receipt = await store.find(receiptId);
  if (!receipt) throw new Error(`no receipt ${receiptId}`);
  return storeUpload(
    new FileAttachmentStorage(folder),
    upload(bytes),
    5 * 1024 * 1024,
    async (stored, keep) => {
      const attachment: Attachment = {
        ...stored,
        receiptId,
        displayName: "bon.jpg",
        createdAt: new Date(),
      };
      await store.addAttachment(receipt, attachment, 20, keep);
      return attachment;
    },
  );
}

function storageCases(kind: AttachmentStorageKind, where: () => Promise<PluginDatabaseWhere>) {
  const opened: Array<{ database: DataSource; folder: string }> = [];
  afterEach(async () => {
    for (const { database, folder } of opened.splice(0)) {
      await database.destroy();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  async function prepare(): Promise<Setup> {
    const { dataSource: database } = await openPluginDatabase({
      ...(await where()),
      entities: ENTITIES,
      migrations: MIGRATIONS,
    });
    const folder = mkdtempSync(path.join(os.tmpdir(), "data-entry-attachments-"));
    opened.push({ database, folder });
    const logged: Logged[] = [];
    const logger = recordingLogger(logged);
    const storage =
      kind === "database"
        ? new DatabaseAttachmentStorage(database, folder, logger)
        : new FileAttachmentStorage(folder, logger);
    return { database, store: new ReceiptsStore(database), storage, folder, logged };
  }

  /** Uploads `bytes` as an attachment of `receiptId`'s receipt, through the route's path. */
  async function attach({ store, storage }: Setup, receiptId: number, bytes: Buffer, max = 20) {
    const receipt = await store.find(receiptId);
    if (!receipt) throw new Error(`no receipt ${receiptId}`);
    return storeUpload(storage, upload(bytes), 5 * 1024 * 1024, async (stored, keep) => {
      const attachment: Attachment = {
        ...stored,
        receiptId,
        displayName: "bon.jpg",
        createdAt: new Date(),
      };
      await store.addAttachment(receipt, attachment, max, keep);
      return attachment;
    });
  }

  const chunkRows = async (database: DataSource) =>
    Number((await database.query(`SELECT COUNT(*) AS n FROM "attachment_chunks"`))[0].n);
  /** The files a storage left in its folder (temporaries included). */
  const filesIn = (folder: string) => (existsSync(folder) ? readdirSync(folder) : []);

  it("keeps an upload with its row and reads it back byte-identical, whole or streamed", async () => {
    const setup = await prepare();
    const receipt = await setup.store.create(1, fields, "clerk");
    expect(PHOTO.length).toBeGreaterThan(2 * CHUNK_BYTES);
    const attachment = await attach(setup, receipt.id, PHOTO);
    expect(attachment).toMatchObject({ mime: "image/jpeg", size: PHOTO.length });
    expect(await setup.store.findAttachment(attachment.id)).toMatchObject({
      size: PHOTO.length,
      storedName: attachment.storedName,
    });
    expect((await setup.storage.read(attachment)).equals(PHOTO)).toBe(true);
    expect((await drain(await setup.storage.open(attachment))).equals(PHOTO)).toBe(true);
    if (kind === "database") {
      expect(await chunkRows(setup.database)).toBe(Math.ceil(PHOTO.length / CHUNK_BYTES));
      // Nothing on disk: the staged copy went once the row committed.
      expect(filesIn(setup.folder)).toEqual([]);
    } else {
      expect(filesIn(setup.folder)).toEqual([attachment.storedName]);
    }
  });

  it("leaves nothing, row or bytes, when an upload is refused", async () => {
    const setup = await prepare();
    const receipt = await setup.store.create(1, fields, "clerk");
    const refused: Array<[string, Buffer, number]> = [
      ["not a known type (415)", Buffer.from("plain text, not a photo"), 415],
      ["a JPEG cut in half (400)", PHOTO.subarray(0, PHOTO.length >> 1), 400],
    ];
    for (const [what, bytes, status] of refused) {
      await expect(attach(setup, receipt.id, bytes), what).rejects.toMatchObject({
        statusCode: status,
      });
    }
    await expect(
      storeUpload(setup.storage, upload(PHOTO), 1000, async () => {
        throw new Error("a too large upload is never recorded");
      }),
    ).rejects.toMatchObject({ statusCode: 413 });
    // Accepted, but its row is refused (the receipt is full): the bytes go too.
    await attach(setup, receipt.id, SMALL, 1);
    await expect(attach(setup, receipt.id, PHOTO, 1)).rejects.toMatchObject({ statusCode: 409 });
    const rows = await setup.store.attachments(receipt.id);
    expect(rows).toHaveLength(1);
    if (kind === "database") {
      expect(await chunkRows(setup.database)).toBe(1);
      expect(filesIn(setup.folder)).toEqual([]);
    } else {
      expect(filesIn(setup.folder)).toEqual(rows.map((row) => row.storedName));
    }
  });

  it("removes the bytes with the receipt", async () => {
    const setup = await prepare();
    const receipt = await setup.store.create(1, fields, "clerk");
    const attachment = await attach(setup, receipt.id, PHOTO);
    const other = await setup.store.create(1, fields, "clerk");
    const kept = await attach(setup, other.id, SMALL);
    const removed = await setup.store.remove(receipt);
    expect(removed).toEqual([{ id: attachment.id, storedName: attachment.storedName }]);
    for (const file of removed) await setup.storage.remove(file);
    // The row is gone: nothing reads them any more (a missing-bytes answer at the least).
    await expect(setup.storage.read(attachment)).rejects.toThrow();
    await expect(setup.storage.open(attachment)).rejects.toThrow();
    expect((await setup.storage.read(kept)).equals(SMALL)).toBe(true);
    if (kind === "database") {
      expect(await chunkRows(setup.database)).toBe(1);
    } else {
      expect(filesIn(setup.folder)).toEqual([kept.storedName]);
    }
  });

  it("answers 404 ATTACHMENT_BYTES_MISSING for a row whose bytes are nowhere, and names it once", async () => {
    const setup = await prepare();
    const receipt = await setup.store.create(1, fields, "clerk");
    // A row whose file is not in this folder (another machine's, or lost), and no chunks.
    const lost = await attachAsFile(setup.store, setup.folder, receipt.id, SMALL);
    rmSync(path.join(setup.folder, lost.storedName));
    const missing = { statusCode: 404, code: "ATTACHMENT_BYTES_MISSING", details: { id: lost.id } };
    await expect(setup.storage.open(lost)).rejects.toMatchObject(missing);
    await expect(setup.storage.read(lost)).rejects.toMatchObject(missing);
    await expect(setup.storage.open(lost)).rejects.toMatchObject(missing);
    const warnings = setup.logged.filter((line) => line.fields.attachmentId === lost.id);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: "warn" });
  });

  it("writes a receipt created from a photo and the photo's bytes together", async () => {
    const setup = await prepare();
    const created = await storeUpload(
      setup.storage,
      upload(PHOTO),
      5 * 1024 * 1024,
      async (stored, keep) => {
        const attachment = { ...stored, displayName: "bon.jpg", createdAt: new Date() };
        const receipt = await setup.store.create(1, fields, "clerk", new Date(), attachment, keep);
        return { receipt, attachment };
      },
    );
    const [row] = await setup.store.attachments(created.receipt.id);
    expect(row?.id).toBe(created.attachment.id);
    expect((await setup.storage.read(created.attachment)).equals(PHOTO)).toBe(true);
  });

  it("sweeps a staged upload a crash interrupted, and nothing younger", async () => {
    const setup = await prepare();
    const receipt = await setup.store.create(1, fields, "clerk");
    const attachment = await attach(setup, receipt.id, SMALL);
    const temporary = path.join(setup.folder, ".upload-5b0c1c9e-8d3e-4c59-9a43-0c1f5b1f7e11");
    writeFileSync(temporary, PHOTO.subarray(0, 10));
    const young = await setup.storage.sweep(
      () => setup.store.attachmentFileNames(),
      new Date(Date.now() - 60_000),
    );
    expect(young).toEqual({ temporaries: 0, orphans: 0 });
    const removed = await setup.storage.sweep(
      () => setup.store.attachmentFileNames(),
      new Date(Date.now() + 60_000),
    );
    expect(removed).toEqual({ temporaries: 1, orphans: 0 });
    expect((await setup.storage.read(attachment)).equals(SMALL)).toBe(true);
  });

  if (kind === "database") {
    it("still reads an attachment stored as a file before the switch to the database", async () => {
      const setup = await prepare();
      const receipt = await setup.store.create(1, fields, "clerk");
      const before = await storeUpload(
        new FileAttachmentStorage(setup.folder),
        upload(SMALL),
        1024,
        async (stored, keep) => {
          const attachment: Attachment = {
            ...stored,
            receiptId: receipt.id,
            displayName: "bon.png",
            createdAt: new Date(),
          };
          await setup.store.addAttachment(receipt, attachment, 20, keep);
          return attachment;
        },
      );
      expect((await setup.storage.read(before)).equals(SMALL)).toBe(true);
      expect((await drain(await setup.storage.open(before))).equals(SMALL)).toBe(true);
      await setup.store.remove(receipt);
      await setup.storage.remove(before);
      expect(filesIn(setup.folder)).toEqual([]);
    });
  }

  return { prepare, attach, filesIn };
}

describe("attachments as files, rows on SQLite", () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "data-entry-storages-"));
  let files = 0;
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  storageCases("files", async () => ({ file: path.join(folder, `data-entry-${++files}.db`) }));
});

describe("attachments in the database, on SQLite", () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "data-entry-storages-"));
  let files = 0;
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const { prepare } = storageCases("database", async () => ({
    file: path.join(folder, `data-entry-${++files}.db`),
  }));

  it("are files by default on SQLite, in the data folder or the one set", async () => {
    const { database } = await prepare();
    const unset = openAttachmentStorage({ storage: null, directory: null }, folder, database);
    expect(unset).toBeInstanceOf(FileAttachmentStorage);
    expect(unset.directory).toBe(path.join(folder, "attachments"));
    const shared = openAttachmentStorage(
      { storage: null, directory: "/srv/shared/attachments" },
      folder,
      database,
    );
    expect(shared.directory).toBe("/srv/shared/attachments");
    expect(
      openAttachmentStorage({ storage: "database", directory: null }, folder, database).kind,
    ).toBe("database");
  });
});

describeWithServers(["postgres"], "attachments in the database, on PostgreSQL", () => {
  const postgres = usePostgres();
  const { prepare, attach, filesIn } = storageCases("database", postgres.pluginDatabase);

  /** Chunk rows per attachment id. */
  async function chunksPerAttachment(database: DataSource): Promise<Record<string, number>> {
    const rows: Array<{ id: string; n: string | number }> = await database.query(
      `SELECT "attachment_id" AS id, COUNT(*) AS n FROM "attachment_chunks" GROUP BY "attachment_id"`,
    );
    return Object.fromEntries(rows.map((row) => [row.id, Number(row.n)]));
  }
  const chunksOf = (bytes: Buffer) => Math.ceil(bytes.length / CHUNK_BYTES);

  it("moves attachments stored as files into chunks: each reads byte-identical with the folder gone", async () => {
    const setup = await prepare();
    const storage = setup.storage as DatabaseAttachmentStorage;
    const receipt = await setup.store.create(1, fields, "clerk");
    const photo = await attachAsFile(setup.store, setup.folder, receipt.id, PHOTO);
    const small = await attachAsFile(setup.store, setup.folder, receipt.id, SMALL);
    const inChunks = await attach(setup, receipt.id, SMALL);
    const logger = recordingLogger(setup.logged);

    const result = await adoptFolderAttachments(storage, setup.database, logger);
    expect(result).toEqual({ found: 2, moved: 2, missing: 0, mismatched: 0, byOthers: 0 });
    expect(await chunksPerAttachment(setup.database)).toEqual({
      [photo.id]: chunksOf(PHOTO),
      [small.id]: 1,
      [inChunks.id]: 1,
    });
    // The files stay until the operator removes the folder; nothing needs them any more.
    expect(filesIn(setup.folder).sort()).toEqual([photo.storedName, small.storedName].sort());
    rmSync(setup.folder, { recursive: true });
    for (const [attachment, bytes] of [
      [photo, PHOTO],
      [small, SMALL],
      [inChunks, SMALL],
    ] as const) {
      expect((await storage.read(attachment)).equals(bytes)).toBe(true);
      expect((await drain(await storage.open(attachment))).equals(bytes)).toBe(true);
    }
    const done = setup.logged.filter((line) => line.message.startsWith("Attachments moved"));
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ level: "info", fields: { moved: 2, missing: 0 } });
    // The next start finds nothing to move, and says nothing.
    const again = await adoptFolderAttachments(storage, setup.database, logger);
    expect(again).toMatchObject({ found: 0, moved: 0 });
    expect(
      setup.logged.filter((line) => line.message.startsWith("Attachments moved")),
    ).toHaveLength(1);
  });

  it("never stores a file that is not what its row recorded, and counts those with no file here", async () => {
    const setup = await prepare();
    const storage = setup.storage as DatabaseAttachmentStorage;
    const receipt = await setup.store.create(1, fields, "clerk");
    const changed = await attachAsFile(setup.store, setup.folder, receipt.id, PHOTO);
    const lost = await attachAsFile(setup.store, setup.folder, receipt.id, SMALL);
    const good = await attachAsFile(setup.store, setup.folder, receipt.id, SMALL);
    // Same size, one byte different in its last chunk: only the hash tells.
    const file = path.join(setup.folder, changed.storedName);
    const altered = Buffer.from(readFileSync(file));
    altered[altered.length - 10] = (altered[altered.length - 10] as number) ^ 0xff;
    writeFileSync(file, altered);
    rmSync(path.join(setup.folder, lost.storedName));

    const result = await adoptFolderAttachments(
      storage,
      setup.database,
      recordingLogger(setup.logged),
    );
    expect(result).toEqual({ found: 3, moved: 1, missing: 1, mismatched: 1, byOthers: 0 });
    expect(await chunksPerAttachment(setup.database)).toEqual({ [good.id]: 1 });
    const warned = setup.logged.filter((line) => line.fields.attachmentId === changed.id);
    expect(warned).toEqual([
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({
          expected: { size: PHOTO.length, sha256: changed.sha256 },
        }),
      }),
    ]);
    expect(setup.logged.at(-1)).toMatchObject({
      level: "warn",
      fields: { moved: 1, missing: 1, mismatched: 1 },
    });
    await expect(storage.read(lost)).rejects.toMatchObject({ code: "ATTACHMENT_BYTES_MISSING" });
  });

  it("stores each attachment once when two kernels move them at the same time", async () => {
    const where = await postgres.pluginDatabase();
    const open = async () =>
      (await openPluginDatabase({ ...where, entities: ENTITIES, migrations: MIGRATIONS }))
        .dataSource;
    const first = await open();
    const second = await open();
    const folder = mkdtempSync(path.join(os.tmpdir(), "data-entry-attachments-"));
    try {
      const store = new ReceiptsStore(first);
      const receipt = await store.create(1, fields, "clerk");
      const attachments = [];
      for (let i = 0; i < 6; i += 1) {
        attachments.push(await attachAsFile(store, folder, receipt.id, i % 2 ? SMALL : PHOTO));
      }
      const logged: Logged[] = [];
      const movers = [first, second].map((database) =>
        adoptFolderAttachments(
          new DatabaseAttachmentStorage(database, folder),
          database,
          recordingLogger(logged),
        ),
      );
      const [a, b] = await Promise.all(movers);
      expect((a?.moved ?? 0) + (b?.moved ?? 0)).toBe(6);
      expect(await chunksPerAttachment(first)).toEqual(
        Object.fromEntries(
          attachments.map((attachment, i) => [attachment.id, chunksOf(i % 2 ? SMALL : PHOTO)]),
        ),
      );
      rmSync(folder, { recursive: true });
      const reader = new DatabaseAttachmentStorage(second, folder);
      for (const [i, attachment] of attachments.entries()) {
        expect((await reader.read(attachment)).equals(i % 2 ? SMALL : PHOTO)).toBe(true);
      }
    } finally {
      await first.destroy();
      await second.destroy();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("keeps the bytes as bytea in the plugin's own schema, by default on PostgreSQL", async () => {
    const { database, folder } = await prepare();
    const unset = openAttachmentStorage({ storage: null, directory: null }, folder, database);
    expect(unset).toBeInstanceOf(DatabaseAttachmentStorage);
    expect(
      openAttachmentStorage({ storage: "files", directory: null }, folder, database).kind,
    ).toBe("files");
    const [column] = await database.query(
      `SELECT table_schema AS schema, data_type AS type FROM information_schema.columns
        WHERE table_name = 'attachment_chunks' AND column_name = 'bytes'`,
    );
    expect(column).toEqual({ schema: "plugin_data_entry", type: "bytea" });
  });
});
