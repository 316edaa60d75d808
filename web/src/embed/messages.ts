// The embed API's messages (contract §4), as plain data, and the validation of what a host
// page sends. No DOM: hostApi.ts does the window plumbing, Vitest checks this file.
//
// Host → widget: {type: 'firstnet:command', command, config?, id?}
// Widget → host: firstnet:ready | progress | done | error | resize | model | ack (see OutMessage)
import { SETTING_KEYS, applySetting } from '../config/settings';
import type { TrainConfig } from '../config/types';

export const PREFIX = 'firstnet:';
export const COMMANDS = ['train', 'pause', 'step', 'reset', 'configure', 'export'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** A command correlation id the host may attach; echoed in firstnet:error and firstnet:model. */
export type CommandId = string | number;

export interface Command {
  command: CommandName;
  /** configure only: a partial settings object or a URL-state string. */
  config?: Record<string, unknown> | string;
  id?: CommandId;
}

export type OutMessage =
  /** The engine is loaded; commands are taken (they were queued before, too). */
  | { type: 'firstnet:ready'; version: string; config: string }
  /** A few times a second while training, and once after each epoch's evaluation (with testAccuracy). */
  | { type: 'firstnet:progress'; epoch: number; step: number; samplesSeen: number; loss: number | null; testAccuracy?: number; testLoss?: number }
  | { type: 'firstnet:done'; epoch: number; testAccuracy?: number; testLoss?: number }
  | { type: 'firstnet:error'; message: string; id?: CommandId }
  | { type: 'firstnet:resize'; height: number }
  | { type: 'firstnet:model'; bytes: Uint8Array; name: string; testAccuracy: number | null; id?: CommandId }
  /** A command that carried an id has been carried out (export answers with firstnet:model instead). */
  | { type: 'firstnet:ack'; command: CommandName; id: CommandId };

export const OUT_TYPES = ['firstnet:ready', 'firstnet:progress', 'firstnet:done', 'firstnet:error', 'firstnet:resize', 'firstnet:model', 'firstnet:ack'] as const;

/** Messages bigger than this are refused (a settings object is a few hundred bytes). */
const MAX_STATE = 4096;
const MAX_KEYS = 32;

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** Untrusted text, cut short and stripped of control characters (shown as text, never HTML). */
function quote(raw: string): string {
  const s = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
}

/**
 * What to do with a message from the parent window: null for messages that are not for
 * firstnet (another library's; ignored), else the command or an error naming the problem.
 */
export function parseCommand(data: unknown): Parsed<Command> | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const m = data as Record<string, unknown>;
  if (typeof m.type !== 'string' || !m.type.startsWith(PREFIX)) return null;
  const idOk = m.id === undefined || (typeof m.id === 'string' && m.id.length <= 100) || (typeof m.id === 'number' && Number.isFinite(m.id));
  if (!idOk) return { ok: false, error: `'id' must be a string (≤ 100 characters) or a number (got ${describe(m.id)})` };
  if (m.type !== 'firstnet:command') {
    return { ok: false, error: `unknown message type ${quote(m.type)}: a host sends only 'firstnet:command'` };
  }
  if (typeof m.command !== 'string') return { ok: false, error: `'command' must be a string, one of ${COMMANDS.join(', ')} (got ${describe(m.command)})` };
  if (!(COMMANDS as readonly string[]).includes(m.command)) {
    return { ok: false, error: `unknown command ${quote(m.command)}: use one of ${COMMANDS.join(', ')}` };
  }
  const command = m.command as CommandName;
  const extra = Object.keys(m).filter((k) => !['type', 'command', 'config', 'id'].includes(k));
  if (extra.length) return { ok: false, error: `${command}: unknown field ${quote(extra[0]!)} (a command has type, command, config and id)` };
  const id = m.id as CommandId | undefined;
  if (command !== 'configure') {
    if (m.config !== undefined) return { ok: false, error: `${command}: 'config' belongs to the configure command only` };
    return { ok: true, value: { command, ...(id === undefined ? {} : { id }) } };
  }
  const c = m.config;
  const isObject = typeof c === 'object' && c !== null && !Array.isArray(c);
  if (typeof c !== 'string' && !isObject) {
    return { ok: false, error: `configure: 'config' must be a settings object such as {"lr": 0.05} or a URL-state string such as "preset=sigmoid&lr=0.05" (got ${describe(c)})` };
  }
  return { ok: true, value: { command, config: c as Command['config'], ...(id === undefined ? {} : { id }) } };
}

/** A settings value as the URL writes it: strings as they are, numbers, lists joined by commas. */
function asUrlValue(key: string, v: unknown): Parsed<string> {
  if (typeof v === 'string') return { ok: true, value: v };
  if (typeof v === 'number' && Number.isFinite(v)) return { ok: true, value: String(v) };
  if (Array.isArray(v) && v.length <= 64 && v.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))) {
    return { ok: true, value: v.join(',') };
  }
  return { ok: false, error: `${key} must be written as in the URL: a string, a number or a list (got ${describe(v)})` };
}

/** The key=value pairs of a settings object or a URL-state string, in order, preset first. */
function pairsOf(config: Record<string, unknown> | string): Parsed<[string, string][]> {
  const pairs: [string, string][] = [];
  if (typeof config === 'string') {
    if (config.length > MAX_STATE) return { ok: false, error: `the URL state is longer than ${MAX_STATE} characters` };
    const s = config.startsWith('#') ? config.slice(1) : config;
    for (const seg of s.split('&')) {
      if (!seg) continue;
      const eq = seg.indexOf('=');
      if (eq < 0) return { ok: false, error: `${quote(seg)} has no value (write key=value)` };
      try {
        pairs.push([decodeURIComponent(seg.slice(0, eq)), decodeURIComponent(seg.slice(eq + 1))]);
      } catch {
        return { ok: false, error: `${quote(seg)} has a bad %-escape` };
      }
    }
  } else {
    const entries = Object.entries(config);
    if (entries.length > MAX_KEYS) return { ok: false, error: `more than ${MAX_KEYS} settings` };
    for (const [key, v] of entries) {
      const r = asUrlValue(key, v);
      if (!r.ok) return r;
      pairs.push([key, r.value]);
    }
  }
  // A preset replaces every network setting, so it is applied first, whatever the order.
  pairs.sort((a, b) => Number(b[0] === 'preset') - Number(a[0] === 'preset'));
  return { ok: true, value: pairs };
}

/**
 * The configuration a configure command asks for: `current` with the given settings applied
 * through the settings table (a preset first; hide, lock and origin stay unless given).
 * All or nothing: any bad key or value refuses the whole command, naming it.
 */
export function configFromCommand(current: TrainConfig, config: Record<string, unknown> | string): Parsed<TrainConfig> {
  const pairs = pairsOf(config);
  if (!pairs.ok) return { ok: false, error: `configure: ${pairs.error}` };
  const next: TrainConfig = structuredClone(current);
  const seen = new Set<string>();
  for (const [key, raw] of pairs.value) {
    if (key === 'origin') return { ok: false, error: 'configure: origin can only be set in the embed URL, not by a command' };
    if (!(SETTING_KEYS as readonly string[]).includes(key)) {
      return { ok: false, error: `configure: unknown setting ${quote(key)} (known: ${SETTING_KEYS.filter((k) => k !== 'origin').join(', ')})` };
    }
    if (seen.has(key)) return { ok: false, error: `configure: ${key} given twice` };
    seen.add(key);
    const err = applySetting(next, key, raw);
    if (err) return { ok: false, error: `configure: ${key}: ${err}` };
  }
  return { ok: true, value: next };
}

/**
 * Whom a widget takes commands from and posts to: `origin` ('' when origin= was not given:
 * any parent, posting to '*'), or `closed` when origin= was given but could not be read
 * (a bad value, no value, an unreadable key, or URL state too long to read). Closed fails
 * safe: no command is taken and nothing is posted, rather than falling back to '*'.
 */
export type HostPolicy = { origin: string; closed?: undefined } | { closed: string };

export function hostPolicy(parsed: { config: Pick<TrainConfig, 'origin'>; originError: string | null }): HostPolicy {
  if (parsed.originError !== null) {
    return { closed: `This widget takes no commands from its page: ${parsed.originError}. Fix origin= in the embed URL (e.g. origin=https://book.example).` };
  }
  return { origin: parsed.config.origin };
}

/** The origin a widget takes commands from and posts to: '*' when origin= is not set. */
export function targetOrigin(config: Pick<TrainConfig, 'origin'>): string {
  return config.origin || '*';
}

/** Whether a message from the parent window may command this widget. */
export function originAllowed(config: Pick<TrainConfig, 'origin'>, messageOrigin: string): boolean {
  return !config.origin || config.origin === messageOrigin;
}
