/**
 * The OData query options the Graph emulator understands: `$select`, `$filter` (a small
 * parser and evaluator, with a table of what each collection documents as filterable),
 * `$top`, and `@odata.nextLink` paging with an opaque `$skiptoken`.
 */
import type { EmulatorError, EmulatorRequest, EmulatorStats } from "../kit/index.ts";
import { badRequest } from "./errors.ts";

export type Entity = Record<string, unknown>;

// --- $select ------------------------------------------------------------------------------

/** The `$select` list, checked against the entity's properties; undefined when absent. */
export function parseSelect(
  req: EmulatorRequest,
  properties: ReadonlySet<string>,
  typeName: string,
): string[] | undefined {
  const raw = req.query.get("$select");
  if (raw === null || raw.trim() === "") return undefined;
  const names = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const n of names) {
    if (!properties.has(n)) {
      throw badRequest(`Could not find a property named '${n}' on type 'microsoft.graph.${typeName}'.`);
    }
  }
  return names;
}

/** The entity cut down to `select` (or to `defaults` when there is no `$select`). */
export function project(entity: Entity, select: readonly string[] | undefined, defaults?: readonly string[]) {
  const names = select ?? defaults;
  if (!names) return entity;
  const out: Entity = {};
  for (const n of names) out[n] = entity[n] ?? null;
  return out;
}

// --- $filter ------------------------------------------------------------------------------

export type FilterOp =
  | "eq"
  | "ne"
  | "lt"
  | "gt"
  | "le"
  | "ge"
  | "in"
  | "contains"
  | "startswith"
  | "endswith";

type Literal = string | number | boolean | null;

type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; expr: FilterNode }
  | { kind: "cmp"; prop: string; op: FilterOp; value: Literal }
  | { kind: "in"; prop: string; values: Literal[] };

/** Per property, the operators a collection documents for `$filter`. */
export type FilterSupport = Record<string, readonly FilterOp[]>;

type Token =
  | { t: "word"; v: string }
  | { t: "string"; v: string }
  | { t: "number"; v: number }
  | { t: "date"; v: string }
  | { t: "("; v: "(" }
  | { t: ")"; v: ")" }
  | { t: ","; v: "," };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === ",") {
      out.push({ t: c, v: c } as Token);
      i++;
    } else if (c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= text.length) throw badRequest("Invalid filter clause: unterminated string literal.");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i];
        i++;
      }
      out.push({ t: "string", v });
    } else {
      const m = /^[^\s(),']+/.exec(text.slice(i));
      const word = m![0];
      i += word.length;
      if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(word)) out.push({ t: "date", v: word });
      else if (/^-?\d+(\.\d+)?$/.test(word)) out.push({ t: "number", v: Number(word) });
      else out.push({ t: "word", v: word });
    }
  }
  return out;
}

const COMPARISONS = new Set(["eq", "ne", "lt", "gt", "le", "ge"]);
const FUNCTIONS = new Set(["contains", "startswith", "endswith"]);

class Parser {
  #i = 0;
  constructor(readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.#or();
    if (this.#i < this.tokens.length) this.#fail(`unexpected '${this.tokens[this.#i]!.v}'`);
    return node;
  }

  #peekWord(w: string): boolean {
    const t = this.tokens[this.#i];
    return t?.t === "word" && t.v.toLowerCase() === w;
  }

  #fail(why: string): never {
    throw badRequest(`Invalid filter clause: ${why}.`);
  }

  #or(): FilterNode {
    let left = this.#and();
    while (this.#peekWord("or")) {
      this.#i++;
      left = { kind: "or", left, right: this.#and() };
    }
    return left;
  }

  #and(): FilterNode {
    let left = this.#unary();
    while (this.#peekWord("and")) {
      this.#i++;
      left = { kind: "and", left, right: this.#unary() };
    }
    return left;
  }

  #unary(): FilterNode {
    if (this.#peekWord("not")) {
      this.#i++;
      return { kind: "not", expr: this.#unary() };
    }
    const t = this.tokens[this.#i];
    if (t?.t === "(") {
      this.#i++;
      const inner = this.#or();
      if (this.tokens[this.#i]?.t !== ")") this.#fail("missing ')'");
      this.#i++;
      return inner;
    }
    if (t?.t !== "word") this.#fail("expected a property or a function");
    const name = t.v;
    this.#i++;
    if (FUNCTIONS.has(name.toLowerCase())) {
      if (this.tokens[this.#i]?.t !== "(") this.#fail(`expected '(' after ${name}`);
      this.#i++;
      const prop = this.tokens[this.#i];
      if (prop?.t !== "word") this.#fail("expected a property name");
      this.#i++;
      if (this.tokens[this.#i]?.t !== ",") this.#fail("expected ','");
      this.#i++;
      const value = this.#literal();
      if (this.tokens[this.#i]?.t !== ")") this.#fail("missing ')'");
      this.#i++;
      return { kind: "cmp", prop: prop.v, op: name.toLowerCase() as FilterOp, value };
    }
    const op = this.tokens[this.#i];
    if (op?.t !== "word") this.#fail(`expected an operator after ${name}`);
    const opName = op.v.toLowerCase();
    this.#i++;
    if (opName === "in") {
      if (this.tokens[this.#i]?.t !== "(") this.#fail("expected '(' after in");
      this.#i++;
      const values: Literal[] = [this.#literal()];
      while (this.tokens[this.#i]?.t === ",") {
        this.#i++;
        values.push(this.#literal());
      }
      if (this.tokens[this.#i]?.t !== ")") this.#fail("missing ')'");
      this.#i++;
      return { kind: "in", prop: name, values };
    }
    if (!COMPARISONS.has(opName)) this.#fail(`unknown operator '${op.v}'`);
    return { kind: "cmp", prop: name, op: opName as FilterOp, value: this.#literal() };
  }

  #literal(): Literal {
    const t = this.tokens[this.#i];
    this.#i++;
    if (!t) this.#fail("expected a value");
    if (t.t === "string" || t.t === "number" || t.t === "date") return t.v;
    if (t.t === "word") {
      const w = t.v.toLowerCase();
      if (w === "true") return true;
      if (w === "false") return false;
      if (w === "null") return null;
    }
    return this.#fail(`'${t.v}' is not a value`);
  }
}

function uses(node: FilterNode, out: { prop: string; op: FilterOp }[] = []) {
  switch (node.kind) {
    case "and":
    case "or":
      uses(node.left, out);
      uses(node.right, out);
      break;
    case "not":
      uses(node.expr, out);
      break;
    case "cmp":
      out.push({ prop: node.prop, op: node.op });
      break;
    case "in":
      out.push({ prop: node.prop, op: "in" });
  }
  return out;
}

function norm(v: unknown): unknown {
  return typeof v === "string" ? v.toLowerCase() : v;
}

function compare(actual: unknown, op: FilterOp, expected: Literal): boolean {
  if (op === "contains" || op === "startswith" || op === "endswith") {
    if (typeof actual !== "string" || typeof expected !== "string") return false;
    const a = actual.toLowerCase();
    const e = expected.toLowerCase();
    return op === "contains" ? a.includes(e) : op === "startswith" ? a.startsWith(e) : a.endsWith(e);
  }
  if (op === "lt" || op === "gt" || op === "le" || op === "ge") {
    const dates = typeof actual === "string" && typeof expected === "string";
    const a = dates ? Date.parse(actual as string) : Number(actual);
    const e = dates ? Date.parse(expected as string) : Number(expected);
    if (Number.isNaN(a) || Number.isNaN(e)) return false;
    return op === "lt" ? a < e : op === "gt" ? a > e : op === "le" ? a <= e : a >= e;
  }
  const equal = norm(actual ?? null) === norm(expected);
  return op === "eq" ? equal : !equal;
}

function evaluate(node: FilterNode, e: Entity): boolean {
  switch (node.kind) {
    case "and":
      return evaluate(node.left, e) && evaluate(node.right, e);
    case "or":
      return evaluate(node.left, e) || evaluate(node.right, e);
    case "not":
      return !evaluate(node.expr, e);
    case "cmp":
      return compare(e[node.prop], node.op, node.value);
    case "in":
      return node.values.some((v) => compare(e[node.prop], "eq", v));
  }
}

export interface FilterOptions {
  support: FilterSupport;
  /** The collection's name in the error message ("managedDevice", "User"). */
  resource: string;
  /** Unsupported clauses: refuse with 400 (default) or ignore the whole filter, returning everything. */
  unsupported?: "reject" | "ignore";
  /** Builds the refusal (Intune wraps its messages). */
  refuse?: (message: string) => EmulatorError;
}

/** The `$filter` as a predicate; undefined when there is none (or when an unsupported one is ignored). */
export function parseFilter(
  req: EmulatorRequest,
  options: FilterOptions,
): ((e: Entity) => boolean) | undefined {
  const raw = req.query.get("$filter");
  if (raw === null || raw.trim() === "") return undefined;
  const node = new Parser(tokenize(raw)).parse();
  for (const { prop, op } of uses(node)) {
    const ops = Object.hasOwn(options.support, prop) ? options.support[prop] : undefined;
    if (ops?.includes(op)) continue;
    if (options.unsupported === "ignore") return undefined;
    const message = `Unsupported or invalid query filter clause specified for property '${prop}' of resource '${options.resource}'.`;
    throw options.refuse ? options.refuse(message) : badRequest(message, "Request_UnsupportedQuery");
  }
  return (e) => evaluate(node, e);
}

// --- paging -------------------------------------------------------------------------------

/** A listing read lazily by position (a benchmark fixture can be 100 000 long). */
export interface Listing {
  size: number;
  /** The full entity at a position, or undefined when it is gone. */
  at(i: number): Entity | undefined;
}

interface Cursor {
  listing: Listing;
  filter: ((e: Entity) => boolean) | undefined;
  select: string[] | undefined;
  top: number;
}

/**
 * Listings in progress, behind opaque skip tokens. A token names a cursor (a snapshot taken at
 * the first page, with the query) and a position, so fetching the same next link twice (a
 * client retrying) returns the same page.
 *
 * A snapshot of a large collection is large, so a listing whose last page has been served is
 * kept only among the few most recently finished (a client may still retry that last page);
 * listings left unfinished are kept up to `max`. Before, every finished listing stayed until
 * `max` newer ones had opened: dozens of snapshots of every managed device at once.
 */
export class Cursors {
  readonly #cursors = new Map<string, Cursor>();
  readonly #finished = new Set<string>();
  readonly #max: number;
  readonly #keepFinished: number;
  #seq = 0;

  constructor(max = 256, keepFinished = 8) {
    this.#max = max;
    this.#keepFinished = keepFinished;
  }

  open(cursor: Cursor): string {
    const id = `c${(++this.#seq).toString(36)}`;
    this.#cursors.set(id, cursor);
    if (this.#cursors.size > this.#max) this.#drop(this.#cursors.keys().next().value!);
    return id;
  }

  get(id: string): Cursor | undefined {
    return this.#cursors.get(id);
  }

  /** The cursor's last page has been served. */
  finished(id: string): void {
    if (this.#finished.has(id) || !this.#cursors.has(id)) return;
    this.#finished.add(id);
    if (this.#finished.size > this.#keepFinished) this.#drop(this.#finished.values().next().value!);
  }

  #drop(id: string): void {
    this.#cursors.delete(id);
    this.#finished.delete(id);
  }
}

function encodeToken(id: string, pos: number): string {
  return Buffer.from(`RFNwdA2!${id}!${pos}!ferry`).toString("base64url");
}

function decodeToken(token: string): { id: string; pos: number } | undefined {
  const parts = Buffer.from(token, "base64url").toString("utf8").split("!");
  if (parts.length !== 4 || parts[0] !== "RFNwdA2") return undefined;
  const pos = Number(parts[2]);
  return Number.isInteger(pos) && pos >= 0 ? { id: parts[1]!, pos } : undefined;
}

export interface PageOptions {
  cursors: Cursors;
  /** Builds the listing (called on the first page only). */
  open: () => Listing | Promise<Listing>;
  filter?: (e: Entity) => boolean;
  select?: string[];
  /** Renders one entity for the response (e.g. blanks the properties lists never carry). */
  render: (e: Entity, select: string[] | undefined) => Entity;
  defaultPageSize: number;
  maxPageSize: number;
  /** `$top` above the maximum: clamp (Intune) or refuse (directory). */
  topAboveMax: "clamp" | "reject";
  /** `@odata.context` fragment, e.g. `deviceManagement/managedDevices`. */
  context: string;
  /** where listings and pages are counted, by `context` */
  stats?: EmulatorStats | undefined;
}

/** Answers one page of a listing: `{@odata.context, value, @odata.nextLink?}`. */
export async function page(req: EmulatorRequest, o: PageOptions): Promise<Entity> {
  const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
  const token = req.query.get("$skiptoken");
  let cursorId: string;
  let cursor: Cursor;
  let pos = 0;
  if (token !== null) {
    const decoded = decodeToken(token);
    const found = decoded ? o.cursors.get(decoded.id) : undefined;
    if (!decoded || !found)
      throw badRequest("The $skiptoken is invalid or has expired.", "Request_BadRequest");
    cursorId = decoded.id;
    cursor = found;
    pos = decoded.pos;
  } else {
    const rawTop = req.query.get("$top");
    let top = o.defaultPageSize;
    if (rawTop !== null) {
      const n = Number(rawTop);
      if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid value '${rawTop}' for $top.`);
      if (n > o.maxPageSize && o.topAboveMax === "reject") {
        throw badRequest(
          `Invalid page size specified: '${n}'. Must be between 1 and ${o.maxPageSize} inclusive.`,
        );
      }
      top = Math.min(n, o.maxPageSize);
    }
    cursor = { listing: await o.open(), filter: o.filter, select: o.select, top };
    cursorId = o.cursors.open(cursor);
    o.stats?.recordListing(o.context, cursor.listing.size, o.maxPageSize);
  }
  o.stats?.recordPage(o.context);
  const { listing, filter, select, top } = cursor;
  const value: Entity[] = [];
  while (pos < listing.size && value.length < cursor.top) {
    const e = listing.at(pos++);
    if (e && (!filter || filter(e))) value.push(o.render(e, select));
  }
  const body: Entity = { "@odata.context": `${origin}/v1.0/$metadata#${o.context}`, value };
  if (pos < listing.size) {
    const q = new URLSearchParams();
    for (const [k, v] of req.query) if (k !== "$skiptoken") q.set(k, v);
    if (!q.has("$top")) q.set("$top", String(top));
    q.set("$skiptoken", encodeToken(cursorId, pos));
    body["@odata.nextLink"] = `${origin}${req.path}?${q.toString().replace(/%24/g, "$")}`;
  } else {
    o.cursors.finished(cursorId);
  }
  return body;
}
