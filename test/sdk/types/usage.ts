/**
 * Expected usages of the SDK, and mistakes that must not compile. This file is type-checked by the
 * repository's typecheck (`tsc -p tsconfig.json`) and by test/sdk/types.test.ts, which also checks
 * that every `@ts-expect-error` below is an error of its own once the directive is removed.
 * Nothing here runs.
 */
import {
  connect,
  isNotFound,
  type CinderClient,
  type Page,
  type QosSpecs,
  type Snapshot,
  type Volume,
  type VolumeType,
} from "@cinderblock/sdk";

/** Compile-time assertion that a value has type T. */
function assertType<T>(_value: T): void {}

export async function usages(client: CinderClient): Promise<void> {
  // Connecting.
  await connect();
  await connect({ cloud: "mycloud", region: "RegionOne", interface: "internal", microversion: "3.60" });
  await connect({ auth: { type: "password", authUrl: "http://k:5000/v3", username: "u", password: "p", projectName: "demo" } });
  await connect({ auth: { type: "application_credential", authUrl: "http://k", applicationCredentialId: "id", applicationCredentialSecret: "s" } });
  await connect({ endpoint: "http://h:8776", auth: { type: "noauth", userId: "admin", projectId: "p1" } });
  // @ts-expect-error -- password auth needs a password
  await connect({ auth: { type: "password", authUrl: "http://k", username: "u" } });
  // @ts-expect-error -- not an auth type
  await connect({ auth: { type: "kerberos", authUrl: "http://k" } });
  // @ts-expect-error -- interface is public, internal or admin
  await connect({ interface: "publicURL" });

  // Volumes: results are the spec's Volume.
  const v = await client.volumes.create({ size: 1, name: "data", volume_type: "fast", metadata: { a: "b" } });
  assertType<Volume>(v);
  assertType<number>(v.size);
  assertType<string>(v.status);
  assertType<Volume>(await client.volumes.waitFor(v, "available", { timeoutMs: 1000 }));
  // @ts-expect-error -- misspelt field of a result
  v.sizee;
  // @ts-expect-error -- misspelt field in a request
  await client.volumes.create({ size: 1, nmae: "data" });
  // @ts-expect-error -- wrong type: size is a number (or numeric string)
  await client.volumes.create({ size: true });
  // @ts-expect-error -- metadata values are strings
  await client.volumes.create({ size: 1, metadata: { a: 1 } });
  // @ts-expect-error -- size is a number where the caller writes it, not a string
  await client.volumes.create({ size: "10" });
  // @ts-expect-error -- not a volume status (a typo of "in-use")
  await client.volumes.waitFor(v, "in_use");
  await client.volumes.waitFor(v, ["available", "in-use"]);
  // @ts-expect-error -- not a snapshot status
  await client.snapshots.waitFor("s", "ready");
  // The attach family has named wrappers; the connector is os-brick's open object.
  await client.volumes.reserve(v);
  const info = await client.volumes.initializeConnection(v, { initiator: "iqn.x", ip: "10.0.0.1", host: "h" });
  assertType<string>(info.driver_volume_type);
  // @ts-expect-error -- attach needs a mountpoint
  await client.volumes.attach(v, { host_name: "h" });
  await client.volumes.update(v, { name: "renamed", description: null });
  // @ts-expect-error -- size cannot be updated (use extend)
  await client.volumes.update(v, { size: 2 });

  // Lists: query keys are the spec's, items are typed.
  for await (const item of client.volumes.list({ status: "available", limit: 50, sort: "created_at:desc" })) assertType<Volume>(item);
  for await (const page of client.snapshots.list({ volume_id: v.id }).pages()) assertType<Page<Snapshot>>(page);
  // @ts-expect-error -- not a filter of GET /volumes/detail
  client.volumes.list({ statuss: "available" });
  // @ts-expect-error -- volume_id is a snapshot filter, not a volume one
  client.volumes.list({ volume_id: "x" });
  assertType<VolumeType[]>(await client.volumeTypes.list({ is_public: "None" }).all());

  // Actions: one function each, with the spec's argument types.
  await client.volumes.extend(v, 2);
  await client.volumes.setBootable(v, true);
  await client.volumes.resetStatus(v, { status: "available", attach_status: "detached" });
  await client.volumes.revert(v, "snapshot-id");
  // @ts-expect-error -- bootable is a boolean (or a boolean-like string), not a number
  await client.volumes.setBootable(v, 42);
  // @ts-expect-error -- not a field of os-reset_status
  await client.volumes.resetStatus(v, { state: "available" });
  // @ts-expect-error -- new_size is a number
  await client.volumes.extend(v, { new_size: 2 });

  // Other resources.
  const qos = await client.qosSpecs.create({ name: "gold", consumer: "front-end", read_iops_sec: "100" });
  assertType<QosSpecs>(qos);
  // @ts-expect-error -- consumer is back-end, front-end or both
  await client.qosSpecs.create({ name: "gold", consumer: "sideways" });
  await client.quotas.update("p1", { volumes: 10, gigabytes: -1 });
  assertType<number>((await client.quotas.usage("p1")).volumes.in_use);
  // @ts-expect-error -- a quota limit is a number
  await client.quotas.update("p1", { snapshots: "10" });
  assertType<"up" | "down">((await client.services.list())[0].state);

  // request(): any spec operation, typed end to end.
  const r = await client.request("get", "/v3/{project_id}/volumes/{volume_id}", { path: { volume_id: v.id }, ok: [200] });
  assertType<Volume>(r.data.volume);
  await client.request("post", "/v3/{project_id}/volumes/{volume_id}/action", { path: { volume_id: v.id }, body: { "os-extend": { new_size: 3 } }, ok: [202] });
  const project = await client.request("get", "/identity/v3/projects/{project_id}", { path: { project_id: "p" }, ok: [200] });
  assertType<string>(project.data.project.name);
  // @ts-expect-error -- Keystone's project_id is a real path parameter
  await client.request("get", "/identity/v3/projects/{project_id}", { ok: [200] });
  // @ts-expect-error -- a Cinder path's project is the endpoint's, not a parameter
  await client.request("get", "/v3/{project_id}/volumes/{volume_id}", { path: { project_id: "p", volume_id: v.id }, ok: [200] });
  // @ts-expect-error -- not a path of the spec
  await client.request("get", "/v3/{project_id}/volumez", { ok: [200] });
  // @ts-expect-error -- the path has no PATCH operation
  await client.request("patch", "/v3/{project_id}/volumes/{volume_id}", { path: { volume_id: v.id }, ok: [200] });
  // @ts-expect-error -- misspelt path parameter
  await client.request("get", "/v3/{project_id}/volumes/{volume_id}", { path: { volumeId: v.id }, ok: [200] });
  // @ts-expect-error -- 202 is not a success status of GET volume
  await client.request("get", "/v3/{project_id}/volumes/{volume_id}", { path: { volume_id: v.id }, ok: [202] });
  // @ts-expect-error -- the body is required
  await client.request("post", "/v3/{project_id}/volumes", { ok: [202] });
  // @ts-expect-error -- not an action of the spec
  await client.request("post", "/v3/{project_id}/volumes/{volume_id}/action", { path: { volume_id: v.id }, body: { "os-explode": {} }, ok: [202] });

  // Errors.
  try {
    await client.volumes.get("missing");
  } catch (e) {
    if (isNotFound(e)) {
      assertType<number>(e.status);
      assertType<string | undefined>(e.requestId);
    }
  }
}
