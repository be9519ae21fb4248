/** Writes provider/schema.json from the resource table (the test fails when it is stale). */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { SCHEMA } from "../src/schema";

writeFileSync(path.join(__dirname, "..", "schema.json"), JSON.stringify(SCHEMA, null, 2) + "\n");
