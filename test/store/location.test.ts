/** Where a store lives: the `schema` parameter of a PostgreSQL URL names the installation's schema. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitSchema } from "../../src/store/open.ts";

describe("store location", () => {
  it("takes ?schema= off a PostgreSQL URL and keeps the rest", () => {
    assert.deepEqual(splitSchema("postgres://ferry@db.example:5432/migrations?schema=acme&sslmode=require"), {
      url: "postgres://ferry@db.example:5432/migrations?sslmode=require",
      schema: "acme",
    });
  });

  it("leaves a URL without it untouched (the default schema, ferry)", () => {
    const url = "postgresql://ferry:s3cret@db.example/migrations";
    assert.deepEqual(splitSchema(url), { url });
  });
});
