/**
 * The one error catalogue, part of the contract every layer shares: domain code throws these with
 * the HTTP status Cinder answers; the transport renders them (http/errors.ts renders Cinder's fault
 * envelope). Messages follow cinder/exception.py's templates so that clients and people see the
 * words they know.
 */

export class CinderError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers (Retry-After for 413). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "CinderError";
  }
}

export const badRequest = (message: string) => new CinderError(400, message);
export const unauthorized = (message = "The request you have made requires authentication.") =>
  new CinderError(401, message);
export const forbidden = (message: string) => new CinderError(403, message);
export const notFound = (message = "The resource could not be found.") => new CinderError(404, message);
export const conflict = (message: string) => new CinderError(409, message);
export const overLimit = (message: string, retryAfter = "0") =>
  new CinderError(413, message, { "Retry-After": retryAfter });
export const notAcceptable = (message: string) => new CinderError(406, message);
export const unsupportedMediaType = (contentType: string) =>
  new CinderError(415, `Unsupported Content-Type: ${contentType}. Send application/json.`);
export const notImplemented = (what: string) => new CinderError(501, `${what} is not implemented.`);
/** 503 serviceUnavailable: a service the request needs (a volume service, the scheduler) is not answering. */
export const serviceUnavailable = (message: string) => new CinderError(503, message);

// cinder/exception.py templates.
export const invalidInput = (reason: string) => badRequest(`Invalid input received: ${reason}`);
export const invalidVolume = (reason: string) => badRequest(`Invalid volume: ${reason}`);
export const invalidSnapshot = (reason: string) => badRequest(`Invalid snapshot: ${reason}`);
export const invalidMetadataSize = (reason: string) => badRequest(`Invalid metadata size: ${reason}`);
export const volumeNotFound = (id: string) => notFound(`Volume ${id} could not be found.`);
export const snapshotNotFound = (id: string) => notFound(`Snapshot ${id} could not be found.`);
export const volumeMetadataNotFound = (id: string, key: string) =>
  notFound(`Volume ${id} has no metadata with key ${key}.`);
export const snapshotMetadataNotFound = (id: string, key: string) =>
  notFound(`Snapshot ${id} has no metadata with key ${key}.`);
export const volumeTypeNotFound = (nameOrId: string) =>
  notFound(`Volume type with name ${nameOrId} could not be found.`);
export const policyNotAuthorized = (rule: string) => forbidden(`Policy doesn't allow ${rule} to be performed.`);

// Volume types, extra specs, type access, project default types and QoS specs (cinder/exception.py).
export const volumeTypeIdNotFound = (id: string) => notFound(`Volume type ${id} could not be found.`);
export const volumeTypeExists = (name: string) => conflict(`Volume Type ${name} already exists.`);
export const invalidVolumeType = (reason: string) => badRequest(`Invalid volume type: ${reason}`);
export const typeEncryptionExists = (typeId: string) => badRequest(`Volume type encryption for type ${typeId} already exists.`);
export const typeEncryptionNotFound = (typeId: string) => notFound(`Volume type encryption for type ${typeId} does not exist.`);
export const extraSpecNotFound = (typeId: string, key: string) =>
  notFound(`Volume Type ${typeId} has no extra specs with key ${key}.`);
export const typeAccessExists = (typeId: string, project: string) =>
  conflict(`Volume type access for ${typeId} / ${project} combination already exists.`);
export const typeAccessNotFound = (typeId: string, project: string) =>
  notFound(`Volume type access not found for ${typeId} / ${project} combination.`);
export const defaultTypeMisconfigured = (name: string) =>
  new CinderError(500, `The request cannot be fulfilled as the default volume type ${name} cannot be found.`);
export const projectDefaultTypeNotFound = (project: string) => notFound(`Default type for project ${project} not found.`);
export const qosSpecsNotFound = (id: string) => notFound(`No such QoS spec ${id}.`);
export const qosSpecsExists = (name: string) => conflict(`QoS Specs ${name} already exists.`);
export const qosSpecsKeyNotFound = (id: string, key: string) => notFound(`QoS spec ${id} has no spec with key ${key}.`);

// Group types, group specs, groups and group snapshots (cinder/exception.py).
export const groupTypeNotFound = (id: string) => notFound(`Group type ${id} could not be found.`);
export const groupTypeExists = (name: string) => conflict(`Group Type ${name} already exists.`);
export const groupSpecNotFound = (typeId: string, key: string) => notFound(`Group Type ${typeId} has no extra spec with key ${key}.`);
export const groupSpecKeyNotFound = (typeId: string, key: string) => notFound(`Group Type ${typeId} has no specs with key ${key}.`);
export const groupNotFound = (id: string) => notFound(`Group ${id} could not be found.`);
export const groupSnapshotNotFound = (id: string) => notFound(`GroupSnapshot ${id} could not be found.`);
export const invalidGroup = (reason: string) => badRequest(`Invalid Group: ${reason}`);
export const invalidGroupType = (reason: string) => badRequest(`Invalid group type: ${reason}`);
export const invalidGroupSnapshot = (reason: string) => badRequest(`Invalid GroupSnapshot: ${reason}`);
export const invalidBackup = (reason: string) => badRequest(`Invalid backup: ${reason}`);
export const backupNotFound = (id: string) => notFound(`Backup ${id} could not be found.`);

/** The reason phrases of the statuses faults are answered with (Keystone's and Glance's `title`). */
export const HTTP_TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
};
