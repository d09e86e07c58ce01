/** Every migration of the plugin, in the order they run (append, never edit). */
import { CreateReceipts1764100000000 } from "./1764100000000-create-receipts.js";
import { DraftsAwaitingOcr1764200000000 } from "./1764200000000-drafts-awaiting-ocr.js";
import { HistoryNotes1764400000000 } from "./1764400000000-history-notes.js";
import { ReceiptsInLei1764900000000 } from "./1764900000000-receipts-in-lei.js";
import { TransitionUserIds1765100000000 } from "./1765100000000-transition-user-ids.js";
import { OcrClaims1765200000000 } from "./1765200000000-ocr-claims.js";
import { AttachmentChunks1765300000000 } from "./1765300000000-attachment-chunks.js";

export const MIGRATIONS = [
  CreateReceipts1764100000000,
  DraftsAwaitingOcr1764200000000,
  HistoryNotes1764400000000,
  ReceiptsInLei1764900000000,
  TransitionUserIds1765100000000,
  OcrClaims1765200000000,
  AttachmentChunks1765300000000,
];
