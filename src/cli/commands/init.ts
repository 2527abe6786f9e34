/** `ferry init`: writes the configuration and creates the store. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { GATEWAYS, type Gateway } from "../../engine/manual-access.ts";
import { openStore } from "../../store/open.ts";
import { SOURCE_PRODUCTS, type SourceProduct } from "../../wiring/installation-ports.ts";
import { DEFAULT_CONFIG_PATH, type FerryConfig, writeConfig } from "../config.ts";
import { databaseLocation } from "../context.ts";
import { CliError } from "../format.ts";
import { positiveInt } from "./options.ts";

/** Every `…Env` value in the connection: the variables the administrator must set. */
function secretVariables(config: FerryConfig): string[] {
  const names: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v !== "object" || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k.endsWith("Env") && typeof x === "string") names.push(x);
      else walk(x);
    }
  };
  walk(config.connection);
  return names;
}

interface InitFlags {
  people: number;
  seed: number;
  start: string;
  database: string;
  manualGateway?: string;
  vendors?: string | true;
}

/**
 * The old product's settings as an administrator fills them in: placeholders in <…>, and the
 * names of the environment variables that will hold the secrets (never the secrets).
 */
const SOURCE_SKELETONS: Record<SourceProduct, Record<string, unknown>> = {
  "workspace-one": {
    apiUrl: "https://<asNNNN>.awmdm.com/API",
    auth: {
      method: "basic",
      username: "<API admin account>",
      passwordEnv: "FERRY_WS1_PASSWORD",
      tenantCodeEnv: "FERRY_WS1_API_KEY",
    },
  },
  jamf: {
    url: "https://<contoso>.jamfcloud.com",
    auth: { method: "oauth", clientId: "<API client id>", clientSecretEnv: "FERRY_JAMF_CLIENT_SECRET" },
  },
  ivanti: {
    flavour: "core",
    baseUrl: "https://<epmm.contoso.com>",
    username: "<API user>",
    passwordEnv: "FERRY_IVANTI_PASSWORD",
  },
  maas360: {
    billingId: "<billing ID, digits>",
    appId: "<app id>",
    username: "<API administrator>",
    passwordEnv: "FERRY_MAAS360_PASSWORD",
    appAccessKeyEnv: "FERRY_MAAS360_ACCESS_KEY",
  },
};

function vendorsConfig(database: string, source: SourceProduct): FerryConfig {
  return {
    database,
    connection: {
      kind: "vendors",
      graph: {
        config: {
          tenantId: "<contoso.onmicrosoft.com or tenant GUID>",
          clientId: "<app registration's application (client) id>",
          clientSecretEnv: "FERRY_GRAPH_CLIENT_SECRET",
          notYetMigratedGroupId: "<object id of the Entra group Intune's CA policy excludes>",
          targetPolicyId: "<id of Intune's 'require a compliant device' CA policy>",
          mailSender: "<it-migration@contoso.com>",
          legacy: {
            excludedGroupId: "<object id of the group the old product's CA policy excludes>",
            policyId: "<id of the old product's CA policy>",
          },
        },
      },
      source: { vendor: source, config: SOURCE_SKELETONS[source] },
    },
    breakGlass: ["<break-glass@contoso.com>"],
    vips: [],
    domainMap: {},
  };
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create ferry.json and the store; the connection is a simulated organisation for rehearsals")
    .option("--people <n>", "people in the simulated organisation", positiveInt("--people"), 2000)
    .option("--seed <n>", "seed of the simulated organisation", positiveInt("--seed"), 1)
    .option("--start <iso>", "start of the simulated clock", "2027-01-04T08:00:00Z")
    .option("--database <file>", "SQLite file or postgres:// URL", "ferry.db")
    .option(
      "--manual-gateway <kind>",
      `rehearse a mail gateway with no API: ${Object.keys(GATEWAYS).join(" | ")}`,
    )
    .option(
      "--vendors [source]",
      `a skeleton for your real systems instead: Microsoft Graph and the old product (${SOURCE_PRODUCTS.join(" | ")}, default workspace-one)`,
    )
    .action(async (opts: InitFlags, cmd: Command) => {
      const path = resolve((cmd.optsWithGlobals() as { config?: string }).config ?? DEFAULT_CONFIG_PATH);
      if (existsSync(path))
        throw new CliError(`${path} already exists; remove it or pass --config to write another`);
      if (opts.vendors !== undefined) {
        const source = opts.vendors === true ? "workspace-one" : opts.vendors;
        if (!(SOURCE_PRODUCTS as readonly string[]).includes(source))
          throw new CliError(`--vendors takes ${SOURCE_PRODUCTS.join(", ")}, got "${source}"`);
        const config = vendorsConfig(opts.database, source as SourceProduct);
        writeConfig(path, config);
        const env = secretVariables(config);
        process.stdout.write(
          `wrote ${path}: replace every <…> with your tenant's values (README.md, "Against your real systems").\n` +
            `Secrets stay out of it: set ${env.join(", ")} in the environment.\n` +
            `Then check each connection: ferry connect graph, ferry connect ${source}; and run ferry import.\n`,
        );
        return;
      }
      if (Number.isNaN(Date.parse(opts.start)))
        throw new CliError(`--start takes an ISO-8601 time, got "${opts.start}"`);
      const gateway = opts.manualGateway;
      if (gateway !== undefined && !(gateway in GATEWAYS)) {
        throw new CliError(`--manual-gateway takes ${Object.keys(GATEWAYS).join(", ")}, got "${gateway}"`);
      }
      const config: FerryConfig = {
        database: opts.database,
        connection: {
          kind: "simulated",
          seed: opts.seed,
          people: opts.people,
          start: new Date(opts.start).toISOString(),
          ...(gateway ? { manualGateway: gateway as Gateway } : {}),
        },
        breakGlass: [],
        vips: [],
        domainMap: {},
      };
      writeConfig(path, config);
      const store = await openStore(databaseLocation(opts.database, resolve(path, "..")));
      await store.close();
      process.stdout.write(`wrote ${path} and created ${opts.database}. Next: ferry import\n`);
    });
}
