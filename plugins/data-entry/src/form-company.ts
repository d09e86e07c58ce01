/**
 * The `company_id` field of an upload form, which must come before the file: the file is
 * streamed as it arrives, so the company is checked first. Shared by the routes that
 * take a file and a company (POST /receipts/from-image, POST /ocr).
 */
import {
  type AuthUser,
  assertCanSeeCompany,
  type ErpClient,
  formField,
  type UploadedFile,
} from "@roa2web/plugin-sdk";
import { InvalidFieldError } from "./errors.js";
import { assertCompanyExists } from "./services.js";

/**
 * The company named before the file, checked: a whole number (400), granted to the
 * caller (403), known to the ERP (400); undefined when the form has no such field. On
 * a refusal the file's stream is drained, so the request can still be answered.
 */
export async function companyOfForm(
  part: UploadedFile,
  user: AuthUser,
  erp: ErpClient,
  options: { required: true },
): Promise<number>;
export async function companyOfForm(
  part: UploadedFile,
  user: AuthUser,
  erp: ErpClient,
  options: { required: false },
): Promise<number | undefined>;
export async function companyOfForm(
  part: UploadedFile,
  user: AuthUser,
  erp: ErpClient,
  { required }: { required: boolean },
): Promise<number | undefined> {
  try {
    const raw = formField(part.fields, "company_id");
    if (raw === undefined && !required) return undefined;
    const companyId = Number(raw);
    if (raw === undefined || !Number.isSafeInteger(companyId) || companyId < 1) {
      throw new InvalidFieldError(
        "body.company_id",
        required
          ? "is required, as a whole number, before the file in the form"
          : "must be a whole number",
      );
    }
    assertCanSeeCompany(user, companyId);
    await assertCompanyExists(erp, companyId);
    return companyId;
  } catch (error) {
    part.file.resume();
    throw error;
  }
}
