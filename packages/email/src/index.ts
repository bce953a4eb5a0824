export {
  EMAIL_SEND_QUEUE,
  createEmailService,
  messageIdOf,
  type DeliveryResult,
  type EmailMessage,
  type EmailService,
  type EmailServiceDeps,
} from "./service.ts";
export { renderEmail, formatWhen, type EmailTemplate, type RenderedEmail, type TemplateName } from "./templates.tsx";
export { createTransport, outboxTransport, smtpTransport, type EmailTransport, type OutgoingMail } from "./transport.ts";
export { signUnsubscribe, unsubscribeUrl, verifyUnsubscribe, type UnsubscribeClaims } from "./unsubscribe.ts";
