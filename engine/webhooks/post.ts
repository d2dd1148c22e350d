/**
 * One webhook POST to the address the destination policy checked: the connection goes to that
 * address (a `lookup` that answers with it), while the Host header and TLS (SNI, certificate
 * check) use the URL's host name. A name that resolves elsewhere by the time the request is sent
 * (DNS rebinding) is never looked up again. Redirects are not followed; the answer's body is read
 * up to 64 KiB and dropped.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './destination.ts';

const MAX_ANSWER = 64 * 1024;

/** Keep-alive agents: a pooled connection was opened to an address checked when it was opened. */
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export function postPinned(url: URL, to: ResolvedAddress, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (err: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address: to.address, family: to.family }]);
    else callback(null, to.address, to.family);
  };
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned,
      agent: agents[url.protocol as 'http:' | 'https:'],
      signal,
    }, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER) res.destroy();
      });
      res.on('close', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
