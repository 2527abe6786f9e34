/**
 * The OutboxStore contract against every implementation: in memory, the SQL store on SQLite,
 * and on PostgreSQL when FERRY_TEST_DATABASE_URL is set (in a schema of its own, dropped after).
 */
import { MemoryOutboxStore } from "../../src/notify/outbox-store.ts";
import { SqlOutboxStore } from "../../src/wiring/sql-outbox-store.ts";
import { dropTestStore, newStoreLocation, openTestStore, TEST_DATABASE_URL } from "../support/store.ts";
import { outboxStoreContract } from "./outbox-store.contract.ts";

outboxStoreContract("MemoryOutboxStore", async () => ({
  store: new MemoryOutboxStore(),
  close: async () => {},
}));

outboxStoreContract("SqlOutboxStore on SQLite", async () => {
  const s = await openTestStore({ sqlite: ":memory:" });
  return { store: new SqlOutboxStore(s.db), close: () => s.close() };
});

if (TEST_DATABASE_URL) {
  outboxStoreContract("SqlOutboxStore on PostgreSQL", async () => {
    const location = newStoreLocation(); // a schema of its own
    const s = await openTestStore(location);
    return {
      store: new SqlOutboxStore(s.db),
      close: async () => {
        await s.close();
        await dropTestStore(location);
      },
    };
  });
}
