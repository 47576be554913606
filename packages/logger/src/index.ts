export { RedactingLogFormatter } from './formatter.ts';
export {
  type DependencyInventory,
  deployedInventory,
  INVENTORY_FILE,
  INVENTORY_SYMBOL,
  type InventoryPackage,
  inventoryHash,
  inventoryList,
} from './inventory.ts';
export {
  createLogger,
  type LoggerOptions,
  type LogLevelName,
  type RedactingLogger,
  type RedactOptions,
} from './logger.ts';
export {
  ERROR_MESSAGE,
  EVENT_MESSAGE,
  INVENTORY_MESSAGE,
  REDACTION_SUMMARY_MESSAGE,
  RESPONSE_MESSAGE,
  type RedactedLoggingOptions,
  redactedLogging,
} from './middleware.ts';
