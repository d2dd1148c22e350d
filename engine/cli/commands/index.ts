/**
 * Every CLI command, one file each. A command file exports `register(program)`, which declares its
 * options (so `orderwire <command> --help` lists everything) and its action. To add a command:
 * its file, plus one line below.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

/**
 * Each command file is loaded only when its command runs (or for the full help): a command pulls
 * in what it needs (fastify, got, the stores, the simulators...), and `orderwire validate` in an
 * integrator's CI should not pay for the daemon. Names here must match each file's command name
 * (test/cli-lazy-commands.test.ts checks it).
 */
export interface CommandEntry {
  name: string;
  load: () => Promise<{ register: RegisterCommand }>;
}

export const commands: CommandEntry[] = [
  // Channels: write, check and document them.
  { name: 'channels', load: () => import('./channels.ts') },
  { name: 'validate', load: () => import('./validate.ts') },
  { name: 'schema', load: () => import('./schema.ts') },
  { name: 'describe', load: () => import('./describe.ts') },
  { name: 'doc', load: () => import('./doc.ts') },
  { name: 'check', load: () => import('./check.ts') },
  { name: 'test', load: () => import('./test.ts') },
  // Run: the daemon, one-off syncs, the store, actions.
  { name: 'run', load: () => import('./run.ts') },
  { name: 'sync', load: () => import('./sync.ts') },
  { name: 'orders', load: () => import('./orders.ts') },
  { name: 'actions', load: () => import('./actions.ts') },
  { name: 'action', load: () => import('./action.ts') },
  { name: 'lists', load: () => import('./lists.ts') },
  { name: 'documents', load: () => import('./documents.ts') },
  { name: 'migrate', load: () => import('./migrate.ts') },
  { name: 'token', load: () => import('./token.ts') },
  { name: 'privacy', load: () => import('./privacy.ts') },
  // Sandbox.
  { name: 'simulate', load: () => import('./simulate.ts') },
  { name: 'demo', load: () => import('./demo.ts') },
];
