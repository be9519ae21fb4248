/**
 * Entry point of `pulumi-resource-cinder`: the engine runs it with its own gRPC address as the
 * first argument (only needed for construct/call, which this provider does not implement), then
 * reads the port from the first line of stdout.
 */
import { serve } from "./server";

serve().then(
  ({ port }) => process.stdout.write(`${port}\n`),
  (e) => {
    process.stderr.write(`pulumi-resource-cinder: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
