import type { Billing } from "@orbis/billing";
import type { AppConfig } from "@orbis/config";
import type { Database } from "@orbis/db";
import type { EmailService } from "@orbis/email";

/** What the referral, affiliate and operator services are built from (once, in app.ts). */
export interface ReferralDeps {
  db: Database;
  config: AppConfig;
  email: EmailService;
  billing: Billing;
  /** The URL users reach: links (`…/r/:code`), emails. */
  publicBaseUrl: () => string;
  now?: () => Date;
}
