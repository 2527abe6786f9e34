/**
 * `POST /users/{sender}/sendMail` → 202 (vendor-apis.md §A6): the message is handed to the
 * world's mailer. Graph carries no template name or idempotency key, so Ferry sends them as
 * custom internet message headers (`X-Ferry-Template`, `X-Ferry-Person`,
 * `X-Ferry-Idempotency-Key`), which the emulator reads back. A recipient nobody knows is
 * accepted (202) and counted as undeliverable: Exchange reports that later, by a bounce.
 */
import { DOMAIN } from "../../world/catalog.ts";
import { EmulatorError, noContent, type Route } from "../kit/index.ts";
import { PERMISSION_RULES } from "./auth.ts";
import { bodyObject, GRAPH_THROTTLE_SCOPES, type GraphContext, graphRoute } from "./context.ts";
import { personByName } from "./devices.ts";

export const DEFAULT_MAIL_SENDER = `ferry@${DOMAIN}`;

function invalid(message: string): EmulatorError {
  return new EmulatorError(400, "ErrorInvalidRecipients", message);
}

export function mailRoutes(ctx: GraphContext): Route[] {
  return [
    graphRoute(ctx, {
      method: "POST",
      path: "/users/:id/sendMail",
      scope: GRAPH_THROTTLE_SCOPES.mail,
      permission: PERMISSION_RULES.mailSend,
      handler: async (req) => {
        const sender = req.params.id!;
        if (sender.toLowerCase() !== ctx.options.mailSender.toLowerCase() && !personByName(ctx, sender)) {
          throw new EmulatorError(404, "ErrorInvalidUser", `The requested user '${sender}' is invalid.`);
        }
        const message = bodyObject(req).message as Record<string, unknown> | undefined;
        if (typeof message !== "object" || message === null) {
          throw new EmulatorError(400, "ErrorInvalidRequest", "The message is missing.");
        }
        const to = (message.toRecipients ?? []) as { emailAddress?: { address?: string } }[];
        const addresses = Array.isArray(to) ? to.map((r) => r.emailAddress?.address ?? "") : [];
        if (addresses.length === 0 || addresses.some((a) => !/^[^@\s]+@[^@\s]+$/.test(a))) {
          throw invalid("At least one recipient is not valid., Recipient is not a valid SMTP address.");
        }
        const body = (message.body ?? {}) as { contentType?: string; content?: string };
        if (body.contentType !== undefined && !/^(html|text)$/i.test(body.contentType)) {
          throw new EmulatorError(400, "ErrorInvalidRequest", `Invalid contentType '${body.contentType}'.`);
        }
        const headers = new Map(
          ((message.internetMessageHeaders ?? []) as { name?: string; value?: string }[]).map((h) => [
            String(h.name ?? "").toLowerCase(),
            String(h.value ?? ""),
          ]),
        );
        for (const address of addresses) {
          try {
            await ctx.world.ports.mailer.send({
              to: address,
              personId: headers.get("x-ferry-person") ?? personByName(ctx, address)?.id ?? "",
              template: headers.get("x-ferry-template") ?? "graph",
              subject: String(message.subject ?? ""),
              text: String(body.content ?? ""),
              idempotencyKey: headers.get("x-ferry-idempotency-key") ?? req.requestId,
            });
            ctx.state.mail.delivered++;
          } catch {
            ctx.state.mail.undeliverable.push(address);
          }
        }
        return noContent(202);
      },
    }),
  ];
}
