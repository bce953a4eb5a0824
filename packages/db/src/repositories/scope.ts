import type { Executor, Tx } from "../client.ts";

/** Runs a query inside the workspace's scope: a tenant transaction, or the caller's open one. */
export type Run = <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>;

export function runIn(tx: Tx): Run {
  return (fn) => fn(tx);
}
