/**
 * Bad input: every refused request gets the right status, a Cinder fault body whose message says
 * what to fix (Cinder's own wording where Cinder has one), and leaves the database and the
 * storage exactly as they were.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Client, type Response } from "../helpers/client";
import { checkContract } from "../helpers/contract";
import { assertFault } from "../helpers/faults";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { ADMIN, captureState, volumeFile, writeAt } from "../helpers/state";
import { waitGone, waitStatus } from "../helpers/wait";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
/** oslo.middleware sizelimit's max_request_body_size, which Cinder runs with. */
const MAX_BODY = 114_688;

interface Fixture {
  s: TestServer;
  /** alice, a member of p1. */
  c: Client;
  /** bob, a member of p2. */
  bob: Client;
  admin: Client;
  /** p1: available, 1 GiB with data, metadata, snapshots s1 (older) and s2 (latest). */
  a: string;
  s1: string;
  s2: string;
  /** p1: reset to error by the admin. */
  b: string;
  /** p2: available. */
  other: string;
  /** p1: d (reset to error) has snapshot sd (reset to creating); e is available with snapshot se reset to error. */
  d: string;
  sd: string;
  e: string;
  se: string;
}

interface Case {
  title: string;
  send: (f: Fixture) => Promise<Response>;
  status: number;
  message: string | RegExp | ((f: Fixture) => string | RegExp);
}

const raw = (c: Client, method: string, path: string, body: string, contentType = "application/json") =>
  c.call(method, path, { raw: body, contentType });

/** A request body of exactly `bytes` bytes: a valid create padded by a key the schema refuses. */
function paddedCreate(bytes: number): string {
  const shell = JSON.stringify({ volume: { size: 1 }, pad: "" });
  return shell.replace('"pad":""', `"pad":"${"x".repeat(bytes - shell.length)}"`);
}

const NOT_FOUND = "The resource could not be found.";
const MALFORMED = "Malformed request body";
const AUTH = "The request you have made requires authentication.";
const DELETE_REFUSED =
  "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing " +
  "and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be " +
  "disassociated from snapshots after volume transfer.";

const sizeCases: Array<[unknown, string]> = [
  [0, "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"],
  [-1, "Invalid input for field/attribute size. Value: -1. -1 is less than the minimum of 1"],
  [1.5, "Invalid input for field/attribute size. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'"],
  [true, "Invalid input for field/attribute size. Value: True. True is not of type 'integer', 'string', 'null'"],
  [[1], "Invalid input for field/attribute size. Value: [1]. [1] is not of type 'integer', 'string', 'null'"],
  [2147483648, "Invalid input for field/attribute size. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647"],
  [1e20, "Invalid input for field/attribute size. Value: 100000000000000000000. 100000000000000000000 is greater than the maximum of 2147483647"],
  ["abc", "Invalid input for field/attribute size. Value: abc. 'abc' does not match '^[0-9]+$'"],
  ["1.5", "Invalid input for field/attribute size. Value: 1.5. '1.5' does not match '^[0-9]+$'"],
  ["0", "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"],
  ["2147483648", "Invalid input for field/attribute size. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647"],
];

const newSizeCases: Array<[unknown, string]> = [
  [0, "Invalid input for field/attribute new_size. Value: 0. 0 is less than the minimum of 1"],
  [-5, "Invalid input for field/attribute new_size. Value: -5. -5 is less than the minimum of 1"],
  [2.5, "Invalid input for field/attribute new_size. Value: 2.5. 2.5 is not of type 'integer', 'string'"],
  [2147483648, "Invalid input for field/attribute new_size. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647"],
  ["two", "Invalid input for field/attribute new_size. Value: two. 'two' does not match '^[0-9]+$'"],
];

const long = "n".repeat(256);
/** The spec's schema refuses it first ("... is too long"); Cinder's format check says "name has 256 characters, more than 255.". */
const tooLong = (field: string) => new RegExp(`^(Invalid input for field/attribute ${field}\\. Value: ${"n".repeat(256)}\\. '${"n".repeat(256)}' is too long|Invalid input received: ${field} has 256 characters, more than 255\\.)$`);

const cases: Case[] = [
  // Malformed bodies.
  { title: "malformed JSON on volume create", send: (f) => raw(f.c, "POST", "/v3/p1/volumes", '{"volume": {"size": 1,}'), status: 400, message: MALFORMED },
  { title: "malformed JSON on volume update", send: (f) => raw(f.c, "PUT", `/v3/p1/volumes/${f.a}`, '{"volume": '), status: 400, message: MALFORMED },
  { title: "malformed JSON on an action", send: (f) => raw(f.c, "POST", `/v3/p1/volumes/${f.a}/action`, '{"os-extend": {"new_size": 2}'), status: 400, message: MALFORMED },
  { title: "malformed JSON on snapshot create", send: (f) => raw(f.c, "POST", "/v3/p1/snapshots", "snapshot please"), status: 400, message: MALFORMED },
  { title: "a JSON array as the create body", send: (f) => raw(f.c, "POST", "/v3/p1/volumes", "[]"), status: 400, message: "[] is not of type 'object'" },
  { title: "JSON null as the create body", send: (f) => raw(f.c, "POST", "/v3/p1/volumes", "null"), status: 400, message: "None is not of type 'object'" },
  { title: "a JSON array as an action body", send: (f) => raw(f.c, "POST", `/v3/p1/volumes/${f.a}/action`, '[{"os-extend": {"new_size": 2}}]'), status: 400, message: MALFORMED },
  { title: "two actions in one body", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-extend": { new_size: 2 }, "os-set_bootable": { bootable: true } }), status: 400, message: MALFORMED },

  // Unknown fields.
  ...["3.53", "3.71"].map((v): Case => ({
    title: `an unknown key in volume create at ${v}`,
    send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1, foo: 1 } }, { version: v }),
    status: 400,
    message: "Invalid input for field/attribute volume. Value: {'size': 1, 'foo': 1}. Additional properties are not allowed ('foo' was unexpected)",
  })),
  { title: "an unknown top-level key in volume create (any version)", send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1 }, foo: 1 }, { version: "3.0" }), status: 400, message: "Additional properties are not allowed ('foo' was unexpected)" },
  ...["3.0", "3.71"].map((v): Case => ({
    title: `an unknown key in volume update at ${v}`,
    send: (f) => f.c.put(`/v3/p1/volumes/${f.a}`, { volume: { name: "x", foo: "bar" } }, { version: v }),
    status: 400,
    message: "Invalid input for field/attribute volume. Value: {'name': 'x', 'foo': 'bar'}. Additional properties are not allowed ('foo' was unexpected)",
  })),
  { title: "an empty volume update at 3.53", send: (f) => f.c.put(`/v3/p1/volumes/${f.a}`, { volume: {} }), status: 400, message: "Invalid input for field/attribute volume. Value: {}. {} is not valid under any of the given schemas" },
  { title: "an unknown key in snapshot create", send: (f) => f.c.post("/v3/p1/snapshots", { snapshot: { volume_id: f.a, foo: 1 } }), status: 400, message: (f) => `Invalid input for field/attribute snapshot. Value: {'volume_id': '${f.a}', 'foo': 1}. Additional properties are not allowed ('foo' was unexpected)` },
  { title: "an unknown key in os-extend", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-extend": { new_size: 2, foo: 1 } }), status: 400, message: "Invalid input for field/attribute os-extend. Value: {'new_size': 2, 'foo': 1}. Additional properties are not allowed ('foo' was unexpected)" },
  { title: "os-extend without new_size", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-extend": {} }), status: 400, message: "Invalid input for field/attribute os-extend. Value: {}. 'new_size' is a required property" },
  { title: "os-extend with null", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-extend": null }), status: 400, message: "Invalid input for field/attribute os-extend. Value: None. None is not of type 'object'" },
  { title: "a metadata value that is not a string", send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1, metadata: { k: 1 } } }), status: 400, message: "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'" },

  // Sizes.
  ...sizeCases.map(([size, message]): Case => ({
    title: `volume create with size ${JSON.stringify(size)}`,
    send: (f) => f.c.post("/v3/p1/volumes", { volume: { size } }),
    status: 400,
    message,
  })),
  { title: "volume create without a size or a source", send: (f) => f.c.post("/v3/p1/volumes", { volume: { name: "no size" } }), status: 400, message: "Invalid input received: Volume size 'None' must be an integer and greater than 0" },
  ...newSizeCases.map(([newSize, message]): Case => ({
    title: `os-extend to new_size ${JSON.stringify(newSize)}`,
    send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-extend": { new_size: newSize } }),
    status: 400,
    message,
  })),
  { title: "os-extend to the current size", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-extend": { new_size: 1 } }), status: 400, message: "Invalid input received: New size for extend must be greater than current size. (current: 1, extended: 1)." },

  // Names and descriptions over 255 characters.
  { title: "volume create with a 256-character name", send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1, name: long } }), status: 400, message: tooLong("name") },
  { title: "volume create with a 256-character description", send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1, description: long } }), status: 400, message: tooLong("description") },
  { title: "volume update with a 256-character name", send: (f) => f.c.put(`/v3/p1/volumes/${f.a}`, { volume: { name: long } }), status: 400, message: tooLong("name") },
  { title: "snapshot create with a 256-character name", send: (f) => f.c.post("/v3/p1/snapshots", { snapshot: { volume_id: f.a, name: long } }), status: 400, message: tooLong("name") },
  { title: "snapshot update with a 256-character name", send: (f) => f.c.put(`/v3/p1/snapshots/${f.s1}`, { snapshot: { name: long } }), status: 400, message: tooLong("name") },
  { title: "a 256-character metadata value", send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1, metadata: { k: long } } }), status: 400, message: tooLong("k") },

  // Unknown ids.
  { title: "show an unknown volume", send: (f) => f.c.get(`/v3/p1/volumes/${UNKNOWN}`), status: 404, message: `Volume ${UNKNOWN} could not be found.` },
  { title: "update an unknown volume", send: (f) => f.c.put(`/v3/p1/volumes/${UNKNOWN}`, { volume: { name: "x" } }), status: 404, message: `Volume ${UNKNOWN} could not be found.` },
  { title: "delete an unknown volume", send: (f) => f.c.delete(`/v3/p1/volumes/${UNKNOWN}`), status: 404, message: `Volume ${UNKNOWN} could not be found.` },
  { title: "delete a volume id that is not a UUID", send: (f) => f.c.delete("/v3/p1/volumes/not-a-volume"), status: 404, message: "Volume not-a-volume could not be found." },
  { title: "extend an unknown volume", send: (f) => f.c.post(`/v3/p1/volumes/${UNKNOWN}/action`, { "os-extend": { new_size: 2 } }), status: 404, message: `Volume ${UNKNOWN} could not be found.` },
  { title: "show an unknown snapshot", send: (f) => f.c.get(`/v3/p1/snapshots/${UNKNOWN}`), status: 404, message: `Snapshot ${UNKNOWN} could not be found.` },
  { title: "delete an unknown snapshot", send: (f) => f.c.delete(`/v3/p1/snapshots/${UNKNOWN}`), status: 404, message: `Snapshot ${UNKNOWN} could not be found.` },
  { title: "create a volume from an unknown snapshot", send: (f) => f.c.post("/v3/p1/volumes", { volume: { snapshot_id: UNKNOWN } }), status: 404, message: `Snapshot ${UNKNOWN} could not be found.` },
  { title: "clone an unknown volume", send: (f) => f.c.post("/v3/p1/volumes", { volume: { source_volid: UNKNOWN } }), status: 404, message: `Volume ${UNKNOWN} could not be found.` },
  { title: "snapshot an unknown volume", send: (f) => f.c.post("/v3/p1/snapshots", { snapshot: { volume_id: UNKNOWN } }), status: 404, message: `Volume ${UNKNOWN} could not be found.` },
  { title: "list after an unknown marker", send: (f) => f.c.get(`/v3/p1/volumes/detail?marker=${UNKNOWN}`), status: 404, message: `Volume ${UNKNOWN} could not be found.` },
  // cinder/api/v3/volumes.py revert compares the id with the latest snapshot's before looking anything up.
  { title: "revert to an unknown snapshot", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { revert: { snapshot_id: UNKNOWN } }), status: 400, message: (f) => `Specified snapshot ${UNKNOWN} is None or not the latest one of volume ${f.a}.` },

  // Microversions.
  { title: "microversion 3.99 on a list", send: (f) => f.c.get("/v3/p1/volumes", { version: "3.99" }), status: 406, message: "Version 3.99 is not supported by the API. Minimum is 3.0 and maximum is 3.71." },
  { title: "microversion 3.99 on a create", send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1 } }, { version: "3.99" }), status: 406, message: "Version 3.99 is not supported by the API. Minimum is 3.0 and maximum is 3.71." },
  { title: "microversion 2.0", send: (f) => f.c.delete(`/v3/p1/volumes/${f.b}`, { version: "2.0" }), status: 406, message: "Version 2.0 is not supported by the API. Minimum is 3.0 and maximum is 3.71." },
  ...["3.1.2", "3.x", "3", "v3.5", "3.05"].map((v): Case => ({
    title: `malformed microversion '${v}'`,
    send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1 } }, { version: v }),
    status: 400,
    message: `API Version String ${v} is of invalid format. Must be of format MajorNum.MinorNum.`,
  })),
  { title: "an OpenStack-API-Version header without a volume entry", send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1 } }, { version: null, headers: { "OpenStack-API-Version": "compute 2.1" } }), status: 400, message: /volume/ },
  { title: "revert (3.40) at 3.39", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { revert: { snapshot_id: f.s2 } }, { version: "3.39" }), status: 404, message: NOT_FOUND },
  { title: "volume summary (3.12) at 3.11", send: (f) => f.c.get("/v3/p1/volumes/summary", { version: "3.11" }), status: 404, message: NOT_FOUND },

  // Bodies over the size limit.
  { title: `a body of ${MAX_BODY + 1} bytes`, send: (f) => raw(f.c, "POST", "/v3/p1/volumes", paddedCreate(MAX_BODY + 1)), status: 413, message: "Request is too large." },
  { title: "a 1 MiB action body", send: (f) => raw(f.c, "POST", `/v3/p1/volumes/${f.a}/action`, JSON.stringify({ "os-extend": { new_size: 2 }, pad: "x".repeat(1 << 20) })), status: 413, message: "Request is too large." },
  { title: "an oversized body sent chunked (no Content-Length)", send: (f) => chunkedPost(f.c, "/v3/p1/volumes", paddedCreate(4 * MAX_BODY)), status: 413, message: "Request is too large." },
  { title: `a body of exactly ${MAX_BODY} bytes passes the size limit (and fails validation)`, send: (f) => raw(f.c, "POST", "/v3/p1/volumes", paddedCreate(MAX_BODY)), status: 400, message: "Additional properties are not allowed ('pad' was unexpected)" },

  // Actions from the wrong status.
  { title: "extend a volume in error (after os-reset_status)", send: (f) => f.c.post(`/v3/p1/volumes/${f.b}/action`, { "os-extend": { new_size: 2 } }), status: 400, message: (f) => `Invalid volume: Volume ${f.b} status must be 'available' to extend, currently error.` },
  { title: "delete a volume with snapshots", send: (f) => f.c.delete(`/v3/p1/volumes/${f.a}`), status: 400, message: DELETE_REFUSED },
  { title: "revert to a snapshot that is not the latest", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { revert: { snapshot_id: f.s1 } }), status: 400, message: (f) => `Specified snapshot ${f.s1} is None or not the latest one of volume ${f.a}.` },
  { title: "revert to another volume's snapshot", send: (f) => f.c.post(`/v3/p1/volumes/${f.b}/action`, { revert: { snapshot_id: f.s2 } }), status: 400, message: (f) => `Volume ${f.b} doesn't have any snapshots.` },
  { title: "snapshot a volume in error", send: (f) => f.c.post("/v3/p1/snapshots", { snapshot: { volume_id: f.b } }), status: 400, message: "Invalid volume: The snapshot cannot be created when the volume is in error status." },
  { title: "set the read-only flag of a volume in error", send: (f) => f.c.post(`/v3/p1/volumes/${f.b}/action`, { "os-update_readonly_flag": { readonly: true } }), status: 400, message: (f) => `Invalid volume: Volume ${f.b} status must be available to update readonly flag, but current status is: error.` },
  { title: "clone a volume in error", send: (f) => f.c.post("/v3/p1/volumes", { volume: { source_volid: f.b } }), status: 400, message: "Invalid volume: Originating source volume status must be one of 'available, in-use' values" },
  { title: "revert a volume in error", send: (f) => f.c.post(`/v3/p1/volumes/${f.d}/action`, { revert: { snapshot_id: f.sd } }), status: 409, message: (f) => `Invalid volume: Can't revert volume ${f.d} to its latest snapshot ${f.sd}. Volume's status must be 'available'.` },
  // Cinder leaves the volume `reverting` here (cinder/volume/api.py revert_to_snapshot sets it before checking the snapshot); nothing may change.
  { title: "revert to a snapshot in error", send: (f) => f.c.post(`/v3/p1/volumes/${f.e}/action`, { revert: { snapshot_id: f.se } }), status: 409, message: (f) => `Invalid snapshot: Can't revert volume ${f.e} to its latest snapshot ${f.se}. Snapshot's status must be 'available'.` },
  { title: "create a volume from a snapshot in error", send: (f) => f.c.post("/v3/p1/volumes", { volume: { snapshot_id: f.se } }), status: 400, message: "Invalid snapshot: Originating snapshot status must be one of 'available' values" },
  { title: "delete a snapshot that is creating", send: (f) => f.c.delete(`/v3/p1/snapshots/${f.sd}`), status: 400, message: "Invalid snapshot: Snapshot status must be available or error and must not be part of a group." },
  { title: "create a volume from a snapshot that is creating", send: (f) => f.c.post("/v3/p1/volumes", { volume: { snapshot_id: f.sd } }), status: 400, message: "Invalid snapshot: Originating snapshot status must be one of 'available' values" },
  { title: "os-reset_status by a member", send: (f) => f.c.post(`/v3/p1/volumes/${f.b}/action`, { "os-reset_status": { status: "available" } }), status: 403, message: "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed." },
  { title: "os-force_delete by a member", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-force_delete": {} }), status: 403, message: "Policy doesn't allow volume_extension:volume_admin_actions:force_delete to be performed." },

  // Content types.
  ...[
    ["application/x-www-form-urlencoded", "volume[size]=1"],
    ["application/xml", "<volume><size>1</size></volume>"],
    ["text/plain", JSON.stringify({ volume: { size: 1 } })],
  ].map(([type, body]): Case => ({
    title: `Content-Type ${type}`,
    send: (f) => raw(f.c, "POST", "/v3/p1/volumes", body, type),
    status: 415,
    message: new RegExp(`^Unsupported Content-Type: ${type.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\b.*application/json`),
  })),
  { title: "Content-Type text/plain on an action", send: (f) => raw(f.c, "POST", `/v3/p1/volumes/${f.a}/action`, JSON.stringify({ "os-extend": { new_size: 2 } }), "text/plain"), status: 415, message: /^Unsupported Content-Type: text\/plain/ },

  // Unknown actions.
  { title: "an unknown volume action", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-frobnicate": {} }), status: 400, message: "There is no such action: os-frobnicate. Verify the request body and Content-Type header and try again." },
  { title: "a snapshot action on a volume", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-update_snapshot_status": { status: "error" } }), status: 400, message: "There is no such action: os-update_snapshot_status. Verify the request body and Content-Type header and try again." },
  { title: "an unknown snapshot action", send: (f) => f.c.post(`/v3/p1/snapshots/${f.s1}/action`, { "os-extend": { new_size: 2 } }), status: 400, message: "There is no such action: os-extend. Verify the request body and Content-Type header and try again." },

  // Authentication.
  { title: "list without a token", send: (f) => f.c.get("/v3/p1/volumes", { token: null }), status: 401, message: AUTH },
  { title: "create without a token", send: (f) => f.c.post("/v3/p1/volumes", { volume: { size: 1 } }, { token: null }), status: 401, message: AUTH },
  { title: "delete without a token", send: (f) => f.c.delete(`/v3/p1/volumes/${f.b}`, { token: null }), status: 401, message: AUTH },
  { title: "an action without a token", send: (f) => f.c.post(`/v3/p1/volumes/${f.a}/action`, { "os-extend": { new_size: 2 } }, { token: null }), status: 401, message: AUTH },

  // Another project's resources look like nothing at all.
  { title: "show another project's volume", send: (f) => f.bob.get(`/v3/p2/volumes/${f.a}`), status: 404, message: (f) => `Volume ${f.a} could not be found.` },
  { title: "update another project's volume", send: (f) => f.bob.put(`/v3/p2/volumes/${f.a}`, { volume: { name: "mine" } }), status: 404, message: (f) => `Volume ${f.a} could not be found.` },
  { title: "delete another project's volume", send: (f) => f.bob.delete(`/v3/p2/volumes/${f.b}`), status: 404, message: (f) => `Volume ${f.b} could not be found.` },
  { title: "extend another project's volume", send: (f) => f.bob.post(`/v3/p2/volumes/${f.a}/action`, { "os-extend": { new_size: 2 } }), status: 404, message: (f) => `Volume ${f.a} could not be found.` },
  { title: "snapshot another project's volume", send: (f) => f.bob.post("/v3/p2/snapshots", { snapshot: { volume_id: f.a } }), status: 404, message: (f) => `Volume ${f.a} could not be found.` },
  { title: "clone another project's volume", send: (f) => f.bob.post("/v3/p2/volumes", { volume: { source_volid: f.a } }), status: 404, message: (f) => `Volume ${f.a} could not be found.` },
  { title: "create from another project's snapshot", send: (f) => f.bob.post("/v3/p2/volumes", { volume: { snapshot_id: f.s2 } }), status: 404, message: (f) => `Snapshot ${f.s2} could not be found.` },
  { title: "delete another project's snapshot", send: (f) => f.bob.delete(`/v3/p2/snapshots/${f.s1}`), status: 404, message: (f) => `Snapshot ${f.s1} could not be found.` },
  { title: "page after another project's volume", send: (f) => f.bob.get(`/v3/p2/volumes?marker=${f.a}`), status: 404, message: (f) => `Volume ${f.a} could not be found.` },

  // The project in the URL must be the token's.
  { title: "show with another project in the URL", send: (f) => f.c.get(`/v3/p2/volumes/${f.other}`), status: 400, message: "Malformed request url" },
  { title: "create with another project in the URL", send: (f) => f.c.post("/v3/p2/volumes", { volume: { size: 1 } }), status: 400, message: "Malformed request url" },
  { title: "delete with another project in the URL", send: (f) => f.c.delete(`/v3/p2/volumes/${f.other}`), status: 400, message: "Malformed request url" },
  { title: "an action with the admin's project in the URL", send: (f) => f.c.post(`/v3/admin/volumes/${f.a}/action`, { "os-force_delete": {} }), status: 400, message: "Malformed request url" },
];

/** POST with a streamed body (Transfer-Encoding: chunked), which has no Content-Length to refuse early. */
async function chunkedPost(c: Client, path: string, body: string): Promise<Response> {
  const bytes = new TextEncoder().encode(body);
  const stream = new ReadableStream<Uint8Array>({
    start(ctrl) {
      for (let i = 0; i < bytes.length; i += 16_384) ctrl.enqueue(bytes.subarray(i, i + 16_384));
      ctrl.close();
    },
  });
  const res = await fetch(c.base + path, {
    method: "POST",
    headers: { "X-Auth-Token": c.token as string, "Content-Type": "application/json", "OpenStack-API-Version": "volume 3.71" },
    body: stream,
    duplex: "half",
  } as RequestInit);
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  checkContract("POST", new URL(c.base + path).pathname, res.status, parsed);
  return { status: res.status, headers: res.headers, body: parsed };
}

for (const dialect of DIALECTS) {
  describe(`bad input (${dialect})`, function () {
    const f = {} as Fixture;

    before(async function () {
      this.timeout(60_000);
      f.s = await startServer(dialect);
      f.c = f.s.client;
      f.bob = f.c.as("bob:p2");
      f.admin = f.c.as(ADMIN);
      const created = async (c: Client, project: string, volume: object) => {
        const r = await c.post(`/v3/${project}/volumes`, { volume });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        await waitStatus(c, "volumes", project, r.body.volume.id, "available");
        return r.body.volume.id as string;
      };
      f.a = await created(f.c, "p1", { size: 1, name: "a", metadata: { purpose: "bad-input" } });
      await writeAt(volumeFile(f.s.dataDir, f.a), 0, randomBytes(1 << 20));
      await writeAt(volumeFile(f.s.dataDir, f.a), 512 << 20, Buffer.from("marker of volume a"));
      for (const key of ["s1", "s2"] as const) {
        const r = await f.c.post("/v3/p1/snapshots", { snapshot: { volume_id: f.a, name: key } });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        f[key] = r.body.snapshot.id;
        await waitStatus(f.c, "snapshots", "p1", f[key], "available");
      }
      f.b = await created(f.c, "p1", { size: 1, name: "b" });
      const reset = await f.admin.post(`/v3/admin/volumes/${f.b}/action`, { "os-reset_status": { status: "error" } });
      assert.equal(reset.status, 202);
      f.other = await created(f.bob, "p2", { size: 1, name: "other" });
      const snapshotOf = async (volumeId: string) => {
        const r = await f.c.post("/v3/p1/snapshots", { snapshot: { volume_id: volumeId } });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        return (await waitStatus(f.c, "snapshots", "p1", r.body.snapshot.id, "available")).id as string;
      };
      f.d = await created(f.c, "p1", { size: 1, name: "d" });
      f.sd = await snapshotOf(f.d);
      assert.equal((await f.admin.post(`/v3/admin/volumes/${f.d}/action`, { "os-reset_status": { status: "error" } })).status, 202);
      assert.equal((await f.admin.post(`/v3/admin/snapshots/${f.sd}/action`, { "os-reset_status": { status: "creating" } })).status, 202);
      f.e = await created(f.c, "p1", { size: 1, name: "e" });
      f.se = await snapshotOf(f.e);
      assert.equal((await f.admin.post(`/v3/admin/snapshots/${f.se}/action`, { "os-reset_status": { status: "error" } })).status, 202);
    });
    after(async () => f.s?.destroy());

    for (const k of cases) {
      it(`${k.title}: ${k.status}, nothing changed`, async () => {
        const before = await captureState(f.s);
        const r = await k.send(f);
        const expected = typeof k.message === "function" ? k.message(f) : k.message;
        assertFault(r, k.status, expected);
        const after = await captureState(f.s);
        assert.deepEqual(after, before);
      });
    }

    it("the baseline really is what the cases ran against", async () => {
      const st = await captureState(f.s);
      const volumes = [f.a, f.b, f.other, f.d, f.e];
      const snapshots = [f.s1, f.s2, f.sd, f.se];
      assert.deepEqual(st.rows.volumes.map((v: any) => v.id).sort(), [...volumes].sort());
      assert.deepEqual(st.rows.snapshots.map((x: any) => x.id).sort(), [...snapshots].sort());
      assert.deepEqual(
        st.files.map((x) => x.name),
        [...snapshots.map((id) => `snapshot-${id}`), ...volumes.map((id) => `volume-${id}`)].sort(),
      );
      assert.equal(new Set(st.files.map((x) => x.sha256)).size, 2, "a, s1 and s2 hold a's data; the others are empty");
    });

    it("below 3.53 an unknown key in volume create is ignored; creating and deleting leaves the rest as it was", async () => {
      const before = await captureState(f.s);
      const r = await f.c.post("/v3/p1/volumes", { volume: { size: 1, foo: "bar", name: "lenient" } }, { version: "3.52" });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const v = await waitStatus(f.c, "volumes", "p1", r.body.volume.id, "available");
      assert.equal(v.name, "lenient");
      assert.deepEqual(v.metadata, {});
      assert.equal((await f.c.delete(`/v3/p1/volumes/${v.id}`)).status, 202);
      await waitGone(f.c, "volumes", "p1", v.id);
      assert.deepEqual(await captureState(f.s), before);
    });
  });
}
