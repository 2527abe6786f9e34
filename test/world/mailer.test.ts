import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HOUR, iso } from "../../src/core/time.ts";
import { collect, mail, makeWorld, START } from "./helpers.ts";

describe("the mailer", () => {
  it("delivers to the person's mailbox by UPN or mail, logs it, and returns a deterministic message id", async () => {
    const { world, lines } = makeWorld({ people: 300, seed: 9 });
    const person = world.scenario.people.find((p) => p.mail !== p.upn);
    assert.ok(person, "someone has a legacy mail address");
    world.advanceTo(START + HOUR);
    const first = await mail(world, person.mail.toUpperCase(), "announcement");
    const second = await mail(world, person.upn, "instructions");
    assert.equal(first, "<1.9@world.example>");
    assert.equal(second, "<2.9@world.example>");
    const box = world.mailbox(person.upn);
    assert.deepEqual(
      box.map((m) => [m.template, m.at, m.subject]),
      [
        ["announcement", START + HOUR, "announcement subject"],
        ["instructions", START + HOUR, "instructions subject"],
      ],
    );
    assert.deepEqual(world.mailbox(person.mail), box);
    assert.deepEqual(lines.filter((l) => l.type === "email").at(-1), {
      at: iso(START + HOUR),
      type: "email",
      person: person.upn,
      template: "instructions",
    });
    assert.equal(world.truth().emailsDelivered, 2);
  });

  it("refuses an address nobody has, changing nothing", async () => {
    const { world, lines } = makeWorld({ people: 50 });
    const departed = world.scenario.devices.find((d) => d.departedOwner)!;
    const before = lines.length;
    for (const to of ["nobody@contoso.example", departed.ownerUpn!]) {
      await assert.rejects(
        world.ports.mailer.send({
          to,
          personId: "x",
          template: "instructions",
          subject: "s",
          text: "t",
          idempotencyKey: to,
        }),
        (e: Error) => e.message.includes(to),
      );
    }
    assert.equal(lines.length, before);
    assert.equal(world.truth().emailsDelivered, 0);
    assert.deepEqual(world.mailbox("nobody@contoso.example"), []);
  });

  it("delivers the same idempotency key twice, as SMTP would, and counts the duplicate", async () => {
    const { world } = makeWorld({ people: 20 });
    const to = world.scenario.people[0]!.upn;
    const message = {
      to,
      personId: "p1",
      template: "reminder",
      subject: "s",
      text: "t",
      idempotencyKey: "k-1",
    };
    await world.ports.mailer.send(message);
    await world.ports.mailer.send(message);
    await world.ports.mailer.send({ ...message, idempotencyKey: "k-2" });
    assert.equal(world.mailbox(to).length, 3);
    assert.equal(world.truth().duplicateEmails, 1);
  });
});

describe("the directory port", () => {
  it("lists every user across pages and finds them case-insensitively", async () => {
    const { world } = makeWorld({ people: 2500 });
    const users = await collect(world.ports.directory.listUsers());
    assert.equal(users.length, 2502);
    const u = users[2100]!;
    assert.equal((await world.ports.directory.findUser(u.userPrincipalName.toUpperCase()))?.id, u.id);
  });

  it("shares the world's clock", () => {
    const { world } = makeWorld({ people: 5 });
    assert.equal(world.ports.clock, world.clock);
    world.advanceTo(START + HOUR);
    assert.equal(world.ports.clock.now(), START + HOUR);
    assert.throws(() => world.advanceTo(START));
  });
});
