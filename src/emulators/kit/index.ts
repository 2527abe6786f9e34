/**
 * What every vendor emulator shares: the server with its router, fault injection,
 * throttling, auth helpers and stats. Vendor routes live beside this folder.
 */
export {
  basicCredentials,
  bearerToken,
  type Grant,
  type OAuthClient,
  type OAuthTokenRouteOptions,
  oauthTokenRoute,
  requireBasic,
  requireBearer,
  type TokenCheck,
  TokenIssuer,
  unauthorized,
} from "./auth.ts";
export {
  type AfterEffectLoss,
  type FaultKind,
  type FaultOptions,
  pickAfterEffect,
  pickFault,
} from "./faults.ts";
export { EmulatorError, isEmulatorError, json, noContent, text } from "./respond.ts";
export { type RouteMatch, Router } from "./router.ts";
export { type Emulator, type StartEmulatorOptions, startEmulator } from "./server.ts";
export { EmulatorStats } from "./stats.ts";
export { type ThrottleRule, Throttler, type ThrottleVerdict } from "./throttle.ts";
export type {
  EmulatorRequest,
  EmulatorResponse,
  ErrorBodyFn,
  KitLogger,
  Method,
  Route,
  RouteHandler,
} from "./types.ts";
