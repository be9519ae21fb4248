/**
 * @cinderblock/pulumi — the TypeScript SDK for Pulumi programs, in the shape Pulumi's codegen
 * produces. `import * as cinder from "@cinderblock/pulumi"`, then `new cinder.Volume("data", {size: 20})`.
 */
export * from "./admin";
export { config } from "./config";
export * from "./functions";
export * from "./group-type";
export * from "./image";
export * from "./provider";
export * from "./snapshot";
export * from "./volume";
export * from "./volume-attachment";
export * from "./volume-type";
