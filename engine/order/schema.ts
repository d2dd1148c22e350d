/**
 * schemas/order.schema.json as a validator: used where orders enter from outside the engine
 * (`orderwire check --order`, channel test files). Checked by the one document front end
 * (engine/documents/), so a problem is worded and coded like a finding in a YAML file, with the
 * JSON pointer of the offending value saying which field of which line is wrong.
 */
import { plainNamer, schemaProblems, type SchemaProblem } from '../documents/schema-findings.ts';
import { schemaFile } from '../documents/schemas.ts';

export const ORDER_SCHEMA_FILE = schemaFile('order');

export type { SchemaProblem };

const namer = plainNamer('the order');

/** Problems of `value` as a normalized order; [] when it is one. */
export function orderProblems(value: unknown): SchemaProblem[] {
  return schemaProblems(value, 'order', namer);
}
