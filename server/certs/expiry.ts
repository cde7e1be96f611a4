/** Certificates expiring within this many days are shown as "expiring" (as the issue asks). */
export const EXPIRING_WITHIN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ExpiryStatus = "good" | "expiring" | "expired" | "not-yet-valid";

/**
 * Status of a validity period at `now`. `notBefore` is optional so callers holding only
 * an expiry date (a list row) can use it too.
 */
export function expiryStatus(
  notAfter: Date | string,
  now: Date = new Date(),
  notBefore?: Date | string,
): ExpiryStatus {
  const end = new Date(notAfter).getTime();
  const at = now.getTime();
  if (notBefore !== undefined && at < new Date(notBefore).getTime()) return "not-yet-valid";
  if (at > end) return "expired";
  if (end - at <= EXPIRING_WITHIN_DAYS * DAY_MS) return "expiring";
  return "good";
}

/** Whole days left until `notAfter` (negative once expired), for "expires in N days". */
export function daysUntil(notAfter: Date | string, now: Date = new Date()): number {
  return Math.floor((new Date(notAfter).getTime() - now.getTime()) / DAY_MS);
}
