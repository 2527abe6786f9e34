import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import pino from "pino";
import { BearerTokenAuth } from "../../../src/connectors/http/auth.ts";
import { redact } from "../../../src/connectors/http/log.ts";
import { describeErrorBody } from "../../../src/connectors/http/vendor-errors.ts";
import { json, rejection, rig, startServer } from "./harness.ts";

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines, text: () => JSON.stringify(lines) };
}

describe("logging", () => {
  test("every send is logged with method, path, status, ms, attempt, scope and request ids; secrets never", async () => {
    const server = await startServer((hit, res) => {
      if (hit.url.startsWith("/fail")) {
        return json(res, 400, {
          error: "invalid_request",
          client_secret: "SHOULD-NOT-LEAK",
          nested: { password: "pw!" },
        });
      }
      json(res, 200, { ok: true }, { "request-id": "srv-1" });
    });
    try {
      const { logger, lines, text } = memoryLogger();
      const { clock } = rig(server.url);
      const auth = new BearerTokenAuth(async () => ({ token: "TOPSECRETTOKEN", expiresInSeconds: 3600 }), {
        clock,
      });
      const { client } = rig(server.url, { logger, auth, clock });
      await client.request({
        method: "POST",
        path: "/things",
        query: { access_token: "QUERYTOKEN", $top: 5 },
        body: { client_secret: "BODYSECRET" },
        scope: "s1",
      });
      await rejection(client.request({ method: "GET", path: "/fail" }));

      const sent = lines.find((l) => l.msg === "http request" && l.status === 200)!;
      assert.equal(sent.method, "POST");
      assert.equal(sent.path, "/things?access_token=[redacted]&$top=5");
      assert.equal(sent.scope, "s1");
      assert.equal(sent.attempt, 1);
      assert.equal(typeof sent.ms, "number");
      assert.equal(sent.requestId, "srv-1");
      assert.match(
        String(sent.clientRequestId),
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );

      const failed = lines.find((l) => l.level === 50)!;
      assert.deepEqual(failed.body, {
        error: "invalid_request",
        client_secret: "[redacted]",
        nested: { password: "[redacted]" },
      });

      for (const secret of ["TOPSECRETTOKEN", "QUERYTOKEN", "BODYSECRET", "SHOULD-NOT-LEAK", "pw!"]) {
        assert.ok(!text().includes(secret), `${secret} leaked into the log`);
      }
      assert.equal(server.hits[0]!.headers.authorization, "Bearer TOPSECRETTOKEN", "…but it was sent");
      assert.ok(server.hits[0]!.headers["client-request-id"], "a client-request-id is sent");
    } finally {
      await server.close();
    }
  });

  test("redact masks sensitive names at any depth and leaves the rest", () => {
    assert.deepEqual(
      redact({
        a: 1,
        Authorization: "Bearer x",
        list: [{ refresh_token: "t", ok: "y" }],
        "aw-tenant-code": "k",
      }),
      {
        a: 1,
        Authorization: "[redacted]",
        list: [{ refresh_token: "[redacted]", ok: "y" }],
        "aw-tenant-code": "[redacted]",
      },
    );
  });
});

describe("vendor error bodies", () => {
  test("Graph, with Intune's doubly wrapped message", () => {
    const inner = JSON.stringify({
      _version: 3,
      Message: "Not allowed - Operation ID (for customer support): 0 - Activity ID: 1",
    });
    const outer = JSON.stringify({ ErrorCode: "Forbidden", Message: inner });
    assert.deepEqual(describeErrorBody({ error: { code: "UnknownError", message: outer } }), {
      code: "UnknownError",
      message: "Not allowed",
    });
    assert.deepEqual(
      describeErrorBody({
        error: { code: "Request_ResourceNotFound", message: "Resource 'x' does not exist" },
      }),
      {
        code: "Request_ResourceNotFound",
        message: "Resource 'x' does not exist",
      },
    );
  });

  test("OAuth, Jamf, Workspace ONE, Ivanti and HTML", () => {
    assert.deepEqual(describeErrorBody({ error: "invalid_scope", error_description: "AADSTS1002012: …" }), {
      code: "invalid_scope",
      message: "AADSTS1002012: …",
    });
    assert.deepEqual(
      describeErrorBody({
        httpStatus: 404,
        errors: [{ code: "INVALID_ID", description: "No device", id: "0" }],
      }),
      {
        code: "INVALID_ID",
        message: "No device",
      },
    );
    assert.deepEqual(describeErrorBody({ errorCode: 1001, message: "Device not found", activityId: "a" }), {
      code: "1001",
      message: "Device not found",
    });
    assert.deepEqual(
      describeErrorBody({
        errors: {
          globalErrors: null,
          fieldErrors: [{ code: "Range", message: "must be between 1 and 500", field: "rows" }],
        },
      }),
      { code: "Range", message: "rows must be between 1 and 500" },
    );
    assert.deepEqual(describeErrorBody("<html><title>502 Bad Gateway</title><body>…</body></html>"), {
      message: "502 Bad Gateway",
    });
  });
});
