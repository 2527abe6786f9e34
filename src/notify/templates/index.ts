/**
 * `renderMessage(template, context)`: subject, HTML and plain text for one stage, in the
 * reader's locale (the person's; the helpdesk's for an escalation) and time zone.
 */
import { announcement } from "./announcement.ts";
import { blocked } from "./blocked.ts";
import { type Composed, Env, type TemplateModule } from "./common.ts";
import {
  type ContextByTemplate,
  type EscalationContext,
  isTemplateName,
  type PersonContext,
  type RenderedMessage,
  type TemplateName,
} from "./context.ts";
import { deadline } from "./deadline.ts";
import { done } from "./done.ts";
import { helpdeskEscalation } from "./helpdesk-escalation.ts";
import { instructions } from "./instructions.ts";
import { headerSafe, type MessageDocument, renderHtml, renderText, safeHttpUrl } from "./layout.ts";
import { postponed } from "./postponed.ts";
import { reminder } from "./reminder.ts";
import { resetInstructions } from "./reset-instructions.ts";

const MODULES: { [T in TemplateName]: TemplateModule<ContextByTemplate[T]> } = {
  announcement,
  instructions,
  "reset-instructions": resetInstructions,
  reminder,
  deadline,
  blocked,
  done,
  postponed,
  "helpdesk-escalation": helpdeskEscalation,
};

/** The reader's environment: the helpdesk reads escalations, the person everything else. */
function envFor(template: TemplateName, context: PersonContext | EscalationContext): Env {
  if (template === "helpdesk-escalation")
    return Env.for(context.helpdesk.locale ?? "en-US", context.helpdesk.timeZone ?? "UTC");
  return Env.for(context.person.locale, context.person.timeZone);
}

export function renderMessage<T extends TemplateName>(
  template: T,
  context: ContextByTemplate[T],
): RenderedMessage {
  if (!isTemplateName(template)) throw new RangeError(`no template named ${JSON.stringify(template)}`);
  safeHttpUrl(context.portalUrl); // refuse a bad link before composing anything
  const env = envFor(template, context);
  const module = MODULES[template] as TemplateModule<ContextByTemplate[T]>;
  const composed: Composed = module.compose(context, env);
  const doc: MessageDocument = {
    lang: env.locale,
    subject: headerSafe(composed.subject),
    preheader: composed.preheader,
    heading: composed.heading,
    greeting: composed.greeting ?? env.greeting(context.person.displayName),
    blocks: composed.blocks,
    footer: composed.footer ?? env.footer,
    brand: context.brand,
  };
  return { subject: doc.subject, html: renderHtml(doc), text: renderText(doc), locale: env.locale };
}
