/**
 * The notes API under the plugin's prefix (/api/notes). The kernel loads this file
 * with @fastify/autoload for each plugin instance and passes what the instance has:
 * its `deps`, the `state` its `start` returned, and its runtime (`plugin`: events).
 * Every route declares `config.access` and JSON schemas for its input and output; the
 * TypeBox type provider types each handler's request and answer from those schemas,
 * so there is no interface to keep in step with them.
 */
import {
  assertCanSeeCompany,
  canSeeCompany,
  defineRoutes,
  pageWindow,
  signedInUser,
  type TypeBoxTypeProvider,
  toPage,
} from "@roa2web/plugin-sdk";
import { noteCreated } from "../contract.js";
import { NoteNotFoundError, UnknownCompanyError } from "../errors.js";
import { normaliseNewNote, toNoteView } from "../note-rules.js";
import type { plugin as definition } from "../plugin.js";
import { createNoteSchema, deleteNoteSchema, getNoteSchema, listNotesSchema } from "../schemas.js";

export default defineRoutes<typeof definition>(async (fastify, { deps, state, plugin }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { erp, logger } = deps;
  const { store, settings } = state;

  app.get(
    "/",
    {
      config: { access: "notes:read" },
      schema: listNotesSchema,
    },
    async (request) => {
      const user = signedInUser(request);
      const { company, page = 1, page_size: pageSize = settings.defaultPageSize } = request.query;
      assertCanSeeCompany(user, company);
      const pageRequest = { page, pageSize };
      const { items, total } = await store.page(company, pageWindow(pageRequest));
      return toPage(items.map(toNoteView), total, pageRequest);
    },
  );

  app.post(
    "/",
    {
      config: { access: "notes:write" },
      schema: createNoteSchema,
    },
    async (request, reply) => {
      const user = signedInUser(request);
      const input = normaliseNewNote(request.body);
      assertCanSeeCompany(user, input.companyId);
      // The ERP is the authority on companies; the same SQL runs on SQLite and Oracle.
      const company = await erp.queryOne("SELECT id FROM companies WHERE id = :company", {
        company: input.companyId,
      });
      if (!company) throw new UnknownCompanyError(input.companyId);
      const note = await store.create(input, user.username);
      logger.info(
        { reqId: request.id, noteId: note.id, companyId: note.companyId },
        "Note created",
      );
      plugin.events.emit(noteCreated, {
        id: note.id,
        company_id: note.companyId,
        title: note.title,
        created_by: note.createdBy,
      });
      return reply.status(201).send(toNoteView(note));
    },
  );

  app.get(
    "/:id",
    {
      config: { access: "notes:read" },
      schema: getNoteSchema,
    },
    async (request) => {
      const user = signedInUser(request);
      const note = await store.find(request.params.id);
      // A note of a company the caller may not see does not exist for them.
      if (!note || !canSeeCompany(user, note.companyId))
        throw new NoteNotFoundError(request.params.id);
      return toNoteView(note);
    },
  );

  app.delete(
    "/:id",
    {
      config: { access: "notes:write" },
      schema: deleteNoteSchema,
    },
    async (request, reply) => {
      const user = signedInUser(request);
      const note = await store.find(request.params.id);
      if (!note || !canSeeCompany(user, note.companyId))
        throw new NoteNotFoundError(request.params.id);
      await store.remove(note.id);
      logger.info({ reqId: request.id, noteId: note.id }, "Note deleted");
      // 204 has no body: Fastify sends none, whatever is passed.
      return reply.status(204).send(null);
    },
  );
});
