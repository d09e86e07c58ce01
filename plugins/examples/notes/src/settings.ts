/** The plugin's settings: environment variables under its namespace (NOTES_*). */
import {
  DEFAULT_PAGE_SIZE,
  integerSetting,
  MAX_PAGE_SIZE,
  type PluginSettings,
} from "@roa2web/plugin-sdk";

export interface NotesSettings {
  /** NOTES_DEFAULT_PAGE_SIZE: the page size when a request does not give one. */
  defaultPageSize: number;
}

/** Throws InvalidSettingError naming the variable and its range when a value is malformed. */
export function readNotesSettings(settings: PluginSettings): NotesSettings {
  return {
    defaultPageSize: integerSetting(settings, "DEFAULT_PAGE_SIZE", {
      default: DEFAULT_PAGE_SIZE,
      min: 1,
      max: MAX_PAGE_SIZE,
    }),
  };
}
