import { defineErrors } from './define.ts';

/** Configuration file and account resolution. */
export const configErrors = defineErrors({
  CONFIG_INVALID: {
    title: 'Invalid configuration file',
    severity: 'error',
    http: 400,
    help: 'The configuration file has findings (syntax, schema or semantic); each is listed with file:line:column.',
  },
  CONFIG_CHANNELS_UNUSABLE: {
    title: 'Channels folder cannot be loaded',
    severity: 'error',
    http: 422,
    help: 'The folder named by `channels_dir` (relative to the configuration file; the shipped channels/ when absent) does not exist, or one of its channel files has an error. Run `orderwire validate <folder>` to see every finding.',
  },
  CONFIG_UNKNOWN_CHANNEL: {
    title: 'Account names an unknown channel',
    severity: 'error',
    http: 400,
    help: 'An account refers to a channel id with no file in the channels folder. Check the id or the channels_dir setting.',
  },
  CONFIG_DUPLICATE_ACCOUNT: {
    title: 'Account id used twice',
    severity: 'error',
    http: 400,
    help: 'Account ids identify stored orders and cursors; each must be unique in the file.',
  },
  CONFIG_POLL_TOO_FREQUENT: {
    title: 'Poll period below the channel minimum',
    severity: 'warning',
    http: 400,
    help: "An account's poll_every is shorter than the channel's documented minimum (retrieval.incremental.min_every); the minimum is used.",
  },
  CONFIG_AUTO_REFUSE_UNAVAILABLE: {
    title: 'Automatic refusal unavailable on this channel',
    severity: 'error',
    http: 400,
    help: "An account opts in to options.auto_refuse, but its channel cannot refuse an order on its own: `refuse` is not allowed while an order waits for acceptance (Decathlon accepts automatically), or it needs a field without a default (a reason) that the daemon would have to invent. Remove the option for this account.",
  },
  CONFIG_DOCUMENTS_DIR_UNUSED: {
    title: 'Documents directory set for documents kept in the database',
    severity: 'error',
    http: 400,
    help: 'The configuration sets `documents.dir` and `documents.store: database`: documents are then kept in the store\'s database and no directory is used. Remove `documents.dir`, or set `documents.store: files` to keep them in that directory.',
  },
  CONFIG_SECRET_MISSING: {
    title: 'Credential environment variable not set',
    severity: 'error',
    http: 400,
    help: 'A credential refers to an environment variable that is not set. Export it before starting orderwire; secrets are never read from files.',
  },
  CONFIG_LITERAL_SECRET: {
    title: 'Secret written in a file',
    severity: 'error',
    http: 400,
    help: 'Credentials and database passwords must be environment-variable references ({ env: NAME }), never literal values in a file.',
  },
});
