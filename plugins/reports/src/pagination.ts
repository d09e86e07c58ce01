/** Page maths for the list reports (invoices, treasury movements). */
import { InvalidParameterError } from "./errors.js";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface PageRequest {
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface PageWindow {
  offset: number;
  limit: number;
}

export interface PageInfo {
  total: number;
  page: number;
  page_size: number;
  pages: number;
}

export function pageRequest(page: number | undefined, pageSize: number | undefined): PageRequest {
  const request = { page: page ?? 1, pageSize: pageSize ?? DEFAULT_PAGE_SIZE };
  if (!Number.isSafeInteger(request.page) || request.page < 1) {
    throw new InvalidParameterError("page", "must be a whole number from 1");
  }
  if (
    !Number.isSafeInteger(request.pageSize) ||
    request.pageSize < 1 ||
    request.pageSize > MAX_PAGE_SIZE
  ) {
    throw new InvalidParameterError("page_size", `must be from 1 to ${MAX_PAGE_SIZE}`);
  }
  return request;
}

export function pageWindow({ page, pageSize }: PageRequest): PageWindow {
  return { offset: (page - 1) * pageSize, limit: pageSize };
}

export function pageInfo(total: number, { page, pageSize }: PageRequest): PageInfo {
  return { total, page, page_size: pageSize, pages: Math.ceil(total / pageSize) };
}
