/** Settings: plan defaults, capacities, helpdesk contact, quiet hours, connections (secrets write-only). */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { principalOf } from "../auth/guard.ts";
import { actorOf } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { errors } from "../schemas.ts";
import { SettingsSchema, SettingsUpdateSchema } from "../settings-store.ts";

export const settingsRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    "/",
    {
      config: { permission: "settings.read" },
      schema: {
        tags: ["settings"],
        summary: "Every setting; a connection secret shows only whether it is configured",
        response: { 200: SettingsSchema, ...errors },
      },
    },
    async () => ctx.settings.get(),
  );

  app.patch(
    "/",
    {
      config: { permission: "settings.write" },
      schema: {
        tags: ["settings"],
        summary: "Change settings: each section given is merged into the current one",
        description:
          "Connection secrets are write-only: a string sets one, null clears it, leaving it out keeps it. They are stored encrypted and never returned.",
        body: SettingsUpdateSchema,
        response: { 200: SettingsSchema, ...errors },
      },
    },
    async (request) => ctx.settings.update(request.body, ctx.wallClock.now(), actorOf(principalOf(request))),
  );
};
