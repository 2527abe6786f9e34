/** E-mail previews: filtered by stage, platform and locale, rendered with sample data. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Caller, callers, emptyApp, json, type TestApp } from "./helpers.ts";

type Previews = {
  stages: string[];
  helpdeskConfigured: boolean;
  previews: {
    stage: string;
    locale: string;
    platform: string | null;
    subject: string;
    html: string;
    text: string;
  }[];
};

describe("GET /api/templates/previews", () => {
  let t: TestApp;
  let helpdesk: Caller;
  before(async () => {
    t = await emptyApp();
    helpdesk = (await callers(t.app)).tokens.helpdesk;
  });
  after(() => t.close());

  const get = async (query: string) => {
    const res = await t.app.inject(helpdesk.as({ method: "GET", url: `/api/templates/previews${query}` }));
    assert.equal(res.statusCode, 200, res.body);
    return json<Previews>(res);
  };

  it("renders every stage in every locale without a filter", async () => {
    const all = await get("");
    assert.equal(all.previews.length, all.stages.length * 4);
    assert.ok(all.previews.every((p) => p.subject && p.html.startsWith("<!") && p.text.length > 0));
    assert.equal(all.helpdeskConfigured, false);
  });

  it("keeps one stage, one platform's devices and one language", async () => {
    const { previews } = await get("?stage=instructions&platform=windows&locale=de-DE");
    assert.equal(previews.length, 1);
    const [p] = previews;
    assert.deepEqual([p!.stage, p!.locale, p!.platform], ["instructions", "de-DE", "windows"]);
    assert.match(p!.html, /lang="de/);
    assert.match(p!.text, /Latitude/);
    assert.doesNotMatch(p!.text, /iPhone|Pixel|MacBook/);
  });

  it("leaves out a stage nobody with that platform receives, and refuses unknown values", async () => {
    assert.equal((await get("?stage=reset-instructions&platform=windows")).previews.length, 0);
    const bad = await t.app.inject(helpdesk.as({ method: "GET", url: "/api/templates/previews?locale=xx" }));
    assert.equal(bad.statusCode, 400);
  });
});
