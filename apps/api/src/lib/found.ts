import { notFound } from "@orbis/contracts";

/** The row, or a 404 naming what was looked for (another workspace's row is not found either: never a 403). */
export function found<T>(row: T | null | undefined, what: string): T {
  if (row === undefined || row === null) throw notFound(what);
  return row;
}
