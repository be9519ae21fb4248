/**
 * Errors a volume manager answers a `call` with, named after the Cinder exception the manager
 * raises (oslo.messaging hands them to the API as RemoteError{exc_type, value}); the API decides
 * how each is shown (cinder/api/contrib/volume_actions.py `_attach`, `_detach`, ...).
 */
export class RemoteError extends Error {
  constructor(
    /** Cinder's exception class name: InvalidVolume, InvalidInput, VolumeBackendAPIException, ... */
    readonly excType: string,
    /** The exception's message (`str(exc)`). */
    readonly value: string,
  ) {
    super(`${excType}: ${value}`);
    this.name = "RemoteError";
  }
}
