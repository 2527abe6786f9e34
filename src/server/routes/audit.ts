/** The audit log: every state change and side effect, newest first, filtered a page at a time. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import type { ServerContext } from "../context.ts";
import { errors, Iso, iso, Paged, PageQuery, paging, StrOrNull } from "../schemas.ts";

const Entry = Type.Object({
  id: Type.Integer(),
  at: Iso,
  actor: Type.String(),
  kind: Type.String(),
  waveId: StrOrNull,
  personId: StrOrNull,
  deviceId: StrOrNull,
  message: Type.String(),
  data: Type.Unknown(),
  prevHash: StrOrNull,
  hash: Type.Union([Type.String(), Type.Null()], {
    description: "SHA-256 over this entry and prevHash: the chain `ferry audit verify` recomputes",
  }),
});

export const auditRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    "/",
    {
      config: { permission: "audit.read" },
      schema: {
        tags: ["audit"],
        summary: "Audit entries, newest first; filter by person, device, wave and kind",
        querystring: Type.Object({
          person: Type.Optional(Type.String({ maxLength: 200 })),
          device: Type.Optional(Type.String({ maxLength: 200 })),
          wave: Type.Optional(Type.String({ maxLength: 200 })),
          kind: Type.Optional(Type.String({ maxLength: 100 })),
          ...PageQuery,
        }),
        response: { 200: Paged(Entry), ...errors },
      },
    },
    async (request) => {
      const { person, device, wave, kind } = request.query;
      const { page, pageSize, offset } = paging(request.query);
      let query = ctx.db.selectFrom("audit");
      if (person) query = query.where("person_id", "=", person);
      if (device) query = query.where("device_id", "=", device);
      if (wave) query = query.where("wave_id", "=", wave);
      if (kind) query = query.where("kind", "=", kind);
      const total = await query.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy("id", "desc").limit(pageSize).offset(offset).execute();
      return {
        items: rows.map((a) => {
          let data: unknown = null;
          try {
            data = a.data === null ? null : JSON.parse(a.data);
          } catch {
            data = a.data;
          }
          return {
            id: a.id,
            at: iso(a.at),
            actor: a.actor,
            kind: a.kind,
            waveId: a.wave_id,
            personId: a.person_id,
            deviceId: a.device_id,
            message: a.message,
            data,
            prevHash: a.prev_hash,
            hash: a.hash,
          };
        }),
        page,
        pageSize,
        total: Number(total.n),
      };
    },
  );
};
