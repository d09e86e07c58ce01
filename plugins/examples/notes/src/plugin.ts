/**
 * The notes plugin's code half (the static half is `roa2web` in package.json): its
 * database, its routes, and the service it shares with other plugins.
 */
import { definePlugin } from "@roa2web/plugin-sdk";
import type {} from "./contract.js";
import { CreateNotes1763900000000 } from "./migrations/1763900000000-create-notes.js";
import { NoteEntity } from "./note-entity.js";
import { NotesStore } from "./notes-store.js";
import { readNotesSettings } from "./settings.js";

export default definePlugin({
  // Resolved against this built file: dist/routes/.
  routes: new URL("./routes", import.meta.url),
  database: {
    entities: [NoteEntity],
    migrations: [CreateNotes1763900000000],
  },
  start(ctx) {
    // Read once here so a malformed NOTES_* value fails the plugin at start, named.
    const settings = readNotesSettings(ctx.settings);
    const store = NotesStore.of(ctx);
    ctx.services.provide("notes.count", { count: (companyId) => store.count(companyId) });
    ctx.logger.info({ defaultPageSize: settings.defaultPageSize }, "Notes plugin started");
  },
  async health(ctx) {
    return { status: "up", data: { total: await NotesStore.of(ctx).total() } };
  },
});
