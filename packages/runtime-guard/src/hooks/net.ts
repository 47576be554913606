import type { Socket } from 'node:net';
import { activePolicy } from '../active-policy.ts';
import type { RuntimeGuardViolationError } from '../errors.ts';
import { hostKey } from '../globs.ts';
import type { CompiledPolicy } from '../policy.ts';
import { violation } from '../violation.ts';
import { replaceMethod, reportGuardFault } from './wrap.ts';

// Not `import dns from 'node:dns'` and `import net from 'node:net'`: the ESM view of a built-in reads
// every export, loading `dns.promises` and net's BlockList and SocketAddress at cold start.
const dns = process.getBuiltinModule('node:dns');
const net = process.getBuiltinModule('node:net');

/**
 * Outbound connections. Every TCP, TLS, HTTP(S), HTTP/2 and `fetch`
 * (undici) client connection ends in `net.Socket.prototype.connect`, which
 * knows the host and port before DNS or a SYN; both modes patch that one
 * method. Node's `net.client.socket` channel fires at the same point but
 * carries only the socket, whose address is not known yet, so it cannot
 * tell an allowed host from another. A blocked connection fails like one
 * whose DNS lookup failed (see `block` below) — a failure every client
 * already handles — and never touches the network.
 *
 * The check is on the name the code asked for; Node's resolver is trusted to
 * say where it leads. A resolver the code brings (a `lookup` option, on the
 * call or an `http.Agent`, or a replaced `dns.lookup`) is not: the address it
 * answers must be allowed itself or be one Node's resolver gives for the name.
 *
 * UDP (`dgram`, used by the X-Ray SDK) is not a connection and not watched.
 */

interface Target {
  key: string;
  shown: string;
}

type NormalizeArgs = (args: readonly unknown[]) => unknown[];

// Node's own argument normaliser, which turns `connect(port, host, cb)` and
// the other forms into `[options, cb]` exactly as `Socket.prototype.connect`
// does; and the symbol marking its result, so a user's array is not taken
// for one.
const normalizeArgs = (net as unknown as { _normalizeArgs?: NormalizeArgs })._normalizeArgs;
const NORMALIZED = normalizeArgs ? Object.getOwnPropertySymbols(normalizeArgs([]))[0] : undefined;

interface ConnectOptions {
  host?: unknown;
  port?: unknown;
  path?: unknown;
  localAddress?: unknown;
  localPort?: unknown;
  lookup?: unknown;
}

/** Node's `validatePort`: an integer 0-65535, as a number or a non-blank string. */
function validPort(port: unknown): port is number | string {
  if (typeof port !== 'number' && typeof port !== 'string') return false;
  if (typeof port === 'string' && port.trim() === '') return false;
  const value = +port;
  return value === value >>> 0 && value <= 0xffff;
}

/** The `[options, callback]` of a `connect(...)` call, as `Socket.prototype.connect` normalises it. */
function normalised(args: readonly unknown[]): [unknown, unknown] | undefined {
  const head = args[0];
  if (
    Array.isArray(head) &&
    NORMALIZED !== undefined &&
    (head as unknown as Record<symbol, unknown>)[NORMALIZED]
  )
    return [head[0], head[1]];
  if (!normalizeArgs) return undefined;
  const [options, callback] = normalizeArgs(args);
  return [options, callback];
}

/**
 * The target of a `connect(...)` call in any of its forms, including Node's
 * pre-normalised `[options, cb]`. Undefined when Node would refuse the call
 * itself (missing or invalid port, non-string host or path, bad local
 * address...): the guard lets it through, so it fails with Node's own error
 * exactly as without the guard (rule 1) and nothing is recorded.
 */
export function connectTarget(args: readonly unknown[]): Target | undefined {
  const options = normalised(args)?.[0];
  if (!options || typeof options !== 'object') return undefined;
  const { host, port, path, localAddress, localPort, lookup } = options as ConnectOptions;
  // Node connects to a Unix socket whenever `path` is truthy.
  if (path) return typeof path === 'string' ? { key: `unix:${path}`, shown: `unix:${path}` } : undefined;
  if (!validPort(port)) return undefined;
  const name = host || 'localhost';
  if (typeof name !== 'string' || name.includes('\0')) return undefined;
  if (localAddress && (typeof localAddress !== 'string' || net.isIP(localAddress) === 0)) return undefined;
  if (localPort && typeof localPort !== 'number') return undefined;
  if (lookup != null && typeof lookup !== 'function' && net.isIP(name) === 0) return undefined;
  const number = +port;
  const shown = name.includes(':') ? `[${name}]:${number}` : `${name}:${number}`;
  return { key: hostKey(name, number), shown };
}

interface Checked {
  target: Target;
  operation: string;
  policy: CompiledPolicy;
  /** Set when the host is not allowed (and the policy blocks). */
  error?: RuntimeGuardViolationError | undefined;
  allowed: boolean;
}

function check(socket: Socket, args: readonly unknown[]): Checked | undefined {
  const policy = activePolicy();
  if (!policy || policy.outbound.mode === 'allow') return undefined;
  // Node itself does nothing when the socket's parent is already connecting.
  if ((socket as { _parent?: { connecting?: unknown } | null })._parent?.connecting) return undefined;
  try {
    const target = connectTarget(args);
    if (!target) return undefined;
    // `TLSSocket` sets `encrypted`; testing it spares every function importing
    // `node:tls` (≈7 ms of a cold start) just to name the operation.
    const operation = (socket as { encrypted?: unknown }).encrypted === true ? 'tls.connect' : 'net.connect';
    if (policy.outbound.allows(target.key)) return { target, operation, policy, allowed: true };
    const error = violation('outbound', policy.outbound.mode, operation, target.shown);
    return { target, operation, policy, allowed: false, error };
  } catch (error) {
    reportGuardFault('net.connect', error);
    return undefined;
  }
}

type LookupCallback = (error: Error | null, address?: unknown, family?: unknown) => void;
type Lookup = (hostname: string, options: unknown, callback: LookupCallback) => void;

// Node's own resolver, as it was before any code could replace it.
const systemLookup = dns.lookup as unknown as Lookup;

/**
 * The lookup a connection to a host name will use when it is not Node's own
 * resolver: a `lookup` option on the call (or on an `http.Agent`, which
 * passes it down), or a replaced `dns.lookup`. Undefined otherwise.
 */
function customLookup(args: readonly unknown[], host: string): Lookup | undefined {
  if (net.isIP(host) !== 0) return undefined;
  const given = ((normalised(args)?.[0] ?? {}) as ConnectOptions).lookup;
  const lookup = typeof given === 'function' ? given : dns.lookup;
  return lookup === systemLookup ? undefined : (lookup as Lookup);
}

/**
 * The first of `addresses` that is not where `host` really leads — neither
 * allowed itself nor among the addresses Node's own resolver gives for
 * `host` — or undefined when there is none.
 */
function strayAddress(
  policy: CompiledPolicy,
  host: string,
  port: number,
  addresses: string[],
  done: (stray: string | undefined) => void,
): void {
  const unlisted = addresses.filter((address) => !policy.outbound.allows(hostKey(address, port)));
  if (unlisted.length === 0) {
    done(undefined);
    return;
  }
  systemLookup(host, { all: true }, (error, resolved) => {
    const known = new Set(error || !Array.isArray(resolved) ? [] : resolved.map((entry) => entry?.address));
    done(unlisted.find((address) => !known.has(address)));
  });
}

/**
 * Wraps a custom lookup so the address it answers is checked too: a lookup
 * that sends an allowed name to another address (127.0.0.1, the instance
 * metadata service, an attacker's server) is a violation, reported with the
 * address actually connected to. In block mode the lookup fails with the
 * guard's error, so the connection fails like one whose DNS lookup failed.
 */
function checkedLookup(lookup: Lookup, checked: Checked, host: string, port: number): Lookup {
  const { policy, operation, target } = checked;
  return function guardedLookup(this: unknown, hostname, options, callback) {
    Reflect.apply(lookup, this, [
      hostname,
      options,
      (error: Error | null, address?: unknown, family?: unknown) => {
        if (error || address === undefined) return callback(error, address, family);
        // Rule 1: a fault in the guard's own check lets the connection go ahead as without it
        // (and an error from the connection's own callback is not the guard's to handle).
        let answered = false;
        const answer: LookupCallback = (...results) => {
          answered = true;
          callback(...results);
        };
        try {
          const addresses = Array.isArray(address)
            ? address.map((entry) => String((entry as { address?: unknown })?.address))
            : [String(address)];
          strayAddress(policy, host, port, addresses, (stray) => {
            if (stray === undefined) return answer(null, address, family);
            const shown = stray.includes(':') ? `[${stray}]:${port}` : `${stray}:${port}`;
            const blocked = violation('outbound', policy.outbound.mode, operation, shown, {
              host: target.shown,
            });
            if (blocked) answer(blocked);
            else answer(null, address, family);
          });
        } catch (fault) {
          if (answered) throw fault;
          reportGuardFault('net.connect lookup', fault);
          answer(null, address, family);
        }
      },
    ]);
  };
}

/** Stands in for an IP address, which Node would connect to without a lookup. */
const BLOCKED_HOST = 'blocked.runtime-guard.invalid';

/**
 * Fails a blocked connection the way Node fails one whose DNS lookup fails:
 * Node's own `connect` runs with a `lookup` that answers the guard's error,
 * so the socket is set up and connecting exactly as usual (clients such as
 * http2 inspect that), nothing is resolved or sent, and the socket is
 * destroyed with the error. A Unix socket has no lookup: it is marked
 * connecting and destroyed with the error on the next tick.
 */
function block(
  socket: Socket,
  original: (...args: unknown[]) => unknown,
  args: readonly unknown[],
  error: RuntimeGuardViolationError,
): unknown {
  const [options, callback] = normalised(args) ?? [];
  const { host, path } = (options ?? {}) as ConnectOptions;
  if (!options || path) {
    (socket as { connecting: boolean }).connecting = true;
    process.nextTick(() => socket.destroy(error));
    return socket;
  }
  const failing = Object.create(options as object) as ConnectOptions;
  failing.host = typeof host === 'string' && net.isIP(host) === 0 ? host : BLOCKED_HOST;
  failing.lookup = (_hostname: string, _options: unknown, done: (error: Error) => void) => {
    process.nextTick(done, error);
  };
  return Reflect.apply(original, socket, typeof callback === 'function' ? [failing, callback] : [failing]);
}

let installed = false;

export function installNetHooks(): void {
  if (installed) return;
  installed = true;
  replaceMethod(
    net.Socket.prototype,
    'connect',
    (original) =>
      function guardedConnect(this: Socket, ...args: unknown[]) {
        const checked = check(this, args);
        if (checked?.error) return block(this, original, args, checked.error);
        if (checked?.allowed) {
          const [options, callback] = normalised(args) ?? [];
          const { host, port } = (options ?? {}) as ConnectOptions;
          const name = typeof host === 'string' && host ? host : 'localhost';
          const lookup = customLookup(args, name);
          if (lookup) {
            const verifying = Object.create(options as object) as ConnectOptions;
            verifying.lookup = checkedLookup(lookup, checked, name, Number(port));
            return Reflect.apply(
              original,
              this,
              typeof callback === 'function' ? [verifying, callback] : [verifying],
            );
          }
        }
        return Reflect.apply(original, this, args);
      },
  );
}
