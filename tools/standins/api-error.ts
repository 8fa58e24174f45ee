/** A product-level failure a handler answers with (404 unknown id, 400 business rule). */
export class ApiError extends Error {
  readonly status: number;
  /** Product error code, e.g. Freshchat `CONVERSATION_NOT_FOUND`, Freshcaller `record_not_found`. */
  readonly code?: string;

  constructor(status: number, message: string, code?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}
