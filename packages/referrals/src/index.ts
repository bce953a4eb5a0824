export {};
export * from "./codes.ts";
export * from "./cookie.ts";
export * from "./fraud.ts";
export * from "./attribution.ts";
export { commissionFor, type CommissionContext, type CommissionDraft, type CommissionKind, type CommissionTrigger } from "./commissions.ts";
