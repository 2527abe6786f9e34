/**
 * What the Graph benchmarks share: the results file (bench/results/graph.json, one key per
 * benchmark, so each can be run alone) and the machine/commit facts that go with it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, machineFacts, REPO_DIR } from "./measure.ts";

export const GRAPH_RESULTS = join(BENCH_DIR, "results", "graph.json");

function commit(): { commit: string; srcModified: boolean } {
  try {
    const c = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_DIR }).toString().trim();
    const status = execFileSync("git", ["status", "--porcelain", "--", "src"], { cwd: REPO_DIR }).toString();
    return { commit: c, srcModified: status.trim().length > 0 };
  } catch {
    return { commit: "unknown", srcModified: false };
  }
}

/** Writes `result` under `key` in bench/results/graph.json, keeping the other benchmark's figures. */
export async function saveGraphResult(
  key: "inventory" | "groups",
  command: string,
  result: unknown,
): Promise<void> {
  mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
  const saved: Record<string, unknown> = existsSync(GRAPH_RESULTS)
    ? JSON.parse(readFileSync(GRAPH_RESULTS, "utf8"))
    : {};
  saved[key] = {
    date: new Date().toISOString(),
    command,
    git: commit(),
    machine: await machineFacts(),
    result,
  };
  writeFileSync(GRAPH_RESULTS, `${JSON.stringify(saved, null, 2)}\n`);
  process.stderr.write(`saved bench/results/graph.json (${key})\n`);
}
