// Types for scripts/bootstrap.mjs, which stays plain JavaScript so it runs on Node 20.
export function parseVersion(version: string): [number, number, number];
export function satisfies(version: string, range: string): boolean;
export function nodePackageFor(platform: string, arch: string, glibc: boolean): string | undefined;
export interface BootstrapFacts {
  nodeVersion: string;
  nodeRange: string;
  pinnedNode: string;
  pnpmVersion: string;
  launcher: 'pnpm' | 'other';
  nodePackage: string | undefined;
  /** Versions already in .tools/, if any. */
  tools: { node?: string | undefined; pnpm?: string | undefined };
}
export type BootstrapPlan =
  | { error: 'no-node-package' }
  | { error?: undefined; needNode: boolean; needPnpm: boolean; install: string[] };
export function plan(facts: BootstrapFacts): BootstrapPlan;
