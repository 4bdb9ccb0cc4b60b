import { PassThrough, type Readable, Writable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { MultipartWrites, PendingObject, SnapshotStore, WrittenPart } from './store.js';

/** Where an S3-compatible store is and how to reach it. */
export interface S3Location {
  bucket: string;
  /** Prepended to every key (`dbplane/` → `dbplane/<account>/<id>.snap`). */
  prefix?: string | undefined;
  /** Another S3-compatible server (`http://127.0.0.1:9000`); unset: AWS. */
  endpoint?: string | undefined;
  /** The bucket's S3 region (`us-east-1` when unset). */
  region?: string | undefined;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), which most self-hosted servers need. */
  forcePathStyle?: boolean | undefined;
  /** Unset: the SDK's usual chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** `create` buffers a stream into parts of this size (S3's minimum part is 5 MiB). */
const STREAM_PART_BYTES = 8 * 1024 * 1024;

const statusOf = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const nameOf = (err: unknown) => (err as { name?: string }).name;

/**
 * A snapshot store in an S3-compatible bucket, through the AWS SDK's S3
 * client: objects are written by multipart upload (nothing visible until it
 * completes) and read with ranged GETs.
 *
 * @example
 * const store = createS3Store({ bucket: 'snaps', prefix: 'eu-1/', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
 */
export function createS3Store(loc: S3Location): SnapshotStore {
  const client = new S3Client({
    region: loc.region ?? 'us-east-1',
    ...(loc.endpoint === undefined ? {} : { endpoint: loc.endpoint }),
    forcePathStyle: loc.forcePathStyle ?? false,
    ...(loc.credentials === undefined ? {} : { credentials: loc.credentials }),
  });
  const Bucket = loc.bucket;
  const k = (key: string) => `${loc.prefix ?? ''}${key}`;
  const size = async (key: string) => {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: k(key) }));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (statusOf(err) === 404 || nameOf(err) === 'NotFound' || nameOf(err) === 'NoSuchKey')
        return undefined;
      throw err;
    }
  };
  const multipart: MultipartWrites = {
    async start(key) {
      const r = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: k(key) }));
      if (r.UploadId === undefined) throw new Error(`S3 gave no upload id for ${k(key)}`);
      return r.UploadId;
    },
    async putPart(key, UploadId, part, body) {
      const r = await client.send(
        new UploadPartCommand({ Bucket, Key: k(key), UploadId, PartNumber: part, Body: body }),
      );
      return r.ETag ?? '';
    },
    async complete(key, UploadId, parts) {
      const Parts = [...parts]
        .sort((a, b) => a.part - b.part)
        .map((p) => ({ PartNumber: p.part, ETag: p.etag }));
      try {
        await client.send(
          new CompleteMultipartUploadCommand({ Bucket, Key: k(key), UploadId, MultipartUpload: { Parts } }),
        );
      } catch (err) {
        // completed before (a crash between completing and recording it): the upload is gone
        // (S3: NoSuchUpload; some servers answer an internal error) and the object is there;
        // keys are written by one upload each, so an object under it is that upload's
        if ((await size(key)) !== undefined) return;
        throw err;
      }
    },
    async abort(key, UploadId) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key: k(key), UploadId })).catch(() => {});
    },
  };
  return {
    create: (key) => streamUpload(multipart, key),
    read(key, range) {
      const out = new PassThrough();
      const Range = range === undefined ? undefined : `bytes=${range.start}-${range.end}`;
      client
        .send(new GetObjectCommand({ Bucket, Key: k(key), ...(Range === undefined ? {} : { Range }) }))
        .then((r) => {
          const body = r.Body as Readable;
          body.on('error', (err) => out.destroy(err));
          body.pipe(out);
        })
        .catch((err: unknown) => out.destroy(err as Error));
      return out;
    },
    size,
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: k(key) }));
    },
    multipart,
  };
}

/** A writable object over a multipart upload: parts of `STREAM_PART_BYTES`, completed on commit. */
async function streamUpload(m: MultipartWrites, key: string): Promise<PendingObject> {
  const uploadId = await m.start(key);
  const parts: WrittenPart[] = [];
  let pending: Buffer[] = [];
  let length = 0;
  const flush = async () => {
    const part = parts.length + 1;
    const body = Buffer.concat(pending);
    pending = [];
    length = 0;
    parts.push({ part, etag: await m.putPart(key, uploadId, part, body) });
  };
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      pending.push(chunk);
      length += chunk.length;
      if (length < STREAM_PART_BYTES) return done();
      flush().then(() => done(), done);
    },
    final(done) {
      if (length === 0 && parts.length > 0) return done();
      flush().then(() => done(), done);
    },
  });
  return {
    stream,
    commit: () => m.complete(key, uploadId, parts),
    abort: () => m.abort(key, uploadId),
  };
}
