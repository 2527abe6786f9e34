/**
 * `ferry serve`'s engine, kept out of the API's process: a child process running
 * `ferry run --watch --json`, its lines logged by the server, restarted with backoff when it
 * dies, stopped (SIGTERM: it finishes the pass under way) when the server stops. A pass at
 * 100,000 devices holds its event loop for seconds; in a process of its own it holds nobody.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

export const FERRY_BIN = resolve(import.meta.dirname, "../../bin/ferry.js");

/** The logger's methods used here (pino's shape). */
export interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EngineProcessOptions {
  /** what to run: node and its arguments (default: this node, bin/ferry.js, `run --watch --json`) */
  command?: string;
  args: string[];
  log: Log;
  /** names this child in the log, e.g. "engine-1" */
  name: string;
  env?: NodeJS.ProcessEnv;
  /** first restart delay, doubled after each quick death up to `maxBackoff` (ms) */
  backoff?: number;
  maxBackoff?: number;
  /** how long a stop waits for the pass under way before SIGKILL (ms) */
  stopTimeout?: number;
}

/** A child that ran at least this long before dying starts again after the first delay. */
const STABLE_AFTER = 60_000;

/**
 * Node's own flags for the child (tsx's loader among them), without the inspector's: two
 * processes cannot listen on one debugging port.
 */
export function childExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  return execArgv.filter((a) => !/^--inspect(-brk|-port|-wait)?(=|$)/.test(a));
}

export class EngineProcess {
  #child: ChildProcess | undefined;
  #stopping = false;
  #backoff: number;
  #restartTimer: NodeJS.Timeout | undefined;
  #exited: Promise<void> = Promise.resolve();
  /** how many times the child was started */
  starts = 0;

  constructor(private readonly options: EngineProcessOptions) {
    this.#backoff = options.backoff ?? 1_000;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#stopping) return;
    const { log, name } = this.options;
    const startedAt = performance.now();
    // An IPC channel, so the child stops when this process is gone, even killed.
    const child = spawn(this.options.command ?? process.execPath, this.options.args, {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: this.options.env ?? process.env,
    });
    this.#child = child;
    this.starts++;
    this.#exited = new Promise((done) => child.once("exit", () => done()));
    const pid = child.pid;
    createInterface({ input: child.stdout! }).on("line", (text) => this.#line(text, pid, false));
    createInterface({ input: child.stderr! }).on("line", (text) => this.#line(text, pid, true));
    child.once("error", (error) => log.error({ engine: name, err: error }, "engine process could not start"));
    child.once("exit", (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      if (this.#stopping) return;
      // A child that ran a while had a transient problem; one that dies at once is retried ever more slowly.
      if (performance.now() - startedAt >= STABLE_AFTER) this.#backoff = this.options.backoff ?? 1_000;
      const delay = this.#backoff;
      this.#backoff = Math.min(this.#backoff * 2, this.options.maxBackoff ?? 60_000);
      log.error(
        { engine: name, pid, code, signal, restartInMs: delay },
        `engine process exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s`,
      );
      this.#restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  /** One line of the child's output into the server's log: its JSON lines as fields. */
  #line(text: string, pid: number | undefined, stderr: boolean): void {
    if (text.trim() === "") return;
    const { log, name } = this.options;
    let fields: Record<string, unknown> | undefined;
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
        fields = parsed as Record<string, unknown>;
    } catch {
      // not JSON: logged as text below
    }
    if (!fields) {
      (stderr ? log.warn : log.info).call(log, { engine: name, pid }, `[${name}] ${text}`);
      return;
    }
    const event = typeof fields.event === "string" ? fields.event : "output";
    const level = event === "pass-failed" ? "error" : "info";
    log[level]({ engine: name, pid, ...fields }, `engine ${event === "pass" ? "pass" : event}`);
  }

  /** Stops the child (and any restart) and waits until it has exited. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const killer = setTimeout(
      () => {
        this.options.log.warn(
          { engine: this.options.name, pid: child.pid },
          "engine process did not stop in time: killing it",
        );
        child.kill("SIGKILL");
      },
      this.options.stopTimeout ?? 5 * 60_000,
    );
    child.kill("SIGTERM");
    await this.#exited;
    clearTimeout(killer);
  }
}
