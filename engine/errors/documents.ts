import { defineErrors } from './define.ts';

/**
 * Order documents (engine/store/files.ts, the document routes of the API): invoices a merchant
 * uploads for a marketplace, documents downloaded from one.
 */
export const documentErrors = defineErrors({
  DOCUMENT_NOT_FOUND: {
    title: 'No such document',
    severity: 'error',
    http: 404,
    help: 'The document id names no stored document. `GET /v1/orders/{id}` lists an order\'s documents with the address of each.',
  },
  DOCUMENT_TOO_LARGE: {
    title: 'Document larger than allowed',
    severity: 'error',
    http: 413,
    help: 'The file is larger than the channel accepts for this action (its `file` field\'s `max_bytes`, see `orderwire describe <channel>`), or than orderwire keeps for a downloaded document. Nothing was stored.',
  },
});
