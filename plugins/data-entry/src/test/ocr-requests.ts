/**
 * The requests the OCR API tests repeat against a test kernel, as the demo user unless a
 * bearer is given: a receipt with a file attached, an OCR job started on an attachment,
 * a photo posted to `POST /ocr` or made into a receipt, and a receipt read again until
 * its OCR has ended.
 */
import type { TestKernel } from "@roa2web/kernel/testing";
import { expect } from "vitest";
import { type FormPart, multipartForm } from "./multipart-form.js";

const api = "/api/data-entry";

/** A receipt of company 1 as typed by hand: only what the OCR tests need to differ. */
export interface ReceiptFields {
  merchant?: string;
  date?: string;
  total?: number;
  currency?: string;
}

/**
 * `kernel` and `token` are read at each request: the file's `beforeAll` sets them after
 * this is called.
 */
export function ocrRequests(kernel: () => TestKernel, token: () => string) {
  const headers = (bearer: string) => ({ authorization: `Bearer ${bearer}` });
  const postForm = (url: string, parts: readonly FormPart[], bearer: string) => {
    const form = multipartForm(parts);
    return kernel().inject({
      method: "POST",
      url: `${api}${url}`,
      headers: { ...headers(bearer), ...form.headers },
      payload: form.payload,
    });
  };

  return {
    /**
     * Creates a receipt (merchant "?", 2024-06-12, total 1, RON unless `fields` say
     * otherwise) and attaches `file` to it; both must succeed.
     */
    async receiptWithAttachment(
      file: Buffer,
      filename: string,
      fields: ReceiptFields = {},
    ): Promise<{ id: number; attachmentId: string }> {
      const created = await kernel().inject({
        method: "POST",
        url: `${api}/receipts`,
        headers: headers(token()),
        payload: {
          company_id: 1,
          merchant: "?",
          tax_id: "",
          date: "2024-06-12",
          total: 1,
          vat: 0,
          currency: "RON",
          ...fields,
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as number;
      const uploaded = await postForm(
        `/receipts/${id}/attachments`,
        [["file", file, filename]],
        token(),
      );
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      return { id, attachmentId: uploaded.json().id as string };
    },

    /** `POST /ocr` on an attachment already stored; the answer, whatever it is. */
    startOcr(attachmentId: string, bearer = token()) {
      return kernel().inject({
        method: "POST",
        url: `${api}/ocr`,
        headers: headers(bearer),
        payload: { attachment_id: attachmentId },
      });
    },

    /** `POST /ocr` with a multipart form (a photo on its own, perhaps a company first). */
    postOcr(parts: readonly FormPart[], bearer = token()) {
      return postForm("/ocr", parts, bearer);
    },

    /** `POST /receipts/from-image` with a multipart form. */
    fromImage(parts: readonly FormPart[], bearer = token()) {
      return postForm("/receipts/from-image", parts, bearer);
    },

    /**
     * Reads the receipt every 100 ms until its OCR is no longer pending, for at most
     * `withinMs` (a bound, not a measure); the last view read.
     */
    async receiptOnceRead(
      receipt: Record<string, unknown> & { id: number },
      withinMs: number,
    ): Promise<Record<string, unknown>> {
      let view: Record<string, unknown> = receipt;
      const deadline = Date.now() + withinMs;
      while (view.ocr_status === "pending" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        view = (
          await kernel().inject({
            method: "GET",
            url: `${api}/receipts/${receipt.id}`,
            headers: headers(token()),
          })
        ).json();
      }
      return view;
    },
  };
}
