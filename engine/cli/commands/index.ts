/**
 * Every CLI command, one file each. A command file exports `register(program)`, which declares its
 * options (so `orderwire <command> --help` lists everything) and its action.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
