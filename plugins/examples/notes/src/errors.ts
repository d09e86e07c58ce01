/**
 * This plugin's errors. Each extends a class of the SDK catalogue, so it keeps that
 * class's stable code and HTTP status; the kernel's error handler turns it into
 * `{error: {code, message, request_id, details}}`.
 */
import { NotFoundError, ValidationError } from "@roa2web/plugin-sdk";

export class NoteNotFoundError extends NotFoundError {
  constructor(id: number) {
    super(`No note with id ${id}`, { details: { id } });
  }
}

export class UnknownCompanyError extends ValidationError {
  constructor(companyId: number) {
    super(`body.company_id: the ERP has no company ${companyId}`, {
      details: { field: "company_id" },
    });
  }
}
