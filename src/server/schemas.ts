/** TypeBox pieces every area shares: errors, paging, times. */
import { type TSchema, Type } from "typebox";

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "machine-readable, e.g. bad-request, forbidden, not-found" }),
      message: Type.String({ description: "one sentence a person can act on" }),
      field: Type.Optional(Type.String({ description: "the offending input, e.g. body.days or query.page" })),
    }),
  },
  { $id: "Error", description: "every non-2xx answer" },
);

/** Error answers documented on every route. */
export const errors = {
  400: Type.Ref("Error"),
  401: Type.Ref("Error"),
  403: Type.Ref("Error"),
  404: Type.Ref("Error"),
  409: Type.Ref("Error"),
  429: Type.Ref("Error"),
};

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1, description: "1-based" })),
  pageSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: DEFAULT_PAGE_SIZE,
      description: "rows per page",
    }),
  ),
};

export function Paged<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    total: Type.Integer({ description: "rows matching the filters, over all pages" }),
  });
}

export function paging(q: { page?: number; pageSize?: number }): {
  page: number;
  pageSize: number;
  offset: number;
} {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export const Iso = Type.String({ description: "ISO-8601 time (UTC)" });
export const IsoOrNull = Type.Union([Iso, Type.Null()]);
export const StrOrNull = Type.Union([Type.String(), Type.Null()]);
export const Id = Type.String({ minLength: 1, maxLength: 200 });
export const Search = Type.String({ maxLength: 200 });

export const iso = (t: number) => new Date(t).toISOString();
export const isoOrNull = (t: number | null | undefined) => (t === null || t === undefined ? null : iso(t));

export const Ok = Type.Object({ ok: Type.Literal(true) });

/** One of a fixed list of strings (`{"enum": [...]}`), typed as their union. */
export function StringEnum<T extends string[]>(
  values: readonly [...T],
  options: { description?: string; default?: T[number] } = {},
) {
  return Type.Enum<T>(values, options);
}
