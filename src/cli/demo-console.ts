/**
 * `ferry demo --console`: the dashboard, live, over the demo's store while the campaign runs,
 * with a demo admin already created. Passes are paced so people can watch.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { type Clock, systemClock } from "../core/time.ts";
import { buildApp } from "../server/app.ts";
import { Accounts } from "../server/auth/accounts.ts";
import { secretsFromMasterKey } from "../server/secrets.ts";
import type { Store } from "../store/open.ts";

export const CONSOLE_DIR = resolve(import.meta.dirname, "../../web/dist");

export interface DemoConsole {
  url: string;
  username: string;
  password: string;
  app: FastifyInstance;
}

export async function startDemoConsole(store: Store, clock: Clock, port: number): Promise<DemoConsole> {
  const password = randomBytes(12).toString("base64url");
  const username = "demo-admin";
  // A cheaper scrypt cost than an installation's: this account lives as long as the demo.
  await new Accounts(store.db, 14).create(
    { username, displayName: "Demo admin", role: "admin", password },
    clock.now(),
    "demo",
  );
  const app = await buildApp({
    store,
    clock,
    wallClock: systemClock,
    secrets: secretsFromMasterKey(randomBytes(32)),
    publicUrl: `http://127.0.0.1:${port}`,
    scryptLog2N: 14,
    ...(existsSync(resolve(CONSOLE_DIR, "index.html")) ? { consoleDir: CONSOLE_DIR } : {}),
  });
  await app.listen({ port, host: "127.0.0.1" });
  const address = app.server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return { url: `http://127.0.0.1:${actual}`, username, password, app };
}
