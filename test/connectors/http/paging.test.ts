import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isPagingError } from "../../../src/connectors/http/errors.ts";
import {
  asArray,
  followNextLinks,
  offsets,
  PAGING,
  pageNumbers,
} from "../../../src/connectors/http/paging.ts";
import { json, rejection, rig, startServer, type TestServer } from "./harness.ts";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ id: from + i }));

describe("paging", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((hit, res) => {
      const url = new URL(hit.url, server.url);
      const q = url.searchParams;
      switch (url.pathname) {
        case "/v1.0/deviceManagement/managedDevices": {
          // three pages of 2, linked by opaque skip tokens; the filter survives in the link
          const skip = Number(q.get("$skiptoken") ?? 0);
          const next =
            skip + 2 < 5
              ? `${server.url}/v1.0/deviceManagement/managedDevices?$filter=x&$skiptoken=${skip + 2}`
              : undefined;
          return json(res, 200, {
            value: ids(skip, Math.min(skip + 2, 5)),
            ...(next ? { "@odata.nextLink": next } : {}),
          });
        }
        case "/v1.0/loop":
          return json(res, 200, {
            value: [{ id: 1 }],
            "@odata.nextLink": `${server.url}/v1.0/loop?$skiptoken=same`,
          });
        case "/v1.0/elsewhere":
          return json(res, 200, { value: [{ id: 1 }], "@odata.nextLink": "https://evil.example/v1.0/x" });
        case "/API/mdm/devices/search": {
          // Workspace ONE: 0-based, caps pagesize at 500 silently (here at 3), Total; 204 past the end
          const page = Number(q.get("page"));
          const size = Math.min(Number(q.get("pagesize")), 3);
          const all = ids(0, 7);
          const slice = all.slice(page * size, page * size + size);
          if (slice.length === 0) return res.writeHead(204).end();
          return json(res, 200, { Devices: slice, Page: page, PageSize: size, Total: all.length });
        }
        case "/device-apis/devices/2.0/search/customer/1001": {
          // MaaS360: 1-based; a lone match is an object, not an array
          const page = Number(q.get("pageNumber"));
          const device = page === 1 ? [{ id: 1 }, { id: 2 }] : page === 2 ? { id: 3 } : undefined;
          return json(res, 200, {
            devices: { count: 3, pageNumber: page, pageSize: 2, ...(device ? { device } : {}) },
          });
        }
        case "/api/v2/devices": {
          // Ivanti Core: offset is an entry index; hasMore
          const offset = Number(q.get("offset"));
          const limit = Number(q.get("limit"));
          const all = ids(0, 5);
          const results = all.slice(offset, offset + limit);
          return json(res, 200, {
            results,
            totalCount: 5,
            resultCount: results.length,
            hasMore: offset + limit < 5,
          });
        }
        case "/stuck":
          // ignores the page parameter and never reports a total
          return json(res, 200, { results: [{ id: 1 }, { id: 2 }] });
        default:
          return json(res, 404, {});
      }
    });
  });
  after(() => server.close());

  test("@odata.nextLink is followed verbatim until absent", async () => {
    const { client } = rig(`${server.url}/v1.0`);
    const items = await collect(
      followNextLinks<{ id: number }>(client, {
        method: "GET",
        path: "/deviceManagement/managedDevices",
        query: { $filter: "x" },
        scope: "intune-devices",
      }),
    );
    assert.deepEqual(
      items.map((d) => d.id),
      [0, 1, 2, 3, 4],
    );
    const urls = server.hits.filter((h) => h.url.includes("managedDevices")).map((h) => h.url);
    assert.deepEqual(urls, [
      "/v1.0/deviceManagement/managedDevices?$filter=x",
      "/v1.0/deviceManagement/managedDevices?$filter=x&$skiptoken=2",
      "/v1.0/deviceManagement/managedDevices?$filter=x&$skiptoken=4",
    ]);
    assert.equal(client.stats.byScope["intune-devices"]!.requests, 3, "the scope is kept across pages");
  });

  test("a repeated next link is an error, not an infinite loop", async () => {
    const { client } = rig(`${server.url}/v1.0`);
    const err = await rejection(collect(followNextLinks(client, { method: "GET", path: "/loop" })));
    assert.ok(isPagingError(err));
    assert.match(err.message, /repeated a next link/);
  });

  test("a next link to another origin is refused (credentials stay home)", async () => {
    const { client } = rig(`${server.url}/v1.0`);
    const err = await rejection(collect(followNextLinks(client, { method: "GET", path: "/elsewhere" })));
    assert.match(err.message, /refusing to send a request to https:\/\/evil\.example/);
  });

  test("page/pageSize with Total (0-based): a short page does not end it, the total does", async () => {
    const { client } = rig(server.url);
    const before = server.hits.length;
    const items = await collect(
      pageNumbers(client, { method: "GET", path: "/API/mdm/devices/search" }, PAGING.workspaceOneDevices),
    );
    assert.deepEqual(
      items.map((d) => (d as { id: number }).id),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.equal(server.hits.length - before, 3);
  });

  test("page numbers without a total end on an empty page (204)", async () => {
    const { client } = rig(server.url);
    const items = await collect(
      pageNumbers(
        client,
        { method: "GET", path: "/API/mdm/devices/search" },
        { ...PAGING.workspaceOneDevices, total: undefined },
      ),
    );
    assert.equal(items.length, 7);
  });

  test("MaaS360: 1-based pages whose device is an object or an array", async () => {
    const { client } = rig(server.url);
    const items = await collect(
      pageNumbers(
        client,
        { method: "GET", path: "/device-apis/devices/2.0/search/customer/1001" },
        { ...PAGING.maas360Devices, pageSize: 2 },
      ),
    );
    assert.deepEqual(items, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    assert.deepEqual(asArray({ id: 9 }), [{ id: 9 }]);
    assert.deepEqual(asArray(undefined), []);
  });

  test("offset/limit with hasMore: the offset advances by items received", async () => {
    const { client } = rig(server.url);
    const before = server.hits.length;
    const items = await collect(
      offsets(
        client,
        { method: "GET", path: "/api/v2/devices", query: { adminDeviceSpaceId: 1 } },
        { ...PAGING.ivantiCore, limit: 2 },
      ),
    );
    assert.equal(items.length, 5);
    const offsetsSent = server.hits
      .slice(before)
      .map((h) => new URL(h.url, server.url).searchParams.get("offset"));
    assert.deepEqual(offsetsSent, ["0", "2", "4"]);
  });

  test("a server that ignores the page parameter is caught", async () => {
    const { client } = rig(server.url);
    const err = await rejection(
      collect(pageNumbers(client, { method: "GET", path: "/stuck" }, { ...PAGING.jamf, total: undefined })),
    );
    assert.ok(isPagingError(err));
    assert.match(err.message, /same page twice/);
  });
});
