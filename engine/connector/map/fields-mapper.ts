/**
 * The `fields` mapper: the platform file maps every field of the normalized order with value
 * expressions (see ./expression.ts), compiled once at load into closures; each mapped order is
 * checked against the normalized order's types (as it is built; checkObject words a problem).
 */
import { at, CompileError, type Pointer } from '../platform/compile-error.ts';
import { compileObjectMapping, type ObjectMapping, type TypeCheck } from './object-mapping.ts';
import { compilePath } from './path.ts';
import { checkObject, ORDER_TARGET } from './targets.ts';
import type { MappedOrder, MapResult, OrderMapper } from './types.ts';

export interface FieldsMapperSpec extends ObjectMapping {
  type?: 'fields';
}

export function createFieldsMapper(spec: FieldsMapperSpec, pointer: Pointer = []): OrderMapper {
  const { type: _type, ...fields } = spec;
  const build = compileObjectMapping(fields as ObjectMapping, ORDER_TARGET, pointer, { keepEmpty: true });
  const idOf = compileObjectMapping({ id: fields.marketplace_order_id } as ObjectMapping, { id: ORDER_TARGET.marketplace_order_id! }, pointer, { keepEmpty: true });
  const lines = fields.lines as ObjectMapping | undefined;
  if (!lines || typeof lines.from !== 'string' || lines.id === undefined) throw new CompileError([...pointer, 'lines'], 'lines needs `from` and `id`');
  const lineList = at([...pointer, 'lines', 'from'], () => compilePath(lines.from as string));
  const lineId = compileObjectMapping({ id: lines.id } as ObjectMapping, { id: { kind: 'string', required: true } }, [...pointer, 'lines'], { keepEmpty: true });

  return {
    map(record: unknown): MapResult {
      const check: TypeCheck = { suspect: false };
      const mapped = build(record, check) as Record<string, unknown>;
      // The build tested each value's type as it made it: the walk is only for an order it suspects.
      const problem = check.suspect ? checkObject(mapped, ORDER_TARGET) : undefined;
      if (problem) {
        const id = mapped.marketplace_order_id;
        return { ok: false, reason: problem, ...(typeof id === 'string' && id !== '' && { marketplace_order_id: id }) };
      }
      return { ok: true, order: mapped as unknown as MappedOrder };
    },
    orderId(record: unknown): string | undefined {
      const id = idOf(record)?.id;
      return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined;
    },
    rawLines(record: unknown): Map<string, unknown> {
      const out = new Map<string, unknown>();
      const list = lineList(record);
      if (!Array.isArray(list)) return out;
      for (const line of list) {
        const id = lineId(line)?.id;
        if (typeof id === 'string') out.set(id, line);
      }
      return out;
    },
  };
}
