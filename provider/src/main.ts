/**
 * Entry point of `pulumi-resource-cinder`: the engine runs it with its own gRPC address as the
 * first argument (the provider logs there), then reads the port from the first line of stdout.
 * Started by hand (no argument) it waits for an engine to attach (PULUMI_DEBUG_PROVIDERS).
 */
import { serve } from "./server";

serve(0, process.argv[2]).then(
  ({ port }) => process.stdout.write(`${port}\n`),
  (e) => {
    process.stderr.write(`pulumi-resource-cinder: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
