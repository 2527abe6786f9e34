/**
 * The `Mailer` port as the engine sees it, backed by the outbox: `send` renders the template
 * (when the engine passed its data) and enqueues; it returns at once with the Message-ID the
 * message has and will keep. Delivery happens in `Outbox.deliver`, outside the engine's
 * action, with its own retries, quiet hours and bounce handling. An engine action for a mail
 * is therefore done when the mail is safely queued, not when SMTP accepted it.
 */

import type { ReadinessPath } from "../core/model.ts";
import type { EnrollmentMode, Platform } from "../core/platform.ts";
import type { Mailer, OutgoingMail } from "../core/ports/mailer.ts";
import type { Outbox } from "./outbox.ts";
import {
  type Brand,
  type DeviceInfo,
  type HelpdeskContact,
  isTemplateName,
  type PersonInfo,
} from "./templates/context.ts";
import { renderMessage } from "./templates/index.ts";

/** The port's message; `data` is what the templates render from. */
export type TemplatedMail = OutgoingMail;

export interface OutboxMailerOptions {
  /** the person's signed portal link (the web layer signs it) */
  portalLink(personId: string): string;
  /** the person's page in the helpdesk console, for escalations; default: portalLink */
  consoleLink?(personId: string): string;
  helpdesk: HelpdeskContact;
  brand?: Brand;
}

export class OutboxMailer implements Mailer {
  constructor(
    private readonly outbox: Outbox,
    private readonly options: OutboxMailerOptions,
  ) {}

  async send(mail: TemplatedMail): Promise<{ messageId: string }> {
    let { subject, text } = mail;
    let html: string | undefined;
    let timeZone: string | undefined;
    if (mail.data && isTemplateName(mail.template)) {
      const o = this.options;
      if (mail.template === "helpdesk-escalation") {
        const link = (o.consoleLink ?? o.portalLink)(mail.personId);
        ({ subject, text, html } = renderMessage(mail.template, {
          ...mail.data,
          portalUrl: link,
          helpdesk: o.helpdesk,
          brand: o.brand,
        }));
        timeZone = o.helpdesk.timeZone;
      } else {
        ({ subject, text, html } = renderMessage(mail.template, {
          ...mail.data,
          portalUrl: o.portalLink(mail.personId),
          helpdesk: o.helpdesk,
          brand: o.brand,
        }));
        timeZone = mail.data.person.timeZone;
      }
    }
    await this.outbox.enqueue({
      key: mail.idempotencyKey,
      personId: mail.personId,
      template: mail.template,
      to: mail.to,
      subject,
      text,
      html,
      timeZone,
    });
    return { messageId: this.outbox.messageIdFor(mail.idempotencyKey) };
  }
}

/** The columns of a people row the templates use (structural: no dependency on the store). */
export interface PersonRowLike {
  id: string;
  display_name: string;
  locale: string;
  time_zone: string;
  email: string;
}

/** The columns of a devices row the templates use. */
export interface DeviceRowLike {
  id: string;
  model: string;
  platform: string;
  mode: string;
  path: string;
  apple_deadline_at: number | null;
  state_since: number;
}

export function personInfoFromRow(p: PersonRowLike): PersonInfo {
  return { id: p.id, displayName: p.display_name, locale: p.locale, timeZone: p.time_zone, email: p.email };
}

export function deviceInfoFromRow(d: DeviceRowLike): DeviceInfo {
  return {
    id: d.id,
    name: d.model,
    platform: d.platform as Platform,
    mode: d.mode as EnrollmentMode,
    path: d.path as ReadinessPath,
    appleDeadlineAt: d.apple_deadline_at,
    stateSince: d.state_since,
  };
}
