/**
 * Sorting by a whitelisted name: the request says `sort=due_date&direction=asc`, and
 * only the SQL written here for that name ever reaches the query text.
 */
import { InvalidParameterError } from "./errors.js";

export type SortDirection = "asc" | "desc";

export interface SortOrder {
  /** The SQL ORDER BY list, from the whitelist, with a unique tie-breaker last. */
  sql: string;
  key: string;
  direction: SortDirection;
}

/**
 * Builds the ORDER BY for a whitelisted key. `columns` maps public names to SQL
 * expressions; `tieBreaker` keeps pages stable when values repeat.
 */
export function sortOrder(
  columns: Readonly<Record<string, string>>,
  key: string,
  direction: string,
  tieBreaker: string,
): SortOrder {
  const expression = Object.hasOwn(columns, key) ? columns[key] : undefined;
  if (expression === undefined) {
    throw new InvalidParameterError(
      "sort",
      `must be one of ${Object.keys(columns).join(", ")} (got "${key}")`,
    );
  }
  if (direction !== "asc" && direction !== "desc") {
    throw new InvalidParameterError("direction", `must be asc or desc (got "${direction}")`);
  }
  const sqlDirection = direction === "asc" ? "ASC" : "DESC";
  return {
    sql: `${expression} ${sqlDirection}, ${tieBreaker} ${sqlDirection}`,
    key,
    direction,
  };
}
