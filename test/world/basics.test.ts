import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { EventQueue } from "../../src/world/event-queue.ts";
import { luhnDigit } from "../../src/world/hardware.ts";
import { deriveSeed, Rng } from "../../src/world/rng.ts";

describe("Rng", () => {
  it("repeats itself for the same seed and differs for another", () => {
    const a = new Rng(42, "x");
    const b = new Rng(42, "x");
    const c = new Rng(43, "x");
    const seqA = Array.from({ length: 20 }, () => a.next());
    assert.deepEqual(
      seqA,
      Array.from({ length: 20 }, () => b.next()),
    );
    assert.notDeepEqual(
      seqA,
      Array.from({ length: 20 }, () => c.next()),
    );
    assert.notEqual(deriveSeed(1, "device", 2), deriveSeed(1, "device", 3));
  });

  it("draws uniform values in range with the right mean", () => {
    const rng = new Rng(7);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 20_000 - 0.5) < 0.01);
    for (let i = 0; i < 1000; i++) {
      const n = rng.int(3, 5);
      assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    }
  });

  it("log-normal draws have the asked median", () => {
    const rng = new Rng(3);
    const draws = Array.from({ length: 10_001 }, () => rng.lognormal(100, 0.8)).sort((x, y) => x - y);
    const median = draws[5000]!;
    assert.ok(median > 95 && median < 105, `median ${median}`);
  });

  it("weighted choice follows the weights; bernoulli its probability", () => {
    const rng = new Rng(9);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++)
      counts[
        rng.weighted([
          ["a", 1],
          ["b", 2],
          ["c", 0],
        ] as const)
      ]++;
    assert.equal(counts.c, 0);
    assert.ok(Math.abs(counts.b / counts.a - 2) < 0.15);
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (rng.bernoulli(0.04)) hits++;
    assert.ok(Math.abs(hits / 20_000 - 0.04) < 0.006);
  });

  it("shuffles into a permutation and makes GUID-shaped ids", () => {
    const rng = new Rng(5);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = rng.shuffle([...items]);
    assert.notDeepEqual(shuffled, items);
    assert.deepEqual(
      [...shuffled].sort((x, y) => x - y),
      items,
    );
    assert.match(rng.guid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("EventQueue", () => {
  it("pops by time, then by insertion order", () => {
    const q = new EventQueue<string>();
    const rng = new Rng(11);
    const pushed: { at: number; item: string }[] = [];
    for (let i = 0; i < 500; i++) {
      const at = rng.int(0, 50);
      q.push(at, `e${i}`);
      pushed.push({ at, item: `e${i}` });
    }
    const expected = pushed
      .map((p, i) => ({ ...p, i }))
      .sort((x, y) => x.at - y.at || x.i - y.i)
      .map((p) => p.item);
    const popped: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) popped.push(e.item);
    assert.deepEqual(popped, expected);
    assert.equal(q.size, 0);
    assert.equal(q.pop(), undefined);
  });
});

describe("hardware", () => {
  it("IMEI check digits follow Luhn", () => {
    assert.equal(luhnDigit("49015420323751"), "8"); // 490154203237518, the textbook IMEI
  });
});

describe("src/world hygiene", () => {
  it("never reads the system clock or Math.random", () => {
    const dir = join(import.meta.dirname, "../../src/world");
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), "utf8");
      for (const banned of ["Date.now(", "Math.random(", "new Date()", "performance.now("]) {
        assert.ok(!text.includes(banned), `${file} uses ${banned}`);
      }
    }
  });
});
