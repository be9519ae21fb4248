/**
 * A large object goes up as an S3 multipart upload: the parts are stored apart and the object
 * appears whole only when the upload is completed, so a reader never sees part of it. An upload
 * that fails is aborted, which frees its parts.
 */
import { createHash } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

/** Parts in flight at once. */
const PART_CONCURRENCY = 4;

export function md5Base64(data: Uint8Array): string {
  return createHash("md5").update(data).digest("base64");
}

export async function multipartPut(client: S3Client, bucket: string, key: string, data: Buffer, partSize: number): Promise<void> {
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error(`the S3 service started a multipart upload of ${key} without an upload id`);
  try {
    const count = Math.ceil(data.length / partSize);
    const etags: string[] = new Array(count);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < count; i = next++) {
        const body = data.subarray(i * partSize, Math.min(data.length, (i + 1) * partSize));
        const r = await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body, ContentLength: body.length, ContentMD5: md5Base64(body) }),
        );
        if (!r.ETag) throw new Error(`the S3 service stored part ${i + 1} of ${key} without an ETag`);
        etags[i] = r.ETag;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, count) }, worker));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}

/**
 * Aborts the multipart uploads under `prefix` started before `olderThan`: those a process that died
 * mid-upload left behind (their parts take space but are no object).
 */
export async function abortStaleUploads(client: S3Client, bucket: string, prefix: string, olderThan: Date): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const u of page.Uploads ?? []) {
      if (!u.Key || !u.UploadId || !u.Initiated || u.Initiated >= olderThan) continue;
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
      aborted++;
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
