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
  DOCUMENT_DOWNLOAD_FAILED: {
    title: 'Marketplace document not downloaded',
    severity: 'warning',
    http: 502,
    help: 'A document the marketplace lists on an order (a delivery slip) could not be downloaded: the marketplace refused or did not answer, or the document is larger than the channel keeps (`documents.max_bytes`). Nothing is blocked: the order is stored, the failure is logged with the marketplace\'s answer, and the download is kept pending: the daemon tries it again on its own (after a minute, then 2, 4, ... up to an hour apart) and whenever the order is listed again. After 8 attempts it gives up, logged once as an error with this code (metric orderwire_document_download_retries_total{outcome="gave_up"}); a later listing of the order may still download it. Nothing partial is kept.',
  },
  CONNECTOR_DOCUMENTS_UNSUPPORTED: {
    title: 'Platform downloads no documents',
    severity: 'error',
    http: 422,
    help: 'The channel declares `documents` to download but its platform file has no `documents.download` request (nor an attached read listing them). Declare them in channels/platforms/<platform>.yaml, or remove `documents` from the channel.',
  },
});
