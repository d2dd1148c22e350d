import { defineErrors } from './define.ts';

/** Codes shared by every part of orderwire: usage, I/O, internal faults. */
export const generalErrors = defineErrors({
  USAGE: {
    title: 'Invalid command-line usage',
    severity: 'error',
    http: 400,
    help: 'A command was called with missing or conflicting arguments. Run the command with --help.',
  },
  FILE_NOT_FOUND: {
    title: 'File or folder not found',
    severity: 'error',
    http: 404,
    help: 'A path given on the command line or in a configuration file does not exist.',
  },
  FILE_UNREADABLE: {
    title: 'File cannot be read',
    severity: 'error',
    http: 500,
    help: 'The file exists but could not be read (permissions, or it is a folder where a file was expected).',
  },
  NODE_TOO_OLD: {
    title: 'Node.js too old',
    severity: 'error',
    http: 500,
    help: 'The orderwire command runs its TypeScript directly, which needs Node.js 22.18 or later; the message names the Node that was found. Install a newer Node (or run `npx orderwire` in the project, which uses its own).',
  },
  INTERNAL: {
    title: 'Internal error',
    severity: 'error',
    http: 500,
    help: 'An unexpected fault inside orderwire. Please report it with the command you ran; no secret is included in the message.',
  },
});
