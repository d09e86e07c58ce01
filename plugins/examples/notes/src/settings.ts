/** The plugin's settings: environment variables under its namespace (NOTES_*). */
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type PluginSettings,
  ValidationError,
} from "@roa2web/plugin-sdk";

export interface NotesSettings {
  /** NOTES_DEFAULT_PAGE_SIZE: the page size when a request does not give one. */
  defaultPageSize: number;
}

export function readNotesSettings(settings: PluginSettings): NotesSettings {
  const defaultPageSize = settings.number("DEFAULT_PAGE_SIZE", DEFAULT_PAGE_SIZE);
  if (
    !Number.isInteger(defaultPageSize) ||
    defaultPageSize < 1 ||
    defaultPageSize > MAX_PAGE_SIZE
  ) {
    throw new ValidationError(
      `Setting ${settings.prefix}DEFAULT_PAGE_SIZE must be a whole number from 1 to ${MAX_PAGE_SIZE} (got "${defaultPageSize}")`,
    );
  }
  return { defaultPageSize };
}
