import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inflateSync } from "node:zlib";
import QRCode from "qrcode";
import { DAY } from "../../src/core/time.ts";
import { MESSAGE_LOCALES, qrPng, renderPoster } from "../../src/notify/index.ts";

const WAVE = {
  name: "Wave 3 - Zurich Office",
  announceAt: Date.UTC(2026, 3, 1, 8),
  handoverAt: Date.UTC(2026, 3, 8, 8),
  deadlineAt: Date.UTC(2026, 3, 22, 16),
};
const URL_ = "https://ferry.contoso.example/instructions?wave=w3";
const HELPDESK = {
  name: "IT Service Desk",
  phone: "+41 44 123 45 67",
  email: "servicedesk@contoso.example",
  hours: "Mon-Fri 08:00-18:00",
};

/** The text of an uncompressed pdfkit PDF: the hex strings of its TJ/Tj operators, line by line. */
function extractText(pdf: Buffer): string {
  const src = pdf.toString("latin1");
  const lines: string[] = [];
  for (const m of src.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
    const hex =
      m[1] !== undefined ? [...m[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join("") : m[2]!;
    lines.push(Buffer.from(hex, "hex").toString("latin1"));
  }
  return lines.join("\n");
}

/** The concatenated IDAT chunks of a PNG (its compressed pixel data) and its size. */
function png(buffer: Buffer): { idat: Buffer; width: number; height: number; colorType: number } {
  const idat: Buffer[] = [];
  let off = 8;
  while (off < buffer.length) {
    const len = buffer.readUInt32BE(off);
    const type = buffer.toString("ascii", off + 4, off + 8);
    if (type === "IDAT") idat.push(buffer.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  return {
    idat: Buffer.concat(idat),
    width: buffer.readUInt32BE(16),
    height: buffer.readUInt32BE(20),
    colorType: buffer[25]!,
  };
}

function pageCount(pdf: Buffer): number {
  const s = pdf.toString("latin1");
  assert.equal(s.match(/\/Type \/Pages\b/g)?.length, 1);
  return (s.match(/\/Type \/Page\b/g) ?? []).length;
}

describe("posters", () => {
  it("is a one-page A4 PDF with the wave, its dates, the steps, the helpdesk and the link", async () => {
    const pdf = await renderPoster(WAVE, {
      instructionsUrl: URL_,
      helpdesk: HELPDESK,
      locale: "en-GB",
      timeZone: "Europe/Zurich",
      compress: false,
    });
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    assert.equal(pageCount(pdf), 1);
    assert.match(pdf.toString("latin1"), /\/MediaBox \[0 0 595\.28 841\.89\]/, "A4");
    const text = extractText(pdf);
    for (const expected of [
      "Moving to Microsoft Intune",
      WAVE.name,
      "Wednesday, 1 April 2026",
      "Wednesday, 8 April 2026",
      "Wednesday, 22 April 2026",
      "iPhone and iPad",
      "Android with a work profile",
      "Windows",
      HELPDESK.name,
      HELPDESK.phone,
      HELPDESK.email,
      URL_,
    ])
      assert.ok(text.includes(expected), `poster says ${expected}`);
  });

  it("embeds the QR code PNG generated for the instructions URL, pixel data unchanged", async () => {
    const pdf = await renderPoster(WAVE, { instructionsUrl: URL_, helpdesk: HELPDESK });
    const qr = png(await qrPng(URL_));
    assert.equal(qr.colorType, 0, "grayscale, no alpha: embedded as is");
    assert.ok(pdf.includes(qr.idat), "the QR image data is in the PDF");
    assert.match(pdf.toString("latin1"), new RegExp(`/Width ${qr.width}\\b`));
    assert.match(pdf.toString("latin1"), new RegExp(`/Height ${qr.height}\\b`));
    const other = png(await qrPng("https://ferry.contoso.example/instructions?wave=w4"));
    assert.ok(!pdf.includes(other.idat), "and not some other URL's");

    // the embedded pixels are the QR symbol of exactly that URL, module by module
    const symbol = QRCode.create(URL_, { errorCorrectionLevel: "M" });
    const size = symbol.modules.size;
    const rows = unfilter(inflateSync(qr.idat), qr.width, qr.height);
    const scale = qr.width / (size + 4); // margin 2 on each side
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const y = Math.floor((r + 2 + 0.5) * scale);
        const x = Math.floor((c + 2 + 0.5) * scale);
        const dark = rows[y]![x]! < 128;
        assert.equal(dark, symbol.modules.get(r, c) === 1, `module ${r},${c}`);
      }
    }
  });

  it("fits on one page in every locale, compressed or not", async () => {
    for (const locale of MESSAGE_LOCALES) {
      for (const compress of [true, false]) {
        const pdf = await renderPoster(
          { ...WAVE, name: "Wave 12 – Sales, Marketing, Customer Success and Partner Management (EMEA)" },
          { instructionsUrl: URL_, helpdesk: HELPDESK, locale, compress, organisation: "Contoso AG" },
        );
        assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
        assert.equal(pageCount(pdf), 1, `${locale} compress=${compress}`);
      }
      // with a usual wave name nothing is cut short (pdfkit's ellipsis is \x85 in WinAnsi)
      const pdf = await renderPoster(WAVE, {
        instructionsUrl: URL_,
        helpdesk: HELPDESK,
        locale,
        compress: false,
      });
      assert.ok(!extractText(pdf).includes("\x85"), `${locale}: a text box overflowed`);
    }
  });

  it("prints 'to be announced' for dates not set yet, and gives equal bytes for equal input", async () => {
    const wave = { name: "Wave 9", announceAt: WAVE.announceAt };
    const options = { instructionsUrl: URL_, helpdesk: HELPDESK, locale: "de-DE", compress: false };
    const a = await renderPoster(wave, options);
    const b = await renderPoster(wave, options);
    assert.ok(a.equals(b), "deterministic");
    assert.match(extractText(a).replace(/\s+/g, " "), /wird noch bekannt gegeben/);
    const later = await renderPoster(wave, { ...options, generatedAt: WAVE.announceAt + DAY });
    assert.ok(!a.equals(later));
  });

  it("refuses a link that is not http(s)", async () => {
    await assert.rejects(
      renderPoster(WAVE, { instructionsUrl: "javascript:alert(1)", helpdesk: HELPDESK }),
      /http/,
    );
  });
});

/** Undoes PNG row filters (8-bit grayscale: one byte per pixel). */
function unfilter(data: Buffer, width: number, height: number): Uint8Array[] {
  const rows: Uint8Array[] = [];
  let prev = new Uint8Array(width);
  for (let y = 0; y < height; y++) {
    const start = y * (width + 1);
    const filter = data[start]!;
    const row = new Uint8Array(width);
    for (let x = 0; x < width; x++) {
      const raw = data[start + 1 + x]!;
      const a = x > 0 ? row[x - 1]! : 0;
      const b = prev[x]!;
      const c = x > 0 ? prev[x - 1]! : 0;
      let v: number;
      switch (filter) {
        case 0:
          v = raw;
          break;
        case 1:
          v = raw + a;
          break;
        case 2:
          v = raw + b;
          break;
        case 3:
          v = raw + ((a + b) >> 1);
          break;
        default: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = raw + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
      }
      row[x] = v & 0xff;
    }
    rows.push(row);
    prev = row;
  }
  return rows;
}
