/**
 * What differs between the two databases, as data rather than `if (isPostgres)` scattered
 * through the code.
 */
import type { Kysely } from "kysely";

export type DialectName = "sqlite" | "postgres";

export interface Capabilities {
  dialect: DialectName;
  /** `FOR UPDATE SKIP LOCKED`: several workers claim actions without blocking each other */
  skipLocked: boolean;
  /** transaction-scoped advisory locks: one engine pass at a time across processes */
  advisoryLocks: boolean;
}

export const CAPABILITIES: Record<DialectName, Capabilities> = {
  sqlite: { dialect: "sqlite", skipLocked: false, advisoryLocks: false },
  postgres: { dialect: "postgres", skipLocked: true, advisoryLocks: true },
};

// biome-ignore lint/suspicious/noExplicitAny: migrations see the database without a schema type
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter.constructor.name === "PostgresAdapter" ? "postgres" : "sqlite";
}
