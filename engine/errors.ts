/**
 * The one catalogue of stable error codes. Each area keeps its codes in engine/errors/<area>.ts;
 * this module merges them, so a code is defined exactly once and documented in engine/errors.md
 * (generated from this catalogue by `npm run generated`, checked current in `npm test`).
 */
import type { ErrorDefinition } from './errors/define.ts';
import { generalErrors } from './errors/general.ts';
import { connectorErrors } from './errors/connector.ts';
import { channelErrors } from './errors/channel.ts';
import { configErrors } from './errors/config.ts';
import { syncErrors } from './errors/sync.ts';
import { storeErrors } from './errors/store.ts';
import { actionErrors } from './errors/action.ts';
import { apiErrors } from './errors/api.ts';
import { sharingErrors } from './errors/sharing.ts';
import { operatorErrors } from './errors/operator.ts';
import { securityErrors } from './errors/security.ts';
import { documentErrors } from './errors/documents.ts';

export type { ErrorDefinition, Severity } from './errors/define.ts';

const parts = {
  general: generalErrors,
  connector: connectorErrors,
  channel: channelErrors,
  config: configErrors,
  sync: syncErrors,
  store: storeErrors,
  action: actionErrors,
  api: apiErrors,
  sharing: sharingErrors,
  operator: operatorErrors,
  security: securityErrors,
  documents: documentErrors,
} as const;

type Parts = typeof parts;
export type ErrorCode = { [K in keyof Parts]: keyof Parts[K] }[keyof Parts] & string;

function merge(): Readonly<Record<ErrorCode, ErrorDefinition & { area: string }>> {
  const out: Record<string, ErrorDefinition & { area: string }> = {};
  for (const [area, defs] of Object.entries(parts)) {
    for (const [code, def] of Object.entries(defs as Record<string, ErrorDefinition>)) {
      if (out[code]) throw new Error(`error code ${code} is defined twice (${out[code].area} and ${area})`);
      out[code] = Object.freeze({ ...def, area });
    }
  }
  return Object.freeze(out) as Record<ErrorCode, ErrorDefinition & { area: string }>;
}

export const errorCatalogue = merge();

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalogue, code);
}

/**
 * An error that carries a catalogue code. Messages must never contain secrets: callers pass
 * values through `details`, which are rendered by the caller's own redaction rules.
 */
export class OrderwireError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OrderwireError';
    this.code = code;
    this.details = details;
  }

  get definition(): ErrorDefinition {
    return errorCatalogue[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
