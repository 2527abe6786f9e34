/** Importing people: where each person's time zone comes from when the directory has none. */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Directory, DirectoryUser } from "../../src/core/ports/index.ts";
import { importPeople } from "../../src/engine/people-import.ts";
import { dropTestStore, newStoreLocation, openTestStore } from "../support/store.ts";

const user = (n: number, officeLocation: string, timeZone?: string): DirectoryUser => ({
  id: `u${n}`,
  userPrincipalName: `user${n}@contoso.example`,
  mail: `user${n}@contoso.example`,
  displayName: `User ${n}`,
  department: "Sales",
  officeLocation,
  timeZone,
  preferredLanguage: undefined,
});

const directory = (users: DirectoryUser[]): Directory => ({
  async *listUsers() {
    yield* users;
  },
  findUser: async (upn) => users.find((u) => u.userPrincipalName === upn),
});

describe("people import: time zones", () => {
  it("takes the directory's zone, else the office's, else the default, else UTC", async () => {
    const location = newStoreLocation();
    const store = await openTestStore(location);
    after(async () => {
      await store.close();
      await dropTestStore(location);
    });
    const users = [user(1, "Sydney", "Pacific/Auckland"), user(2, "Sydney"), user(3, "London"), user(4, "")];
    const options = { breakGlassUpns: [], vipUpns: [] };
    await importPeople(store.db, directory(users), 0, {
      ...options,
      timeZoneByLocation: { Sydney: "Australia/Sydney" },
      defaultTimeZone: "Europe/Berlin",
    });
    const zones = async () =>
      (await store.db.selectFrom("people").select(["id", "time_zone"]).orderBy("id").execute()).map(
        (p) => p.time_zone,
      );
    assert.deepEqual(await zones(), [
      "Pacific/Auckland",
      "Australia/Sydney",
      "Europe/Berlin",
      "Europe/Berlin",
    ]);

    // Without any setting, people the directory gives no zone are on UTC.
    await importPeople(store.db, directory(users), 1, options);
    assert.deepEqual(await zones(), ["Pacific/Auckland", "UTC", "UTC", "UTC"]);
  });
});
