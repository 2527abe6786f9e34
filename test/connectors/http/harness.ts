/**
 * A tiny real HTTP server on 127.0.0.1:0 for the pipeline's tests, and a client on a fake
 * clock. The server reads each request's body, counts requests in flight, and hands
 * everything to the test's handler.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpClient, type HttpClientOptions } from "../../../src/connectors/http/client.ts";
import { seededRandom } from "../../../src/connectors/http/random.ts";
import { FakeSleep } from "../../../src/connectors/http/sleep.ts";
import { ManualClock } from "../../../src/core/time.ts";

export interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Handler = (hit: Hit, res: ServerResponse, n: number) => unknown;

export interface TestServer {
  url: string;
  hits: Hit[];
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  let inFlight = 0;
  const state: TestServer = { url: "", hits: [], maxInFlight: 0, close: async () => {} };
  const server = createServer(async (req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const hit: Hit = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    state.hits.push(hit);
    try {
      await handler(hit, res, state.hits.length);
    } catch (e) {
      if (!res.headersSent) res.writeHead(599).end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(text);
}

export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

export interface Rig {
  client: HttpClient;
  clock: ManualClock;
  fake: FakeSleep;
}

/** A client for `url` on a ManualClock (the given one, or a new one) with a FakeSleep and a seeded random. */
export function rig(url: string, options: Partial<HttpClientOptions> & { clock?: ManualClock } = {}): Rig {
  const clock = options.clock ?? new ManualClock(START);
  const fake = new FakeSleep(clock);
  const client = new HttpClient({
    baseUrl: url,
    clock,
    sleep: fake.sleep,
    random: seededRandom(7),
    timeoutMs: 2_000,
    ...options,
  });
  return { client, clock, fake };
}

/** A promise's rejection, for asserting on its fields. */
export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error("expected the promise to reject");
}
