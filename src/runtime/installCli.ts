/** `npm run temporal:install`: makes sure the pinned Temporal CLI and test server are available. */
import { cliVersion, resolveTemporalCli, resolveTestServer } from './cli';

const cli = resolveTemporalCli();
const testServer = resolveTestServer();
if (!cli || !testServer) {
  console.error(
    'could not find or install the Temporal binaries; the SDK will try to download them at run time',
  );
  process.exit(1);
}
console.log(`temporal CLI: ${cli} (${cliVersion(cli)})`);
console.log(`time-skipping test server: ${testServer}`);
