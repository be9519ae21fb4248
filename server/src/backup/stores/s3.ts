/**
 * The S3 backup object store (Cinder's s3 backup driver, cinder/backup/drivers/s3.py): backup
 * chunks, metadata and sha files as objects of an S3 service (Ceph's radosgw, MinIO, AWS).
 *
 * Containers are buckets of their own (Cinder's layout) or key prefixes in one bucket
 * (S3ContainerMode). Objects go up whole: a PutObject, or above the multipart threshold a
 * multipart upload that appears only once completed. Every request carries its MD5 (as Cinder's
 * backup_s3_md5_validation), so a body damaged on the way is refused rather than stored.
 */
import { readFileSync } from "node:fs";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { BackupObjectMissing, type BackupObjectStore } from "../object-store";
import { describeS3Failure, httpStatus, s3Code, S3StoreError } from "./s3-errors";
import { abortStaleUploads, md5Base64, multipartPut } from "./s3-multipart";
import { invalidBucketName, S3_MIN_PART_BYTES, S3_STORE_DEFAULTS, type S3StoreOptions } from "./s3-options";

interface Location {
  bucket: string;
  key: string;
}

export class S3BackupObjectStore implements BackupObjectStore {
  readonly kind = "s3";
  readonly options: S3StoreOptions;
  private readonly client: S3Client;
  private readonly ensured = new Set<string>();

  constructor(options: Partial<S3StoreOptions> & Pick<S3StoreOptions, "endpoint" | "accessKey" | "secretKey">) {
    const o: S3StoreOptions = { ...S3_STORE_DEFAULTS, ...options };
    if (o.partSizeBytes < S3_MIN_PART_BYTES) throw new Error(`the S3 part size must be at least ${S3_MIN_PART_BYTES} bytes, got ${o.partSizeBytes}`);
    if (o.maxAttempts < 1) throw new Error(`the S3 retry attempts must be at least 1, got ${o.maxAttempts}`);
    this.options = o;
    const ms = Math.round(o.timeoutSeconds * 1000);
    const agent = { keepAlive: true, maxSockets: o.maxPoolConnections };
    this.client = new S3Client({
      endpoint: o.endpoint,
      region: o.region,
      credentials: { accessKeyId: o.accessKey, secretAccessKey: o.secretKey },
      forcePathStyle: o.forcePathStyle,
      maxAttempts: o.maxAttempts,
      retryMode: "standard",
      // The MD5 of each body is sent instead: radosgw and other S3 services do not all take the
      // SDK's newer trailing checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: {
        connectionTimeout: ms,
        requestTimeout: ms,
        httpAgent: agent,
        httpsAgent: {
          ...agent,
          rejectUnauthorized: o.verifySsl,
          ...(o.caCertFile && o.verifySsl ? { ca: readCa(o.caCertFile) } : {}),
        },
      },
    });
  }

  /** The container of a backup that names none (Cinder's backup_s3_store_bucket). */
  get defaultContainer(): string {
    return this.options.bucket;
  }

  /**
   * Checks that the service answers and takes the credentials (Cinder's check_for_setup_error
   * lists the buckets); throws an S3StoreError that names the endpoint and the bucket.
   */
  async check(): Promise<void> {
    await this.call("check", this.options.bucket, () => this.client.send(new ListBucketsCommand({})));
  }

  async ensureContainer(container: string): Promise<void> {
    const bucket = this.bucketOf(container);
    if (this.ensured.has(bucket)) return;
    const exists = await this.call(`look up bucket ${bucket}`, bucket, async () => {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      } catch (err) {
        if (httpStatus(err) === 404) return false;
        throw err;
      }
    });
    if (!exists) {
      await this.call(`create bucket ${bucket}`, bucket, async () => {
        try {
          await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
        } catch (err) {
          if (s3Code(err) !== "BucketAlreadyOwnedByYou") throw err;
        }
      });
    }
    this.ensured.add(bucket);
  }

  async put(container: string, name: string, data: Buffer): Promise<void> {
    const { bucket, key } = this.locate(container, name);
    await this.call(`put ${container}/${name}`, bucket, async () => {
      if (data.length > this.options.multipartThresholdBytes) {
        await multipartPut(this.client, bucket, key, data, this.options.partSizeBytes);
      } else {
        await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentLength: data.length, ContentMD5: md5Base64(data) }));
      }
    });
  }

  async get(container: string, name: string): Promise<Buffer> {
    const { bucket, key } = this.locate(container, name);
    return this.call(`get ${container}/${name}`, bucket, async () => {
      // The SDK retries failed requests; these retries cover a body cut off after a good answer
      // began (a reset socket, a read timeout), as Cinder's S3ObjectReader.read does.
      for (let attempt = 1; ; attempt++) {
        let expected: number | undefined;
        try {
          const r = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          expected = r.ContentLength;
          if (!r.Body) throw new Error("the answer had no body");
          const bytes = Buffer.from(await r.Body.transformToByteArray());
          if (expected !== undefined && bytes.length !== expected) throw new TruncatedBody(bytes.length, expected);
          return bytes;
        } catch (err) {
          if (s3Code(err) === "NoSuchKey" || s3Code(err) === "NoSuchBucket") throw new BackupObjectMissing(container, name);
          const midBody = err instanceof TruncatedBody || (expected !== undefined && httpStatus(err) === undefined);
          if (!midBody || attempt >= this.options.maxAttempts) throw err;
        }
      }
    });
  }

  async delete(container: string, name: string): Promise<void> {
    const { bucket, key } = this.locate(container, name);
    await this.call(`delete ${container}/${name}`, bucket, async () => {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        if (s3Code(err) !== "NoSuchBucket" && s3Code(err) !== "NoSuchKey") throw err;
      }
    });
  }

  async list(container: string, prefix: string): Promise<string[]> {
    const { bucket, key } = this.locate(container, prefix, true);
    const strip = key.length - prefix.length;
    return this.call(`list ${container}/${prefix}*`, bucket, async () => {
      const names: string[] = [];
      let token: string | undefined;
      do {
        let page;
        try {
          page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key || undefined, ContinuationToken: token }));
        } catch (err) {
          if (s3Code(err) === "NoSuchBucket") return [];
          throw err;
        }
        for (const o of page.Contents ?? []) if (o.Key !== undefined) names.push(o.Key.slice(strip));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (page.IsTruncated && !token) throw new Error("the S3 service cut a listing short without a continuation token");
      } while (token);
      return names.sort();
    });
  }

  /**
   * Aborts the multipart uploads into `container` begun before `olderThan`: what a process that
   * stopped mid-upload left behind. Returns how many there were.
   */
  async abortStaleUploads(container: string, olderThan: Date): Promise<number> {
    const { bucket, key } = this.locate(container, "", true);
    return this.call(`abort stale uploads in ${container}`, bucket, async () => {
      try {
        return await abortStaleUploads(this.client, bucket, key, olderThan);
      } catch (err) {
        if (s3Code(err) === "NoSuchBucket") return 0;
        throw err;
      }
    });
  }

  /** Closes the connections the store keeps open. */
  close(): void {
    this.client.destroy();
  }

  private bucketOf(container: string): string {
    if (this.options.containerMode === "prefix") {
      this.checkPrefixContainer(container);
      return this.options.bucket;
    }
    const why = invalidBucketName(container);
    if (why) {
      throw new S3StoreError(
        `backup container '${container}' cannot be an S3 bucket name (${why}); the s3 backup store at ${this.options.endpoint} ` +
          "keeps each container in a bucket of its own: name the container accordingly, or keep containers as key prefixes " +
          `of the bucket ${this.options.bucket} with --backup-s3-container-mode prefix`,
        "bucket",
        this.options.endpoint,
        container,
        "InvalidBucketName",
      );
    }
    return container;
  }

  private checkPrefixContainer(container: string): void {
    if (container === "" || container.includes("/")) {
      throw new S3StoreError(
        `backup container '${container}' cannot be a key prefix in the bucket ${this.options.bucket} of the s3 backup store at ` +
          `${this.options.endpoint}: it must be non-empty and hold no '/'`,
        "bucket",
        this.options.endpoint,
        this.options.bucket,
      );
    }
  }

  private locate(container: string, name: string, isPrefix = false): Location {
    if (!isPrefix && name === "") throw new Error(`an object of backup container ${container} needs a name`);
    const bucket = this.bucketOf(container);
    return { bucket, key: this.options.containerMode === "prefix" ? `${container}/${name}` : name };
  }

  private async call<T>(action: string, bucket: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BackupObjectMissing) throw err;
      throw describeS3Failure(err, action, this.options.endpoint, bucket);
    }
  }
}

class TruncatedBody extends Error {
  constructor(got: number, expected: number) {
    super(`the object's body ended after ${got} of ${expected} bytes`);
  }
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read the S3 CA bundle ${file}: ${(err as Error).message}`);
  }
}
