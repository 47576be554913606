import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from '../src/deadlines.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => vi.restoreAllMocks());

describe('Deadlines', () => {
  it('runs each callback once, at its deadline, whatever order they were added in', async () => {
    const deadlines = new Deadlines();
    const started = performance.now();
    const ran: [string, number][] = [];
    const at = (name: string) => () => void ran.push([name, performance.now() - started]);
    deadlines.add(at('late'), 120);
    deadlines.add(at('early'), 30);
    deadlines.add(at('middle'), 70);
    deadlines.add(at('same'), 70);
    await sleep(600);
    expect(ran.map(([name]) => name)).toEqual(['early', 'middle', 'same', 'late']);
    for (const [name, ms] of ran) {
      const due = { early: 30, middle: 70, same: 70, late: 120 }[name] as number;
      // Never early; late only by what the event loop adds (generous: CI machines are loaded).
      expect(ms, name).toBeGreaterThanOrEqual(due - 1);
      expect(ms, name).toBeLessThan(due + 400);
    }
    expect(deadlines.size).toBe(0);
  });

  it('never runs a cancelled callback; one cancelled while others wait leaves them on time', async () => {
    const deadlines = new Deadlines();
    const ran: string[] = [];
    const first = () => void ran.push('first');
    const second = () => void ran.push('second');
    deadlines.add(first, 20);
    deadlines.add(second, 40);
    deadlines.cancel(first);
    await sleep(80);
    expect(ran).toEqual(['second']);
  });

  it('arms one timer for invocations served back to back, not one each', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const deadlines = new Deadlines();
    for (let i = 0; i < 1000; i++) {
      const onDue = () => {
        throw new Error('cancelled before its deadline');
      };
      deadlines.add(onDue, 2_500);
      deadlines.cancel(onDue);
    }
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    expect(deadlines.size).toBe(0);
  });

  it('re-arms for an earlier deadline, and after firing for the next one still pending', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const deadlines = new Deadlines();
    const ran: string[] = [];
    const started = performance.now();
    deadlines.add(() => ran.push('b'), 300);
    deadlines.add(() => ran.push('a'), 20);
    // The timers Deadlines armed (the test's own waits use setTimeout too).
    const armed = () => setTimeoutSpy.mock.calls.filter(([callback]) => callback.name === '#fire').length;
    expect(armed()).toBe(2);
    await vi.waitFor(() => expect(ran).toContain('a'), { timeout: 2_000, interval: 5 });
    if (performance.now() - started < 299) expect(ran).toEqual(['a']);
    await vi.waitFor(() => expect(ran).toEqual(['a', 'b']), { timeout: 3_000, interval: 10 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(299);
    // Once for 'a' after it ran (for 'b'). Under load a timer can fire a few ms early (the loop's
    // clock was read before the process was descheduled): it then finds nothing due and re-arms.
    expect(armed()).toBeGreaterThanOrEqual(3);
    expect(armed()).toBeLessThanOrEqual(5);
  });

  it('keeps the process alive while a deadline is pending, and only then', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const deadlines = new Deadlines();
    const first = () => {};
    const second = () => {};
    deadlines.add(first, 10_000);
    const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(true);
    deadlines.cancel(first);
    expect(timer.hasRef()).toBe(false);
    // Pending again on the timer still armed: it holds the process again, until cancelled.
    deadlines.add(second, 20_000);
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    expect(timer.hasRef()).toBe(true);
    deadlines.cancel(second);
    expect(timer.hasRef()).toBe(false);
  });
});
