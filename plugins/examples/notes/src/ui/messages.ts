/**
 * The UI's texts: Romanian (the default) and English, every key `notes.…`. The English
 * texts say "note" rather than the plural in sentences: the scaffold renames the
 * plural along with the plugin's name.
 */
import { registerMessages } from "@roa2web/ui-shell/api";

registerMessages({
  ro: {
    "notes.title": "Notițe",
    "notes.intro": "Notițe scurte despre firma aleasă în antet, vizibile colegilor care o văd.",
    "notes.chooseCompany": "Alegeți o firmă în antet ca să vedeți notițele ei.",
    "notes.newNote": "Notiță nouă",
    "notes.titleLabel": "Titlu",
    "notes.bodyLabel": "Text (opțional)",
    "notes.field.title": "Titlu",
    "notes.field.body": "Text",
    "notes.add": "Adaugă notița",
    "notes.saving": "Se salvează…",
    "notes.added": "Notița a fost adăugată.",
    "notes.saveFailed": "Notița nu a putut fi salvată.",
    "notes.readOnly":
      "Puteți citi notițele, dar nu le puteți modifica (lipsește dreptul notes:write).",
    "notes.caption": "Notițele firmei {company}",
    "notes.empty": "Nu există încă nicio notiță pentru această firmă.",
    "notes.loadFailed": "Notițele nu au putut fi încărcate.",
    "notes.columnNote": "Notiță",
    "notes.columnAuthor": "Autor",
    "notes.columnCreated": "Scrisă la",
    "notes.columnActions": "Acțiuni",
    "notes.delete": "Șterge",
    "notes.deleteNamed": "Șterge notița „{title}”",
    "notes.confirmDelete": "Ștergeți notița „{title}”? Ștergerea nu poate fi anulată.",
    "notes.deleted": "Notița a fost ștearsă.",
  },
  en: {
    "notes.title": "Notes",
    "notes.intro":
      "A short note about the company chosen in the header is seen by everyone who may see the company.",
    "notes.chooseCompany": "Choose a company in the header.",
    "notes.newNote": "New note",
    "notes.titleLabel": "Title",
    "notes.bodyLabel": "Text (optional)",
    "notes.field.title": "Title",
    "notes.field.body": "Text",
    "notes.add": "Add the note",
    "notes.saving": "Saving…",
    "notes.added": "The note was added.",
    "notes.saveFailed": "The note could not be saved.",
    "notes.readOnly": "You may read here but not write (the notes:write permission is missing).",
    "notes.caption": "Written for {company}",
    "notes.empty": "There is no note for this company yet.",
    "notes.loadFailed": "The list could not be loaded.",
    "notes.columnNote": "Note",
    "notes.columnAuthor": "Author",
    "notes.columnCreated": "Written",
    "notes.columnActions": "Actions",
    "notes.delete": "Delete",
    "notes.deleteNamed": "Delete the note “{title}”",
    "notes.confirmDelete": "Delete the note “{title}”? This cannot be undone.",
    "notes.deleted": "The note was deleted.",
  },
});
