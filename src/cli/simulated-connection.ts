/**
 * The simulated organisation as a connection that lasts across CLI invocations. The world is
 * deterministic given its seed and the calls made to it, so it is stored as a journal of
 * those calls (and of clock moves) beside the database, and rebuilt by replaying it.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { Ports } from "../core/ports/index.ts";
import { SimulatedOrganisation } from "../world/world.ts";
import type { SimulatedConnection } from "./config.ts";

type Entry =
  | { at: number; advance: number }
  | { at: number; call: string; args: unknown[] }
  | { at: number; decommission: true };

/** Port methods that change the world; reads are not journaled. */
const MUTATIONS: Record<string, string[]> = {
  sourceOffboarding: ["retire"],
  sourceAccess: ["exclude", "include", "disablePolicy"],
  appleAssignment: ["reassignToTarget"],
  targetAccess: ["exempt", "enforce"],
  mailer: ["send"],
};

export class SimulatedConnectionHandle {
  readonly ports: Ports;

  private constructor(
    readonly world: SimulatedOrganisation,
    private readonly journal: string,
  ) {
    this.ports = this.#journaled(world.ports);
  }

  static async open(conn: SimulatedConnection, journal: string): Promise<SimulatedConnectionHandle> {
    const world = new SimulatedOrganisation({
      seed: conn.seed,
      people: conn.people,
      start: Date.parse(conn.start),
    });
    if (existsSync(journal)) {
      for (const line of readFileSync(journal, "utf8").split("\n")) {
        if (!line) continue;
        const e = JSON.parse(line) as Entry;
        world.advanceTo(Math.max(world.clock.now(), e.at));
        if ("advance" in e) world.advanceTo(e.advance);
        else if ("decommission" in e) world.decommissionSource();
        else {
          const [port, method] = e.call.split(".") as [keyof Ports, string];
          const target = world.ports[port] as unknown as Record<
            string,
            (...a: unknown[]) => Promise<unknown>
          >;
          await target[method]!(...e.args);
        }
      }
    }
    return new SimulatedConnectionHandle(world, journal);
  }

  #append(entry: Entry): void {
    appendFileSync(this.journal, `${JSON.stringify(entry)}\n`);
  }

  advanceTo(t: number): void {
    this.world.advanceTo(t);
    this.#append({ at: t, advance: t });
  }

  /**
   * In a rehearsal, the console work a manual task asks a person to do, done on the
   * simulated systems: the confirmation is only true if the gateway really changed.
   */
  async carryOut(task: { kind: string; subjects: string }): Promise<void> {
    const people = JSON.parse(task.subjects) as string[];
    const { sourceAccess, sourceOffboarding } = this.ports;
    if (task.kind === "source-retire") await sourceOffboarding.retire(people[0]!);
    else if (task.kind === "source-exclude") await sourceAccess.exclude(people);
    else if (task.kind === "source-include") await sourceAccess.include(people);
    else if (task.kind === "source-disable") await sourceAccess.disablePolicy();
    // Other kinds (an Apple Business Manager reassignment) have nothing simulated to change.
  }

  decommissionSource(): void {
    this.world.decommissionSource();
    this.#append({ at: this.world.clock.now(), decommission: true });
  }

  #journaled(ports: Ports): Ports {
    const out: Record<string, unknown> = {};
    for (const [name, port] of Object.entries(ports)) {
      const methods = MUTATIONS[name];
      if (!methods) {
        out[name] = port;
        continue;
      }
      const wrapped: Record<string, unknown> = {};
      for (const key of methodNames(port)) {
        const fn = (port as Record<string, (...a: unknown[]) => unknown>)[key]!;
        wrapped[key] = methods.includes(key)
          ? async (...args: unknown[]) => {
              const result = await fn.apply(port, args);
              // Journaled after success: a call that threw changed nothing in the world.
              this.#append({ at: this.world.clock.now(), call: `${name}.${key}`, args });
              return result;
            }
          : fn.bind(port);
      }
      out[name] = wrapped;
    }
    return out as unknown as Ports;
  }
}

/** Own and inherited method names: ports may be plain objects or class instances. */
function methodNames(obj: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = obj; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) {
      if (k !== "constructor" && typeof (obj as Record<string, unknown>)[k] === "function") names.add(k);
    }
  }
  return [...names];
}
