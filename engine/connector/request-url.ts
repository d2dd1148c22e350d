/** URL and query building shared by reads and actions. */
import type { CompiledRequest } from './platform/model.ts';
import type { TemplateContext } from './template/index.ts';

/** Base URL (maybe with a path such as /seller/v2) + request path, without doubled slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

/** The rendered query as strings; absent values are left out. */
export function renderQuery(request: CompiledRequest, ctx: TemplateContext): Record<string, string> {
  if (!request.query) return {};
  const rendered = request.query(ctx) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rendered)) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}
