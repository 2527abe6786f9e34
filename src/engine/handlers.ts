/**
 * What each action does through the ports. Handlers must be safe to run twice (a worker may
 * die after acting and before recording), and CA handlers re-check never-both at the moment
 * they act rather than trusting the decision made earlier.
 */
import type { Ports } from "../core/ports/index.ts";
import type { ActionKind, ActionPayloads } from "./actions.ts";

export type HandlerResult = Record<string, unknown>;
type Handler<K extends ActionKind> = (ports: Ports, payload: ActionPayloads[K]) => Promise<HandlerResult>;

export const handlers: { [K in ActionKind]: Handler<K> } = {
  "source-exclude": async (ports, { upns }) => {
    await ports.sourceAccess.exclude(upns);
    return { excluded: upns.length };
  },

  "target-enforce": async (ports, { directoryIds, upns }) => {
    // Confirm before enforce, at the moment of acting: only people the source reports as
    // excluded (or whose source CA is off altogether) are put under Intune CA.
    const sourceOn = await ports.sourceAccess.policyEnabled();
    const excluded = new Set([...(await ports.sourceAccess.listExcluded())].map((u) => u.toLowerCase()));
    const ok: string[] = [];
    const skipped: string[] = [];
    directoryIds.forEach((id, i) => {
      if (!sourceOn || excluded.has(upns[i]!.toLowerCase())) ok.push(id);
      else skipped.push(upns[i]!);
    });
    if (ok.length > 0) await ports.targetAccess.enforce(ok);
    return { enforced: ok.length, skipped };
  },

  "target-exempt": async (ports, { directoryIds }) => {
    await ports.targetAccess.exempt(directoryIds);
    return { exempted: directoryIds.length };
  },

  "source-include": async (ports, { upns, directoryIds }) => {
    // The reverse rule: back under the old product only once Intune no longer applies.
    const exempt = await ports.targetAccess.listExempt();
    const ok = upns.filter((_, i) => exempt.has(directoryIds[i]!));
    const skipped = upns.filter((_, i) => !exempt.has(directoryIds[i]!));
    if (ok.length > 0) await ports.sourceAccess.include(ok);
    return { included: ok.length, skipped };
  },

  "source-retire": async (ports, { sourceId }) => {
    await ports.sourceOffboarding.retire(sourceId);
    return { retired: sourceId };
  },

  "apple-reassign": async (ports, { serial, deadlineAt }) => {
    await ports.appleAssignment.reassignToTarget(serial, deadlineAt);
    return { serial, deadlineAt };
  },

  mail: async (ports, { personId, to, template, subject, text, data }, key?: string) => {
    const { messageId } = await ports.mailer.send({
      to,
      personId,
      template,
      subject,
      text,
      ...(data ? { data } : {}),
      idempotencyKey: key ?? "",
    });
    return { messageId };
  },

  "source-ca-disable": async (ports) => {
    await ports.sourceAccess.disablePolicy();
    return { disabled: true };
  },
};
