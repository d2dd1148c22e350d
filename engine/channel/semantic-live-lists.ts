/**
 * Semantic checks on live lists (`lists.<name>.live`): the platform must declare the reference
 * list it names, a `type` must be selectable (and given where the records are typed), and the
 * refresh period must keep within the platform's budget for the list's endpoint.
 */
import type { CheckContext } from './check-context.ts';
import { durationToMs, msToDuration } from './duration.ts';
import { platformLists, type PlatformListFacts } from './platforms.ts';
import { didYouMean, listOf } from '../documents/suggest.ts';

export function checkLiveLists(ctx: CheckContext, lists: Readonly<Record<string, PlatformListFacts>> | undefined = platformLists(ctx.raw.platform, ctx.parsed.file)): void {
  const { raw } = ctx;
  for (const [name, list] of Object.entries(raw.lists ?? {})) {
    const live = list.live;
    if (!live) continue;
    // The platform file is missing or broken: its own validation (or CHANNEL_UNKNOWN_PLATFORM) says so.
    if (lists === undefined) continue;
    const source = lists[live.from];
    if (!source) {
      const names = Object.keys(lists);
      ctx.report(['lists', name, 'live', 'from'], 'value', 'CHANNEL_LIST_LIVE_UNKNOWN',
        `platform \`${raw.platform}\` declares no reference list \`${live.from}\`${names.length ? ` (it declares ${listOf(names)})` : ' (it declares none)'}`,
        didYouMean(live.from, names) ?? (names.length ? `use one of ${listOf(names)}` : 'remove `live`, or declare the list under `lists:` in the platform file'));
      continue;
    }
    if (live.type !== undefined && !source.typed) {
      ctx.report(['lists', name, 'live', 'type'], 'value', 'CHANNEL_LIST_LIVE_TYPE', `the records of \`${raw.platform}\` list \`${live.from}\` have no type, so \`type: ${live.type}\` would select nothing`, 'remove `type`');
    } else if (live.type === undefined && source.typed) {
      ctx.report(['lists', name, 'live'], 'key', 'CHANNEL_LIST_LIVE_TYPE', `\`${raw.platform}\` list \`${live.from}\` holds records of several types: without \`type\`, list \`${name}\` would take every one of them`, `add the type this list holds, e.g. type: ${list.kind === 'reason' ? 'REFUND' : 'TYPE'}`);
    }
    const refreshMs = durationToMs(live.refresh);
    if (refreshMs !== undefined && source.minSpacingMs !== undefined && refreshMs < source.minSpacingMs) {
      ctx.report(['lists', name, 'live', 'refresh'], 'value', 'CHANNEL_LIST_LIVE_OVER_BUDGET',
        `refresh every ${live.refresh} exceeds the budget of ${source.endpoint} (${source.budget}) declared by platform \`${raw.platform}\``,
        `refresh at most as often as the budget allows (every ${msToDuration(source.minSpacingMs)} or longer)`);
    }
  }
}
