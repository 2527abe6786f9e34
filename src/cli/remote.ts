/**
 * `--server <url>` (or FERRY_SERVER): commands act on a running Ferry through its HTTP API
 * instead of opening the store. The token comes only from FERRY_TOKEN, never a flag, so it
 * stays out of shell history and process lists. A command the API cannot serve refuses
 * with one line rather than quietly opening a local store nobody meant.
 */
import type { Command } from "commander";
import { ApiClient } from "./api-client.ts";
import { CliError } from "./format.ts";

/** Commands that work through the API, by their path under `ferry`. */
const THROUGH_API = new Set([
  "status",
  "wave list",
  "wave show",
  "wave start",
  "wave reschedule",
  "wave move",
  "wave rollback",
  "tasks list",
  "tasks confirm",
  "audit list",
  "readiness",
  "retire",
]);

/** Commands the API has no route for (yet): they need the store itself. */
const NO_ROUTE: Record<string, string> = {
  report: "the API has no report route",
  "audit verify": "the API has no route to verify the audit chain",
};

export const SERVER_HELP =
  "act on a running Ferry through its HTTP API (env FERRY_SERVER); the API token is read from env FERRY_TOKEN only, never from a flag, so it stays out of shell history";

function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function serverOf(cmd: Command): string | undefined {
  const server = (cmd.optsWithGlobals() as { server?: string }).server?.trim();
  return server ? server : undefined;
}

/** The preAction check: with a server, only commands the API can serve may run. */
export function refuseLocalOnly(_hooked: Command, actionCommand: Command): void {
  const server = serverOf(actionCommand);
  if (!server) return;
  const path = pathOf(actionCommand);
  if (THROUGH_API.has(path)) return;
  const from =
    actionCommand.getOptionValueSourceWithGlobals("server") === "env"
      ? "FERRY_SERVER is set"
      : "--server was given";
  const why = NO_ROUTE[path] ?? "it works on the local store only";
  throw new CliError(
    `ferry ${path} cannot run against ${server} (${from}): ${why}; run it on the server's machine without --server`,
  );
}

/** The API client when the command should go through a server, else undefined (local store). */
export function apiOf(cmd: Command): ApiClient | undefined {
  const server = serverOf(cmd);
  if (!server) return undefined;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`--server takes a URL like https://ferry.example.com, got "${server}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CliError(`--server takes an http(s) URL, got "${server}"`);
  return new ApiClient({
    url: url.origin + url.pathname,
    token: process.env.FERRY_TOKEN?.trim() || undefined,
  });
}
