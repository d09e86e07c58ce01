/**
 * The notes plugin's code half (the static half is `roa2web` in package.json): what it
 * needs from the kernel (`deps`), its database, its routes, the service it provides.
 * What `start` returns is the state every route module receives.
 */
import { assertCaller, coreServices, definePlugin } from "@roa2web/plugin-sdk";
import { noteCount } from "./contract.js";
import { CreateNotes1763900000000 } from "./migrations/1763900000000-create-notes.js";
import { NoteEntity } from "./note-entity.js";
import { NotesStore } from "./notes-store.js";
import { readNotesSettings } from "./settings.js";

export const plugin = definePlugin({
  deps: {
    erp: coreServices.erp,
    logger: coreServices.logger,
    settings: coreServices.settings,
  },
  // Resolved against this built file: dist/routes/.
  routes: new URL("./routes", import.meta.url),
  database: {
    entities: [NoteEntity],
    migrations: [CreateNotes1763900000000],
  },
  start({ logger, settings }, runtime) {
    // Read once here so a malformed NOTES_* value fails the plugin at start, named.
    const config = readNotesSettings(settings);
    const store = new NotesStore(runtime.database().getRepository(NoteEntity));
    // Every call carries its caller: the user a consumer acts for must be granted
    // notes:read and the company, as on our own routes. A consumer acting on its own
    // (asSystem) is refused: counts are per company, and a system has no companies.
    runtime.provide(noteCount, (caller) => ({
      async count(companyId) {
        assertCaller(caller, { permission: "notes:read", company: companyId });
        return store.count(companyId);
      },
    }));
    logger.info({ defaultPageSize: config.defaultPageSize }, "Notes plugin started");
    return { store, settings: config };
  },
  async health({ store }) {
    return { status: "up", data: { total: await store.total() } };
  },
});

export default plugin;
