/**
 * Every CLI command, one file each. A command file exports `register(program)`, which declares its
 * options (so `orderwire <command> --help` lists everything) and its action.
 */
import type { Command } from 'commander';
import { register as validate } from './validate.ts';
import { register as schema } from './schema.ts';
import { register as describe } from './describe.ts';
import { register as channels } from './channels.ts';
import { register as doc } from './doc.ts';
import { register as simulate } from './simulate.ts';
import { register as migrate } from './migrate.ts';
import { register as check } from './check.ts';
import { register as test } from './test.ts';
import { register as run } from './run.ts';
import { register as sync } from './sync.ts';
import { register as orders } from './orders.ts';
import { register as actions } from './actions.ts';
import { register as action } from './action.ts';
import { register as demo } from './demo.ts';
import { register as token } from './token.ts';
import { register as privacy } from './privacy.ts';
import { register as lists } from './lists.ts';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  // Channels: write, check and document them.
  channels,
  validate,
  schema,
  describe,
  doc,
  check,
  test,
  // Run: the daemon, one-off syncs, the store, actions.
  run,
  sync,
  orders,
  actions,
  action,
  lists,
  migrate,
  token,
  privacy,
  // Sandbox.
  simulate,
  demo,
];
