/**
 * GET /v1/stream: live updates as Server-Sent Events, so a screen (the console, a back office's
 * dashboard) changes without reloading or polling every list:
 *
 *   id: o1234            event: order    data: {"seq":1234,"order_id":...,"type":"order.status_changed",...}
 *                        event: action   data: the action resource, each time its state changes
 *                        event: ready    data: {"after":1234}   (once, where the order events start)
 *
 * Order events come from the store's change feed, in order, scoped to the token's accounts; a
 * client that reconnects with `Last-Event-ID: o<seq>` gets every event after it, none lost.
 * Action events report each change of state of the token's actions that were queued or sending
 * when the stream last looked (at most every `intervalMs`), and of actions queued since.
 *
 * The token goes in the Authorization header like on every /v1 route (read the stream with
 * fetch: EventSource cannot set headers, and a token in a URL would end up in logs). A stream is
 * one request for the rate limit; a token holds at most `maxPerToken` streams at once, and a
 * revoked token's streams end within `recheckMs`.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ActionState, OrderEvent, StoredAction } from '../store/store.ts';
import { tokenOf } from './auth.ts';
import type { ApiContext } from './context.ts';
import { apiError, problemOf } from './problem.ts';
import { actionResource, historyEntry } from './resources.ts';
import { errorResponses, security } from './schemas.ts';
import { hashToken } from './tokens.ts';

export interface StreamOptions {
  /** How often the store is read (default 1 s). */
  intervalMs?: number;
  /** Comment line sent when nothing happened for this long, so proxies keep the connection (default 15 s). */
  heartbeatMs?: number;
  /** Streams one token may hold at once (default 5). */
  maxPerToken?: number;
  /** How often the token is checked again (default 30 s). */
  recheckMs?: number;
}

const PENDING: ActionState[] = ['queued', 'sending'];
const LAST_EVENT_ID = /^o(\d{1,15})$/;

function frame(event: string, data: unknown, id?: string): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function streamRoutes(ctx: ApiContext, options: StreamOptions = {}) {
  const intervalMs = options.intervalMs ?? 1_000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxPerToken = options.maxPerToken ?? 5;
  const recheckMs = options.recheckMs ?? 30_000;

  return async function routes(app: FastifyInstance): Promise<void> {
    const { store } = ctx;
    const open = new Map<string, Set<ServerResponse>>();
    // Hijacked responses are the route's own: end them when the server closes, or close would wait for them.
    app.addHook('preClose', async () => {
      for (const set of open.values()) for (const raw of set) raw.end();
    });

    const orderIdOf = async (a: StoredAction): Promise<string | undefined> => (await store.getOrder(a.account, a.channel, a.marketplace_order_id))?.id;

    app.get('/v1/stream', {
      schema: {
        tags: ['operations'],
        summary: 'Live updates (Server-Sent Events): order events and action state changes',
        description: 'A text/event-stream of `order` events (the change feed of the token\'s accounts; `id: o<seq>`, resume with the Last-Event-ID header) and `action` events (an action of the token\'s accounts changed state). Send the token in the Authorization header (read it with fetch, not EventSource). A token holds at most a few streams at once (429 API_STREAM_LIMIT).',
        security,
        headers: { type: 'object', properties: { 'last-event-id': { type: 'string', maxLength: 40, description: 'o<seq>: resume after this order event.' } } },
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errorResponses() },
      },
    }, async (request, reply) => {
      const token = tokenOf(request);
      const streams = open.get(token.id) ?? new Set<ServerResponse>();
      if (streams.size >= maxPerToken) throw apiError('API_STREAM_LIMIT', `this token already holds ${streams.size} live streams (at most ${maxPerToken})`);
      const resume = LAST_EVENT_ID.exec(String(request.headers['last-event-id'] ?? ''));
      let after = resume ? Number(resume[1]) : await store.lastEventSeq();
      const accounts = token.accounts;
      const hash = hashToken(/^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '');
      let pending = new Map((await store.listActions({ state: PENDING, account: accounts, limit: 1000 })).items.map((a) => [a.id, a.state]));

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      streams.add(raw);
      open.set(token.id, streams);
      raw.write(`retry: 3000\n\n${frame('ready', { after })}`);

      let timer: NodeJS.Timeout | undefined;
      let closed = false;
      let lastWrite = Date.now();
      let lastCheck = Date.now();
      const send = (text: string): void => {
        raw.write(text);
        lastWrite = Date.now();
      };
      const close = (): void => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        streams.delete(raw);
        if (streams.size === 0) open.delete(token.id);
        raw.end();
      };
      raw.on('close', close);

      const orderEvents = async (): Promise<void> => {
        for (;;) {
          const events: OrderEvent[] = await store.listEvents({ after, account: accounts, limit: 500 });
          for (const e of events) send(frame('order', { ...historyEntry(e), order_id: e.order_id, account: e.account, channel: e.channel, marketplace_order_id: e.marketplace_order_id }, `o${e.seq}`));
          if (events.length > 0) after = events.at(-1)!.seq;
          if (events.length < 500 || closed) return;
        }
      };

      const actionEvents = async (): Promise<void> => {
        const now = new Map((await store.listActions({ state: PENDING, account: accounts, limit: 1000 })).items.map((a) => [a.id, a]));
        const changed: StoredAction[] = [];
        for (const [id, action] of now) if (pending.get(id) !== action.state) changed.push(action);
        for (const id of pending.keys()) {
          if (now.has(id)) continue;
          const action = await store.getAction(id);
          if (action) changed.push(action);
        }
        pending = new Map([...now].map(([id, a]) => [id, a.state]));
        for (const action of changed) send(frame('action', actionResource(action, await orderIdOf(action))));
      };

      const tick = async (): Promise<void> => {
        try {
          if (Date.now() - lastCheck >= recheckMs) {
            lastCheck = Date.now();
            if (!(await store.findApiToken(hash))) {
              send(frame('error', problemOf('API_TOKEN_INVALID', 'the API token was revoked')));
              return close();
            }
          }
          await orderEvents();
          await actionEvents();
          if (Date.now() - lastWrite >= heartbeatMs) send(': keep-alive\n\n');
        } catch (err) {
          request.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'live stream failed; the client reconnects');
          if (!closed) send(frame('error', problemOf('INTERNAL', 'the stream failed; reconnect with Last-Event-ID')));
          return close();
        }
        if (!closed) timer = setTimeout(() => void tick(), intervalMs);
      };
      timer = setTimeout(() => void tick(), intervalMs);
    });
  };
}
