/**
 * A caller's connector (os-brick's `get_connector_properties`: initiator, host, ip, ...), checked
 * before anything changes. Cinder's schemas accept any object here; targets and the attachment
 * record use some of its fields, so those must be what they claim to be:
 *
 * - `initiator`, when given, is an iSCSI name (../../targets/iscsi-name.ts): the LIO target makes
 *   a configfs folder of it. A connector without one stays acceptable (a backend without a target
 *   serves `local` connections; an iSCSI target refuses it itself, as Cinder's does).
 * - `host` and `mountpoint`, when given, are stored on the attachment (255 characters, shown by
 *   the API): strings of at most 255 characters without control characters.
 *
 * `ip` and the other fields go nowhere but the stored JSON, and are left as given.
 */
import { invalidInput } from "../../contract/errors";
import type { Connector } from "../../contract/connector";
import { initiatorProblem, shownValue } from "../../contract/iscsi-name";

const MAX_FIELD = 255;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** @throws CinderError 400 ("Invalid input received: ...") naming the field and what is wrong with it. */
export function checkConnector(connector: Connector | null | undefined): void {
  if (!connector) return;
  if (connector.initiator !== undefined && connector.initiator !== null) {
    const problem = initiatorProblem(connector);
    if (problem) throw invalidInput(problem);
  }
  for (const key of ["host", "mountpoint"]) {
    const v = connector[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string" || v.length > MAX_FIELD || CONTROL.test(v)) {
      throw invalidInput(
        `Connector ${key} ${shownValue(v)} is not acceptable: it must be a string of at most ${MAX_FIELD} characters without control characters.`,
      );
    }
  }
}
