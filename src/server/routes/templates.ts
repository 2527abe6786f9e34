/**
 * E-mail previews for the console: every stage × platform × locale rendered with sample data
 * (a sample person and wave, this installation's helpdesk contact), so an admin can read what
 * people will receive before a wave is announced, and the helpdesk what they were sent.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { PLATFORMS } from "../../core/platform.ts";
// The templates alone, not notify/index.ts: the server has no business loading the SMTP mailer.
import { MESSAGE_LOCALES } from "../../notify/locale.ts";
import { TEMPLATE_NAMES } from "../../notify/templates/context.ts";
import { previews } from "../../notify/templates/preview.ts";
import type { ServerContext } from "../context.ts";
import { errors, StringEnum, StrOrNull } from "../schemas.ts";

const Preview = Type.Object({
  stage: Type.String(),
  locale: Type.String(),
  platform: Type.Union([Type.String(), Type.Null()], {
    description: "the sample devices' platform; null when the sample person has one of every kind",
  }),
  subject: Type.String(),
  html: Type.String({ description: "a whole HTML document: show it in a sandboxed frame" }),
  text: Type.String({ description: "the plain-text part" }),
});

export const templatesRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    "/previews",
    {
      config: { permission: "templates.read" },
      schema: {
        tags: ["templates"],
        summary: "E-mail previews (subject, HTML, text) by stage, platform and locale, with sample data",
        description:
          "Without a filter: every stage in every locale, the sample person owning one device of every kind. A stage that no device of the chosen platform receives (a reset for Windows) is left out.",
        querystring: Type.Object({
          stage: Type.Optional(StringEnum(TEMPLATE_NAMES)),
          platform: Type.Optional(StringEnum(PLATFORMS)),
          locale: Type.Optional(StringEnum(MESSAGE_LOCALES)),
        }),
        response: {
          200: Type.Object({
            stages: Type.Array(Type.String()),
            platforms: Type.Array(Type.String()),
            locales: Type.Array(Type.String()),
            helpdeskConfigured: Type.Boolean(),
            portalUrl: StrOrNull,
            previews: Type.Array(Preview),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { stage, platform, locale } = request.query;
      const h = (await ctx.settings.get()).helpdesk;
      // The installation's own contact when it has one: that is what people will see.
      const helpdesk =
        h.email || h.phone ? { name: h.name, email: h.email, phone: h.phone, hours: h.hours } : undefined;
      const portalUrl = `${ctx.publicUrl}/portal#sample`;
      const rendered = previews(
        {
          ...(stage ? { template: stage } : {}),
          ...(platform ? { platform } : {}),
          ...(locale ? { locale } : {}),
        },
        { portalUrl, ...(helpdesk ? { helpdesk } : {}) },
      );
      return {
        stages: [...TEMPLATE_NAMES],
        platforms: [...PLATFORMS],
        locales: [...MESSAGE_LOCALES],
        helpdeskConfigured: helpdesk !== undefined,
        portalUrl,
        previews: rendered.map((p) => ({
          stage: p.template,
          locale: p.locale,
          platform: platform ?? null,
          subject: p.subject,
          html: p.html,
          text: p.text,
        })),
      };
    },
  );
};
