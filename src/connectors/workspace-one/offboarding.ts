/**
 * Retiring a device in Workspace ONE: an Enterprise Wipe (`POST /API/mdm/devices/{id}/commands
 * ?command=EnterpriseWipe`), which removes WS1's management and company data only. Idempotent:
 * a device whose wipe is pending, or that is already unenrolled, counts as retired; an id WS1
 * has never had is an error naming it.
 */
import type { SourceOffboarding } from "../../core/ports/source.ts";
import { isHttpError, type Requester } from "../http/index.ts";

export interface WorkspaceOneOffboardingOptions {
  explain?: (e: unknown) => unknown;
}

/** A retire Ferry cannot do, with the reason in words (unknown device, a refusal WS1 explained). */
export class WorkspaceOneRetireError extends Error {
  readonly kind = "WorkspaceOneRetireError";
  constructor(
    message: string,
    readonly sourceId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "WorkspaceOneRetireError";
  }
}

export class WorkspaceOneOffboarding implements SourceOffboarding {
  readonly #http: Requester;
  readonly #explain: (e: unknown) => unknown;

  constructor(http: Requester, options: WorkspaceOneOffboardingOptions = {}) {
    this.#http = http;
    this.#explain = options.explain ?? ((e) => e);
  }

  async retire(sourceId: string): Promise<void> {
    const id = sourceId.trim();
    if (!/^\d+$/.test(id)) {
      throw new WorkspaceOneRetireError(
        `Workspace ONE has no device with id ${JSON.stringify(sourceId)}: its device ids are numbers (Id.Value)`,
        sourceId,
      );
    }
    let refusal: unknown;
    try {
      await this.#http.request({
        method: "POST",
        path: `/mdm/devices/${id}/commands`,
        query: { command: "EnterpriseWipe" },
        // Sending the wipe twice is harmless: the device is already wipe-pending.
        idempotent: true,
      });
      return;
    } catch (e) {
      // Only a refusal about the device itself (400, 404, 409, 422) is worth a second look.
      if (
        !isHttpError(e) ||
        e.status < 400 ||
        e.status >= 500 ||
        e.status === 401 ||
        e.status === 403 ||
        e.status === 429
      ) {
        throw this.#explain(e);
      }
      refusal = e;
    }
    const found = await this.#lookup(id);
    if (!found) {
      throw new WorkspaceOneRetireError(
        `Workspace ONE has no device with id ${id} (it was never enrolled there, or its record was deleted)`,
        id,
        { cause: refusal },
      );
    }
    const status = String(found.EnrollmentStatus ?? "");
    if (/^enrolled$/i.test(status)) {
      const why = refusal instanceof Error ? refusal.message : String(refusal);
      throw new WorkspaceOneRetireError(`Workspace ONE refused to retire device ${id}: ${why}`, id, {
        cause: refusal,
      });
    }
    // Wipe pending, or unenrolled already: retired as far as Ferry is concerned.
  }

  async #lookup(id: string): Promise<{ EnrollmentStatus?: unknown } | undefined> {
    try {
      const res = await this.#http.request<{ EnrollmentStatus?: unknown }>({
        method: "GET",
        path: `/mdm/devices/${id}`,
        expect: [200, 404],
      });
      return res.status === 404 ? undefined : (res.body ?? {});
    } catch (e) {
      throw this.#explain(e);
    }
  }
}
