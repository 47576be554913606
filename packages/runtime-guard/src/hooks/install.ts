import type { CompiledPolicy } from '../policy.ts';
import {
  installChildProcessAlertChannel,
  installChildProcessBlockHook,
  installChildProcessSyncHooks,
} from './child-process.ts';
import { installFsHooks } from './fs.ts';
import { installNetHooks } from './net.ts';

/**
 * Installs, once per process, the hooks a policy needs — and only those: a
 * policy in `allow` mode installs nothing, so it costs nothing.
 */
export function installHooks(policy: CompiledPolicy): void {
  if (policy.fileRead.mode !== 'allow' || policy.fileWrite.mode !== 'allow') installFsHooks();
  const children = policy.childProcess.mode;
  if (children !== 'allow') installChildProcessSyncHooks();
  if (children === 'block') installChildProcessBlockHook();
  if (children === 'alert') installChildProcessAlertChannel();
  if (policy.outbound.mode !== 'allow') installNetHooks();
}
