/**
 * A minimal RSQL (FIQL) subset, as Jamf Pro's `filter` parameter speaks it (§C): comparisons
 * `==` (with `*` wildcards), `!=`, `=in=`, `=out=`; `;` for AND (binds tighter), `,` for OR;
 * parentheses; values bare or quoted with " or '. Strings compare case-insensitively. The
 * ordering operators (`<`, `=gt=`, …) are refused rather than emulated.
 */

export type RsqlNode =
  | { kind: "and" | "or"; children: RsqlNode[] }
  | { kind: "cmp"; field: string; op: "==" | "!=" | "=in=" | "=out="; values: string[] };

export class RsqlError extends Error {
  readonly kind = "RsqlError";
  constructor(message: string) {
    super(message);
    this.name = "RsqlError";
  }
}

const RESERVED = new Set([";", ",", "(", ")", "=", "!", "<", ">", '"', "'"]);

export function parseRsql(input: string): RsqlNode {
  let i = 0;
  const peek = () => input[i];
  const skipSpace = () => {
    while (i < input.length && /\s/.test(input[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new RsqlError(`invalid filter at position ${i}: ${what} (in ${JSON.stringify(input)})`);
  };

  function or(): RsqlNode {
    const children = [and()];
    skipSpace();
    while (peek() === ",") {
      i++;
      children.push(and());
      skipSpace();
    }
    return children.length === 1 ? children[0]! : { kind: "or", children };
  }

  function and(): RsqlNode {
    const children = [term()];
    skipSpace();
    while (peek() === ";") {
      i++;
      children.push(term());
      skipSpace();
    }
    return children.length === 1 ? children[0]! : { kind: "and", children };
  }

  function term(): RsqlNode {
    skipSpace();
    if (peek() === "(") {
      i++;
      const inner = or();
      skipSpace();
      if (peek() !== ")") fail("expected )");
      i++;
      return inner;
    }
    const field = word();
    if (field === "") fail("expected a field name");
    const op = operator();
    const values = op === "=in=" || op === "=out=" ? list() : [value()];
    return { kind: "cmp", field, op, values };
  }

  function word(): string {
    skipSpace();
    const start = i;
    while (i < input.length && !RESERVED.has(input[i]!) && !/\s/.test(input[i]!)) i++;
    return input.slice(start, i);
  }

  function operator(): "==" | "!=" | "=in=" | "=out=" {
    skipSpace();
    for (const op of ["==", "!=", "=in=", "=out="] as const) {
      if (input.startsWith(op, i)) {
        i += op.length;
        return op;
      }
    }
    const other = /^(=[a-z]+=|<=|>=|<|>)/i.exec(input.slice(i))?.[0];
    if (other)
      throw new RsqlError(
        `the operator ${other} is not supported by this emulator (use ==, !=, =in=, =out=)`,
      );
    return fail("expected an operator");
  }

  function value(): string {
    skipSpace();
    const q = peek();
    if (q === '"' || q === "'") {
      i++;
      let out = "";
      while (i < input.length && input[i] !== q) {
        if (input[i] === "\\" && i + 1 < input.length) i++;
        out += input[i++];
      }
      if (i >= input.length) fail("unterminated quoted value");
      i++;
      return out;
    }
    const v = word();
    if (v === "") fail("expected a value");
    return v;
  }

  function list(): string[] {
    skipSpace();
    if (peek() !== "(") fail("expected ( after =in= or =out=");
    i++;
    const values = [value()];
    skipSpace();
    while (peek() === ",") {
      i++;
      values.push(value());
      skipSpace();
    }
    if (peek() !== ")") fail("expected )");
    i++;
    return values;
  }

  const tree = or();
  skipSpace();
  if (i < input.length) fail(`unexpected ${JSON.stringify(input[i])}`);
  return tree;
}

/** The fields a node compares, for validating them against what an endpoint allows. */
export function rsqlFields(node: RsqlNode): string[] {
  return node.kind === "cmp" ? [node.field] : node.children.flatMap(rsqlFields);
}

function matches(actual: unknown, wanted: string): boolean {
  const a = actual === null || actual === undefined ? "" : String(actual).toLowerCase();
  const w = wanted.toLowerCase();
  if (!w.includes("*")) return a === w;
  const pattern = w.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${pattern.join(".*")}$`, "s").test(a);
}

/** Whether `get(field)` values satisfy the filter. */
export function evaluateRsql(node: RsqlNode, get: (field: string) => unknown): boolean {
  switch (node.kind) {
    case "and":
      return node.children.every((c) => evaluateRsql(c, get));
    case "or":
      return node.children.some((c) => evaluateRsql(c, get));
    case "cmp": {
      const actual = get(node.field);
      const any = node.values.some((v) => matches(actual, v));
      return node.op === "==" || node.op === "=in=" ? any : !any;
    }
  }
}
