/**
 * The search expressions both Ivanti flavours take, parsed and evaluated:
 * Core's `query` (`common.status = "ACTIVE" AND (common.quarantined = true OR …)`) and
 * Neurons for MDM's `fq` (`registrationState=ACTIVE and (quarantined=true or …)`).
 *
 * Supported: comparisons `field = value`, `!=`, `<`, `>`, `<=`, `>=`; values quoted ("…")
 * or bare; AND / OR (any case, AND binding tighter); parentheses. A quoted token where a
 * field is expected is a field name (`"ios.iPhone UDID" = "…"`). Equality is
 * case-insensitive, as the consoles' searches are. Anything else is a QueryError (a 400).
 */

export type Comparison = "=" | "!=" | "<" | ">" | "<=" | ">=";

export type Expr =
  | { kind: "cmp"; field: string; op: Comparison; value: string }
  | { kind: "and" | "or"; left: Expr; right: Expr };

export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryError";
  }
}

type Token = { t: "(" | ")" } | { t: "op"; v: Comparison } | { t: "word"; v: string; quoted: boolean };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")") {
      out.push({ t: c });
      i++;
    } else if ("=!<>".includes(c)) {
      const two = text.slice(i, i + 2);
      if (two === "!=" || two === "<=" || two === ">=") {
        out.push({ t: "op", v: two });
        i += 2;
      } else if (c === "!") {
        throw new QueryError(`unexpected "!" at position ${i + 1}`);
      } else {
        out.push({ t: "op", v: c as Comparison });
        i++;
      }
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== c) {
        if (text[j] === "\\" && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length) throw new QueryError(`unterminated quoted value starting at position ${i + 1}`);
      out.push({ t: "word", v: value, quoted: true });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()=!<>"']/.test(text[j]!)) j++;
      out.push({ t: "word", v: text.slice(i, j), quoted: false });
      i = j;
    }
  }
  return out;
}

/** Parses an expression; an empty or blank one is `undefined` (everything matches). */
export function parseQuery(text: string): Expr | undefined {
  const tokens = tokenize(text);
  if (tokens.length === 0) return undefined;
  let pos = 0;
  const peek = () => tokens[pos];
  const keyword = (k: string) => {
    const t = peek();
    return t?.t === "word" && !t.quoted && t.v.toUpperCase() === k;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (keyword("OR")) {
      pos++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): Expr => {
    let left = primary();
    while (keyword("AND")) {
      pos++;
      left = { kind: "and", left, right: primary() };
    }
    return left;
  };
  const primary = (): Expr => {
    const t = peek();
    if (!t) throw new QueryError("the expression ends where a condition was expected");
    if (t.t === "(") {
      pos++;
      const inner = orExpr();
      if (peek()?.t !== ")") throw new QueryError("a parenthesis is not closed");
      pos++;
      return inner;
    }
    if (t.t !== "word") throw new QueryError(`expected a field name, found "${t.t === "op" ? t.v : t.t}"`);
    pos++;
    const op = peek();
    if (op?.t !== "op") throw new QueryError(`expected an operator after "${t.v}"`);
    pos++;
    const value = peek();
    if (value?.t !== "word") throw new QueryError(`expected a value after "${t.v} ${op.v}"`);
    pos++;
    return { kind: "cmp", field: t.v, op: op.v, value: value.v };
  };
  const expr = orExpr();
  if (pos < tokens.length) {
    const t = tokens[pos]!;
    throw new QueryError(`unexpected "${t.t === "word" || t.t === "op" ? t.v : t.t}" at token ${pos + 1}`);
  }
  return expr;
}

/** Field names an expression compares, for validating them against the known fields. */
export function fieldsOf(expr: Expr | undefined): string[] {
  if (!expr) return [];
  return expr.kind === "cmp" ? [expr.field] : [...fieldsOf(expr.left), ...fieldsOf(expr.right)];
}

function text(v: unknown): string {
  return v === undefined || v === null ? "" : String(v);
}

/** Whether a record (seen through `get`) satisfies the expression. */
export function matches(expr: Expr | undefined, get: (field: string) => unknown): boolean {
  if (!expr) return true;
  if (expr.kind !== "cmp") {
    return expr.kind === "and"
      ? matches(expr.left, get) && matches(expr.right, get)
      : matches(expr.left, get) || matches(expr.right, get);
  }
  const actual = text(get(expr.field));
  switch (expr.op) {
    case "=":
      return actual.toLowerCase() === expr.value.toLowerCase();
    case "!=":
      return actual.toLowerCase() !== expr.value.toLowerCase();
    default: {
      const a = Number(actual);
      const b = Number(expr.value);
      const numeric = actual !== "" && Number.isFinite(a) && Number.isFinite(b);
      const cmp = numeric ? a - b : actual.localeCompare(expr.value);
      return expr.op === "<" ? cmp < 0 : expr.op === ">" ? cmp > 0 : expr.op === "<=" ? cmp <= 0 : cmp >= 0;
    }
  }
}
