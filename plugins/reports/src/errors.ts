/**
 * This plugin's errors, each a subclass of the SDK catalogue (stable code and HTTP
 * status); the kernel's error handler turns them into `{error: {...}}` answers. A
 * company the caller is not granted is the SDK's `CompanyNotAllowedError`.
 */
import { NotFoundError, ValidationError } from "@roa2web/plugin-sdk";

export class UnknownCompanyError extends NotFoundError {
  constructor(companyId: number) {
    super(`No company with id ${companyId}`, { details: { company: companyId } });
  }
}

/** A query parameter that passed the schema but breaks a rule (a date that does not exist). */
export class InvalidParameterError extends ValidationError {
  constructor(field: string, message: string) {
    super(`querystring.${field} ${message}`, { details: { field } });
  }
}
