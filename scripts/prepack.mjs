// `prepack` of every published package: refuses `npm pack` / `npm publish`
// with a message saying why, and builds dist/ fresh for `pnpm pack` /
// `pnpm publish`. Plain JavaScript so npm on any Node gets the message.
//
// Only pnpm turns the workspace manifest into the published one: it applies
// `publishConfig` (exports and types pointing at dist/ instead of src/*.ts),
// replaces `workspace:^` ranges with versions and runs .pnpmfile.cjs's
// beforePacking hook. npm would ship a package whose imports fail.
import { buildPackage } from './build-package.mjs';

const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  const tool = agent.split('/')[0] || 'this tool';
  console.error(
    `\n${process.env.npm_package_name ?? 'This package'} must be packed and published with pnpm, not ${tool}:\n` +
      '  pnpm pack        (or: pnpm publish)\n' +
      `${tool} would ship "exports" pointing at src/*.ts and "workspace:^" dependency ranges; ` +
      'pnpm applies publishConfig and writes real versions.\n',
  );
  process.exit(1);
}
buildPackage(process.cwd());
