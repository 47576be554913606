/**
 * TypeDoc: the API reference (docs/api/, git-ignored) from the TSDoc of every
 * public export, as Markdown pages for VitePress (typedoc-plugin-markdown and
 * typedoc-vitepress-theme, which also writes docs/api/typedoc-sidebar.json).
 * Run by `pnpm docs:build` before VitePress; any warning fails the build, so
 * a public export without a doc comment, a broken `{@link}` or a referenced
 * type that is not exported stops it.
 */
import { publicEntryPoints } from './api-entry-points.ts';
import { repositoryUrl } from './repository.ts';

const entryPoints = publicEntryPoints();

export default {
  entryPoints: entryPoints.map((entry) => entry.file),
  tsconfig: './tsconfig.api.json',
  plugin: ['typedoc-plugin-markdown', 'typedoc-vitepress-theme', './api-entry-points.ts'],
  out: './api',
  docsRoot: '.',
  name: 'API reference',
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  // Members inherited from Powertools' classes are documented by Powertools.
  excludeExternals: true,
  // "Defined in" links to the source on the main branch (a commit id would point at unpushed work).
  sourceLinkTemplate: `${repositoryUrl}/blob/{gitRevision}/{path}#L{line}`,
  gitRevision: 'main',
  disableGit: true,
  displayBasePath: '..',
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  // Without this TypeDoc checks only the docs package itself.
  packagesRequiringDocumentation: [
    ...new Set(entryPoints.map((entry) => entry.specifier.split('/').slice(0, 2).join('/'))),
  ],
  // Undocumented in packages being rewritten on other branches (redact, runtime-guard): remove
  // each name as it gets its doc comment — TypeDoc fails the build on a name listed here that is documented.
  intentionallyNotDocumented: [
    '@lambda-sentinel/runtime-guard.ChildProcessPolicy',
    '@lambda-sentinel/runtime-guard.ChildProcessPolicy.mode',
    '@lambda-sentinel/runtime-guard.FileReadPolicy',
    '@lambda-sentinel/runtime-guard.FileReadPolicy.mode',
    '@lambda-sentinel/runtime-guard.FileWritePolicy',
    '@lambda-sentinel/runtime-guard.FileWritePolicy.mode',
    '@lambda-sentinel/runtime-guard.NormalisedOptions',
    '@lambda-sentinel/runtime-guard.NormalisedOptions.taskRoot',
    '@lambda-sentinel/runtime-guard.NormalisedOptions.childProcess',
    '@lambda-sentinel/runtime-guard.NormalisedOptions.fileWrite',
    '@lambda-sentinel/runtime-guard.NormalisedOptions.fileWrite.__type.list',
    '@lambda-sentinel/runtime-guard.NormalisedOptions.fileRead',
    '@lambda-sentinel/runtime-guard.NormalisedOptions.fileRead.__type.list',
    '@lambda-sentinel/runtime-guard.NormalisedOptions.outbound',
    '@lambda-sentinel/runtime-guard.NormalisedOptions.outbound.__type.list',
    '@lambda-sentinel/runtime-guard.NormalisedPolicy.mode',
    '@lambda-sentinel/runtime-guard.NormalisedPolicy.list',
    '@lambda-sentinel/runtime-guard.OutboundPolicy',
    '@lambda-sentinel/runtime-guard.OutboundPolicy.mode',
    '@lambda-sentinel/runtime-guard.PolicyName',
    '@lambda-sentinel/runtime-guard.RuntimeGuardOptions',
    '@lambda-sentinel/runtime-guard.RuntimeGuardOptions.childProcess',
    '@lambda-sentinel/runtime-guard.RuntimeGuardOptions.fileWrite',
    '@lambda-sentinel/runtime-guard.RuntimeGuardOptions.fileRead',
    '@lambda-sentinel/runtime-guard.RuntimeGuardOptions.outbound',
  ],
  // Comments Powertools' declarations carry into our subclasses link to Powertools' own pages.
  externalSymbolLinkMappings: {
    '@aws-lambda-powertools/metrics': {
      '*': 'https://docs.aws.amazon.com/powertools/typescript/latest/api/',
    },
    '@aws-lambda-powertools/logger': { '*': 'https://docs.aws.amazon.com/powertools/typescript/latest/api/' },
    '@opentelemetry/sdk-trace': { '*': 'https://open-telemetry.github.io/opentelemetry-js/' },
  },
  suppressCommentWarningsInDeclarationFiles: true,
  treatWarningsAsErrors: true,
};
