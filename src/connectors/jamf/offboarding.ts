/**
 * Retiring a device in Jamf Pro: a computer gets `remove-mdm-profile` (v1 path, or v4's when the
 * server only has v4), a mobile device `unmanage` (§C). Idempotent: a device already unmanaged,
 * or with an unmanage command still pending, counts as retired and gets no second command; an
 * id Jamf has never had is an error naming it.
 */
import type { SourceOffboarding } from "../../core/ports/source.ts";
import { isHttpError, type Requester } from "../http/index.ts";
import { JAMF_DEFAULTS } from "./config.ts";
import { InventoryVersion } from "./inventory.ts";
import {
  formatJamfSourceId,
  type JamfComputer,
  type JamfKind,
  type JamfMobileDevice,
  parseJamfSourceId,
} from "./mapper.ts";

export class JamfRetireError extends Error {
  readonly kind = "JamfRetireError";
  constructor(
    message: string,
    readonly sourceId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "JamfRetireError";
  }
}

export interface JamfOffboardingOptions {
  versions?: InventoryVersion;
  unmanageCommandTypes?: readonly string[];
  explain?: (e: unknown) => unknown;
}

interface Found {
  kind: JamfKind;
  id: string;
  managed: boolean;
  managementId: string | undefined;
}

export class JamfOffboarding implements SourceOffboarding {
  readonly #http: Requester;
  readonly #versions: InventoryVersion;
  readonly #types: readonly string[];
  readonly #explain: (e: unknown) => unknown;

  constructor(http: Requester, options: JamfOffboardingOptions = {}) {
    this.#http = http;
    this.#versions = options.versions ?? new InventoryVersion(http);
    this.#types = options.unmanageCommandTypes ?? JAMF_DEFAULTS.unmanageCommandTypes;
    this.#explain = options.explain ?? ((e) => e);
  }

  async retire(sourceId: string): Promise<void> {
    const parsed = parseJamfSourceId(sourceId);
    if (!parsed) {
      throw new JamfRetireError(
        `Jamf Pro has no device with id ${JSON.stringify(sourceId)}: Ferry's Jamf ids look like computer:12 or mobile:12`,
        sourceId,
      );
    }
    try {
      const found = await this.#find(parsed.kind, parsed.id, sourceId);
      if (!found.managed || (await this.#pending(found))) return;
      try {
        await this.#send(found);
      } catch (e) {
        // Someone (or a lost response) got there first: look again before calling it a failure.
        if (!isHttpError(e) || (e.status !== 400 && e.status !== 404 && e.status !== 409)) throw e;
        const again = await this.#find(found.kind, found.id, sourceId);
        if (again.managed && !(await this.#pending(again))) {
          throw new JamfRetireError(
            `Jamf Pro refused to unmanage ${formatJamfSourceId(found.kind, found.id)}: ${e.message}`,
            sourceId,
            {
              cause: e,
            },
          );
        }
      }
    } catch (e) {
      throw this.#explain(e);
    }
  }

  async #find(kind: JamfKind | undefined, id: string, asked: string): Promise<Found> {
    const [computer, mobile] = await Promise.all([
      kind === "mobile" ? undefined : this.#computer(id),
      kind === "computer" ? undefined : this.#mobile(id),
    ]);
    if (computer && mobile) {
      throw new JamfRetireError(
        `Jamf Pro has both a computer and a mobile device with id ${id}: retire computer:${id} or mobile:${id}`,
        asked,
      );
    }
    const found = computer ?? mobile;
    if (!found) {
      const what =
        kind === "computer" ? "computer" : kind === "mobile" ? "mobile device" : "computer or mobile device";
      throw new JamfRetireError(`Jamf Pro has no ${what} with id ${id} (${asked})`, asked);
    }
    return found;
  }

  async #computer(id: string): Promise<Found | undefined> {
    const { body } = await this.#versions.get<JamfComputer>({
      section: ["GENERAL"],
      filter: `id=="${id}"`,
      "page-size": 1,
    });
    const c = (body.results ?? []).find((x) => String(x.id) === id);
    if (!c) return undefined;
    return {
      kind: "computer",
      id,
      managed: c.general?.remoteManagement?.managed === true,
      managementId: c.general?.managementId ?? undefined,
    };
  }

  async #mobile(id: string): Promise<Found | undefined> {
    const res = await this.#http.request<JamfMobileDevice>({
      method: "GET",
      path: `/api/v2/mobile-devices/${id}/detail`,
      expect: [200, 404],
    });
    if (res.status === 404 || !res.body) return undefined;
    return {
      kind: "mobile",
      id,
      managed: res.body.general?.managed === true,
      managementId: res.body.general?.managementId ?? undefined,
    };
  }

  /** An unmanage command for the device is still pending (unknown without the privilege: false). */
  async #pending(found: Found): Promise<boolean> {
    if (!found.managementId) return false;
    try {
      const res = await this.#http.request<{ totalCount?: number; results?: unknown[] }>({
        method: "GET",
        path: "/api/v2/mdm/commands",
        query: {
          filter: `clientManagementId=="${found.managementId}";status==Pending;command=in=(${this.#types.join(",")})`,
          "page-size": 1,
        },
      });
      return (res.body?.totalCount ?? res.body?.results?.length ?? 0) > 0;
    } catch (e) {
      if (isHttpError(e) && e.status === 403) return false;
      throw e;
    }
  }

  async #send(found: Found): Promise<void> {
    if (found.kind === "computer") {
      await this.#http.request({
        method: "POST",
        path: this.#versions.removeProfilePath(found.id),
        idempotent: true, // a second RemoveProfile for a device already leaving is harmless
      });
    } else {
      await this.#http.request({
        method: "POST",
        path: `/api/v2/mobile-devices/${found.id}/unmanage`,
        idempotent: true,
      });
    }
  }
}
