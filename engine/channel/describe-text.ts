/** The readable summary `orderwire describe` prints without --json: one screen per channel. */
import type { ActionDescription, ChannelDescription } from './describe.ts';
import type { NormalizedStatus } from './model.ts';

function pad(text: string, width: number): string {
  return text.length >= width ? text + ' ' : text.padEnd(width);
}

export function describeText(d: ChannelDescription): string {
  const out: string[] = [];
  out.push(`${d.name} (${d.id}), platform ${d.platform}`);
  const inc = d.retrieval.incremental;
  out.push(`Retrieval: every ${inc.every}${inc.min_every ? ` (accounts may go down to ${inc.min_every})` : ''}; catch-up every ${d.retrieval.catch_up.every} over the last ${d.retrieval.catch_up.lookback}`);
  if (d.scope) out.push(`Scope: sales channels ${d.scope.sales_channels.join(', ')}${d.scope.note ? ` (${d.scope.note})` : ''}`);
  out.push('', 'Statuses:');
  const statuses = Object.entries(d.statuses) as [NormalizedStatus, string[]][];
  const w1 = Math.max(...statuses.map(([s]) => s.length)) + 2;
  const w2 = Math.max(...statuses.map(([, m]) => m.join(', ').length)) + 2;
  for (const [status, marketplace] of statuses) {
    const actions = d.allowed_actions[status] ?? [];
    const note = d.status_notes[status];
    const what = actions.length > 0 ? actions.join(', ') : `no action${note ? ` (${note})` : ''}`;
    out.push(`  ${pad(status, w1)}${pad(marketplace.join(', '), w2)}${what}`);
  }
  for (const [status, marketplace] of Object.entries(d.line_statuses) as [NormalizedStatus, string[]][]) {
    out.push(`  ${pad(status, w1)}${pad(marketplace.join(', '), w2)}(order lines only)`);
  }
  out.push('', 'Actions (* required field):');
  const actions = Object.values(d.actions) as ActionDescription[];
  const w3 = Math.max(...actions.map((a) => a.name.length)) + 2;
  for (const a of actions) {
    if (a.allowed_in.length === 0) {
      const instead = Object.entries(a.instead).map(([s, x]) => `${s} -> ${x}`).join(', ');
      out.push(`  ${pad(a.name, w3)}never${a.note ? `: ${a.note}` : ''}${instead ? ` Instead: ${instead}.` : ''}`);
      continue;
    }
    const parts = a.allowed_in.map((s) => {
      const st = a.by_status[s]!;
      const fields = st.fields.map((f) => `${f.name}${f.required ? '*' : ''}`).join(', ');
      const only = st.marketplace_statuses ? `only at ${st.marketplace_statuses.join(' or ')}; ` : '';
      return `${s} [${only}${fields}${fields ? '; ' : ''}lines ${st.lines}${st.partial_amount ? ', partial amount' : ''}]`;
    });
    out.push(`  ${pad(a.name, w3)}${a.marketplace_name ? `(${a.marketplace_name}) ` : ''}in ${parts.join(', ')}`);
  }
  if (d.fulfillment) {
    const modes = d.fulfillment.modes.map((m) => m.code).join(', ');
    out.push('', `Fulfilment: ${d.fulfillment.arrives_in ? `arrives in ${d.fulfillment.arrives_in}` : 'retrieved like other orders'}${modes ? `; modes ${modes}` : ''}`);
  }
  const lists = Object.entries(d.lists);
  if (lists.length > 0) {
    out.push('', 'Value lists:');
    for (const [name, l] of lists) {
      const from = l.values_from === 'marketplace'
        ? `live for ${l.account}, fetched ${l.fetched_at}`
        : l.live ? `live from ${l.live.from}${l.live.type ? ` (${l.live.type})` : ''} every ${l.live.refresh}; the file's values until fetched` : 'static';
      out.push(`  ${name} (${l.kind}, ${l.items.length} values; ${from})${l.source ? `: ${l.source}` : ''}`);
    }
  }
  const { download, upload } = d.documents;
  if (download || upload.length > 0) {
    out.push('', 'Documents:');
    if (download) out.push(`  downloaded from the marketplace: ${download.types.join(', ')} (up to ${download.max_bytes} bytes each), served at GET /v1/documents/{id}${download.source ? `: ${download.source}` : ''}`);
    for (const u of upload) {
      const size = u.max_bytes === null ? '' : `, up to ${u.max_bytes} bytes`;
      out.push(`  uploaded by ${u.action}: field ${u.field}${u.required ? '*' : ''} (${u.content_types.join(', ') || 'any type'}${size}) in ${u.statuses.join(', ')}`);
    }
  }
  if (d.rules.length > 0) {
    out.push('', 'Custom rules:');
    for (const r of d.rules) out.push(`  ${r.id} (${r.severity}${r.actions ? `, ${r.actions.join(', ')}` : ''}): ${r.message}`);
  }
  return out.join('\n') + '\n';
}
