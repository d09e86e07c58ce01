/** Page maths for list routes: which rows a page holds, and how many pages there are. */
import { ValidationError } from "./errors.js";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageRequest {
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface PageWindow {
  skip: number;
  take: number;
}

/** What a list route answers: one page of items and enough to draw a pager. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
  pages: number;
}

/** The rows of one page; `maxPageSize` is the route's own limit (default MAX_PAGE_SIZE). */
export function pageWindow(
  { page, pageSize }: PageRequest,
  maxPageSize = MAX_PAGE_SIZE,
): PageWindow {
  if (!Number.isSafeInteger(page) || page < 1) {
    throw new ValidationError("querystring.page must be a whole number from 1", {
      details: { field: "page" },
    });
  }
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    throw new ValidationError(`querystring.page_size must be from 1 to ${maxPageSize}`, {
      details: { field: "page_size" },
    });
  }
  return { skip: (page - 1) * pageSize, take: pageSize };
}

export function pageCount(total: number, pageSize: number): number {
  return Math.ceil(total / pageSize);
}

export function toPage<T>(items: T[], total: number, request: PageRequest): Page<T> {
  return {
    items,
    total,
    page: request.page,
    page_size: request.pageSize,
    pages: pageCount(total, request.pageSize),
  };
}
