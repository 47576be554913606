import net from 'node:net';
import tls from 'node:tls';
import { activePolicy } from '../active-policy.ts';
import type { RuntimeGuardViolationError } from '../errors.ts';
import { hostKey } from '../globs.ts';
import { violation } from '../violation.ts';
import { replaceMethod, reportGuardFault } from './wrap.ts';

/**
 * Outbound connections. Every TCP, TLS, HTTP(S), HTTP/2 and `fetch`
 * (undici) client connection ends in `net.Socket.prototype.connect`, which
 * knows the host and port before DNS or a SYN; both modes patch that one
 * method. Node's `net.client.socket` channel fires at the same point but
 * carries only the socket, whose address is not known yet, so it cannot
 * tell an allowed host from another. A blocked socket is destroyed with the
 * error on the next tick — the way Node reports a refused connection, which
 * every client already handles — and never touches the network.
 * UDP (`dgram`, used by the X-Ray SDK) is not a connection and not watched.
 */

interface Target {
  key: string;
  shown: string;
}

function tcpTarget(host: unknown, port: unknown): Target | undefined {
  if (typeof port !== 'number' && typeof port !== 'string') return undefined;
  const name = typeof host === 'string' && host !== '' ? host : 'localhost';
  const shown = name.includes(':') ? `[${name}]:${port}` : `${name}:${port}`;
  return { key: hostKey(name, port), shown };
}

/** The target of a `connect(...)` call in any of its forms, including Node's pre-normalised `[options, cb]`. */
export function connectTarget(args: readonly unknown[]): Target | undefined {
  const head = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (head && typeof head === 'object') {
    const options = head as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof options.path === 'string' && options.path !== '') {
      return { key: `unix:${options.path}`, shown: `unix:${options.path}` };
    }
    return tcpTarget(options.host, options.port);
  }
  if (typeof head === 'number' || (typeof head === 'string' && /^\d+$/.test(head)))
    return tcpTarget(args[1], head);
  if (typeof head === 'string' && head !== '') return { key: `unix:${head}`, shown: `unix:${head}` };
  return undefined;
}

function check(socket: net.Socket, args: readonly unknown[]): RuntimeGuardViolationError | undefined {
  const policy = activePolicy();
  if (!policy || policy.outbound.mode === 'allow') return undefined;
  try {
    const target = connectTarget(args);
    if (!target || policy.outbound.allows(target.key)) return undefined;
    const operation = socket instanceof tls.TLSSocket ? 'tls.connect' : 'net.connect';
    return violation('outbound', policy.outbound.mode, operation, target.shown);
  } catch (error) {
    reportGuardFault('net.connect', error);
    return undefined;
  }
}

let installed = false;

export function installNetHooks(): void {
  if (installed) return;
  installed = true;
  replaceMethod(
    net.Socket.prototype,
    'connect',
    (original) =>
      function guardedConnect(this: net.Socket, ...args: unknown[]) {
        const error = check(this, args);
        if (error) {
          process.nextTick(() => this.destroy(error));
          return this;
        }
        return Reflect.apply(original, this, args);
      },
  );
}
