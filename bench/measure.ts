/**
 * Measuring tools shared by the benchmarks: medians, memory probes, a Kysely plugin that times
 * the queries of a pass, CPU profiles, child processes and machine facts. Bench code may read
 * the wall clock and the machine; the engine never does.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = dirname(BENCH_DIR);
const MiB = 1024 * 1024;

// --- numbers ----------------------------------------------------------------------------

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
export const mib = (bytes: number): number => round(bytes / MiB, 1);

/** "1.23 s" or "456 ms". */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return "–";
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

export function fmtMiB(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? "–" : `${Math.round(value)} MiB`;
}

export function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

/** A Markdown (and plain-text readable) table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(cells[0]!),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...cells.slice(1).map(line),
  ].join("\n");
}

// --- memory -----------------------------------------------------------------------------

/**
 * Peak resident memory of this process between `reset()` and `peakMiB()`. On Linux the
 * kernel's own high-water mark (VmHWM) is reset through /proc/self/clear_refs, so the peak is
 * exact even while the event loop is blocked by a long synchronous step (a sampler cannot run
 * then). Elsewhere it falls back to the sampled RSS.
 */
export class MemoryProbe {
  readonly exact: boolean;
  #timer: NodeJS.Timeout | undefined;
  #last = 0;
  peakHeapUsed = 0;
  peakHeapTotal = 0;
  peakRss = 0;

  constructor(readonly everyMs = 20) {
    this.exact = MemoryProbe.#canReset();
  }

  static #canReset(): boolean {
    try {
      writeFileSync("/proc/self/clear_refs", "5");
      return /VmHWM:\s+\d+/.test(readFileSync("/proc/self/status", "utf8"));
    } catch {
      return false;
    }
  }

  /** Starts sampling the heap every `everyMs` (when the event loop lets it). */
  start(): void {
    this.#timer ??= setInterval(() => this.sample(), this.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  reset(): void {
    if (this.exact) writeFileSync("/proc/self/clear_refs", "5");
    this.peakHeapUsed = 0;
    this.peakHeapTotal = 0;
    this.peakRss = 0;
    this.sample();
  }

  /** A sample at most every `everyMs`: cheap enough to call from hot paths (query hooks). */
  maybeSample(): void {
    if (performance.now() - this.#last >= this.everyMs) this.sample();
  }

  sample(): void {
    this.#last = performance.now();
    const m = process.memoryUsage();
    if (m.heapUsed > this.peakHeapUsed) this.peakHeapUsed = m.heapUsed;
    if (m.heapTotal > this.peakHeapTotal) this.peakHeapTotal = m.heapTotal;
    if (m.rss > this.peakRss) this.peakRss = m.rss;
  }

  /** Peak RSS since reset(), MiB. */
  peakRssMiB(): number {
    this.sample();
    if (!this.exact) return mib(this.peakRss);
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? round(Number(m[1]) / 1024, 1) : mib(this.peakRss);
  }
}

/** Runs a full GC when node was started with --expose-gc; returns whether it could. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

// --- query timing -----------------------------------------------------------------------

export interface QueryEvent {
  /** "select devices", "insert actions", "update people", ... */
  category: string;
  start: number;
  end: number;
}

interface OperationNodeLike {
  kind: string;
  from?: { froms: readonly unknown[] };
  into?: unknown;
  table?: unknown;
}

function tableName(node: unknown): string {
  const n = node as { kind?: string; table?: { identifier?: { name?: string } }; node?: unknown } | undefined;
  if (n?.kind === "TableNode") return n.table?.identifier?.name ?? "?";
  if (n?.kind === "AliasNode") return tableName(n.node);
  return "?";
}

function categorize(node: RootOperationNode): string {
  const n = node as unknown as OperationNodeLike;
  switch (n.kind) {
    case "SelectQueryNode":
      return `select ${tableName(n.from?.froms[0])}`;
    case "InsertQueryNode":
      return `insert ${tableName(n.into)}`;
    case "UpdateQueryNode":
      return `update ${tableName(n.table)}`;
    case "DeleteQueryNode":
      return `delete ${tableName(n.from?.froms[0])}`;
    default:
      return n.kind;
  }
}

/**
 * A Kysely plugin that times every query (compile + execute + result) by category, and keeps
 * the first queries of a pass in order so the pass can be cut into phases (see `phases`).
 * Attach with `db.withPlugin(timer)`: the engine's SQL is unchanged.
 */
export class QueryTimer implements KyselyPlugin {
  readonly #open = new Map<unknown, { category: string; start: number }>();
  events: QueryEvent[] = [];
  totals = new Map<string, { count: number; ms: number }>();
  constructor(
    readonly onQuery: () => void = () => {},
    readonly keep = 64,
  ) {}

  reset(): void {
    this.#open.clear();
    this.events = [];
    this.totals = new Map();
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.#open.set(args.queryId, { category: categorize(args.node), start: performance.now() });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const end = performance.now();
    const open = this.#open.get(args.queryId);
    if (open) {
      this.#open.delete(args.queryId);
      const t = this.totals.get(open.category);
      if (t) {
        t.count++;
        t.ms += end - open.start;
      } else this.totals.set(open.category, { count: 1, ms: end - open.start });
      if (this.events.length < this.keep)
        this.events.push({ category: open.category, start: open.start, end });
    }
    this.onQuery();
    return args.result;
  }
}

export interface PassPhases {
  /** reading every port (inventories, CA read-backs), until the transaction begins */
  observe: number;
  /** BEGIN, the generation read, and WorkingSet.load (cold) or WorkingSet.reuse (warm) */
  load: number;
  /** applyObservations + buildWaveViews (+ the policy meta write and the sourceRetired read) */
  apply: number;
  /** decideWaves, decideAccess, decideDevices, decideRetirement (+ the recent-retires count) */
  decide: number;
  /** WorkingSet.commit, the meta writes and COMMIT */
  commit: number;
}

/**
 * Cuts a pass into phases from the order of Engine.reconcile's queries:
 *   meta(targetPolicy) [ports] meta(generation) [load] actions(open) meta… [apply]
 *   meta(retirement) [decide] actions(count) [decide] then commit's writes.
 * The query right before the recent-retires count is the retirement read, and apply is the
 * in-memory stretch before it. Undefined when the order differs (the engine changed: update
 * this function).
 */
export function phases(
  events: QueryEvent[],
  passStart: number,
  passEnd: number,
  observeEnd: number,
): PassPhases | undefined {
  const find = (category: string, after: number) => {
    for (let i = after + 1; i < events.length; i++) if (events[i]!.category === category) return i;
    return -1;
  };
  const policy = find("select meta", -1);
  const generation = find("select meta", policy);
  const open = find("select actions", generation);
  const count = find("select actions", open);
  const retirement = count - 1;
  if (policy !== 0 || generation < 0 || open < 0 || retirement <= open) return undefined;
  const e = (i: number) => events[i]!;
  if (e(retirement).category !== "select meta") return undefined;
  const commitStart = count + 1 < events.length ? e(count + 1).start : passEnd;
  const observeUntil =
    observeEnd > e(policy).end && observeEnd < e(generation).start ? observeEnd : e(generation).start;
  return {
    observe: observeUntil - passStart,
    load: e(open).start - observeUntil,
    apply: e(retirement).start - e(open).end,
    decide: commitStart - e(retirement).end,
    commit: passEnd - commitStart,
  };
}

/**
 * An experiment, not the engine's behaviour: copies every result row into a plain object
 * literal. better-sqlite3 builds rows of more than a few columns as dictionary-mode
 * (hash-table) objects, several times larger and slower to read than the fixed-shape objects
 * a copy produces; this shows what a WorkingSet.load that copied its rows would gain.
 */
export const fastRowsPlugin: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async ({ result }) => ({ ...result, rows: result.rows.map((row) => ({ ...row })) }),
};

// --- CPU profiles -----------------------------------------------------------------------

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export class Profiler {
  #session = new Session();

  async start(): Promise<void> {
    this.#session.connect();
    await this.#session.post("Profiler.enable");
    await this.#session.post("Profiler.setSamplingInterval", { interval: 500 });
    await this.#session.post("Profiler.start");
  }

  async stop(file: string): Promise<CpuProfile> {
    const { profile } = (await this.#session.post("Profiler.stop")) as { profile: CpuProfile };
    this.#session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    return profile;
  }
}

export interface ProfileLine {
  fn: string;
  ms: number;
  share: number;
}

/** Self and inclusive time by function, and self time by area (our files, Kysely, SQLite, GC…). */
export function summariseProfile(
  profile: CpuProfile,
  top = 20,
): { totalMs: number; self: ProfileLine[]; inclusive: ProfileLine[]; areas: ProfileLine[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url.startsWith("file://") ? relative(REPO_DIR, fileURLToPath(f.url)) : f.url;
    // tsx's transpiled modules report no useful line numbers (0): the file names the place
    const where = file && f.lineNumber > 0 ? `${file}:${f.lineNumber + 1}` : file;
    return `${f.functionName || "(anonymous)"} ${where}`.trim();
  };
  const area = (id: number) => {
    const f = byId.get(id)!.callFrame;
    if (!f.url) return f.functionName.startsWith("(") ? f.functionName : "(native / builtins)";
    const file = f.url.startsWith("file://") ? relative(REPO_DIR, fileURLToPath(f.url)) : f.url;
    if (file.startsWith("node_modules/")) return file.split("/").slice(0, 2).join("/");
    if (file.startsWith("node:")) return "node: internals";
    return file;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const l = label(id);
    self.set(l, (self.get(l) ?? 0) + dt);
    const a = area(id);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = label(at);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const lines = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms: round(ms, 1), share: round((100 * ms) / total, 1) }));
  return { totalMs: round(total, 1), self: lines(self), inclusive: lines(inclusive), areas: lines(areas) };
}

// --- child processes ----------------------------------------------------------------------

export interface ChildOutcome<T> {
  ok: boolean;
  result?: T;
  exitCode: number | null;
  signal: string | null;
  /** the last lines the child wrote to stderr */
  stderrTail: string;
  /** why it failed, from its stderr: V8's fatal error and the native or JS frames that name the culprit */
  reason: string;
  /** the highest VmHWM the parent saw while polling the child (MiB): a floor for a child that crashed */
  polledPeakRssMiB: number;
}

/**
 * Runs `script` in a fresh node (with tsx and --expose-gc) so each measurement starts from an
 * empty heap and its peak memory is its own. The child writes its result as JSON to the file
 * named by its `--out` argument.
 */
export function runChild<T>(
  script: string,
  args: string[],
  nodeArgs: string[] = [],
): Promise<ChildOutcome<T>> {
  // The child's scratch space (its result file, and any store it makes under --tmp) belongs
  // to the parent, which removes it whatever happens: a child killed by an OOM cleans nothing.
  const scratch = mkdtempSync(join(os.tmpdir(), "ferry-bench-"));
  const out = join(scratch, "result.json");
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--expose-gc",
        ...nodeArgs,
        join(BENCH_DIR, script),
        ...args,
        "--out",
        out,
        "--tmp",
        scratch,
      ],
      { cwd: REPO_DIR, stdio: ["ignore", "inherit", "pipe"] },
    );
    let tail = "";
    child.stderr.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString()).slice(-16_000);
    });
    let polled = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) polled = Math.max(polled, Number(m[1]) / 1024);
      } catch {
        // not Linux, or the child already exited
      }
    }, 100);
    child.on("error", (error) => {
      clearInterval(poll);
      rmSync(scratch, { recursive: true, force: true });
      reject(error);
    });
    child.on("exit", (exitCode, signal) => {
      clearInterval(poll);
      let result: T | undefined;
      try {
        result = JSON.parse(readFileSync(out, "utf8")) as T;
      } catch {
        result = undefined;
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({
        ok: exitCode === 0 && result !== undefined,
        ...(result !== undefined ? { result } : {}),
        exitCode,
        signal,
        stderrTail: tail,
        reason: exitCode === 0 ? "" : diagnose(tail),
        polledPeakRssMiB: round(polled, 1),
      });
    });
  });
}

/**
 * One line on why a child died: V8's "FATAL ERROR" (or the last Error line) and the frames
 * that name the culprit — better-sqlite3's native functions, or our own .ts files.
 */
export function diagnose(stderr: string): string {
  const lines = stderr.split("\n");
  const fatal =
    lines.find((l) => l.includes("FATAL ERROR")) ?? [...lines].reverse().find((l) => /Error\b/.test(l));
  const frames = lines
    .map(
      (l) =>
        /(\w+::\w+)\(.*better_sqlite3/.exec(l)?.[1] ??
        /at (\S+) \(.*?([\w/-]+\.ts):/.exec(l)?.slice(1, 3).join(" "),
    )
    .filter((f): f is string => Boolean(f));
  if (lines.some((l) => l.includes("NameDictionary"))) frames.push("a dictionary-mode object growing");
  const culprit = [...new Set(frames)].slice(0, 4).join(" ← ");
  const progress = [...lines].reverse().find((l) => /^\s*\[[\d,]+\] /.test(l));
  return [
    fatal?.trim() ?? "no error message",
    culprit ? `in ${culprit}` : "",
    progress ? `(last progress: ${progress.trim().replace(/^\[[\d,]+\] /, "")})` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/** Reads `--name value` pairs and flags from argv (after the script). */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

// --- machine ----------------------------------------------------------------------------

export interface MachineFacts {
  node: string;
  v8: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** V8's default old-space limit for this machine (what a child gets without --max-old-space-size) */
  defaultHeapLimitMiB: number;
  loadAverage: number[];
}

export async function machineFacts(): Promise<MachineFacts> {
  const v8 = await import("node:v8");
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    defaultHeapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / MiB),
    loadAverage: os.loadavg().map((x) => round(x, 2)),
  };
}
