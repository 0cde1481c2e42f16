// A minimal process entry for a development node, for multi-process tests before and besides the
// CLI: `node --import tsx src/node/main.ts --data-dir DIR [--port N] [--block-interval MS]
// [--follow URL]`. Logs JSON lines (pino) on stdout; the dev genesis, alice as the authority.
import { parseArgs } from 'node:util';
import { devKeypair } from '../codec/devKeys.js';
import { createDevGenesisConfig } from '../runtime/index.js';
import { runNode } from './runNode.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    'block-interval': { type: 'string', default: '1000' },
    follow: { type: 'string' },
  },
});
const dataDir = values['data-dir'];
if (!dataDir) {
  process.stderr.write('usage: main.ts --data-dir DIR [--port N] [--block-interval MS] [--follow URL]\n');
  process.exit(2);
}
await runNode({
  dataDir,
  genesis: createDevGenesisConfig(),
  role: values.follow
    ? { kind: 'follower', upstreamUrl: values.follow }
    : { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
  blockIntervalMs: Number(values['block-interval']),
  rpcPort: Number(values.port),
});
