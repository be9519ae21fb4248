/** Functions (data sources): each `getX(args)` returns a Promise, each `getXOutput(args)` an Output. */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

type StrMap = { [key: string]: string };

export interface GetVolumeArgs { id?: string; name?: string; status?: string }
export interface GetVolumeResult {
  id: string; name: string; description: string; size: number; status: string; volumeType: string; availabilityZone: string;
  bootable: boolean; multiattach: boolean; metadata: StrMap; sourceVolumeId: string; snapshotId: string;
}
export interface GetSnapshotArgs { id?: string; name?: string; volumeId?: string; status?: string; mostRecent?: boolean }
export interface GetSnapshotResult { id: string; name: string; description: string; size: number; status: string; volumeId: string; metadata: StrMap; createdAt: string }
export interface GetVolumeTypeArgs { id?: string; name?: string }
export interface GetVolumeTypeResult { id: string; name: string; description: string; isPublic: boolean; extraSpecs: StrMap }
export interface GetQosSpecArgs { id?: string; name?: string }
export interface GetQosSpecResult { id: string; name: string; consumer: string; specs: StrMap }
export interface GetAvailabilityZonesArgs { state?: "available" | "unavailable" }
export interface GetAvailabilityZonesResult { names: string[] }
export interface GetQuotaSetArgs { projectId: string }
export interface GetQuotaSetResult {
  projectId: string; volumes: number; snapshots: number; gigabytes: number; backups: number; backupGigabytes: number; perVolumeGigabytes: number; groups: number;
}

type Outputify<T> = { [K in keyof T]?: pulumi.Input<T[K]> };

function fn<A extends object, R>(token: string) {
  const call = (args: A, opts?: pulumi.InvokeOptions): Promise<R> =>
    pulumi.runtime.invoke(token, { ...args }, pulumi.mergeOptions(utilities.invokeOptsDefaults(), opts ?? {}));
  const output = (args: Outputify<A>, opts?: pulumi.InvokeOutputOptions): pulumi.Output<R> =>
    pulumi.runtime.invokeOutput(token, { ...args }, pulumi.mergeOptions(utilities.invokeOptsDefaults(), opts ?? {}));
  return [call, output] as const;
}

export const [getVolume, getVolumeOutput] = fn<GetVolumeArgs, GetVolumeResult>("cinder:index:getVolume");
export const [getSnapshot, getSnapshotOutput] = fn<GetSnapshotArgs, GetSnapshotResult>("cinder:index:getSnapshot");
export const [getVolumeType, getVolumeTypeOutput] = fn<GetVolumeTypeArgs, GetVolumeTypeResult>("cinder:index:getVolumeType");
export const [getQosSpec, getQosSpecOutput] = fn<GetQosSpecArgs, GetQosSpecResult>("cinder:index:getQosSpec");
export const [getAvailabilityZones, getAvailabilityZonesOutput] = fn<GetAvailabilityZonesArgs, GetAvailabilityZonesResult>("cinder:index:getAvailabilityZones");
export const [getQuotaSet, getQuotaSetOutput] = fn<GetQuotaSetArgs, GetQuotaSetResult>("cinder:index:getQuotaSet");
