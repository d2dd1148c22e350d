/**
 * Semantic checks on identity, status map and retrieval windows: what the schema cannot say
 * because it needs two places of the document at once.
 */
import path from 'node:path';
import type { CheckContext } from './check-context.ts';
import { entries } from './check-context.ts';
import { durationToMs } from './duration.ts';
import type { NormalizedStatus } from './model.ts';
import { knownPlatforms, platformStatuses } from './platforms.ts';
import { didYouMean, listOf } from '../documents/suggest.ts';

export function checkIdentity(ctx: CheckContext, knownPlatformNames: readonly string[] = knownPlatforms(ctx.parsed.file)): void {
  const { raw, parsed } = ctx;
  if (!knownPlatformNames.includes(raw.platform)) {
    ctx.report(['platform'], 'value', 'CHANNEL_UNKNOWN_PLATFORM', `unknown platform \`${raw.platform}\`; known platforms: ${listOf(knownPlatformNames)}`, didYouMean(raw.platform, knownPlatformNames) ?? 'add channels/platforms/<name>.yaml, or use a known platform');
  }
  const base = path.basename(parsed.file).replace(/\.ya?ml$/, '');
  if (parsed.file !== '-' && parsed.file !== '<stdin>' && /\.ya?ml$/.test(parsed.file) && base !== raw.id) {
    ctx.report(['id'], 'value', 'CHANNEL_ID_MISMATCH', `channel id \`${raw.id}\` differs from the file name ${path.basename(parsed.file)}, so \`${raw.id}\` cannot be found by id`, `rename the file ${raw.id}.yaml, or set id: ${base}`);
  }
}

/**
 * `vocabulary`: the statuses the channel's platform declares (undefined: the platform declares
 * none, every spelling is accepted). Case matters: Octopia sends `Shipped`, Mirakl `SHIPPED`.
 */
export function checkStatusMap(ctx: CheckContext, vocabulary: readonly string[] | undefined = platformStatuses(ctx.raw.platform, ctx.parsed.file)): void {
  const { raw } = ctx;
  const seen = new Map<string, { section: string; status: string }>();
  const known = vocabulary && new Set(vocabulary);
  for (const section of ['statuses', 'line_statuses'] as const) {
    for (const [status, marketplace] of entries(raw[section])) {
      marketplace.forEach((m, i) => {
        if (known && vocabulary && !known.has(m)) {
          ctx.report([section, status, i], 'value', 'CHANNEL_STATUS_UNKNOWN_TO_PLATFORM', `platform \`${raw.platform}\` sends no status \`${m}\`: an order in it would never be recognized`, didYouMean(m, vocabulary) ?? `use a status the platform declares: ${listOf(vocabulary)}`);
        }
        const first = seen.get(m);
        if (first) {
          ctx.report([section, status, i], 'value', 'CHANNEL_STATUS_MAPPED_TWICE', `marketplace status \`${m}\` is mapped to \`${first.section}.${first.status}\` and again to \`${section}.${status}\`: an order in ${m} could not be classified`, `keep ${m} under one normalized status only`);
        } else {
          seen.set(m, { section, status });
        }
      });
    }
  }
  for (const status of Object.keys(raw.status_notes ?? {}) as NormalizedStatus[]) {
    if (!ctx.mapped.has(status)) {
      ctx.report(['status_notes', status], 'key', 'CHANNEL_STATUS_UNMAPPED', `\`status_notes\` explains \`${status}\`, but \`statuses\` does not map it`, didYouMean(status, ctx.mapped) ?? `map ${status} under \`statuses\`, or remove the note`);
    }
  }
  const arrivesIn = raw.fulfillment?.arrives_in;
  if (arrivesIn !== undefined && !ctx.mapped.has(arrivesIn)) {
    ctx.report(['fulfillment', 'arrives_in'], 'value', 'CHANNEL_STATUS_UNMAPPED', `fulfilled orders arrive in \`${arrivesIn}\`, but \`statuses\` does not map it`, `map ${arrivesIn} under \`statuses\`, or name a mapped status`);
  }
  // A status where nothing can be done deserves a word of explanation for users.
  const actions = Object.values(raw.actions);
  for (const status of Object.keys(raw.statuses) as NormalizedStatus[]) {
    const anyAllowed = actions.some((a) => a?.when.includes(status));
    if (!anyAllowed && raw.status_notes?.[status] === undefined) {
      ctx.report(['statuses', status], 'key', 'CHANNEL_STATUS_DEAD_END', `no action is allowed in \`${status}\` and \`status_notes\` does not say why`, `add under status_notes: \`${status}: No action available.\` (or explain what happens next)`);
    }
  }
}

export function checkWindows(ctx: CheckContext): void {
  const { incremental, catch_up } = ctx.raw.retrieval;
  const ms = (text: string) => durationToMs(text) ?? Number.NaN;
  const positive = (p: readonly string[], text: string | undefined, what: string) => {
    if (text !== undefined && ms(text) <= 0) ctx.report(p, 'value', 'CHANNEL_WINDOW_NOT_POSITIVE', `${what} is zero (${text})`, 'use a positive duration such as PT15M or P1D');
  };
  positive(['retrieval', 'incremental', 'every'], incremental.every, 'the incremental period `retrieval.incremental.every`');
  positive(['retrieval', 'incremental', 'min_every'], incremental.min_every, 'the shortest period `retrieval.incremental.min_every`');
  positive(['retrieval', 'catch_up', 'every'], catch_up.every, 'the catch-up period `retrieval.catch_up.every`');
  positive(['retrieval', 'catch_up', 'lookback'], catch_up.lookback, 'the catch-up lookback `retrieval.catch_up.lookback`');
  if (incremental.min_every !== undefined && ms(incremental.min_every) > ms(incremental.every)) {
    ctx.report(['retrieval', 'incremental', 'min_every'], 'value', 'CHANNEL_WINDOW_MIN_EVERY', `the shortest period min_every (${incremental.min_every}) is longer than the period every (${incremental.every})`, `make min_every at most ${incremental.every}`);
  }
  if (ms(catch_up.lookback) > 0 && ms(catch_up.lookback) < ms(incremental.every)) {
    ctx.report(['retrieval', 'catch_up', 'lookback'], 'value', 'CHANNEL_WINDOW_LOOKBACK_SHORT', `the catch-up lookback (${catch_up.lookback}) is shorter than the incremental period (${incremental.every}): orders changed between two polls could be missed for good`, `make the lookback at least ${incremental.every}`);
  }
}
