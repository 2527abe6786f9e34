/** `ferry demo --console`: the API (and console) over the demo's store while it runs, with a demo admin. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { it } from "node:test";

const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");

it("serves the live dashboard to the demo admin while the campaign runs", async () => {
  const child = spawn(
    process.execPath,
    [BIN, "demo", "--people", "60", "--console", "--port", "18131", "--pace", "150"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (b) => {
    stderr += b;
  });
  const exited = new Promise<number | null>((r) => child.on("exit", r));
  for (let i = 0; i < 150 && !/Console: (\S+)\s+\(sign in as (\S+) \/ (\S+)\)/.test(stderr); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = /Console: (\S+)\s+\(sign in as (\S+) \/ (\S+)\)/.exec(stderr);
  assert.ok(m, `the demo printed the console's address and sign-in: ${stderr}`);
  const [, url, username, password] = m;
  const login = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const first = (await (await fetch(`${url}/api/dashboard`, { headers: { cookie } })).json()) as {
    at: string;
  };
  await new Promise((r) => setTimeout(r, 1500));
  const later = (await (await fetch(`${url}/api/dashboard`, { headers: { cookie } })).json()) as {
    at: string;
  };
  assert.ok(Date.parse(later.at) > Date.parse(first.at), "the dashboard moves with the campaign");
  assert.equal(await exited, 0);
});
