// Which way up a page is, decided from what the OCR pass already gives: the image's
// shape and the mean confidence of a reading. The engine's own orientation detection
// (OSD) needs the legacy model, which the LSTM-only packages do not ship. Pure: the
// pool runs the passes (see ocr-pool.ts and docs/ocr.md "Orientation").

/** Clockwise rotation, in degrees, that turns the image upright. */
export type Rotation = 0 | 90 | 180 | 270;

/**
 * Below this mean page confidence an upright-shaped page is read again turned 180°.
 * Measured (docs/ocr.md): the 18 upright scans read at 53–83, the same scans with their
 * pixels rotated 90/180/270° at 18–36.
 */
export const LOW_CONFIDENCE = 45;

/**
 * Long side, in pixels, of the reduced copies compared when a page is landscape. At
 * ~0.35 of a scan (~3000 px long) the right way up still reads at 60–75 and a wrong
 * one at 2–40, for a quarter of the cost or less.
 */
export const PREVIEW_LONG_SIDE = 800;

/**
 * Rotations worth comparing before the full-size reading, in the order to try them.
 * Receipts are portrait: a landscape image is most likely turned by 90° either way; 0
 * comes last so a page that really is landscape still wins (see `settled`). An
 * upright-shaped image has one candidate (no extra pass: the common case costs what it
 * did).
 */
export function orientationCandidates(width: number, height: number): Rotation[] {
  return width > height ? [90, 270, 0] : [0];
}

/**
 * A preview reading at least this settles the orientation: the remaining previews are
 * skipped. Measured: a wrong way up read at most 40 on the scans and 47 on a short
 * synthetic receipt; the right way up 49–77 (below this, all previews are compared).
 */
export const SETTLED_CONFIDENCE = 65;

/** Whether the previews read so far settle the orientation (see SETTLED_CONFIDENCE). */
export function settled(readings: readonly OrientationReading[]): boolean {
  return readings.some((reading) => (reading.confidence ?? -1) >= SETTLED_CONFIDENCE);
}

/** Whether a reading of an upright-shaped image is poor enough to try it upside down. */
export function worthTryingUpsideDown(confidence: number | undefined): boolean {
  return confidence !== undefined && confidence < LOW_CONFIDENCE;
}

export interface OrientationReading {
  rotation: Rotation;
  /** Mean page confidence, 0..100; undefined when the engine gave none. */
  confidence: number | undefined;
}

/** The reading with the highest confidence; on a tie the earlier one. Throws on an empty list. */
export function pickOrientation(readings: readonly OrientationReading[]): OrientationReading {
  let best: OrientationReading | undefined;
  for (const reading of readings) {
    if (best === undefined || (reading.confidence ?? -1) > (best.confidence ?? -1)) {
      best = reading;
    }
  }
  if (best === undefined) throw new RangeError("no readings to choose from");
  return best;
}
