/**
 * What this plugin shares with other plugins through the kernel: a service and an
 * event, each named by a typed reference (ADR 0015). The manifest declares them too
 * (`provides`, `emits` in package.json), so the kernel checks them before any code runs.
 *
 * Once another plugin consumes them, move this file into a small types-only contract
 * package (as `contracts/reports-contract` is) that both sides depend on: a consumer
 * never imports this plugin.
 */
import { createEventRef, createServiceRef } from "@roa2web/plugin-sdk";

/** Service `notes.count`: how many notes a company has, for a caller who may read them. */
export interface NotesCount {
  count(companyId: number): Promise<number>;
}

export const noteCount = createServiceRef<NotesCount>({ id: "notes.count", version: "1.0.0" });

/** Event `notes.created`: emitted after a note is stored. */
export interface NoteCreated {
  id: number;
  company_id: number;
  title: string;
  created_by: string;
}

export const noteCreated = createEventRef<NoteCreated>({ id: "notes.created", version: "1.0.0" });
