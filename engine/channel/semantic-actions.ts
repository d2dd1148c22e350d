/**
 * Semantic checks on actions: where they are allowed, their per-status overrides, the "instead"
 * advice, and the statuses and actions custom rules refer to.
 */
import type { CheckContext } from './check-context.ts';
import { entries } from './check-context.ts';
import type { RawAction } from './compile.ts';
import type { ActionName, NormalizedStatus } from './model.ts';
import { didYouMean, listOf } from '../documents/suggest.ts';
import { platformActions, platformStatuses, type PlatformActionFacts } from './platforms.ts';

function mapHint(ctx: CheckContext, status: string, orElse: string): string {
  return didYouMean(status, ctx.mapped) ?? `map ${status} under \`statuses\`, or ${orElse}`;
}

function checkAction(ctx: CheckContext, name: ActionName, action: RawAction): void {
  const at = (...rest: (string | number)[]) => ['actions', name, ...rest];
  action.when.forEach((status, i) => {
    if (!ctx.mapped.has(status)) {
      ctx.report(at('when', i), 'value', 'CHANNEL_ACTION_STATUS_UNMAPPED', `action \`${name}\` is allowed in \`${status}\`, but \`statuses\` does not map \`${status}\`: no order can ever be in it`, mapHint(ctx, status, 'remove it from `when`'));
    }
  });
  if (action.when.length === 0 && action.note === undefined) {
    ctx.report(at('when'), 'value', 'CHANNEL_ACTION_NEVER_ALLOWED', `action \`${name}\` has \`when: []\` (never allowed) but no \`note\` saying why`, 'add `note:` explaining why, and `instead:` naming the action to use per status');
  }
  const partsWithoutLines = (lines: RawAction['lines'], parts: RawAction['partial_lines'], where: (string | number)[], what: string) => {
    if ((parts?.length ?? 0) > 0 && (lines ?? 'none') === 'none') {
      ctx.report(where, 'key', 'CHANNEL_PARTIAL_LINES_WITHOUT_LINES', `${what} takes parts of lines (\`partial_lines\`) but no lines (\`lines: none\`): no request could give one`, 'set `lines: optional` (or `required`), or remove `partial_lines`');
    }
  };
  partsWithoutLines(action.lines, action.partial_lines, at('partial_lines'), `action \`${name}\``);
  if (name !== 'ship') {
    const parcelsAt = action.parcels ? at('parcels') : entries(action.by_status).filter(([, o]) => o.parcels).map(([status]) => at('by_status', status, 'parcels'))[0];
    if (parcelsAt) ctx.report(parcelsAt, 'key', 'CHANNEL_PARCELS_NOT_SHIP', `action \`${name}\` takes \`parcels\`, but only \`ship\` sends parcels`, 'remove `parcels`');
  }
  for (const [status, override] of entries(action.by_status)) {
    partsWithoutLines(override.lines ?? action.lines, override.partial_lines ?? action.partial_lines, at('by_status', status, override.partial_lines ? 'partial_lines' : 'lines'), `action \`${name}\` in \`${status}\``);
  }
  for (const status of Object.keys(action.by_status ?? {}) as NormalizedStatus[]) {
    if (!ctx.mapped.has(status)) {
      ctx.report(at('by_status', status), 'key', 'CHANNEL_STATUS_UNMAPPED', `\`by_status\` of action \`${name}\` overrides \`${status}\`, but \`statuses\` does not map it`, mapHint(ctx, status, 'remove the override'));
    } else if (!action.when.includes(status)) {
      const allowed = action.when.length > 0 ? `it is allowed only in ${listOf(action.when)}` : 'it is never allowed';
      ctx.report(at('by_status', status), 'key', 'CHANNEL_BY_STATUS_OUTSIDE_WHEN', `\`by_status\` of action \`${name}\` overrides \`${status}\`, but the action's \`when\` does not include it (${allowed}), so the override never applies`, didYouMean(status, action.when) ?? `add ${status} to \`when\`, or remove the override`);
    }
  }
  for (const [status, target] of entries(action.instead)) {
    if (!ctx.mapped.has(status)) {
      ctx.report(at('instead', status), 'key', 'CHANNEL_STATUS_UNMAPPED', `\`instead\` of action \`${name}\` gives advice for \`${status}\`, but \`statuses\` does not map it`, mapHint(ctx, status, 'remove the advice'));
      continue;
    }
    if (action.when.includes(status)) {
      ctx.report(at('instead', status), 'key', 'CHANNEL_INSTEAD_WHERE_ALLOWED', `\`instead\` of action \`${name}\` advises \`${target}\` in \`${status}\`, but \`${name}\` itself is allowed in \`${status}\``, `remove ${status} from \`instead\`, or from \`when\``);
      continue;
    }
    const targetAction = ctx.raw.actions[target];
    if (!targetAction || !targetAction.when.includes(status)) {
      const allowedThere = (Object.keys(ctx.raw.actions) as ActionName[]).filter((a) => ctx.raw.actions[a]!.when.includes(status));
      const why = !targetAction ? `the channel does not define \`${target}\`` : `\`${target}\` is not allowed in \`${status}\``;
      const hint = allowedThere.length > 0 ? `actions allowed in ${status}: ${listOf(allowedThere)}` : `no action is allowed in ${status}; explain it in \`note\` instead`;
      ctx.report(at('instead', status), 'value', 'CHANNEL_INSTEAD_NOT_ALLOWED', `\`instead\` of action \`${name}\` advises \`${target}\` in \`${status}\`, but ${why}`, hint);
    }
  }
}

export function checkActions(ctx: CheckContext, vocabulary: readonly string[] | undefined = platformStatuses(ctx.raw.platform, ctx.parsed.file)): void {
  const delivered = platformActions(ctx.raw.platform, ctx.parsed.file);
  for (const [name, action] of entries(ctx.raw.actions)) {
    checkAction(ctx, name, action);
    checkMarketplaceStatusConditions(ctx, name, action, vocabulary);
    checkLinePartsDelivered(ctx, name, action, delivered?.[name]);
  }
}

/**
 * `partial_lines` promises that a request may name some units or an amount of a line. The
 * platform's requests for the action must send that part (`${line.requested...}`): one that sends
 * each targeted line whole would cancel or refund more than the merchant asked, so the channel is
 * refused at load rather than at the first such request.
 */
function checkLinePartsDelivered(ctx: CheckContext, name: ActionName, action: RawAction, platform: PlatformActionFacts | undefined): void {
  if (platform === undefined || platform.sendsLineParts) return;
  const places: (string | number)[][] = [];
  if ((action.partial_lines?.length ?? 0) > 0) places.push(['actions', name, 'partial_lines']);
  for (const [status, override] of entries(action.by_status)) {
    if ((override.partial_lines?.length ?? 0) > 0) places.push(['actions', name, 'by_status', status, 'partial_lines']);
  }
  for (const where of places) {
    ctx.report(where, 'key', 'CHANNEL_PARTIAL_LINES_NOT_SENT', `action \`${name}\` takes parts of lines (\`partial_lines\`), but platform \`${ctx.raw.platform}\` sends each targeted line whole for \`${name}\` (its requests never read \`line.requested\`): a part asked for would ${name === 'refund' ? 'refund' : 'act on'} the whole line`, `remove \`partial_lines\` (whole lines only), or send the part in the platform's \`actions.${name}\` requests`);
  }
}

/**
 * `by_status.<status>.marketplace_statuses`: each a status the platform sends (`vocabulary`,
 * when its file declares one) that `statuses` maps to this normalized status, else the condition
 * could never hold for it; all of them is no condition at all.
 */
function checkMarketplaceStatusConditions(ctx: CheckContext, name: ActionName, action: RawAction, vocabulary: readonly string[] | undefined): void {
  for (const [status, override] of entries(action.by_status)) {
    const condition = override.marketplace_statuses;
    if (condition === undefined || !action.when.includes(status)) continue;
    const here = ctx.raw.statuses[status] ?? [];
    condition.forEach((m, i) => {
      const at = ['actions', name, 'by_status', status, 'marketplace_statuses', i];
      if (vocabulary && !vocabulary.includes(m)) {
        ctx.report(at, 'value', 'CHANNEL_STATUS_UNKNOWN_TO_PLATFORM', `action \`${name}\` at \`${status}\` is allowed only at marketplace status \`${m}\`, which platform \`${ctx.raw.platform}\` never sends`, didYouMean(m, here) ?? didYouMean(m, vocabulary) ?? `statuses mapped to ${status}: ${listOf(here)}`);
      } else if (!here.includes(m)) {
        const elsewhere = entries(ctx.raw.statuses).find(([, list]) => list.includes(m))?.[0];
        const where = elsewhere ? `\`statuses\` maps it to \`${elsewhere}\`` : `\`statuses\` does not map it`;
        ctx.report(at, 'value', 'CHANNEL_MARKETPLACE_STATUS_OUTSIDE_STATUS', `action \`${name}\` at \`${status}\` is allowed only at marketplace status \`${m}\`, but ${where}: an order at ${status} is never ${m}`, didYouMean(m, here) ?? `statuses mapped to ${status}: ${listOf(here)}`);
      }
    });
    if (here.length > 0 && here.every((m) => condition.includes(m))) {
      ctx.report(['actions', name, 'by_status', status, 'marketplace_statuses'], 'key', 'CHANNEL_MARKETPLACE_STATUS_CONDITION_EMPTY', `action \`${name}\` at \`${status}\` is allowed only at ${listOf(condition)}, which is every marketplace status mapped to ${status}: the condition restricts nothing`, 'remove `marketplace_statuses`, or list only the statuses where the action is allowed');
    }
  }
}

export function checkRuleScopes(ctx: CheckContext): void {
  (ctx.raw.rules ?? []).forEach((rule, r) => {
    rule.actions?.forEach((name, i) => {
      const action = ctx.raw.actions[name];
      if (!action || action.when.length === 0) {
        const defined = (Object.keys(ctx.raw.actions) as ActionName[]).filter((a) => ctx.raw.actions[a]!.when.length > 0);
        const why = !action ? 'the channel does not define it' : 'it is never allowed (`when: []`)';
        ctx.report(['rules', r, 'actions', i], 'value', 'CHANNEL_RULE_UNKNOWN_ACTION', `rule \`${rule.id}\` applies to action \`${name}\`, but ${why}, so the rule never runs`, didYouMean(name, defined) ?? `actions of this channel: ${listOf(defined)}`);
      }
    });
    rule.when?.forEach((status, i) => {
      if (!ctx.mapped.has(status)) {
        ctx.report(['rules', r, 'when', i], 'value', 'CHANNEL_STATUS_UNMAPPED', `rule \`${rule.id}\` applies in \`${status}\`, but \`statuses\` does not map it`, mapHint(ctx, status, 'remove it from the rule'));
      }
    });
  });
}
