import semver from 'semver';
import type { InventoryPackage } from './inventory.ts';

/** A known vulnerability that applies to a deployed package version. */
export interface Advisory {
  /** The package. */
  name: string;
  /** The deployed version it applies to. */
  version: string;
  /** The advisory's id at the registry. */
  id: number | string;
  /** Its title. */
  title: string;
  /** `low`, `moderate`, `high` or `critical`. */
  severity: string;
  /** Where to read about it (GitHub advisory page). */
  url: string;
  /** The affected range. */
  vulnerableVersions: string;
}

/** Options of {@link fetchAdvisories}. */
export interface AdvisoryOptions {
  /** The npm registry. Default `npm_config_registry`, else https://registry.npmjs.org. */
  registry?: string;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
}

interface BulkAdvisory {
  id?: number | string;
  title?: string;
  severity?: string;
  url?: string;
  vulnerable_versions?: string;
}

/**
 * Known advisories for the given packages, from the npm registry's bulk advisory endpoint (the
 * one `npm audit` uses): one request for all of them. Each advisory is kept only for the
 * versions its range covers. Needs network access; throws when the registry does not answer.
 */
export async function fetchAdvisories(
  packages: readonly InventoryPackage[],
  options: AdvisoryOptions = {},
): Promise<Advisory[]> {
  const registry = (
    options.registry ??
    process.env.npm_config_registry ??
    'https://registry.npmjs.org'
  ).replace(/\/+$/, '');
  const body: Record<string, string[]> = {};
  for (const { name, version } of packages) {
    const versions = body[name] ?? [];
    if (!versions.includes(version)) versions.push(version);
    body[name] = versions;
  }
  if (Object.keys(body).length === 0) return [];
  const response = await fetch(`${registry}/-/npm/v1/security/advisories/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  if (!response.ok) throw new Error(`the registry's advisory endpoint answered ${response.status}`);
  const found = (await response.json()) as Record<string, BulkAdvisory[]>;
  const advisories: Advisory[] = [];
  for (const [name, list] of Object.entries(found)) {
    for (const advisory of Array.isArray(list) ? list : []) {
      const range = advisory.vulnerable_versions ?? '*';
      for (const version of body[name] ?? []) {
        if (!semver.satisfies(version, range, { includePrerelease: true })) continue;
        advisories.push({
          name,
          version,
          id: advisory.id ?? 'unknown',
          title: advisory.title ?? '',
          severity: advisory.severity ?? 'unknown',
          url: advisory.url ?? '',
          vulnerableVersions: range,
        });
      }
    }
  }
  return advisories;
}
