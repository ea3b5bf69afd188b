import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Checks a presented API key against the configured ones in constant time: comparing digests keeps
 * the comparison length-independent, and every configured key is compared so timing reveals nothing.
 */
export function matchesApiKey(presented: string | undefined, configured: readonly string[]): boolean {
  if (!presented) return false;
  const presentedDigest = digest(presented);
  let matched = false;
  for (const key of configured) matched = timingSafeEqual(presentedDigest, digest(key)) || matched;
  return matched;
}
