/**
 * A multipart/form-data body (RFC 7578) streamed from its parts: text parts as given, each file
 * part read from its source (a document store's stream) only while the body is sent, so a file is
 * never held whole in memory, whichever store keeps it. Node's FormData takes only Blobs, which a
 * file on disk can back (fs.openAsBlob) but a document kept in database chunks cannot; the few
 * lines of framing are written here instead. Every file's size is known, so the body's length is
 * too (Content-Length: some marketplaces refuse a chunked upload).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export type MultipartPart =
  | { name: string; value: string }
  | { name: string; file: { fileName: string; contentType: string; size: number; open: () => Readable } };

/** Names in a Content-Disposition header escaped as the WHATWG FormData does. */
function quoted(text: string): string {
  return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

/** Header text in a header: no line breaks. */
function headerValue(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

export function multipartBody(parts: readonly MultipartPart[]): { body: Readable; headers: Record<string, string> } {
  const boundary = `----orderwire${randomBytes(12).toString('hex')}`;
  const heads = parts.map((part) =>
    Buffer.from(
      'value' in part
        ? `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"\r\n\r\n`
        : `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"; filename="${quoted(part.file.fileName)}"\r\nContent-Type: ${headerValue(part.file.contentType)}\r\n\r\n`,
    ),
  );
  const values = parts.map((part) => ('value' in part ? Buffer.from(part.value) : undefined));
  const crlf = Buffer.from('\r\n');
  const end = Buffer.from(`--${boundary}--\r\n`);
  let length = end.length;
  parts.forEach((part, i) => {
    length += heads[i]!.length + ('value' in part ? values[i]!.length : part.file.size) + crlf.length;
  });
  async function* encode(): AsyncGenerator<Buffer> {
    for (const [i, part] of parts.entries()) {
      yield heads[i]!;
      if ('value' in part) yield values[i]!;
      else {
        let sent = 0;
        for await (const chunk of part.file.open()) {
          sent += (chunk as Buffer).length;
          if (sent > part.file.size) throw new Error(`${part.file.fileName} holds more than its ${part.file.size} bytes`);
          yield chunk as Buffer;
        }
        // The length announced is the parts' sizes: a shorter file would leave the body malformed.
        if (sent !== part.file.size) throw new Error(`${part.file.fileName} holds ${sent} bytes, not its ${part.file.size}`);
      }
      yield crlf;
    }
    yield end;
  }
  return {
    body: Readable.from(encode(), { objectMode: false }),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
  };
}
