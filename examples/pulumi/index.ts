/** The Pulumi program: `pulumi up` in this directory (see provider/README.md). */
import * as pulumi from "@pulumi/pulumi";
import { defaults, storage } from "./program";

const cfg = new pulumi.Config();
export const outputs = storage({
  dataSize: cfg.getNumber("dataSize") ?? defaults.dataSize,
  team: cfg.get("team") ?? defaults.team,
  logsTier: (cfg.get("logsTier") as "gold" | "silver" | undefined) ?? defaults.logsTier,
});
