export { type Advisory, type AdvisoryOptions, fetchAdvisories } from './advisories.ts';
export {
  type AuditOptions,
  type AuditReport,
  auditTemplate,
  exitCode,
  type Finding,
  type FunctionReport,
} from './audit.ts';
export { type CliIo, runAuditCli } from './audit-cli.ts';
export {
  compareInventory,
  type DeployedInventory,
  type Drift,
  inSync,
  type LockedVersions,
  readInventories,
  readLockfile,
  type VersionChange,
} from './drift.ts';
export {
  type DependencyInventory,
  embedInventory,
  INVENTORY_FILE,
  INVENTORY_GLOBAL,
  type InventoryPackage,
  inventoryFromMetafile,
  inventoryInBundle,
  inventoryStatement,
  type MetafileImport,
  type MetafileLike,
  type MetafileOutput,
  packageDirOf,
  scanNodeModules,
  withInventory,
} from './inventory.ts';
export { runInventoryCli } from './inventory-cli.ts';
export { formatJson, formatTable, TOOL_VERSION, toSarif } from './report.ts';
export { type Level, RULES, RULES_DOC_URL, type Rule } from './rules.ts';
export { MIDDLEWARE_PACKAGES } from './source.ts';
export {
  MAX_ALIASES,
  MAX_TEMPLATE_BYTES,
  type ParsedTemplate,
  parseTemplate,
  TemplateError,
} from './template.ts';
