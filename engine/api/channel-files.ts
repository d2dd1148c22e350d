/**
 * Channel files over HTTP, for an integrator's screen (the console's channel playground) or a
 * back office's own tooling:
 * - GET  /v1/channels/{id}/doc: the generated documentation page (`orderwire doc`), its Mermaid
 *   state diagram on its own, and the channel file's text;
 * - POST /v1/channel-files/validate: validates a channel file's text (`orderwire validate`) and
 *   answers every finding with its line and column, plus the description and documentation it
 *   compiles to when it has no error;
 * - POST /v1/check: would this action be allowed on an order in this status (`orderwire check`),
 *   for a loaded channel or a posted channel text.
 * Nothing here touches orders or marketplaces: channels are not secret, every token may use them.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { describeChannel } from '../channel/describe.ts';
import { renderChannelDoc } from '../channel/doc.ts';
import { mermaidDiagram } from '../channel/doc-mermaid.ts';
import type { Finding } from '../documents/finding.ts';
import type { Channel } from '../channel/model.ts';
import { validateChannelText } from '../channel/validate.ts';
import { isNormalizedStatus, mapOrderStatus, mappedStatuses } from '../order/status.ts';
import { marketplaceStatusFor, syntheticOrder } from '../order/synthetic.ts';
import { validateAction, type ActionFinding } from '../rules/index.ts';
import type { ApiContext } from './context.ts';
import { apiError } from './problem.ts';
import { ACTION_NAMES, errorResponses, idParams, security } from './schemas.ts';

/** Longest channel text accepted (the body limit caps it too). */
export const MAX_SOURCE_LENGTH = 60_000;
const PLAYGROUND_FILE = 'channel.yaml';

const findingSchema = {
  type: 'object',
  required: ['line', 'column', 'end_line', 'end_column', 'code', 'severity', 'message', 'pointer'],
  properties: {
    line: { type: 'integer' },
    column: { type: 'integer' },
    end_line: { type: 'integer' },
    end_column: { type: 'integer' },
    code: { type: 'string', description: 'Stable code (engine/errors.md), the same as `orderwire validate`.' },
    severity: { type: 'string', enum: ['error', 'warning'] },
    message: { type: 'string' },
    pointer: { type: 'string', description: 'JSON pointer of the offending node.' },
    suggestion: { type: 'string' },
  },
} as const;

const actionFindingSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' }, suggestion: { type: 'string' }, rule: { type: 'string' } },
} as const;

const openObject = { type: 'object', additionalProperties: true } as const;

function findingResource(f: Finding): Record<string, unknown> {
  return {
    line: f.line,
    column: f.column,
    end_line: f.endLine,
    end_column: f.endColumn,
    code: f.code,
    severity: f.severity,
    message: f.message,
    pointer: f.pointer,
    ...(f.suggestion !== undefined && { suggestion: f.suggestion }),
  };
}

function actionFinding(f: ActionFinding): Record<string, unknown> {
  return { code: f.code, message: f.message, ...(f.field !== undefined && { field: f.field }), ...(f.suggestion !== undefined && { suggestion: f.suggestion }), ...(f.rule !== undefined && { rule: f.rule }) };
}

function fileName(name: string | undefined): string {
  return name ?? PLAYGROUND_FILE;
}

export function channelFileRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    function loaded(id: string, field: string): Channel {
      const channel = ctx.channels.get(id);
      if (!channel) {
        throw apiError('CHANNEL_NOT_FOUND', `no channel "${id}" is loaded (loaded: ${[...ctx.channels.keys()].join(', ')})`,
          [{ field, code: 'CHANNEL_NOT_FOUND', message: `loaded channels: ${[...ctx.channels.keys()].join(', ')}` }]);
      }
      return channel;
    }

    app.get('/v1/channels/:id/doc', {
      schema: {
        tags: ['channels'],
        summary: 'A channel\'s documentation page, state diagram and file',
        description: '`markdown` is the page `orderwire doc` prints (channels/docs/), `mermaid` its state diagram in Mermaid syntax, `source` the channel file as loaded (null when it was not loaded from a file).',
        security,
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['id', 'markdown', 'mermaid', 'source'],
            properties: { id: { type: 'string' }, markdown: { type: 'string' }, mermaid: { type: 'string' }, source: { type: ['string', 'null'] } },
          },
          ...errorResponses(404),
        },
      },
    }, async (request) => {
      const channel = loaded((request.params as { id: string }).id, '/params/id');
      const source = channel.file !== undefined ? await readFile(channel.file, 'utf8').catch(() => null) : null;
      return { id: channel.id, markdown: renderChannelDoc(channel), mermaid: mermaidDiagram(channel), source };
    });

    app.post('/v1/channel-files/validate', {
      schema: {
        tags: ['channels'],
        summary: 'Validate a channel file\'s text',
        description: 'The checks of `orderwire validate` (YAML, JSON Schema, semantic checks, custom rules) on the posted text. Answers 200 whether the file is valid or not: `findings` locates each problem by line and column with a stable code; a file without error also comes back described (as GET /v1/channels/{id}) and documented (markdown and Mermaid diagram). Nothing is stored or loaded.',
        security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['source'],
          properties: {
            source: { type: 'string', maxLength: MAX_SOURCE_LENGTH, description: 'The channel file\'s YAML text.' },
            file: { type: 'string', minLength: 1, maxLength: 200, description: 'File name to report findings under (default channel.yaml).' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['valid', 'errors', 'warnings', 'findings', 'description', 'markdown', 'mermaid'],
            properties: {
              valid: { type: 'boolean', description: 'No finding is an error.' },
              errors: { type: 'integer' },
              warnings: { type: 'integer' },
              findings: { type: 'array', items: findingSchema },
              description: { ...openObject, type: ['object', 'null'] },
              markdown: { type: ['string', 'null'] },
              mermaid: { type: ['string', 'null'] },
            },
          },
          ...errorResponses(413, 415),
        },
      },
    }, async (request) => {
      const body = request.body as { source: string; file?: string };
      const result = validateChannelText(body.source, fileName(body.file));
      const channel = result.channel;
      return {
        valid: channel !== undefined,
        errors: result.findings.filter((f) => f.severity === 'error').length,
        warnings: result.findings.filter((f) => f.severity === 'warning').length,
        findings: result.findings.map(findingResource),
        description: channel ? describeChannel(channel) : null,
        markdown: channel ? renderChannelDoc(channel) : null,
        mermaid: channel ? mermaidDiagram(channel) : null,
      };
    });

    app.post('/v1/check', {
      schema: {
        tags: ['channels'],
        summary: 'Would this action be allowed? (`orderwire check`)',
        description: 'Validates an action against a channel for a one-line order in a status, without any order or marketplace: the same validation as POST /v1/orders/{id}/actions. Give the channel by id (`channel`, a loaded channel) or as text (`source`), and the order\'s status as normalized (`status`) or as the marketplace sends it (`marketplace_status`). Answers 200 with allowed true or false and every finding; a `source` with errors answers 422 CHANNEL_INVALID.',
        security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action'],
          properties: {
            channel: { type: 'string', minLength: 1, maxLength: 100 },
            source: { type: 'string', maxLength: MAX_SOURCE_LENGTH },
            status: { type: 'string', minLength: 1 },
            marketplace_status: { type: 'string', minLength: 1 },
            action: { type: 'string', enum: [...ACTION_NAMES] },
            data: { type: 'object' },
            lines: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1 } },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['allowed', 'status', 'marketplace_status', 'errors', 'warnings', 'request', 'allowed_in'],
            properties: {
              allowed: { type: 'boolean' },
              status: { type: 'string' },
              marketplace_status: { type: 'string' },
              errors: { type: 'array', items: actionFindingSchema },
              warnings: { type: 'array', items: actionFindingSchema },
              request: { ...openObject, type: ['object', 'null'], description: 'The normalized request that would be queued, when allowed.' },
              allowed_in: { type: 'array', items: { type: 'string' }, description: 'The statuses where the channel allows this action.' },
            },
          },
          ...errorResponses(404, 413, 415, 422),
        },
      },
    }, async (request) => {
      const body = request.body as { channel?: string; source?: string; status?: string; marketplace_status?: string; action: string; data?: Record<string, unknown>; lines?: string[] };
      if ((body.channel === undefined) === (body.source === undefined)) {
        throw apiError('API_REQUEST_INVALID', 'give the channel by id (channel) or as text (source), one of the two',
          [{ field: '/body/channel', code: 'SCHEMA_MISSING_KEY', message: 'exactly one of channel and source' }]);
      }
      if ((body.status === undefined) === (body.marketplace_status === undefined)) {
        throw apiError('API_REQUEST_INVALID', 'give the order\'s status (status) or its marketplace status (marketplace_status), one of the two',
          [{ field: '/body/status', code: 'SCHEMA_MISSING_KEY', message: 'exactly one of status and marketplace_status' }]);
      }
      let channel: Channel;
      if (body.channel !== undefined) channel = loaded(body.channel, '/body/channel');
      else {
        const result = validateChannelText(body.source!, PLAYGROUND_FILE);
        if (!result.channel) {
          const errors = result.findings.filter((f) => f.severity === 'error');
          throw apiError('CHANNEL_INVALID', `the channel text has ${errors.length} error(s); POST /v1/channel-files/validate locates them`,
            errors.map((f) => ({ field: '/body/source', code: f.code, message: `line ${f.line}, column ${f.column}: ${f.message}` })));
        }
        channel = result.channel;
      }
      let marketplaceStatus: string;
      if (body.status !== undefined) {
        const found = isNormalizedStatus(body.status) ? marketplaceStatusFor(channel, body.status) : undefined;
        if (found === undefined) {
          throw apiError('API_REQUEST_INVALID', `unknown status "${body.status}" for ${channel.id}`,
            [{ field: '/body/status', code: 'SCHEMA_INVALID_VALUE', message: `${channel.id} maps: ${mappedStatuses(channel).join(', ')}` }]);
        }
        marketplaceStatus = found;
      } else {
        const mapped = mapOrderStatus(channel, body.marketplace_status);
        if (mapped.finding) {
          throw apiError('API_REQUEST_INVALID', mapped.finding.message,
            [{ field: '/body/marketplace_status', code: 'SCHEMA_INVALID_VALUE', message: mapped.finding.message, ...(mapped.finding.suggestion !== undefined && { suggestion: mapped.finding.suggestion }) }]);
        }
        marketplaceStatus = body.marketplace_status!;
      }
      const order = syntheticOrder(channel, marketplaceStatus, body.lines ? { lines: body.lines.map((id) => ({ id })) } : {});
      const result = await validateAction(channel, order, { name: body.action, ...(body.data && { data: body.data }), ...(body.lines && { lines: body.lines }) });
      return {
        allowed: result.allowed,
        status: result.status,
        marketplace_status: marketplaceStatus,
        errors: result.errors.map(actionFinding),
        warnings: result.warnings.map(actionFinding),
        request: result.request ?? null,
        allowed_in: [...(channel.actions[body.action as keyof typeof channel.actions]?.allowedIn ?? [])],
      };
    });
  };
}
