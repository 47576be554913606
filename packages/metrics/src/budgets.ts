import { SentinelConfigError } from '@lambda-sentinel/core';

/** Per-invocation limits; exceeding one records a `budget_exceeded` security event. */
export interface Budgets {
  /** Wall-clock duration of the invocation, in ms (`Duration`). */
  durationMs?: number;
  /** CPU time (user + system) of the invocation's thread (or process, `cpuTime: 'process'`) during the invocation, in ms (`CpuTime`). */
  cpuMs?: number;
  /** The longest the event loop was blocked during the invocation, in ms (`EventLoopDelayMax`). */
  eventLoopDelayMs?: number;
  /** Peak resident memory of the process, in MB (`MemoryUsed`). */
  memoryMb?: number;
}

export type BudgetName = keyof Budgets;

/** The measured figures budgets are checked against. */
export type Measured = Record<BudgetName, number | undefined>;

export interface BudgetOverrun {
  budget: BudgetName;
  limit: number;
  measured: number;
}

const BUDGET_NAMES: readonly BudgetName[] = ['durationMs', 'cpuMs', 'eventLoopDelayMs', 'memoryMb'];

/** Validates `budgets` at construction; returns the set limits as a compact list. */
export function compileBudgets(budgets: unknown): Array<[BudgetName, number]> {
  if (budgets === undefined) return [];
  if (budgets === null || typeof budgets !== 'object' || Array.isArray(budgets)) {
    throw new SentinelConfigError('budgets', 'expected an object like { durationMs: 1000 }');
  }
  const limits: Array<[BudgetName, number]> = [];
  for (const [name, limit] of Object.entries(budgets)) {
    if (!BUDGET_NAMES.includes(name as BudgetName)) {
      throw new SentinelConfigError(
        `budgets.${name}`,
        `unknown budget; expected one of ${BUDGET_NAMES.join(', ')}`,
      );
    }
    if (limit === undefined) continue;
    if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
      throw new SentinelConfigError(`budgets.${name}`, 'expected a positive number');
    }
    limits.push([name as BudgetName, limit]);
  }
  return limits;
}

/** The budgets `measured` exceeds (a figure that was not measured exceeds nothing). */
export function overruns(limits: ReadonlyArray<[BudgetName, number]>, measured: Measured): BudgetOverrun[] {
  const found: BudgetOverrun[] = [];
  for (const [budget, limit] of limits) {
    const value = measured[budget];
    if (value !== undefined && value > limit) found.push({ budget, limit, measured: value });
  }
  return found;
}
