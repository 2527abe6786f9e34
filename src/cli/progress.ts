/** Live progress of a long run on a terminal: one bar per wave plus the whole fleet. */
import cliProgress from "cli-progress";
import type { DemoProgress } from "../demo/run.ts";

export interface ProgressView {
  update(p: DemoProgress): void;
  stop(): void;
}

const silent: ProgressView = { update: () => {}, stop: () => {} };

export function progressView(enabled: boolean): ProgressView {
  if (!enabled) return silent;
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: " {label} {bar} {value}/{total} {status}",
      barsize: 28,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  let overall: cliProgress.SingleBar | undefined;
  return {
    update(p) {
      for (const w of p.waves) {
        let b = bars.get(w.name);
        if (!b) {
          b = multi.create(w.devices, 0, { label: w.name.slice(0, 28).padEnd(28), status: w.status });
          bars.set(w.name, b);
        }
        b.setTotal(w.devices);
        b.update(w.migrated, { status: w.status });
      }
      if (!overall) overall = multi.create(p.devices, 0, { label: "All devices".padEnd(28), status: "" });
      overall.setTotal(p.devices);
      overall.update(p.migrated, { status: `day ${p.day.toFixed(1)} · ${p.phase}` });
    },
    stop() {
      multi.stop();
    },
  };
}
