/**
 * What the crash and fault benchmarks share: the PostgreSQL they run on, schemas made and
 * dropped, the organisation's size from a device count, and the uninterrupted run every
 * other run is compared with. See bench/README.md ("crash" and "faults").
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { type FleetOptions, type FleetResult, runFleet } from "../src/demo/fleet.ts";

export const DATABASE_URL =
  process.env.FERRY_BENCH_DATABASE_URL ??
  process.env.FERRY_TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

/** The simulated organisation has about 1.57 devices per person: this many people give at least `devices`. */
export function peopleFor(devices: number): number {
  return Math.ceil(devices / 1.5);
}

/**
 * The simulated day both runs of a comparison go on to, the campaign done: end states are
 * compared at the same instant. Campaigns of up to 10,000 devices end by day 75.
 */
export const COMPARE_AT_DAY = 100;

/** A fleet run in a schema of its own, dropped afterwards; it goes on to `COMPARE_AT_DAY`. */
export async function fleetRun(
  options: Omit<FleetOptions, "databaseUrl" | "schema">,
  log: (line: string) => void,
  label: string,
): Promise<FleetResult> {
  const schema = `bench_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  let lastLog = 0;
  try {
    return await runFleet({
      untilDay: COMPARE_AT_DAY,
      ...options,
      databaseUrl: DATABASE_URL,
      schema,
      onTick: (p) => {
        if (p.wallMs - lastLog < 15_000) return;
        lastLog = p.wallMs;
        log(
          `  ${label}: tick ${p.tick}, day ${p.day.toFixed(1)}, ${p.phase}, ${p.kills} kills, ${(p.wallMs / 1000).toFixed(0)} s`,
        );
      },
    });
  } finally {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

export function totalRequests(r: FleetResult): number {
  return Object.values(r.requests).reduce((a, x) => a + x.requests, 0);
}

/** The figures of one run that are kept (not the per-person maps). */
export function summary(r: FleetResult) {
  return {
    wallMs: Math.round(r.wallMs),
    ticks: r.ticks,
    campaignTicks: r.campaignTicks,
    finished: r.end.finished,
    devices: r.end.devices,
    people: Object.keys(r.end.governance).length,
    requests: r.requests,
    totalRequests: totalRequests(r),
    actions: r.actions,
    emailsDelivered: r.truth.emailsDelivered,
    duplicateEmails: r.truth.duplicateEmails,
    groundTruthViolations: r.groundTruthViolations.length,
    storeViolations: r.storeViolations,
    overlaps: r.overlaps.length,
    tickErrors: r.tickErrors.length,
  };
}
