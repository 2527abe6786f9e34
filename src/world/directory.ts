/** Entra ID as the simulated organisation has it: users found by UPN, mail or object id. */
import type { Directory, DirectoryUser } from "../core/ports/index.ts";
import type { PersonState } from "./state.ts";

export class DirectoryIndex implements Directory {
  readonly people: readonly PersonState[];
  readonly #byName = new Map<string, PersonState>();
  readonly #byId = new Map<string, PersonState>();

  constructor(people: readonly PersonState[]) {
    this.people = people;
    for (const p of people) {
      this.#byName.set(p.s.upn.toLowerCase(), p);
      this.#byName.set(p.s.mail.toLowerCase(), p);
      this.#byId.set(p.s.id, p);
    }
  }

  /** The person with this UPN or mail (any case); undefined for anyone not in the directory. */
  resolve(upnOrMail: string): PersonState | undefined {
    return this.#byName.get(upnOrMail.trim().toLowerCase());
  }

  byId(id: string): PersonState | undefined {
    return this.#byId.get(id.trim().toLowerCase());
  }

  async *listUsers(): AsyncIterable<DirectoryUser> {
    for (let i = 0; i < this.people.length; i += PAGE) {
      await Promise.resolve();
      for (const p of this.people.slice(i, i + PAGE)) yield toDirectoryUser(p);
    }
  }

  async findUser(upnOrMail: string): Promise<DirectoryUser | undefined> {
    const p = this.resolve(upnOrMail);
    return p ? toDirectoryUser(p) : undefined;
  }
}

const PAGE = 999;

export function toDirectoryUser(p: PersonState): DirectoryUser {
  return {
    id: p.s.id,
    userPrincipalName: p.s.upn,
    mail: p.s.mail,
    displayName: p.s.displayName,
    department: p.s.department,
    officeLocation: p.s.officeLocation,
    timeZone: p.s.timeZone,
    preferredLanguage: p.s.preferredLanguage,
  };
}
