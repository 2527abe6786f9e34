/** Shared helpers for the simulated-organisation tests. */
import type { SourceDeviceRecord, TargetDeviceRecord } from "../../src/core/ports/index.ts";
import type { BehaviourMix } from "../../src/world/behaviour.ts";
import type { GroundTruthLine } from "../../src/world/ground-truth.ts";
import { SimulatedOrganisation, type WorldOptions } from "../../src/world/world.ts";

export const START = Date.UTC(2026, 0, 5, 8);

/** Everyone acts, promptly, and nothing gets lost. */
export const COOPERATIVE: Partial<BehaviourMix> = {
  never: 0,
  slow: 0,
  onLeave: 0,
  enrollsFirst: 0,
  losesDevice: 0,
};

export interface Recorded {
  world: SimulatedOrganisation;
  lines: GroundTruthLine[];
}

export function makeWorld(options: WorldOptions = {}): Recorded {
  const lines: GroundTruthLine[] = [];
  const world = new SimulatedOrganisation({
    people: 200,
    start: START,
    sink: (l) => lines.push(l),
    ...options,
  });
  return { world, lines };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export async function sourceRecords(world: SimulatedOrganisation): Promise<SourceDeviceRecord[]> {
  return collect(world.ports.sourceInventory.listDevices());
}

export async function targetRecords(world: SimulatedOrganisation): Promise<TargetDeviceRecord[]> {
  return collect(world.ports.targetInventory.listDevices());
}

let keys = 0;

export async function mail(world: SimulatedOrganisation, to: string, template: string): Promise<string> {
  const { messageId } = await world.ports.mailer.send({
    to,
    personId: to,
    template,
    subject: `${template} subject`,
    text: `${template} text`,
    idempotencyKey: `test:${template}:${to}:${++keys}`,
  });
  return messageId;
}

/** Lines about one device in one system, in order. */
export function enrollmentHistory(
  lines: readonly GroundTruthLine[],
  device: string,
  system: "source" | "target",
) {
  return lines.filter(
    (l): l is Extract<GroundTruthLine, { type: "enrollment" }> =>
      l.type === "enrollment" && l.device === device && l.system === system,
  );
}

export function ms(iso: string): number {
  return Date.parse(iso);
}
