import { describe, expect, it } from "vitest";
import {
  LOW_CONFIDENCE,
  orientationCandidates,
  pickOrientation,
  SETTLED_CONFIDENCE,
  settled,
  worthTryingUpsideDown,
} from "./orientation.js";

describe("orientationCandidates", () => {
  it("keeps a portrait or square image as it is: one pass", () => {
    expect(orientationCandidates(880, 3272)).toEqual([0]);
    expect(orientationCandidates(1000, 1000)).toEqual([0]);
  });

  it("tries both quarter turns, then the image as it is, for a landscape image", () => {
    expect(orientationCandidates(3272, 880)).toEqual([90, 270, 0]);
    expect(orientationCandidates(1056, 876)).toEqual([90, 270, 0]);
  });
});

describe("settled", () => {
  it("stops comparing once a preview reads well", () => {
    expect(settled([])).toBe(false);
    expect(settled([{ rotation: 90, confidence: 76 }])).toBe(true);
    expect(
      settled([
        { rotation: 90, confidence: 17 },
        { rotation: 270, confidence: SETTLED_CONFIDENCE },
      ]),
    ).toBe(true);
  });

  it("keeps comparing while every preview reads poorly", () => {
    expect(
      settled([
        // The right way up of a faint scan, and a wrong way up reading high.
        { rotation: 90, confidence: 51 },
        { rotation: 270, confidence: SETTLED_CONFIDENCE - 1 },
      ]),
    ).toBe(false);
    expect(settled([{ rotation: 90, confidence: undefined }])).toBe(false);
  });
});

describe("worthTryingUpsideDown", () => {
  it("tries 180° only below the measured threshold", () => {
    // Upright scans read at 53–83, turned ones at 18–36 (docs/ocr.md).
    expect(worthTryingUpsideDown(22)).toBe(true);
    expect(worthTryingUpsideDown(36)).toBe(true);
    expect(worthTryingUpsideDown(LOW_CONFIDENCE - 0.5)).toBe(true);
    expect(worthTryingUpsideDown(LOW_CONFIDENCE)).toBe(false);
    expect(worthTryingUpsideDown(53)).toBe(false);
    expect(worthTryingUpsideDown(76)).toBe(false);
  });

  it("does not guess without a confidence", () => {
    expect(worthTryingUpsideDown(undefined)).toBe(false);
  });
});

describe("pickOrientation", () => {
  it("picks the reading with the highest confidence", () => {
    expect(
      pickOrientation([
        { rotation: 0, confidence: 8 },
        { rotation: 90, confidence: 73 },
        { rotation: 270, confidence: 27 },
      ]).rotation,
    ).toBe(90);
    expect(
      pickOrientation([
        { rotation: 0, confidence: 30 },
        { rotation: 90, confidence: 17 },
        { rotation: 270, confidence: 61 },
      ]).rotation,
    ).toBe(270);
  });

  it("prefers the earlier candidate on a tie and ranks a missing confidence last", () => {
    expect(
      pickOrientation([
        { rotation: 0, confidence: 50 },
        { rotation: 90, confidence: 50 },
      ]).rotation,
    ).toBe(0);
    expect(
      pickOrientation([
        { rotation: 0, confidence: undefined },
        { rotation: 270, confidence: 5 },
      ]).rotation,
    ).toBe(270);
  });

  it("refuses an empty list", () => {
    expect(() => pickOrientation([])).toThrow(RangeError);
  });
});
