/**
 * What the S3 store tells its caller when S3 fails: every message names the endpoint and the
 * bucket, says what went wrong in words, and which setting to look at.
 */

export type S3FailureKind = "credentials" | "unreachable" | "tls" | "bucket" | "service";

export class S3StoreError extends Error {
  constructor(
    message: string,
    readonly kind: S3FailureKind,
    readonly endpoint: string,
    readonly bucket: string,
    readonly code?: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = "S3StoreError";
  }
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  errors?: SdkError[];
  cause?: SdkError;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** The S3 error code (NoSuchKey, AccessDenied, ...) or, for a body-less answer, its HTTP status. */
export function s3Code(err: unknown): string | undefined {
  const e = err as SdkError;
  return e?.name ?? e?.code;
}

export function httpStatus(err: unknown): number | undefined {
  const e = err as SdkError;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

/** The socket-level code of a failure that never got an HTTP answer (ECONNREFUSED, ENOTFOUND, ...). */
function socketCode(err: SdkError | undefined, depth = 0): string | undefined {
  if (!err || depth > 4) return undefined;
  if (typeof err.code === "string" && /^E[A-Z]+$|^ERR_|CERT|SELF_SIGNED|UNABLE_TO/.test(err.code)) return err.code;
  for (const inner of err.errors ?? []) {
    const c = socketCode(inner, depth + 1);
    if (c) return c;
  }
  return socketCode(err.cause, depth + 1);
}

const CREDENTIAL_CODES = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "Forbidden", "InvalidToken", "ExpiredToken"]);
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO/;

/**
 * Turns a failure of `action` (e.g. "put volume_1/chunk-00001") on `bucket` into an S3StoreError
 * whose message is enough to fix the configuration.
 */
export function describeS3Failure(err: unknown, action: string, endpoint: string, bucket: string): S3StoreError {
  if (err instanceof S3StoreError) return err;
  const e = (err ?? {}) as SdkError;
  const code = s3Code(err);
  const status = httpStatus(err);
  const where = `the S3 backup store at ${endpoint} (bucket ${bucket})`;
  const detail = e.message && e.message !== code ? `: ${e.message}` : "";
  const sock = status === undefined ? socketCode(e) : undefined;
  if (sock && TLS_CODE.test(sock)) {
    return new S3StoreError(
      `${action} failed: ${where} presented a TLS certificate that could not be verified (${sock}); ` +
        "trust its CA with backupS3CaCertFile (--backup-s3-ca-cert-file) or turn verification off with --backup-s3-verify-ssl false",
      "tls",
      endpoint,
      bucket,
      sock,
    );
  }
  if (sock || code === "TimeoutError" || code === "RequestTimeout" || code === "AbortError") {
    return new S3StoreError(
      `${action} failed: cannot reach ${where} (${sock ?? code}${detail}); ` +
        "check backupS3Endpoint (--backup-s3-endpoint) and that the S3 service is running",
      "unreachable",
      endpoint,
      bucket,
      sock ?? code,
    );
  }
  if ((code && CREDENTIAL_CODES.has(code)) || status === 403) {
    return new S3StoreError(
      `${action} failed: ${where} refused the credentials (${code ?? "HTTP 403"}${detail}); ` +
        "check backupS3AccessKey and backupS3SecretKey (--backup-s3-access-key, --backup-s3-secret-key or CINDERBLOCK_BACKUP_S3_SECRET_KEY) " +
        "and that this user may use the bucket",
      "credentials",
      endpoint,
      bucket,
      code,
      status,
    );
  }
  if (code === "NoSuchBucket" || code === "InvalidBucketName" || code === "BucketAlreadyExists") {
    return new S3StoreError(`${action} failed: ${where}: ${code}${detail}`, "bucket", endpoint, bucket, code, status);
  }
  return new S3StoreError(
    `${action} failed: ${where} answered ${code ?? "an error"}${status ? ` (HTTP ${status})` : ""}${detail}`,
    "service",
    endpoint,
    bucket,
    code,
    status,
  );
}
