/**
 * A priority queue of scheduled events, a binary heap ordered by (time, insertion sequence):
 * two events at the same instant run in the order they were scheduled, which keeps the
 * simulation deterministic.
 */
import type { Millis } from "../core/time.ts";

export interface ScheduledEvent<T> {
  at: Millis;
  seq: number;
  item: T;
}

function before<T>(a: ScheduledEvent<T>, b: ScheduledEvent<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class EventQueue<T> {
  readonly #heap: ScheduledEvent<T>[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(at: Millis, item: T): ScheduledEvent<T> {
    const event = { at, seq: this.#seq++, item };
    const heap = this.#heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
    return event;
  }

  peek(): ScheduledEvent<T> | undefined {
    return this.#heap[0];
  }

  pop(): ScheduledEvent<T> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
    return top;
  }
}
