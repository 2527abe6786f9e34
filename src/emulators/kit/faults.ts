/**
 * Fault injection. A request draws (from the injected random) whether it is faulted and how,
 * *before* its route runs, so a faulted request never changes state. The one exception is
 * the explicit, off-by-default after-effect fault: the route runs and changes state, then the
 * response is lost — the case idempotency keys exist for.
 */
import type { EmulatorRequest } from "./types.ts";

export type FaultKind =
  /** 500 with the vendor's error body. */
  | "500"
  /** 503 without Retry-After. */
  | "503"
  /** 429 with `Retry-After: retryAfterSeconds`. */
  | "429"
  /** 429 without Retry-After (Graph CA endpoints, some Intune ones). */
  | "429-bare"
  /** The connection is destroyed before any response. */
  | "reset"
  /** Status and headers and half a body, then the connection is destroyed. */
  | "truncate"
  /** 200, `application/json`, and a body that is not JSON. */
  | "malformed-json"
  /** Nothing for `holdMs`, then the connection is dropped (longer than the client's timeout). */
  | "timeout"
  /** `slowMs` of delay, then the route runs normally. */
  | "slow";

export type AfterEffectLoss = "reset" | "500" | "timeout";

export interface FaultOptions {
  /** Share of requests (0–1) that get a fault before the route runs. */
  rate: number;
  /** Relative weights of the kinds; default 1 each for the instant kinds, 0 for `timeout` and `slow`. */
  weights?: Partial<Record<FaultKind, number>>;
  /** Retry-After of the `429` kind (default 1). */
  retryAfterSeconds?: number;
  /** How long a `timeout` holds the connection (default 35 000 ms, past HttpClient's 30 s). Real time. */
  holdMs?: number;
  /** Delay of a `slow` response (default 2 000 ms). Real time. */
  slowMs?: number;
  /**
   * Off unless set: the share (0–1) of *write* requests whose route runs and whose response is
   * then lost in the way `loss` says (default `reset`).
   */
  afterEffect?: { rate: number; loss?: AfterEffectLoss };
  /** Restricts injection to some requests (e.g. not the token endpoint). */
  appliesTo?: (req: EmulatorRequest) => boolean;
}

const DEFAULT_WEIGHTS: Record<FaultKind, number> = {
  "500": 1,
  "503": 1,
  "429": 1,
  "429-bare": 1,
  reset: 1,
  truncate: 1,
  "malformed-json": 1,
  timeout: 0,
  slow: 0,
};

/** Draws the pre-route fault for one request, if any. Draws nothing from `random` when the rate is 0. */
export function pickFault(options: FaultOptions | undefined, random: () => number): FaultKind | undefined {
  if (!options || !(options.rate > 0)) return undefined;
  if (random() >= options.rate) return undefined;
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const kinds = (Object.keys(weights) as FaultKind[]).filter((k) => weights[k] > 0);
  const total = kinds.reduce((sum, k) => sum + weights[k], 0);
  if (total <= 0) return undefined;
  let x = random() * total;
  for (const k of kinds) {
    x -= weights[k];
    if (x < 0) return k;
  }
  return kinds[kinds.length - 1];
}

/** Draws whether a write's response is lost after its route ran. */
export function pickAfterEffect(
  options: FaultOptions | undefined,
  random: () => number,
): AfterEffectLoss | undefined {
  const ae = options?.afterEffect;
  if (!ae || !(ae.rate > 0)) return undefined;
  return random() < ae.rate ? (ae.loss ?? "reset") : undefined;
}
