/** The Graph emulator over a small simulated organisation, and raw-fetch helpers for its tests. */
import { seededRandom } from "../../../src/connectors/http/index.ts";
import { HOUR } from "../../../src/core/time.ts";
import {
  type GraphEmulator,
  type StartGraphEmulatorOptions,
  startGraphEmulator,
} from "../../../src/emulators/graph/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

export const START = Date.UTC(2026, 2, 2, 8);

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON under test
  body: any;
}

export interface Harness {
  world: SimulatedOrganisation;
  emu: GraphEmulator;
  /** A fresh access token from the emulator's token endpoint. */
  token(): Promise<string>;
  /** `fetch` under `/v1.0` (or an absolute URL) with a bearer token; JSON bodies parsed. */
  api(
    path: string,
    init?: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<Reply>;
  /** A form POST to the token endpoint of `tenant` (default the emulator's). */
  tokenRequest(form: Record<string, string>, tenant?: string): Promise<Reply>;
  advance(ms: number): void;
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<Omit<StartGraphEmulatorOptions, "world">> {
  people?: number;
  /** Send instructions to everyone and let four days pass, so Intune has devices. */
  enrolled?: boolean;
  seed?: number;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const world = new SimulatedOrganisation({
    seed: o.seed ?? 5,
    people: o.people ?? 40,
    start: START,
    behaviour: { never: 0, slow: 0, onLeave: 0, losesDevice: 0 },
  });
  if (o.enrolled) {
    for (const p of world.scenario.people) {
      await world.ports.mailer.send({
        to: p.upn,
        personId: p.id,
        template: "instructions",
        subject: "Move your devices",
        text: "…",
        idempotencyKey: `setup-${p.id}`,
      });
    }
    world.advanceTo(world.clock.now() + 96 * HOUR);
  }
  const { people: _p, enrolled: _e, seed: _s, ...rest } = o;
  const emu = await startGraphEmulator({ world, random: seededRandom(11), ...rest });
  const c = emu.config;
  const tokenRequest = async (form: Record<string, string>, tenant = c.tenantId): Promise<Reply> => {
    const res = await fetch(`${c.authorityBaseUrl}/${tenant}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams(form),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const token = async () => {
    const r = await tokenRequest({
      grant_type: "client_credentials",
      client_id: c.clientId,
      client_secret: c.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
    if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token as string;
  };
  let cached: string | undefined;
  const api: Harness["api"] = async (path, init = {}) => {
    if (init.token === undefined && cached === undefined) cached = await token();
    const bearer = init.token ?? cached!;
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, ...init.headers };
    if (init.body !== undefined) headers["content-type"] ??= "application/json";
    const res = await fetch(path.startsWith("http") ? path : `${c.graphBaseUrl}${path}`, {
      method: init.method ?? "GET",
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    world,
    emu,
    token,
    api,
    tokenRequest,
    advance: (ms) => world.advanceTo(world.clock.now() + ms),
    close: () => emu.close(),
  };
}

/** Runs `body` against a fresh harness, closing it afterwards. */
export async function withHarness(o: HarnessOptions, body: (h: Harness) => Promise<void>): Promise<void> {
  const h = await harness(o);
  try {
    await body(h);
  } finally {
    await h.close();
  }
}
