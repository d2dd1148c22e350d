/**
 * Order documents both simulators keep: the files sellers upload (Mirakl OR74, Octopia
 * invoice-documents) and the ones the marketplace produces (Mirakl's delivery slip), in memory
 * with their bytes (uploads are capped, see `readMultipart`), plus the multipart reader the upload
 * routes share. The call log records an upload as its fields and, per file, its name, content
 * type, size and SHA-256: what a test asserts "the marketplace received exactly this file" with.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { recordCallBody } from './call-log.ts';

export interface SimDocument {
  id: string;
  orderId: string;
  fileName: string;
  /** The marketplace's document type (Mirakl type code, "Invoice" on Octopia). */
  typeCode: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: number;
  content: Buffer;
}

export class DocumentShelf {
  readonly #byOrder = new Map<string, SimDocument[]>();
  readonly #byId = new Map<string, SimDocument>();
  #next = 1;

  add(doc: Omit<SimDocument, 'id' | 'size' | 'sha256'>): SimDocument {
    const stored: SimDocument = { ...doc, id: String(this.#next++), size: doc.content.length, sha256: sha256(doc.content) };
    const list = this.#byOrder.get(doc.orderId) ?? [];
    list.push(stored);
    this.#byOrder.set(doc.orderId, list);
    this.#byId.set(stored.id, stored);
    return stored;
  }

  /** Removes a document (Octopia: a new invoice replaces the previous one). */
  remove(id: string): void {
    const doc = this.#byId.get(id);
    if (!doc) return;
    this.#byId.delete(id);
    const list = this.#byOrder.get(doc.orderId) ?? [];
    this.#byOrder.set(doc.orderId, list.filter((d) => d.id !== id));
  }

  list(orderId: string): readonly SimDocument[] {
    return this.#byOrder.get(orderId) ?? [];
  }

  get(id: string): SimDocument | undefined {
    return this.#byId.get(id);
  }
}

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export interface UploadedFile {
  field: string;
  fileName: string;
  contentType: string;
  content: Buffer;
}

export interface MultipartUpload {
  fields: Record<string, string>;
  files: UploadedFile[];
}

/** Why a multipart body was refused: the route turns it into its marketplace's error form. */
export class UploadRefused extends Error {
  readonly kind: 'not_multipart' | 'too_big';
  constructor(kind: 'not_multipart' | 'too_big', message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * Reads a multipart/form-data body (files of at most `maxFileBytes` each) and records it in the
 * call log. A file over the limit is refused as soon as it passes it, not read to its end.
 */
export async function readMultipart(request: FastifyRequest, maxFileBytes: number): Promise<MultipartUpload> {
  if (!request.isMultipart()) throw new UploadRefused('not_multipart', `expected a multipart/form-data body, got ${request.headers['content-type'] ?? 'no content type'}`);
  const upload: MultipartUpload = { fields: {}, files: [] };
  for await (const part of request.parts({ limits: { fileSize: maxFileBytes } })) {
    if (part.type === 'field') {
      upload.fields[part.fieldname] = String(part.value);
      continue;
    }
    const content = await part.toBuffer().catch((err: unknown) => {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadRefused('too_big', `file ${part.filename} is larger than ${maxFileBytes} bytes`);
      throw err;
    });
    upload.files.push({ field: part.fieldname, fileName: part.filename, contentType: part.mimetype, content });
  }
  recordCallBody(request, {
    fields: upload.fields,
    files: upload.files.map((f) => ({ field: f.field, file_name: f.fileName, content_type: f.contentType, size: f.content.length, sha256: sha256(f.content) })),
  });
  return upload;
}
