import { AppError } from '../errors.js';

/**
 * Every reason an upload is refused, with its HTTP status. Content problems are 422 (the request
 * was well-formed, the file is not acceptable); size 413, type 415.
 */
export const UPLOAD_ERRORS = {
  not_multipart: 415,
  missing_file: 400,
  too_many_files: 400,
  empty_file: 400,
  file_too_large: 413,
  unsupported_file_type: 415,
  image_too_large: 422,
  truncated_file: 422,
  trailing_data: 422,
  polyglot_file: 422,
  pdf_encrypted: 422,
  pdf_active_content: 422,
  malformed_file: 422,
  virus_found: 422,
  virus_scan_unavailable: 503,
} as const;

export type UploadErrorCode = keyof typeof UPLOAD_ERRORS;

export class UploadError extends AppError {
  constructor(code: UploadErrorCode, message: string) {
    super(UPLOAD_ERRORS[code], code, message);
    this.name = 'UploadError';
  }
}

export const uploadError = (code: UploadErrorCode, message: string) => new UploadError(code, message);
