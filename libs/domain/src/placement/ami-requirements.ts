import type { AmiRequirement } from '@lcm/contracts';

/** One AMI requirement of a definition, compiled once for many placement decisions. */
export interface CompiledAmiRequirement {
  readonly namePattern: string;
  readonly matcher: RegExp;
  readonly minVersion: readonly number[] | null;
  readonly minVersionText: string | null;
}

const VERSION = /(\d+)\.(\d+)(?:\.(\d+))?/;

/** An AMI name pattern as AWS name filters read it: `*` any run of characters, `?` one character. */
export function amiPatternMatcher(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** The first `major.minor[.patch]` in a text (a CML version, or an AMI name such as `cisco-cml2.9.1-…`). */
export function parseVersion(text: string | null): number[] | null {
  const match = text ? VERSION.exec(text) : null;
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function compileAmiRequirement(requirement: AmiRequirement): CompiledAmiRequirement {
  const minVersionText = requirement.min_version ?? null;
  const minVersion = parseVersion(minVersionText);
  if (minVersionText !== null && minVersion === null)
    throw new RangeError(`min_version '${minVersionText}' is not a version such as 2.9 or 2.9.1`);
  return {
    namePattern: requirement.name_pattern,
    matcher: amiPatternMatcher(requirement.name_pattern),
    minVersion,
    minVersionText,
  };
}

/**
 * Why an AMI fails a requirement, or null when it passes. The CML version is the one the worker
 * reports, else the one in its AMI name.
 */
export function amiRequirementFailure(
  requirement: CompiledAmiRequirement,
  amiName: string | null,
  cmlVersion: readonly number[] | null,
): string | null {
  if (amiName === null) return `AMI name unknown; the lab needs one matching '${requirement.namePattern}'`;
  if (!requirement.matcher.test(amiName))
    return `AMI '${amiName}' does not match '${requirement.namePattern}'`;
  if (requirement.minVersion === null) return null;
  const version = cmlVersion ?? parseVersion(amiName);
  if (version === null) return `CML version unknown; the lab needs ${requirement.minVersionText} or later`;
  if (compareVersions(version, requirement.minVersion) < 0)
    return `CML ${version.join('.')} is older than ${requirement.minVersionText}`;
  return null;
}
