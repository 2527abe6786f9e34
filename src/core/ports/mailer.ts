/** The mailer port: hands one message to a mail system. */
export interface OutgoingMail {
  to: string;
  personId: string;
  /** template name, e.g. "announcement"; the simulated mailbox and the audit use it */
  template: string;
  subject: string;
  text: string;
  /** the same key is never delivered twice by a mailer that can tell (Message-ID) */
  idempotencyKey: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}
