/** Reading a request body with a size limit, and parsing it by content type. */
import type { IncomingMessage } from "node:http";

export type ReadBody =
  | { ok: true; raw: string; body: unknown; form?: URLSearchParams }
  | { ok: false; status: 400 | 413; code: string; message: string };

/** Reads the whole body (discarding bytes past `maxBytes`, then answering 413) and parses JSON or a form. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  if (size > maxBytes) {
    return {
      ok: false,
      status: 413,
      code: "RequestEntityTooLarge",
      message: `Request body exceeds ${maxBytes} bytes`,
    };
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  if (raw.trim() === "") return { ok: true, raw, body: undefined };
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  if (/[/+]json\b/.test(type)) {
    try {
      return { ok: true, raw, body: JSON.parse(raw) };
    } catch {
      return { ok: false, status: 400, code: "BadRequest", message: "Request body is not valid JSON" };
    }
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(raw);
    return { ok: true, raw, body: Object.fromEntries(form), form };
  }
  return { ok: true, raw, body: raw };
}
