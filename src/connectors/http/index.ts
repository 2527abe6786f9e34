/**
 * The shared HTTP layer of Ferry's vendor connectors: one client with auth, retries, rate
 * budgets, a concurrency cap, timeouts, request ids and redacted logs; paging helpers; and
 * the vendors' documented limits. See README.md in this folder.
 */
export {
  type AccessToken,
  type AuthorizeContext,
  type AuthProvider,
  BasicAuth,
  BearerTokenAuth,
  type BearerTokenOptions,
} from "./auth.ts";
export { type RateBudget, RateLimiter, TokenBucket } from "./budget.ts";
export {
  HttpClient,
  type HttpClientOptions,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
} from "./client.ts";
export { type ClientCredentialsOptions, clientCredentials } from "./client-credentials.ts";
export { AuthError, HttpError, isAuthError, isHttpError, isPagingError, PagingError } from "./errors.ts";
export { GRAPH_SCOPES, VENDOR_LIMITS, type VendorLimits, withHeadroom } from "./limits.ts";
export {
  isSensitiveName,
  type Logger,
  loggableBody,
  noopLogger,
  REDACTED,
  redact,
  redactQuery,
} from "./log.ts";
export { classifyNetworkError, type NetworkFailure } from "./network.ts";
export {
  asArray,
  at,
  followNextLinks,
  type NextLinkOptions,
  type OffsetLimitOptions,
  offsets,
  PAGING,
  type PageNumberOptions,
  pageNumbers,
  type Requester,
} from "./paging.ts";
export { randomUuid, seededRandom } from "./random.ts";
export {
  type AttemptOutcome,
  backoffMs,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  parseRetryAfter,
  type RetryDecision,
  type RetryPolicy,
  retryPolicy,
} from "./retry.ts";
export { Semaphore } from "./semaphore.ts";
export { FakeSleep, realSleep, type Sleep } from "./sleep.ts";
export { HttpStats, type ScopeStats } from "./stats.ts";
export { describeErrorBody, type ErrorDetail } from "./vendor-errors.ts";
export { encodeQuery, type Query, type QueryValue } from "./wire.ts";
