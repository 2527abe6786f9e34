/**
 * Notifications: e-mail templates (HTML and text, four locales), the SMTP mailer, the mail
 * outbox (idempotent, quiet hours, retries, bounces) and wave posters. See
 * docs/notifications.md.
 */
export { type DeliveryStatusReport, type DsnRecipient, parseDsn } from "./dsn.ts";
export { classifyMailError, type MailFailure, MailSendError } from "./errors.ts";
export {
  britishSpelling,
  DEFAULT_LOCALE,
  MESSAGE_LOCALES,
  type MessageLocale,
  resolveLocale,
  safeTimeZone,
} from "./locale.ts";
export {
  type BounceResult,
  DEFAULT_URGENT_TEMPLATES,
  type DeliveryReport,
  Outbox,
  type OutboxMessage,
  type OutboxOptions,
} from "./outbox.ts";
export {
  type DeviceRowLike,
  deviceInfoFromRow,
  OutboxMailer,
  type OutboxMailerOptions,
  type PersonRowLike,
  personInfoFromRow,
  type TemplatedMail,
} from "./outbox-mailer.ts";
export {
  MemoryOutboxStore,
  OUTBOX_STATUSES,
  type OutboxRecord,
  type OutboxStatus,
  type OutboxStore,
} from "./outbox-store.ts";
export { type PosterOptions, type PosterWave, qrPng, renderPoster } from "./poster.ts";
export {
  DEFAULT_QUIET_HOURS,
  isQuiet,
  localTime,
  nextAllowedTime,
  type QuietHours,
  zonedTimeToEpoch,
} from "./quiet-hours.ts";
export {
  DEFAULT_MESSAGE_ID_DOMAIN,
  type MailLogger,
  messageIdFor,
  type RichMail,
  type RichMailer,
  SmtpMailer,
  type SmtpMailerOptions,
} from "./smtp-mailer.ts";
export type {
  Brand,
  ContextByTemplate,
  DeviceInfo,
  EscalationContext,
  HelpdeskContact,
  MailData,
  MessageContext,
  PersonContext,
  PersonInfo,
  PersonTemplate,
  RenderedMessage,
  TemplateName,
  WaveInfo,
} from "./templates/context.ts";
export { isTemplateName, PERSON_TEMPLATES, TEMPLATE_NAMES } from "./templates/context.ts";
export { renderMessage } from "./templates/index.ts";
export {
  type PreviewEntry,
  type PreviewFilter,
  previewAll,
  previews,
  sampleContext,
} from "./templates/preview.ts";
export { deviceSteps, STEP_KINDS, type StepKind, stepKind } from "./templates/steps.ts";
