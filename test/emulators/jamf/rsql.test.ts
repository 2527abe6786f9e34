import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluateRsql, parseRsql, RsqlError, rsqlFields } from "../../../src/emulators/jamf/rsql.ts";

const record: Record<string, unknown> = {
  id: "12",
  "general.remoteManagement.managed": true,
  "hardware.serialNumber": "C02ABC",
  "userAndLocation.email": "Ann.Lee@Contoso.example",
};
const get = (f: string) => record[f];
const ok = (filter: string) => evaluateRsql(parseRsql(filter), get);

describe("RSQL subset", () => {
  test("== with quotes, case-insensitive strings, booleans and wildcards", () => {
    assert.equal(ok('id=="12"'), true);
    assert.equal(ok("id==12"), true);
    assert.equal(ok("id==13"), false);
    assert.equal(ok("general.remoteManagement.managed==true"), true);
    assert.equal(ok("userAndLocation.email=='ann.lee@contoso.example'"), true);
    assert.equal(ok('hardware.serialNumber=="C02*"'), true);
    assert.equal(ok('hardware.serialNumber!="C02*"'), false);
  });

  test("=in= and =out=, ; binds tighter than , and parentheses", () => {
    assert.equal(ok("id=in=(1,12,30)"), true);
    assert.equal(ok("id=out=(1,12)"), false);
    assert.equal(ok("id==1;id==12,id==12"), true); // (id==1 AND id==12) OR id==12
    assert.equal(ok("id==1;(id==12,id==12)"), false);
    assert.equal(ok('id==12;hardware.serialNumber=="C02ABC"'), true);
  });

  test("refuses what it does not emulate, and malformed filters, with a position", () => {
    assert.throws(() => parseRsql("id=gt=3"), RsqlError);
    assert.throws(() => parseRsql("id<3"), /not supported/);
    assert.throws(() => parseRsql("id=="), /expected a value/);
    assert.throws(() => parseRsql('id=="12'), /unterminated/);
    assert.throws(() => parseRsql("(id==1"), /expected \)/);
    assert.deepEqual(rsqlFields(parseRsql("a==1;(b==2,c=in=(3,4))")), ["a", "b", "c"]);
  });
});
