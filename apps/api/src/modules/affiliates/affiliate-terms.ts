import type { CommissionRule } from "@orbis/contracts";

/** The affiliate programme's id in `referral_programs` (seeded by migration 0016). */
export const AFFILIATE_PROGRAM_ID = "affiliates";

const usd = (amount: number) => `$${amount.toFixed(2).replace(/\.00$/, "")}`;

/** What a programme pays, in one sentence: shown above the signup form and in the terms. */
export function describeCommission(rule: CommissionRule): string {
  if (rule.type === "percent") return `${rule.percent} % of every paid invoice for the first ${rule.months} months of each customer you refer`;
  return `${usd(rule.activationUsd)} when a customer you refer makes their first real call and ${usd(rule.conversionUsd)} when they first pay`;
}

interface TermsFacts {
  version: string;
  commission: string;
  holdDays: number;
  windowDays: number;
  attribution: "first" | "last";
}

/**
 * The affiliate agreement an applicant accepts. Its version (`AFFILIATE_TERMS_VERSION`) is recorded with
 * the time of acceptance; change the version whenever this text changes, so applicants accept the new one.
 */
export function affiliateTermsText({ version, commission, holdDays, windowDays, attribution }: TermsFacts): string {
  return `OrbisVoice affiliate agreement (version ${version})

1. The programme. You recommend OrbisVoice with your own referral links. A business that opens a workspace within ${windowDays} days of clicking one of your links is your referral, ${
    attribution === "first" ? "unless it had clicked another referrer's link before yours" : "unless it clicks another referrer's link after yours"
  }.

2. Commission. You earn ${commission}. Commissions are counted in US dollars, on amounts actually paid, excluding taxes. The operator may change the rate, the hold period and the referral window for the future; what applies to a commission is what the programme page shows when it is earned.

3. Hold period. Each commission stays pending for ${holdDays} days after it is earned. A refund, chargeback or cancellation within that period reverses it. Commissions that our fraud checks flag are held for review and are never paid automatically.

4. Payouts. Approved commissions are paid out by the programme's operator, by bank transfer or through Stripe Connect, usually once a month. You are responsible for the taxes on what you earn and for giving us correct payment details.

5. Prohibited practices. You must not:
   - send unsolicited email, messages or comments (spam), or buy traffic from networks that do;
   - bid on "OrbisVoice" or any misspelling of it in search or social ads, or use it in your domain names;
   - refer yourself, your own businesses or your employer, or create accounts to earn commissions;
   - set cookies without a click, hide links, or offer cash back or incentives that are not ours;
   - say you speak for OrbisVoice, or make claims about it that are not true.
   Commissions earned this way are cancelled and the account may be closed.

6. Review. We review every application and may decline or close an affiliate account, with a note saying why. Approved commissions earned honestly before closing are still paid.

7. Changes. We may change these terms with a new version; the version you accepted applies to commissions earned before the change. Continuing to use your links after a change means you accept it.

8. Privacy. We record your name, email, website, how you promote, the time you accepted these terms and a hashed form of your IP address, to run the programme and prevent fraud.`;
}
