/** TypeScript types for the bundled spec (openapi-typescript). */
import openapiTS, { astToString } from "openapi-typescript";
import type { JsonObject } from "./bundle";

export async function typesSource(spec: JsonObject): Promise<string> {
  // openapi-typescript takes the parsed document; a structured clone keeps it from annotating ours.
  const ast = await openapiTS(structuredClone(spec) as never, { alphabetize: false, exportType: false });
  return astToString(ast);
}
