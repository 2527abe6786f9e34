/**
 * E-mail from the command line: with `smtp` and `mail` in ferry.json, `ferry run` queues the
 * engine's messages in the SQL outbox and hands them to the SMTP server after the drain. A
 * real SMTP server (smtp-server on 127.0.0.1) receives them; their portal links verify with
 * the installation's key. A half-configured section is refused, naming what is missing.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadSecrets } from "../../src/server/secrets.ts";
import { assertSignedPortalLink, startSmtp, type TestSmtp } from "../notify/smtp-harness.ts";
import { Installation } from "./installation.ts";

const FROM = "IT Service Desk <it-migration@contoso.example>";
const PUBLIC_URL = "https://ferry.contoso.example";

describe("ferry run with SMTP configured", () => {
  let inst: Installation;
  let smtp: TestSmtp;
  const configFile = () => join(inst.dir, "ferry.json");
  const configure = (extra: Record<string, unknown>) => {
    const config = JSON.parse(readFileSync(configFile(), "utf8")) as Record<string, unknown>;
    delete config.smtp;
    delete config.mail;
    writeFileSync(configFile(), JSON.stringify({ ...config, ...extra }, null, 2));
  };

  before(async () => {
    smtp = await startSmtp();
    inst = Installation.create({ people: 20 });
  });
  after(async () => {
    await smtp.close();
    inst.remove();
  });

  it("refuses smtp without mail, and a password in the file", () => {
    configure({ smtp: { host: "127.0.0.1", port: smtp.port, from: FROM } });
    const r = inst.spawnSync("status");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /"smtp" needs a "mail" section/);
    configure({
      smtp: { host: "127.0.0.1", port: smtp.port, from: FROM, password: "hunter2" },
      mail: { publicUrl: PUBLIC_URL, helpdesk: { name: "IT", email: "it@contoso.example" } },
    });
    const p = inst.spawnSync("status");
    assert.equal(p.status, 1);
    assert.match(p.stderr, /must not hold the password/);
    assert.doesNotMatch(p.stderr, /hunter2/);
  });

  it("delivers the pilot's announcements after `ferry run --once`", async () => {
    configure({
      smtp: {
        host: "127.0.0.1",
        port: smtp.port,
        starttls: "off",
        from: FROM,
        messageIdDomain: "contoso.example",
      },
      mail: {
        publicUrl: PUBLIC_URL,
        helpdesk: {
          name: "IT Service Desk",
          email: "servicedesk@contoso.example",
          phone: "+44 20 7946 0000",
        },
      },
    });
    inst.prepare();
    // Not execFileSync: the SMTP server answers from this process's event loop.
    const running = inst.spawn("run", "--once", "--json");
    assert.equal((await running.exited).code, 0, running.tail());
    const run = running.json()[0] as { executed: number; failed: number };
    assert.equal(run.failed, 0);
    assert.ok(smtp.received.length > 0, `mail arrived: ${JSON.stringify(run)}`);

    const store = await inst.store();
    try {
      const outbox = await store.db.selectFrom("mail_outbox").select(["status", "recipient"]).execute();
      const sent = outbox.filter((m) => m.status === "sent");
      // people whose local time is night (Singapore, Sydney) get theirs in the morning
      assert.equal(sent.length, smtp.received.length, JSON.stringify(outbox));
      const secrets = loadSecrets({ env: {}, keyFile: join(inst.dir, "ferry.key") }).secrets;
      for (const m of smtp.received) {
        assert.equal(m.parsed.from?.text, '"IT Service Desk" <it-migration@contoso.example>');
        assert.ok(sent.some((s) => s.recipient === m.rcptTo[0]));
        assert.match(m.parsed.messageId ?? "", /@contoso\.example>$/);
        assertSignedPortalLink(m, secrets);
      }
    } finally {
      await store.close();
    }
  });
});
