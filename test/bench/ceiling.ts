/**
 * The bench's ceiling: a bare fastify server answering the same bodies as Cinderblock, from memory,
 * so that every measurement can be read as a share of what Node serves on this machine. It reads
 * `{ "/path": body, ... }` from the JSON file given as its first argument, listens on the port
 * given second, and prints "ready" once it takes requests.
 */
import { readFileSync } from "node:fs";
import Fastify from "fastify";

async function main(): Promise<void> {
  const [file, port] = process.argv.slice(2);
  const bodies = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const app = Fastify({ logger: false });
  // The object, serialized on every request as any JSON API does.
  for (const [url, body] of Object.entries(bodies)) app.get(url, async () => body);
  await app.listen({ port: Number(port), host: "127.0.0.1" });
  console.log("ready");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
