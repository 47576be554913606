/**
 * Thrown at construction time when an option is invalid (rule 5). `option` names
 * the offending option so the message can point at the exact line to fix.
 */
export class SentinelConfigError extends Error {
  /** Always `SentinelConfigError`. */
  override readonly name = 'SentinelConfigError';
  /** The option (or environment variable) that is wrong, e.g. `budgets.durationMs` or `SENTINEL_TAGS`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}
