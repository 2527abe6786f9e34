import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { resolveHeader } from "../../src/connectors/csv/columns.ts";
import { CsvImportError, CsvInventory } from "../../src/connectors/csv/inventory.ts";
import {
  type CsvParseResult,
  type CsvProblem,
  firstInvalidUtf8,
  MAX_PROBLEMS,
  neutraliseCsvCell,
  parseInventoryCsv,
  parseIsoTime,
} from "../../src/connectors/csv/parse.ts";
import type { SourceDeviceRecord } from "../../src/core/ports/source.ts";

const HEADER =
  "source_id,owner_upn,platform,mode,ownership,os_version,model,manufacturer,serial,imei,udid,wifi_mac,last_seen";

const VALID = [
  HEADER,
  "D-1,ann@example.com,ios,,personal,17.5.1,iPhone 15,Apple,F2LX-1234,35 209900 176148 1,,,2025-03-14T10:22:00Z",
  "D-2,bob@example.com,ipados,apple-ade,corporate,18.0,iPad Air,Apple,DMPX9999,,00008030-001A,,",
  "D-3,cy@example.com,android,,personal,14,Pixel 8,Google,,,,,2025-03-14",
  "D-4,dee@example.com,android,,corporate,13,Galaxy S23,Samsung,R5CT12,356938035643809,,,",
  "D-5,ed@example.com,macos,,corporate,14.4,MacBook Pro,Apple,C02XYZ,,,a4:83:e7:01:02:03,2025-03-14 10:22:00+01:00",
  "D-6,,windows,,corporate,10.0.22631,Latitude 7440,Dell,5CG1234,,,,",
].join("\n");

function ok(result: CsvParseResult): { records: SourceDeviceRecord[]; warnings: string[] } {
  if (!result.ok) assert.fail(`expected success, got:\n${result.errors.map((e) => e.message).join("\n")}`);
  return result;
}

function fail(result: CsvParseResult): CsvProblem[] {
  if (result.ok) assert.fail(`expected errors, got ${result.records.length} records`);
  return result.errors;
}

/** A valid file with one data line replaced (line numbers: header 1, D-1 on 2 … D-6 on 7). */
function withLine(line: number, content: string): string {
  const lines = VALID.split("\n");
  lines[line - 1] = content;
  return lines.join("\n");
}

describe("parseInventoryCsv: valid files", () => {
  test("every platform, defaults, normalisation", () => {
    const { records, warnings } = ok(parseInventoryCsv(VALID));
    assert.deepEqual(warnings, []);
    assert.equal(records.length, 6);
    const [ios, ipad, awp, afm, mac, win] = records as [
      SourceDeviceRecord,
      SourceDeviceRecord,
      SourceDeviceRecord,
      SourceDeviceRecord,
      SourceDeviceRecord,
      SourceDeviceRecord,
    ];
    assert.deepEqual(ios, {
      sourceId: "D-1",
      ownerUpn: "ann@example.com",
      platform: "ios",
      mode: "apple-device",
      ownership: "personal",
      osVersion: "17.5.1",
      model: "iPhone 15",
      manufacturer: "Apple",
      identifiers: { serial: "F2LX1234", imei: "352099001761481" },
      enrollment: "enrolled",
      lastSeenAt: Date.UTC(2025, 2, 14, 10, 22),
    });
    assert.equal(ipad.mode, "apple-ade");
    assert.deepEqual(ipad.identifiers, { serial: "DMPX9999", udid: "00008030001A" });
    assert.equal(ipad.lastSeenAt, undefined);
    assert.equal(awp.mode, "android-work-profile");
    assert.equal(awp.lastSeenAt, Date.UTC(2025, 2, 14));
    assert.deepEqual(awp.identifiers, {});
    assert.equal(afm.mode, "android-fully-managed");
    assert.equal(mac.mode, "macos-profile");
    assert.equal(mac.identifiers.wifiMac, "A483E7010203");
    assert.equal(mac.lastSeenAt, Date.UTC(2025, 2, 14, 9, 22), "offset applied");
    assert.equal(win.mode, "windows");
    assert.equal(win.ownerUpn, undefined, "empty owner = no owner");
  });

  test("header aliases, case and spaces; value spellings; column order free", () => {
    const text = [
      " Device ID ;PLATFORM;Ownership;OS_Version; Email ;Enrollment;Last-Seen;Colour",
      "A1;iOS;E;17.4;ann@example.com;;;red",
      "A2;iPadOS;C;17.4;bob@example.com;retire-pending;;",
      "A3;Android;S;12;cy@example.com;Enrolled;;",
      "A4;OS X;corporate;14.1;dee@example.com;;;",
      "A5;Mac OS X;Personal;14.1;ed@example.com;;;",
      "A6;Windows 11;company;10.0.22631;fi@example.com;;;",
      "A7;macOS;byod;15.0;gus@example.com;;;",
    ].join("\r\n");
    const { records, warnings } = ok(parseInventoryCsv(text));
    assert.deepEqual(
      records.map((r) => [r.sourceId, r.platform, r.ownership, r.mode, r.enrollment]),
      [
        ["A1", "ios", "personal", "apple-device", "enrolled"],
        ["A2", "ipados", "corporate", "apple-device", "retire-pending"],
        ["A3", "android", "corporate", "android-fully-managed", "enrolled"],
        ["A4", "macos", "corporate", "macos-profile", "enrolled"],
        ["A5", "macos", "personal", "macos-profile", "enrolled"],
        ["A6", "windows", "corporate", "windows", "enrolled"],
        ["A7", "macos", "personal", "macos-profile", "enrolled"],
      ],
    );
    assert.deepEqual(warnings, ['column "Colour" (column H) is not a Ferry column and is ignored']);
    for (const [header, column] of [
      ["id", "source_id"],
      ["device_id", "source_id"],
      ["UPN", "owner_upn"],
      ["user", "owner_upn"],
      ["Owner", "owner_upn"],
      ["Wi-Fi MAC", undefined],
      ["wifi_mac", "wifi_mac"],
    ] as const) {
      assert.equal(resolveHeader(header), column, header);
    }
  });

  test("blank lines, quoted cells, trailing separators, inch marks", () => {
    const text = [
      "",
      "source_id,owner,platform,ownership,os_version,model,",
      '"D-1","ann@example.com",ios,personal,17.0,"iPhone, 15",',
      "",
      "   ",
      'D-2,bob@example.com,android,personal,14,Galaxy Tab 10"',
      "",
    ].join("\n");
    const { records } = ok(parseInventoryCsv(text));
    assert.deepEqual(
      records.map((r) => [r.sourceId, r.model]),
      [
        ["D-1", "iPhone, 15"],
        ["D-2", 'Galaxy Tab 10"'],
      ],
    );
  });

  test("owner_upn present with an empty value means no owner; a value without @ warns once", () => {
    const text = [
      "source_id,owner_upn,platform,ownership,os_version",
      "D-1,,ios,personal,17",
      "D-2,CORP\\ann,ios,personal,17",
      "D-3,bob,ios,personal,17",
    ].join("\n");
    const { records, warnings } = ok(parseInventoryCsv(text));
    assert.equal(records[0]!.ownerUpn, undefined);
    assert.equal(records[1]!.ownerUpn, "CORP\\ann");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /2 owner value\(s\) look like neither a UPN nor an e-mail.*line 3/);
  });

  test("a last_seen placeholder such as 0001-01-01 reads as unknown, with a warning", () => {
    const { records, warnings } = ok(
      parseInventoryCsv(withLine(4, "D-3,cy@example.com,android,,personal,14,,,,,,,0001-01-01T00:00:00")),
    );
    assert.equal(records[2]!.lastSeenAt, undefined);
    assert.match(warnings[0]!, /1 last_seen value\(s\) before 1971 read as unknown, e.g. line 4/);
  });
});

describe("parseInventoryCsv: separators and line endings", () => {
  const expected = ok(parseInventoryCsv(VALID)).records;

  test("semicolons, tabs, Excel's sep= line, CR and CRLF line endings", () => {
    assert.deepEqual(ok(parseInventoryCsv(VALID.replaceAll(",", ";"))).records, expected);
    assert.deepEqual(ok(parseInventoryCsv(VALID.replaceAll(",", "\t"))).records, expected);
    assert.deepEqual(ok(parseInventoryCsv(VALID.replaceAll("\n", "\r\n"))).records, expected);
    assert.deepEqual(ok(parseInventoryCsv(VALID.replaceAll("\n", "\r"))).records, expected);
    const sep = `sep=;\n${VALID.replaceAll(",", ";")}`;
    assert.deepEqual(ok(parseInventoryCsv(sep)).records, expected);
    // The sep= line is line 1 as a spreadsheet shows the file, so the header is line 2.
    const [error] = fail(
      parseInventoryCsv(sep.replace("D-2;bob@example.com;ipados", "D-2;bob@example.com;zune")),
    );
    assert.equal(error!.line, 4);
  });

  test("a header without devices is accepted with a warning", () => {
    const { records, warnings } = ok(parseInventoryCsv(`${HEADER}\n`));
    assert.deepEqual(records, []);
    assert.match(warnings[0]!, /no devices/);
  });
});

describe("parseInventoryCsv: encodings", () => {
  const expected = ok(parseInventoryCsv(VALID)).records;

  test("UTF-8 with and without a byte-order mark, as text and as bytes", () => {
    assert.deepEqual(ok(parseInventoryCsv(`\uFEFF${VALID}`)).records, expected);
    assert.deepEqual(ok(parseInventoryCsv(Buffer.from(`\uFEFF${VALID}`, "utf8"))).records, expected);
    assert.deepEqual(ok(parseInventoryCsv(Buffer.from(VALID, "utf8"))).records, expected);
  });

  test("UTF-16 LE and BE with a byte-order mark", () => {
    const accented = withLine(
      7,
      "D-6,zoë@example.com,windows,,corporate,10.0.22631,Latitude 7440,Dell,5CG1234,,,,",
    );
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(accented, "utf16le")]);
    const be = Buffer.from(le);
    be[0] = 0xfe;
    be[1] = 0xff;
    for (let i = 2; i < be.length; i += 2) [be[i], be[i + 1]] = [le[i + 1]!, le[i]!];
    for (const bytes of [le, be]) {
      const { records } = ok(parseInventoryCsv(bytes));
      assert.equal(records.length, 6);
      assert.equal(records[5]!.ownerUpn, "zoë@example.com");
    }
  });

  test("not UTF-8: the byte offset and line are named", () => {
    const latin1 = Buffer.from(withLine(3, "D-2,zo\u00eb@example.com,ios,,personal,17,,,,,,,"), "latin1");
    const offset = latin1.indexOf(0xeb);
    const [error, ...rest] = fail(parseInventoryCsv(latin1));
    assert.deepEqual(rest, []);
    assert.equal(error!.line, 3);
    assert.match(error!.message, new RegExp(`byte 0xEB at byte offset ${offset} `));
    assert.match(error!.message, /^line 3: the file is not valid UTF-8/);
  });

  test("UTF-8 validation: overlong forms, surrogates, cut-short sequences", () => {
    assert.equal(firstInvalidUtf8(Buffer.from("añ€😀", "utf8")), -1);
    assert.equal(firstInvalidUtf8(Uint8Array.from([0x41, 0xc0, 0x80])), 1); // overlong NUL
    assert.equal(firstInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80])), 0); // surrogate
    assert.equal(firstInvalidUtf8(Uint8Array.from([0x41, 0x42, 0xe2, 0x82])), 2); // cut short
    assert.equal(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80])), 0); // above U+10FFFF
  });

  test("UTF-16 without a byte-order mark, Excel workbooks, broken UTF-16", () => {
    const [nul] = fail(parseInventoryCsv(Buffer.from(VALID, "utf16le")));
    assert.match(nul!.message, /NUL character.*UTF-16 without a byte-order mark/);
    const [zip] = fail(parseInventoryCsv(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])));
    assert.match(zip!.message, /zip archive/);
    const [odd] = fail(parseInventoryCsv(Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x42])));
    assert.match(odd!.message, /odd number of bytes/);
    const [surrogate] = fail(
      parseInventoryCsv(Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8, 0x42, 0x00])),
    );
    assert.match(surrogate!.message, /broken surrogate pair at byte offset 4/);
  });
});

describe("parseInventoryCsv: errors", () => {
  test("missing required columns: one error listing them", () => {
    const errors = fail(parseInventoryCsv("id,model,serial\nD-1,iPhone,ABC\n"));
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.line, 1);
    assert.match(errors[0]!.message, /lacks required columns owner_upn, platform, ownership, os_version/);
  });

  test("two headers meaning the same column", () => {
    const [error] = fail(parseInventoryCsv(`id,${HEADER}\nX,${VALID.split("\n")[1]}`));
    assert.match(
      error!.message,
      /columns "id" \(column A\) and "source_id" \(column B\) both mean source_id/,
    );
  });

  const badValues: [string, number, string, string, RegExp][] = [
    [
      "platform",
      3,
      "D-2,bob@example.com,blackberry,,corporate,10,,,,,,,",
      "platform",
      /"blackberry" is not a platform/,
    ],
    [
      "ownership",
      4,
      "D-3,cy@example.com,android,,rented,14,,,,,,,",
      "ownership",
      /"rented" is not an ownership/,
    ],
    [
      "mode",
      2,
      "D-1,ann@example.com,ios,supervised,personal,17,,,,,,,",
      "mode",
      /"supervised" is not an enrollment mode/,
    ],
    [
      "mode/platform",
      5,
      "D-4,dee@example.com,android,apple-ade,corporate,14,,,,,,,",
      "mode",
      /apple-ade does not exist on android \(only on ios, ipados\)/,
    ],
    [
      "os_version",
      6,
      "D-5,ed@example.com,macos,,corporate,unknown,,,,,,,",
      "os_version",
      /"unknown" is not a version/,
    ],
    ["empty required", 7, "D-6,,windows,,corporate,,,,,,,,", "os_version", /os_version is empty/],
    [
      "last_seen",
      2,
      "D-1,ann@example.com,ios,,personal,17,,,,,,,3/14/2025 10:22",
      "last_seen",
      /"3\/14\/2025 10:22" is not an ISO-8601 time/,
    ],
    [
      "last_seen date",
      2,
      "D-1,ann@example.com,ios,,personal,17,,,,,,,2025-02-29",
      "last_seen",
      /"2025-02-29" is not an ISO-8601/,
    ],
    [
      "control character",
      3,
      'D-2,"bob@example.com\nx",ios,,personal,17,,,,,,,',
      "owner_upn",
      /contains a control character/,
    ],
  ];
  for (const [name, line, content, column, pattern] of badValues) {
    test(`bad ${name}: line, column and value in the error`, () => {
      const errors = fail(parseInventoryCsv(withLine(line, content)));
      assert.equal(errors.length, 1, errors.map((e) => e.message).join("\n"));
      const [error] = errors as [CsvProblem];
      assert.equal(error.line, line);
      assert.equal(error.column, column);
      assert.ok(error.message.startsWith(`line ${line}, column "${column}": `), error.message);
      assert.match(error.message, pattern);
    });
  }

  test("the column is named as the file writes it, with the Ferry name when they differ", () => {
    const text = "Device ID,Email,Platform,Ownership,OS Version\nD-1,ann@example.com,Palm OS,personal,5\n";
    const [error] = fail(parseInventoryCsv(text));
    assert.equal(error!.column, "Platform");
    assert.match(error!.message, /^line 2, column "Platform": "Palm OS" is not a platform/);
    const [version] = fail(parseInventoryCsv(text.replace("Palm OS", "ios").replace(",5", ",")));
    assert.match(version!.message, /^line 2, column "OS Version": os_version is empty/);
    const [id] = fail(parseInventoryCsv(text.replace("Palm OS", "ios").replace("D-1", "")));
    assert.match(id!.message, /^line 2, column "Device ID" \(source_id\): source_id is empty/);
  });

  test("duplicate source_id names both lines", () => {
    const errors = fail(parseInventoryCsv(withLine(6, "D-2,ed@example.com,macos,,corporate,14.4,,,,,,,")));
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.line, 6);
    assert.match(errors[0]!.message, /^line 6, column "source_id": source_id "D-2" is also on line 3/);
  });

  test("wrong number of cells", () => {
    const [error] = fail(parseInventoryCsv(withLine(4, "D-3,cy@example.com,android,personal,14")));
    assert.match(error!.message, /^line 4 has 5 cells but the header has 13/);
    const [extra] = fail(
      parseInventoryCsv(withLine(4, "D-3,cy@example.com,android,,personal,14,,,,,,,,surplus")),
    );
    assert.match(extra!.message, /^line 4 has 14 cells/);
  });

  test("lines longer than 64 KiB", () => {
    const long = `D-3,cy@example.com,android,,personal,14,${"x".repeat(70_000)},,,,,,`;
    const errors = fail(parseInventoryCsv(withLine(4, long)));
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.line, 4);
    assert.match(errors[0]!.message, /^line 4 is 70046 bytes long, more than the 64 KiB/);
  });

  test("a quote never closed", () => {
    const errors = fail(parseInventoryCsv(withLine(5, 'D-4,"dee@example.com,android,,corporate,13,,,,,,,')));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /^line 5: a quoted cell starting on this line is never closed/);
  });

  test("collects many errors, in line order, up to the cap", () => {
    const rows = Array.from({ length: 150 }, (_, i) => `D-${i},u${i}@example.com,nokia,,personal,1`);
    const errors = fail(
      parseInventoryCsv(["source_id,owner,platform,mode,ownership,os_version", ...rows].join("\n")),
    );
    assert.equal(errors.length, MAX_PROBLEMS + 1);
    assert.deepEqual(
      errors.slice(0, 3).map((e) => e.line),
      [2, 3, 4],
    );
    assert.equal(errors.at(-1)!.message, "… and 50 more problems not listed; fix these and import again");
  });

  test("all or nothing: one bad row among good ones yields no records", () => {
    const rows = Array.from({ length: 500 }, (_, i) => `D-${i},u${i}@example.com,ios,,personal,17`);
    rows[321] = "D-321,u321@example.com,ios,,personal,";
    const result = parseInventoryCsv(
      ["source_id,owner,platform,mode,ownership,os_version", ...rows].join("\n"),
    );
    assert.equal(result.ok, false);
    assert.ok(!("records" in result));
    assert.deepEqual(
      fail(result).map((e) => e.line),
      [323],
    );
  });

  test("empty files", () => {
    assert.match(fail(parseInventoryCsv(""))[0]!.message, /empty/);
    assert.match(fail(parseInventoryCsv(Buffer.from([0xef, 0xbb, 0xbf, 0x0a, 0x0a])))[0]!.message, /empty/);
  });
});

describe("parseInventoryCsv: warnings", () => {
  test("a serial or IMEI shared by two rows warns, naming both lines", () => {
    const text = withLine(
      5,
      "D-4,dee@example.com,android,,corporate,13,Galaxy,Samsung,f2lx1234,35-209900-176148-1,,,",
    );
    const { records, warnings } = ok(parseInventoryCsv(text));
    assert.equal(records.length, 6);
    assert.deepEqual(warnings, [
      "serial F2LX1234 is on lines 2 and 5: devices that share it cannot be told apart by serial",
      "imei 352099001761481 is on lines 2 and 5: devices that share it cannot be told apart by imei",
    ]);
  });

  test("values under a column with no header warn", () => {
    const { warnings } = ok(
      parseInventoryCsv(
        "source_id,owner,platform,ownership,os_version,,\nD-1,a@x.org,ios,personal,17,,oops\n",
      ),
    );
    assert.deepEqual(warnings, ["column G has values but no header: its values are ignored"]);
  });
});

describe("parseIsoTime", () => {
  test("forms and offsets, UTC when none, no Date.parse", () => {
    assert.equal(parseIsoTime("2024-02-29"), Date.UTC(2024, 1, 29));
    assert.equal(parseIsoTime("2025-03-14T10:22"), Date.UTC(2025, 2, 14, 10, 22));
    assert.equal(parseIsoTime("2025-03-14T10:22:05.123456Z"), Date.UTC(2025, 2, 14, 10, 22, 5, 123));
    assert.equal(parseIsoTime("2025-03-14T10:22:05-0530"), Date.UTC(2025, 2, 14, 15, 52, 5));
    assert.equal(parseIsoTime("1900-01-01"), Date.UTC(1900, 0, 1));
    assert.equal(parseIsoTime("0001-01-01T00:00:00"), -62135596800000);
    for (const bad of [
      "2025-13-01",
      "2025-04-31",
      "2025-03-14T24:00",
      "14/03/2025",
      "2025-03-14T10:22+25:00",
      "soon",
    ]) {
      assert.equal(parseIsoTime(bad), undefined, bad);
    }
  });
});

describe("neutraliseCsvCell", () => {
  test("formula starters are prefixed with a quote", () => {
    for (const cell of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://evil")']) {
      assert.equal(neutraliseCsvCell(cell), `'${cell}`);
    }
  });
  test("everything else is left alone", () => {
    for (const cell of ["", "iPhone 15", "a=b", " =1", "1-2", "ann@example.com", "'already"]) {
      assert.equal(neutraliseCsvCell(cell), cell);
    }
  });
});

describe("CsvInventory", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-csv-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("yields the records, parsing the file once", async () => {
    const path = join(dir, "inventory.csv");
    await writeFile(path, `\uFEFF${VALID}`);
    const inventory = new CsvInventory(path);
    const first: SourceDeviceRecord[] = [];
    for await (const r of inventory.listDevices()) first.push(r);
    assert.deepEqual(first, ok(parseInventoryCsv(VALID)).records);

    first[0]!.identifiers.serial = "CHANGED";
    await writeFile(path, "garbage");
    const second: SourceDeviceRecord[] = [];
    for await (const r of inventory.listDevices()) second.push(r);
    assert.equal(second.length, 6, "not read again");
    assert.equal(second[0]!.identifiers.serial, "F2LX1234", "consumers get copies");
    assert.deepEqual((await inventory.load()).warnings, []);
  });

  test("a bad file fails every listing with the problems", async () => {
    const path = join(dir, "bad.csv");
    await writeFile(path, withLine(3, "D-2,bob@example.com,blackberry,,corporate,10,,,,,,,"));
    const inventory = new CsvInventory(path);
    const consume = async () => {
      for await (const _ of inventory.listDevices()) assert.fail("no record may be yielded");
    };
    await assert.rejects(consume, (e: unknown) => {
      assert.ok(e instanceof CsvImportError);
      assert.equal(e.problems.length, 1);
      assert.match(e.message, /cannot be imported \(nothing was imported\):\n {2}line 3, column "platform"/);
      return true;
    });
    await assert.rejects(consume, CsvImportError);
  });

  test("too large a file is refused before reading", async () => {
    const path = join(dir, "big.csv");
    await writeFile(path, VALID);
    await assert.rejects(new CsvInventory(path, { maxFileBytes: 100 }).load(), /more than the 100 allowed/);
  });
});
