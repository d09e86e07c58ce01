/**
 * The route schemas' derived types (what the handlers and rules are checked against,
 * by `tsc`) and the JSON they stay: a nullable object is typed `T | null` while the
 * schema Fastify and /api/docs see keeps its `["object", "null"]` type list.
 */
import type { Static } from "@roa2web/plugin-sdk";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type attachmentSchema,
  type ListReceiptsQuery,
  type NewReceiptBody,
  type ReasonBody,
  type ReceiptView,
  receiptDetailSchema,
  receiptSchema,
  type TransitionView,
} from "./schemas.js";
import type { Attachment, Receipt, Transition } from "./ui/types.js";

describe("data-entry route schemas", () => {
  it("keep a nullable object a JSON-schema type list, typed with its null", () => {
    // As Fastify, Ajv and the OpenAPI document read them.
    const receipt = JSON.parse(JSON.stringify(receiptSchema));
    const detail = JSON.parse(JSON.stringify(receiptDetailSchema));
    expect(receipt.properties.exchange.type).toEqual(["object", "null"]);
    expect(receipt.properties.exchange.anyOf).toBeUndefined();
    expect(receipt.properties.exchange.required).toContain("rate");
    expect(detail.properties.supplier.type).toEqual(["object", "null"]);
    // The UI's copy of the shape (ui/types.ts) reads what the schema types.
    expectTypeOf<ReceiptView["exchange"]>().toEqualTypeOf<Receipt["exchange"]>();
  });

  it("answer what the UI reads (its types must accept every answer the schemas allow)", () => {
    expectTypeOf<Static<typeof attachmentSchema>>().toExtend<Attachment>();
    // Not yet for the history: its schema types `from`/`to` as any string, the UI as a status.
    expectTypeOf<TransitionView["note"]>().toExtend<Transition["note"]>();
    expectTypeOf<ReceiptView["allowed_transitions"]>().toExtend<Receipt["allowed_transitions"]>();
  });

  it("derive the request types from the schemas", () => {
    expectTypeOf<NewReceiptBody["company_id"]>().toEqualTypeOf<number>();
    expectTypeOf<NewReceiptBody["notes"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<ListReceiptsQuery["status"]>().toEqualTypeOf<
      "DRAFT" | "PENDING" | "APPROVED" | "REJECTED" | undefined
    >();
    expectTypeOf<ReasonBody>().toEqualTypeOf<{ reason: string }>();
    expectTypeOf<ReceiptView["warnings"]>().toEqualTypeOf<"TAX_ID_INVALID"[]>();
  });
});
