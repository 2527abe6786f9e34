/**
 * A temporary installation for CLI tests that run `ferry` as separate processes: `ferry init`
 * in a temp folder, then import, plan and approve, with helpers to run commands, to spawn
 * long-running ones (`run --watch`, `serve`) and to read their JSON lines as they come.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { openSqliteStore, type Store } from "../../src/store/open.ts";

export const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");

export class Installation {
  readonly dir = mkdtempSync(join(tmpdir(), "ferry-cli-"));

  /** `ferry init` with a small simulated organisation whose clock starts in London's afternoon */
  static create(options: { people?: number; start?: string } = {}): Installation {
    const inst = new Installation();
    const start = options.start ?? "2027-01-04T14:00:00Z";
    inst.ferry("init", "--people", String(options.people ?? 30), "--seed", "5", "--start", start);
    return inst;
  }

  /** import, plan, and approve the pilot to be announced at `start` */
  prepare(start = "2027-01-04T14:00:00Z"): void {
    this.ferry("import", "--json");
    this.ferry("plan", "--mode", "immediate", "--start", start, "--json");
    this.ferry("wave", "start", "w0", "--at", start); // the pilot
  }

  ferry(...args: string[]): string {
    return execFileSync(process.execPath, [BIN, ...args], { cwd: this.dir, encoding: "utf8" });
  }

  /** a command expected to fail: its status and output */
  spawnSync(...args: string[]) {
    return spawnSync(process.execPath, [BIN, ...args], { cwd: this.dir, encoding: "utf8" });
  }

  spawn(...args: string[]): Running {
    return new Running(
      spawn(process.execPath, [BIN, ...args], { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] }),
    );
  }

  store(): Promise<Store> {
    return openSqliteStore(join(this.dir, "ferry.db"));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A long-running `ferry` process: its output lines (JSON ones parsed) and its exit. */
export class Running {
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (l) => this.lines.push(l));
    createInterface({ input: child.stderr! }).on("line", (l) => this.stderr.push(l));
    this.exited = new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));
  }

  /** Output lines that are JSON objects. */
  json(): Record<string, unknown>[] {
    return this.lines.flatMap((l) => {
      try {
        const v = JSON.parse(l) as unknown;
        return typeof v === "object" && v !== null ? [v as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  /** The first JSON line that `match` accepts, waiting for it (real time). */
  async waitFor(
    what: string,
    match: (line: Record<string, unknown>) => boolean,
    ms = 60_000,
  ): Promise<Record<string, unknown>> {
    return until(
      what,
      () => this.json().find(match),
      ms,
      () => this.tail(),
    );
  }

  tail(): string {
    return `\nstdout:\n${this.lines.slice(-15).join("\n")}\nstderr:\n${this.stderr.slice(-15).join("\n")}`;
  }

  /** SIGTERM, then the exit (SIGKILL after `ms`, failing the test). */
  async stop(ms = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), ms);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

/** Polls `check` until it returns something (real time), or fails naming `what`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
  detail: () => string = () => "",
): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (performance.now() > end) assert.fail(`timed out waiting for ${what}${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === "object" && address ? address.port : 0;
}

/** Whether a process with this id is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
