/**
 * List every volume of the project, following the server's next links, first item by item and
 * then page by page. The connection comes from the OS_* environment (or OS_CLOUD + clouds.yaml).
 *
 *   npx tsx examples/sdk/list-volumes.ts [page-size]
 */
import { connect } from "@cinderblock/sdk";

async function main(): Promise<void> {
  const pageSize = Number(process.argv[2] ?? 100);
  const client = await connect();

  let count = 0;
  for await (const volume of client.volumes.list({ limit: pageSize })) {
    console.log(`${volume.id}  ${volume.status.padEnd(10)} ${String(volume.size).padStart(4)} GiB  ${volume.name ?? ""}`);
    count++;
  }

  let pages = 0;
  for await (const page of client.volumes.list({ limit: pageSize }).pages()) {
    pages++;
    console.log(`page ${pages}: ${page.items.length} volumes${page.marker ? `, next marker ${page.marker}` : ""}`);
  }
  console.log(`${count} volumes in ${pages} pages`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
