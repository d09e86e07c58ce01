/**
 * What this plugin shares with other plugins through the kernel — a service and an
 * event — typed by augmenting the SDK's maps. A consumer copies these types; it never
 * imports this package.
 */

/** Service `notes.count`: how many notes a company has. */
export interface NotesCount {
  count(companyId: number): Promise<number>;
}

/** Event `notes.created`: emitted after a note is stored. */
export interface NoteCreated {
  id: number;
  company_id: number;
  title: string;
  created_by: string;
}

declare module "@roa2web/plugin-sdk" {
  interface ServiceMap {
    "notes.count": NotesCount;
  }
  interface EventMap {
    "notes.created": NoteCreated;
  }
}
