export { type AwsClientLike, captureClient } from './capture-client.ts';
export { captureMysql, type SqlBlock, traceSql } from './capture-mysql.ts';
export { HANDLER_SEGMENT_SLOT } from './invocation-segment.ts';
export { sanitizeSql } from './sanitize-sql.ts';
export { type SdkCaptureOptions, type SdkCaptureRedactor, sdkCapture } from './sdk-capture.ts';
