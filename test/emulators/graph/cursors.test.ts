/**
 * Skip-token cursors hold a snapshot of a whole collection each: a finished listing is kept
 * only among the few most recent (a client may retry its last page), unfinished ones up to the cap.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Cursors } from "../../../src/emulators/graph/odata.ts";

const cursor = () => ({
  listing: { size: 0, at: () => undefined },
  filter: undefined,
  select: undefined,
  top: 10,
});

describe("graph emulator: skip-token cursors", () => {
  test("a finished listing is kept among the few most recently finished only", () => {
    const cursors = new Cursors(256, 2);
    const ids = [1, 2, 3].map(() => cursors.open(cursor()));
    for (const id of ids) cursors.finished(id);
    assert.equal(cursors.get(ids[0]!), undefined, "the oldest finished listing is gone");
    assert.ok(cursors.get(ids[1]!) && cursors.get(ids[2]!));
  });

  test("unfinished listings stay up to the cap, oldest dropped first", () => {
    const cursors = new Cursors(3, 2);
    const ids = [1, 2, 3, 4].map(() => cursors.open(cursor()));
    assert.equal(cursors.get(ids[0]!), undefined);
    assert.ok(ids.slice(1).every((id) => cursors.get(id)));
  });
});
