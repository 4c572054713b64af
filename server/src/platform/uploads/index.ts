export { UPLOAD_ERRORS, UploadError, uploadError, type UploadErrorCode } from './errors.js';
export { CONTENT_TYPES, EXTENSIONS, FILE_TYPES, UploadInspector, inspectBuffer, sniffType, type FileType, type Inspection, type UploadPolicy } from './inspect.js';
export { acceptUploads, createUploadReceiver, type ReceivedUpload, type UploadReceiver } from './receive.js';
export { ClamavTap, type ClamavConfig } from './clamav.js';
