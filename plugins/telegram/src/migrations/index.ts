/** Every migration of the plugin, in the order they run (append, never edit). */
import { CreateTelegram1764100000000 } from "./1764100000000-create-telegram.js";
import { PendingPhotos1764300000000 } from "./1764300000000-pending-photos.js";
import { Notifications1764400000000 } from "./1764400000000-notifications.js";
import { ReceivedUpdates1764500000000 } from "./1764500000000-received-updates.js";

export const MIGRATIONS = [
  CreateTelegram1764100000000,
  PendingPhotos1764300000000,
  Notifications1764400000000,
  ReceivedUpdates1764500000000,
];
