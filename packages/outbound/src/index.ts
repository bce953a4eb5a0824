export { addressRange, isPublicAddress } from "./address.ts";
export { OutboundBlockedError, ResponseTooLargeError, type BlockReason } from "./errors.ts";
export { createGuardedFetch, type GuardedFetch, type GuardedFetchOptions } from "./guarded-fetch.ts";
export { assertAllowedTarget, assertAllowedUrl, type ResolveHost, type ResolvedAddress, type TargetPolicy } from "./target.ts";
