/** Retiring the old product: the checklist, the request to start, and what only an admin can confirm. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { audit } from "../../engine/audit.ts";
import { getMeta, setMeta } from "../../engine/meta.ts";
import { MANUAL_ITEMS, type ManualItem, retirementChecklist } from "../../engine/retirement.ts";
import { principalOf } from "../auth/guard.ts";
import { actorOf } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { conflict } from "../errors.ts";
import { errors, IsoOrNull, isoOrNull, StringEnum } from "../schemas.ts";

const Checklist = Type.Object({
  requestedAt: IsoOrNull,
  requestedBy: Type.Union([Type.String(), Type.Null()]),
  retired: Type.Boolean({ description: "the old product is switched off and its records are history" }),
  retiredAt: IsoOrNull,
  items: Type.Array(
    Type.Object({ id: Type.String(), title: Type.String(), done: Type.Boolean(), detail: Type.String() }),
  ),
});

export const retirementRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  /** The checklist; a POST also finishes retirement once every item is done (a GET never changes anything). */
  async function checklist(finish = false) {
    const { db } = ctx;
    let retired = await getMeta(db, "sourceRetired");
    if (finish && !retired && (await retirementChecklist(db)).every((i) => i.done)) {
      // Everything is confirmed: the old product can go. The CLI's simulated connection, for
      // one, decommissions the simulated source here.
      const now = ctx.clock.now();
      await ctx.retireSource?.();
      retired = { at: now };
      await setMeta(db, "sourceRetired", retired);
      await audit(db, [
        { at: now, actor: "server", kind: "source-retired", message: "the old product is retired" },
      ]);
      if (ctx.engine) await ctx.engine.reconcile();
    }
    const request = await getMeta(db, "retirement");
    return {
      requestedAt: isoOrNull(request?.requestedAt),
      requestedBy: request?.by ?? null,
      retired: retired !== undefined,
      retiredAt: isoOrNull(retired?.at),
      items: await retirementChecklist(db),
    };
  }

  app.get(
    "/",
    {
      config: { permission: "retirement.read" },
      schema: {
        tags: ["retirement"],
        summary: "The checklist for switching the old product off",
        response: { 200: Checklist, ...errors },
      },
    },
    async () => checklist(),
  );

  app.post(
    "/request",
    {
      config: { permission: "retirement.write" },
      schema: {
        tags: ["retirement"],
        summary:
          "Start retirement: nobody is put back under the old product, whose CA is switched off once nothing depends on it",
        description:
          "Idempotent. Once every checklist item is done, this (or a confirmation) retires the old product.",
        response: { 200: Checklist, ...errors },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const actor = actorOf(principalOf(request));
      if (!(await getMeta(ctx.db, "retirement"))) {
        await setMeta(ctx.db, "retirement", { requestedAt: now, by: actor, confirmations: {} });
        await audit(ctx.db, [
          {
            at: now,
            actor,
            kind: "retirement-requested",
            message: "retirement of the old product requested",
          },
        ]);
      }
      return checklist(true);
    },
  );

  app.post(
    "/confirm",
    {
      config: { permission: "retirement.write" },
      schema: {
        tags: ["retirement"],
        summary:
          "Confirm an item only a person can: connectors disconnected, final report exported, subscription cancelled",
        body: Type.Object(
          { item: StringEnum(Object.keys(MANUAL_ITEMS) as ManualItem[]) },
          { additionalProperties: false },
        ),
        response: { 200: Checklist, ...errors },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const actor = actorOf(principalOf(request));
      const retirement = await getMeta(ctx.db, "retirement");
      if (!retirement) throw conflict("retirement was not requested: POST /api/retirement/request first");
      retirement.confirmations[request.body.item] = { by: actor, at: now };
      await setMeta(ctx.db, "retirement", retirement);
      await audit(ctx.db, [
        {
          at: now,
          actor,
          kind: "retirement-confirmed",
          message: `confirmed: ${MANUAL_ITEMS[request.body.item]}`,
        },
      ]);
      return checklist(true);
    },
  );
};
