/**
 * Mapper strategies by `mapping.type` (default `fields`): the one table platform files select from.
 */
import type { Pointer } from '../platform/compile-error.ts';
import { createFieldsMapper, type FieldsMapperSpec } from './fields-mapper.ts';
import type { OrderMapper } from './types.ts';

export type MapperSpec = FieldsMapperSpec;

const mappers: Readonly<Record<string, (spec: MapperSpec, pointer: Pointer) => OrderMapper>> = Object.freeze({
  fields: createFieldsMapper,
});

export const MAPPER_TYPES = Object.freeze(Object.keys(mappers));

export function createMapper(spec: MapperSpec, pointer: Pointer = []): OrderMapper {
  const factory = mappers[spec.type ?? 'fields'];
  if (!factory) throw new Error(`unknown mapper type ${spec.type}`);
  return factory(spec, pointer);
}

export type { MappedOrder, MapResult, OrderMapper } from './types.ts';
