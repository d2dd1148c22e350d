/**
 * The JSON Schemas of the simulated Octopia responses (./schemas/*.schema.json), compiled with
 * ajv. They are the contract connectors can test against: every response the simulator serves
 * must validate (the contract tests check it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export const OCTOPIA_SCHEMA_DIR = path.resolve(import.meta.dirname, 'schemas');
const FILES = ['order', 'order-list', 'problem', 'token', 'reference-lists'] as const;

export interface OctopiaValidators {
  order: ValidateFunction;
  orderList: ValidateFunction;
  problem: ValidateFunction;
  token: ValidateFunction;
  carriers: ValidateFunction;
  cancellationReasons: ValidateFunction;
}

let compiled: OctopiaValidators | undefined;

export function octopiaValidators(): OctopiaValidators {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const name of FILES) ajv.addSchema(JSON.parse(readFileSync(path.join(OCTOPIA_SCHEMA_DIR, `${name}.schema.json`), 'utf8')) as object);
    const get = (ref: string): ValidateFunction => {
      const v = ajv.getSchema(ref);
      if (!v) throw new Error(`schema ${ref} missing`);
      return v;
    };
    compiled = {
      order: get('urn:orderwire:octopia-simulator:order'),
      orderList: get('urn:orderwire:octopia-simulator:order-list'),
      problem: get('urn:orderwire:octopia-simulator:problem'),
      token: get('urn:orderwire:octopia-simulator:token'),
      carriers: get('urn:orderwire:octopia-simulator:reference-lists#/$defs/carriers'),
      cancellationReasons: get('urn:orderwire:octopia-simulator:reference-lists#/$defs/cancellationReasons'),
    };
  }
  return compiled;
}

/** Throws with ajv's messages when `data` does not validate (for tests and connector checks). */
export function assertValid(validate: ValidateFunction, data: unknown, what: string): void {
  if (!validate(data)) throw new Error(`${what} does not match its schema: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
}
