/** Every handler, keyed by operationId or action name; the type makes a missing one a compile error. */
import type { Handlers } from "../handler";
import { appCredHandlers } from "./application-credentials";
import { attachmentHandlers } from "./attachments";
import { clusterHandlers } from "./clusters";
import { computeHandlers } from "./compute";
import { encryptionHandlers } from "./encryption";
import { groupTypeHandlers } from "./group-types";
import { groupHandlers } from "./groups";
import { groupSnapshotHandlers } from "./group-snapshots";
import { hostHandlers } from "./hosts";
import { identityHandlers } from "./identity";
import { imageHandlers } from "./images";
import { volumeImageActionHandlers } from "./volume-image-actions";
import { miscHandlers } from "./misc";
import { qosHandlers } from "./qos";
import { quotaHandlers } from "./quotas";
import { serviceHandlers } from "./services";
import { snapshotHandlers } from "./snapshots";
import { snapshotManageHandlers } from "./snapshot-manage";
import { transferHandlers } from "./transfers";
import { backupHandlers } from "./backups";
import { typeHandlers } from "./types";
import { versionHandlers } from "./versions";
import { volumeActionHandlers } from "./volume-actions";
import { messageHandlers } from "./messages";
import { metadataHandlers } from "./metadata";
import { volumeManageHandlers } from "./volume-manage";
import { volumeHandlers } from "./volumes";

export const handlers: Handlers = {
  ...imageHandlers,
  ...volumeImageActionHandlers,
  ...versionHandlers,
  ...volumeHandlers,
  ...metadataHandlers,
  ...volumeActionHandlers,
  ...volumeManageHandlers,
  ...snapshotHandlers,
  ...snapshotManageHandlers,
  ...miscHandlers,
  ...quotaHandlers,
  ...serviceHandlers,
  ...clusterHandlers,
  ...hostHandlers,
  ...identityHandlers,
  ...appCredHandlers,
  ...typeHandlers,
  ...encryptionHandlers,
  ...qosHandlers,
  ...groupTypeHandlers,
  ...groupHandlers,
  ...groupSnapshotHandlers,
  ...computeHandlers,
  ...attachmentHandlers,
  ...transferHandlers,
  ...backupHandlers,
  ...messageHandlers,
};
