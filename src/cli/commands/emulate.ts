/**
 * `ferry emulate <vendor>`: one vendor's API on loopback, backed by a simulated organisation,
 * for people to try their own scripts (or `ferry connect`) against. The organisation's clock
 * follows the wall clock, `--speed` times faster.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { seededRandom } from "../../connectors/http/index.ts";
import { SECOND } from "../../core/time.ts";
import { startVendorEmulator, VENDORS, type Vendor } from "../../wiring/vendors.ts";
import { SimulatedOrganisation } from "../../world/world.ts";
import { CliError } from "../format.ts";
import { positiveInt } from "./options.ts";

interface EmulateFlags {
  people: number;
  seed: number;
  port?: number;
  speed: string;
  faults?: string;
  settings?: string;
}

export function registerEmulate(program: Command): void {
  program
    .command("emulate <vendor>")
    .description(`serve one vendor's API on 127.0.0.1 over a simulated organisation: ${VENDORS.join(" | ")}`)
    .option("--people <n>", "people in the organisation", positiveInt("--people"), 200)
    .option("--seed <n>", "seed of the organisation", positiveInt("--seed"), 1)
    .option("--port <n>", "port (default: any free one)", positiveInt("--port"))
    .option("--speed <x>", "how much faster than the wall clock the organisation's time runs", "60")
    .option("--faults <share>", "share of requests to fault (500/503/429/resets/timeouts), e.g. 0.1")
    .option(
      "--settings <file>",
      "also write the connection settings (config + secrets) to this file, mode 0600",
    )
    .action(async (vendor: string, opts: EmulateFlags) => {
      if (!(VENDORS as readonly string[]).includes(vendor))
        throw new CliError(`unknown vendor "${vendor}": use ${VENDORS.join(", ")}`);
      const speed = Number(opts.speed);
      if (!(speed > 0)) throw new CliError(`--speed takes a positive number, got "${opts.speed}"`);
      const faultRate = opts.faults === undefined ? 0 : Number(opts.faults);
      if (!(faultRate >= 0 && faultRate <= 0.5))
        throw new CliError(`--faults takes a share from 0 to 0.5, got "${opts.faults}"`);
      // The one place the simulated organisation starts from the wall clock: people try it now.
      const world = new SimulatedOrganisation({ seed: opts.seed, people: opts.people, start: Date.now() });
      const emu = await startVendorEmulator(vendor as Vendor, {
        world,
        random: seededRandom(opts.seed),
        ...(opts.port ? { port: opts.port } : {}),
        ...(faultRate ? { faults: { rate: faultRate } } : {}),
      });
      const timer = setInterval(() => world.advanceTo(world.clock.now() + speed * SECOND), 1000);
      if (opts.settings)
        writeFileSync(opts.settings, `${JSON.stringify(emu.settings, null, 2)}\n`, { mode: 0o600 });
      process.stdout.write(
        `${vendor} emulator on ${emu.url} (${opts.people} people, seed ${opts.seed}, time ×${speed}${faultRate ? `, ${faultRate * 100}% faults` : ""})\n` +
          `connection settings:\n${JSON.stringify(emu.settings, null, 2)}\n` +
          "Ctrl-C stops it.\n",
      );
      const stop = async () => {
        clearInterval(timer);
        await emu.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
