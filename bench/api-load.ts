/**
 * The load side of the API latency benchmark, run as a separate process so the server's
 * event loop is not shared with the client measuring it. Each endpoint gets `concurrency`
 * loops of back-to-back requests for `seconds`; prints one JSON object of latencies (ms).
 */
interface Target {
  name: string;
  path: string;
  headers: Record<string, string>;
}

const [url, targetsJson, secondsArg, concurrencyArg] = process.argv.slice(2);
if (!url || !targetsJson) throw new Error("usage: api-load.ts <url> <targets-json> <seconds> <concurrency>");
const targets = JSON.parse(targetsJson) as Target[];
const seconds = Number(secondsArg ?? 20);
const concurrency = Number(concurrencyArg ?? 4);

const results: Record<string, { latencies: number[]; errors: number; statuses: Record<string, number> }> = {};
const end = performance.now() + seconds * 1000;

async function loop(t: Target, i: number): Promise<void> {
  const r = results[t.name]!;
  let n = i;
  while (performance.now() < end) {
    const start = performance.now();
    try {
      const res = await fetch(`${url}${t.path.replace("{n}", String(n++ % 1000))}`, { headers: t.headers });
      await res.arrayBuffer();
      r.statuses[res.status] = (r.statuses[res.status] ?? 0) + 1;
      if (res.status >= 400) r.errors++;
      else r.latencies.push(performance.now() - start);
    } catch {
      r.errors++;
    }
  }
}

for (const t of targets) results[t.name] = { latencies: [], errors: 0, statuses: {} };
await Promise.all(targets.flatMap((t) => Array.from({ length: concurrency }, (_, i) => loop(t, i * 97))));
process.stdout.write(`${JSON.stringify(results)}\n`);
