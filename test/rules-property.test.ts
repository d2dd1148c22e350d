/**
 * Property tests: whatever a caller sends (any action name, data, lines, order status), validation
 * answers with catalogue codes and never throws; and the fast path resolver for custom-rule facts
 * agrees with JSONPath on the paths it handles.
 */
import fc from 'fast-check';
import { JSONPath } from 'jsonpath-plus';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import { isErrorCode } from '../engine/errors.ts';
import { syntheticOrder } from '../engine/order/synthetic.ts';
import { validateAction } from '../engine/rules/index.ts';
import { resolvePath } from '../engine/rules/path.ts';

// A fixed seed keeps the suite deterministic; FC_SEED=<n> explores other inputs.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20240531) });

let channels: Channel[];
beforeAll(async () => {
  channels = [await loadChannel('cdiscount'), await loadChannel('worten')];
});

/** Values close to valid ones are more likely to reach deep checks than random strings. */
const nearValid = fc.oneof(
  fc.constantFrom('UPS', 'ups', 'Colissimo', '15', 'ClientClaim', 'PT', 'PRT', 'https://x.example/t', '2024-05-31', '', ' '),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.anything(),
);
const fieldNames = fc.constantFrom('tracking_number', 'carrier', 'tracking_url', 'reason', 'refund_reason', 'refund_shipping', 'refund_taxes', 'shipping_from_country', 'amount', '__proto__', 'constructor');
const data = fc.oneof(fc.dictionary(fc.oneof(fieldNames, fc.string()), nearValid, { maxKeys: 6 }), fc.anything());
const lines = fc.oneof(fc.constant(undefined), fc.constant(null), fc.array(fc.oneof(fc.constantFrom('1', '2', '3'), fc.string(), fc.anything()), { maxLength: 4 }), fc.anything());
const actionName = fc.oneof(fc.constantFrom('accept', 'refuse', 'ship', 'refund', 'cancel', 'Accept', 'toString', '__proto__'), fc.string(), fc.anything());
const marketplaceStatus = fc.oneof(
  fc.constantFrom('WaitingAcceptance', 'Accepted', 'InPreparation', 'Shipped', 'Refused', 'WAITING_ACCEPTANCE', 'SHIPPING', 'SHIPPED', 'REFUNDED', 'shipped'),
  fc.string(),
);

describe('validateAction on arbitrary input', () => {
  it('never throws and only reports catalogue codes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(1), marketplaceStatus, fc.array(marketplaceStatus, { maxLength: 3 }), actionName, data, lines, async (which, status, lineStatuses, name, payload, selection) => {
        const channel = channels[which]!;
        const order = syntheticOrder(channel, status, lineStatuses.length > 0 ? { lines: lineStatuses.map((s, i) => ({ id: String(i + 1), marketplace_status: s })) } : {});
        const result = await validateAction(channel, order, { name: name as string, data: payload as Record<string, unknown>, lines: selection as string[] });
        for (const finding of [...result.errors, ...result.warnings]) {
          expect(isErrorCode(finding.code), finding.code).toBe(true);
          expect(typeof finding.message).toBe('string');
        }
        expect(result.errors.map((e) => e.code)).not.toContain('INTERNAL');
        expect(result.allowed).toBe(result.errors.length === 0);
        expect(result.request === null).toBe(!result.allowed);
        if (result.request) expect(result.request.status).toBe(result.status);
      }),
      { numRuns: 400 },
    );
  });

  it('denies every action on an order whose status is unknown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(1), fc.string().filter((s) => !['WaitingAcceptance', 'Accepted', 'InPreparation', 'Shipped', 'Delivered', 'Refused', 'Rejected', 'Cancelled', 'Processing'].includes(s) && !/^[A-Z_]+$/.test(s)), fc.constantFrom('accept', 'refuse', 'ship', 'refund', 'cancel'), async (which, status, name) => {
        const channel = channels[which]!;
        const result = await validateAction(channel, syntheticOrder(channel, status), { name });
        expect(result.status).toBe('unknown');
        expect(result.errors.map((e) => e.code)).toEqual(['ACTION_STATUS_UNKNOWN']);
      }),
    );
  });
});

describe('custom-rule paths', () => {
  const plainPath = fc.array(fc.oneof(fc.constantFrom('a', 'b', 'lines', 'length', 'constructor', '$x', '_y'), fc.nat(3)), { maxLength: 4 })
    .map((steps) => `$${steps.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('')}`);
  const tree = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.dictionary(fc.constantFrom('a', 'b', 'lines', '$x', '_y'), tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 4 })),
  })).node;

  it('resolves plain paths as JSONPath does', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'lines', '$x', '_y'), tree, { maxKeys: 4 }), plainPath, (value, path) => {
        expect(resolvePath(value, path)).toEqual(JSONPath({ path, json: value, wrap: false }));
      }),
      { numRuns: 500 },
    );
  });

  it('hands other paths to JSONPath', () => {
    const value = { lines: [{ status: 'shipped', id: '1' }, { status: 'refunded', id: '2' }] };
    expect(resolvePath(value, "$.lines[?(@.status=='refunded')].id")).toEqual(JSONPath({ path: "$.lines[?(@.status=='refunded')].id", json: value, wrap: false }));
    expect(resolvePath(value, '$.lines[*].id')).toEqual(['1', '2']);
  });
});
