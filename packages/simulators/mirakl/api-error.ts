/**
 * Errors as the Mirakl seller API returns them: HTTP status plus `{"status": N, "message": "..."}`.
 * The documented error code (ORDER_INVALID_STATE, ...) leads the message, since the body has no
 * separate code field.
 */
export class MiraklApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, code: string | undefined, message: string) {
    super(code ? `${code}: ${message}` : message);
    this.name = 'MiraklApiError';
    this.status = status;
    this.code = code;
  }

  body(): { status: number; message: string } {
    return { status: this.status, message: this.message };
  }
}

export const invalid = (message: string): MiraklApiError => new MiraklApiError(400, 'VALIDATION_ERROR', message);
export const badRequest = (code: string, message: string): MiraklApiError => new MiraklApiError(400, code, message);
export const orderNotFound = (orderId: string): MiraklApiError => new MiraklApiError(404, 'ORDER_NOT_FOUND', `Order ${orderId} does not exist`);
export const invalidState = (orderId: string, state: string, expected: string): MiraklApiError =>
  new MiraklApiError(400, 'ORDER_INVALID_STATE', `Order ${orderId} is in state ${state}; this operation needs ${expected}`);
