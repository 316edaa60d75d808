// The embed API's validation (web/src/embed/messages.ts): every command, every refusal
// naming its problem, configure through the settings table (all or nothing), origin rules;
// and the pure parts around it: the element's attribute → URL mapping, the chart summary,
// the chunks the service worker is asked to keep.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, SETTING_KEYS, cloneConfig, keepLocked, lockedChanges, lockedMessage, parseHash } from '../../web/src/config/settings';
import { chunksFor } from '../../web/src/data/chunks';
import { validateManifest } from '../../web/src/data/manifest';
import { COMMANDS, configFromCommand, hostPolicy, originAllowed, parseCommand, targetOrigin } from '../../web/src/embed/messages';
import { WIDGET_KEYS, embedUrl, widgetHash } from '../../web/src/embed/widgetUrl';
import { lossTrend, summaryText } from '../../web/src/ui/chartSummary';

const base = () => cloneConfig(DEFAULT_CONFIG);
const cmd = (m: Record<string, unknown>) => parseCommand({ type: 'firstnet:command', ...m });

describe('parseCommand', () => {
  it('takes each command of contract §4', () => {
    expect(COMMANDS).toEqual(['train', 'pause', 'step', 'reset', 'configure', 'export']);
    for (const command of ['train', 'pause', 'step', 'reset', 'export']) {
      expect(cmd({ command })).toEqual({ ok: true, value: { command } });
    }
    expect(cmd({ command: 'configure', config: { lr: 0.05 } })).toEqual({ ok: true, value: { command: 'configure', config: { lr: 0.05 } } });
    expect(cmd({ command: 'configure', config: 'preset=sigmoid' })).toEqual({ ok: true, value: { command: 'configure', config: 'preset=sigmoid' } });
    expect(cmd({ command: 'export', id: 'a' })).toEqual({ ok: true, value: { command: 'export', id: 'a' } });
    expect(cmd({ command: 'train', id: 3 })).toEqual({ ok: true, value: { command: 'train', id: 3 } });
  });

  it('ignores messages that are not for firstnet', () => {
    for (const m of [null, undefined, 'firstnet:command', 42, [], ['firstnet:command'], {}, { type: 'other' }, { type: 7 }, { command: 'train' }]) {
      expect(parseCommand(m)).toBeNull();
    }
  });

  it('refuses a bad firstnet message, naming the problem', () => {
    const refusals: [Record<string, unknown>, string][] = [
      [{ type: 'firstnet:hello' }, "unknown message type 'firstnet:hello': a host sends only 'firstnet:command'"],
      [{ type: 'firstnet:progress' }, "unknown message type 'firstnet:progress': a host sends only 'firstnet:command'"],
      [{ type: 'firstnet:command' }, "'command' must be a string, one of train, pause, step, reset, configure, export (got undefined)"],
      [{ type: 'firstnet:command', command: 5 }, "'command' must be a string, one of train, pause, step, reset, configure, export (got number)"],
      [{ type: 'firstnet:command', command: 'fly' }, "unknown command 'fly': use one of train, pause, step, reset, configure, export"],
      [{ type: 'firstnet:command', command: 'TRAIN' }, "unknown command 'TRAIN': use one of train, pause, step, reset, configure, export"],
      [{ type: 'firstnet:command', command: 'train', extra: 1 }, "train: unknown field 'extra' (a command has type, command, config and id)"],
      [{ type: 'firstnet:command', command: 'train', config: {} }, "train: 'config' belongs to the configure command only"],
      [{ type: 'firstnet:command', command: 'configure' }, 'configure: \'config\' must be a settings object such as {"lr": 0.05} or a URL-state string such as "preset=sigmoid&lr=0.05" (got undefined)'],
      [{ type: 'firstnet:command', command: 'configure', config: [1] }, 'configure: \'config\' must be a settings object such as {"lr": 0.05} or a URL-state string such as "preset=sigmoid&lr=0.05" (got an array)'],
      [{ type: 'firstnet:command', command: 'configure', config: null }, 'configure: \'config\' must be a settings object such as {"lr": 0.05} or a URL-state string such as "preset=sigmoid&lr=0.05" (got null)'],
      [{ type: 'firstnet:command', command: 'train', id: {} }, "'id' must be a string (≤ 100 characters) or a number (got object)"],
      [{ type: 'firstnet:command', command: 'train', id: 'x'.repeat(101) }, "'id' must be a string (≤ 100 characters) or a number (got string)"],
      [{ type: 'firstnet:command', command: 'train', id: NaN }, "'id' must be a string (≤ 100 characters) or a number (got number)"],
    ];
    for (const [m, error] of refusals) expect(parseCommand(m)).toEqual({ ok: false, error });
  });

  it('quotes untrusted names safely: cut short, no control characters', () => {
    const r = cmd({ command: `a\u0000b\u2028${'x'.repeat(60)}` });
    expect(r).toEqual({ ok: false, error: `unknown command 'a?b?${'x'.repeat(36)}…': use one of train, pause, step, reset, configure, export` });
  });
});

describe('configFromCommand', () => {
  it('applies a settings object over the current config, through the settings table', () => {
    const r = configFromCommand(base(), { lr: 0.05, layers: [32, 16], batch: 'full', init: 'normal:0.01', hide: ['draw', 'chart'] });
    expect(r).toEqual({ ok: true, value: { ...base(), lr: 0.05, layers: [32, 16], batch: 'full', init: { kind: 'normal', scale: 0.01 }, hide: ['draw', 'chart'] } });
  });

  it('applies a URL-state string the same way (a leading # allowed)', () => {
    const a = configFromCommand(base(), '#lr=0.05&layers=32,16');
    const b = configFromCommand(base(), { lr: '0.05', layers: '32,16' });
    expect(a).toEqual(b);
    expect(a.ok && a.value.lr).toBe(0.05);
  });

  it('applies a preset first, whatever the order, and keeps hide, lock and origin', () => {
    const current = { ...base(), lr: 3, hide: ['draw'], lock: ['lr'], origin: 'https://book.example' };
    const r = configFromCommand(current, { epochs: 2, preset: 'sigmoid' });
    expect(r).toEqual({ ok: true, value: { ...parseHash('preset=sigmoid').config, epochs: 2, hide: ['draw'], lock: ['lr'], origin: 'https://book.example' } });
    expect(configFromCommand(current, 'epochs=2&preset=sigmoid')).toEqual(r);
  });

  it('is all or nothing: the first bad key or value refuses the command, naming it', () => {
    const current = base();
    const refusals: [Record<string, unknown> | string, string][] = [
      [{ lr: 'banana' }, "configure: lr: 'banana' is not valid: expected a number in (0, 1000]"],
      [{ epochs: 2, lr: -1 }, "configure: lr: '-1' is not valid: expected a number in (0, 1000]"],
      [{ lr: true }, 'configure: lr must be written as in the URL: a string, a number or a list (got boolean)'],
      [{ lr: null }, 'configure: lr must be written as in the URL: a string, a number or a list (got null)'],
      [{ layers: [1, [2]] }, 'configure: layers must be written as in the URL: a string, a number or a list (got an array)'],
      [{ lr: Infinity }, 'configure: lr must be written as in the URL: a string, a number or a list (got number)'],
      [{ colour: 'red' }, `configure: unknown setting 'colour' (known: ${SETTING_KEYS.filter((k) => k !== 'origin').join(', ')})`],
      [{ origin: 'https://evil.example' }, 'configure: origin can only be set in the embed URL, not by a command'],
      ['lr=0.1&lr=0.2', 'configure: lr given twice'],
      ['lr', "configure: 'lr' has no value (write key=value)"],
      ['lr=%E0%A4%A', "configure: 'lr=%E0%A4%A' has a bad %-escape"],
      ['x'.repeat(4097), 'configure: the URL state is longer than 4096 characters'],
      [Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 1])), 'configure: more than 32 settings'],
    ];
    for (const [config, error] of refusals) expect(configFromCommand(current, config)).toEqual({ ok: false, error });
    expect(current).toEqual(base()); // untouched
  });

  it('an empty config is a new run with the same settings', () => {
    expect(configFromCommand(base(), {})).toEqual({ ok: true, value: base() });
    expect(configFromCommand(base(), '')).toEqual({ ok: true, value: base() });
  });
});

describe('origins', () => {
  it('takes commands from any parent without origin=, else only from that origin', () => {
    expect(originAllowed({ origin: '' }, 'https://a.example')).toBe(true);
    expect(originAllowed({ origin: 'https://a.example' }, 'https://a.example')).toBe(true);
    expect(originAllowed({ origin: 'https://a.example' }, 'https://b.example')).toBe(false);
    expect(originAllowed({ origin: 'https://a.example' }, 'null')).toBe(false);
    expect(targetOrigin({ origin: '' })).toBe('*');
    expect(targetOrigin({ origin: 'https://a.example' })).toBe('https://a.example');
  });
});

describe('origin= fails closed', () => {
  it('takes commands from origin= when it is valid, from any parent when it is absent', () => {
    expect(hostPolicy(parseHash('#train=1000&origin=https://book.example'))).toEqual({ origin: 'https://book.example' });
    expect(hostPolicy(parseHash('#train=1000'))).toEqual({ origin: '' });
    expect(hostPolicy(parseHash('#origin='))).toEqual({ origin: '' }); // written empty on purpose: no restriction
  });

  it('refuses every command (closed, naming origin) when origin= was given but cannot be used', () => {
    const bad = [
      '#origin=book.example', // no scheme
      '#origin=https://book.example/chapter-3', // a path
      '#origin=javascript:alert(1)',
      '#origin=https://book.example?x=1',
      '#origin', // no value
      '#Origin=https://book.example', // a near-miss key
      '#origin=%E0%A4%A', // a bad %-escape in the value
      `#origin=https://book.example&${'x'.repeat(5000)}`, // too long to read at all
      `#lr=0.1&origin=https://book.example&origin=nope`, // the last value is used: bad
    ];
    for (const hash of bad) {
      const p = hostPolicy(parseHash(hash));
      expect(p, hash).toHaveProperty('closed');
      const closed = (p as { closed: string }).closed;
      expect(closed, hash).toMatch(/^This widget takes no commands from its page: origin/);
      expect(closed).toContain('Fix origin= in the embed URL');
    }
    // The refusal repeats the bad value only as quoted text.
    expect((hostPolicy(parseHash('#origin=<img src=x onerror=alert(1)>')) as { closed: string }).closed).toContain("origin: '<img src=x onerror=alert(1)>' is not valid");
  });
});

describe('lock', () => {
  it('names the locked keys a reader-side action would change (host commands are not checked)', () => {
    const prev = { ...base(), lr: 0.3, lock: ['lr', 'layers'] };
    expect(lockedChanges(prev, ['lr'], { ...prev, lr: 0.03 })).toEqual(['lr']);
    expect(lockedChanges(prev, ['lr'], { ...prev })).toEqual([]);
    expect(lockedChanges(prev, ['layers', 'activation'])).toEqual(['layers']);
    expect(lockedChanges({ ...prev, lock: ['all'] }, SETTING_KEYS, parseHash('preset=sigmoid').config)).toEqual(expect.arrayContaining(['activation']));
    expect(lockedChanges({ ...prev, lock: [] }, SETTING_KEYS, parseHash('preset=sigmoid').config)).toEqual([]);
    expect(lockedMessage(['lr'])).toBe('lr is fixed by the author of this page (lock=lr)');
    expect(lockedMessage(['layers', 'activation'])).toBe('layers and activation are fixed by the author of this page (lock=layers,activation)');
  });

  it("keeps the author's values for the locked settings when the reader picks a preset", () => {
    const prev = { ...base(), lr: 0.3, layers: [16], lock: ['lr', 'layers'] };
    const next = { ...parseHash('preset=chapter').config, lock: [] as string[] };
    expect(keepLocked(next, prev)).toEqual({ ...parseHash('preset=chapter').config, lr: 0.3, layers: [16], lock: ['lr', 'layers'] });
    const all = keepLocked(parseHash('preset=sigmoid').config, { ...prev, lock: ['all'] });
    expect({ ...all, preset: prev.preset }).toEqual({ ...prev, lock: ['all'] });
  });
});

describe('<firstnet-widget> attributes', () => {
  it('knows every URL key but origin, which it sets to the host page', () => {
    expect([...WIDGET_KEYS]).toEqual(SETTING_KEYS.filter((k) => k !== 'origin'));
    const attrs: Record<string, string> = { preset: 'sigmoid', hide: 'draw,chart', lr: '0.05', unknown: 'x', lock: 'all' };
    const hash = widgetHash((n) => attrs[n] ?? null, 'https://book.example');
    expect(hash).toBe('preset=sigmoid&lr=0.05&hide=draw%2Cchart&lock=all&origin=https%3A%2F%2Fbook.example');
    const parsed = parseHash(hash);
    expect(parsed.errors).toEqual([]);
    expect(parsed.config).toMatchObject({ activation: 'sigmoid', lr: 0.05, hide: ['draw', 'chart'], lock: ['all'], origin: 'https://book.example' });
    expect(widgetHash(() => null, 'null')).toBe(''); // a file:// page: no origin to check against
  });

  it('src: http(s) only, resolved against the page; anything else refused naming the attribute', () => {
    const page = 'https://book.example/ch3/page.html';
    expect(embedUrl(null, page)).toEqual({ url: new URL('https://book.example/ch3/embed.html') });
    expect(embedUrl('../widgets/embed.html', page)).toEqual({ url: new URL('https://book.example/widgets/embed.html') });
    expect(embedUrl('http://127.0.0.1:8080/embed.html', page)).toEqual({ url: new URL('http://127.0.0.1:8080/embed.html') });
    for (const src of ['javascript:parent.pwned=1', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'blob:https://book.example/x', 'file:///etc/passwd', 'vbscript:x', 'http://[::1']) {
      const r = embedUrl(src, page);
      expect(r, src).toHaveProperty('error');
      expect((r as { error: string }).error, src).toMatch(/^<firstnet-widget>: the src attribute /);
    }
  });
});

describe('chart summary', () => {
  it('names the trend of the smoothed loss', () => {
    expect(lossTrend(2.3, 0.5)).toBe('falling');
    expect(lossTrend(0.5, 0.505)).toBe('flat');
    expect(lossTrend(0.5, 0.9)).toBe('rising');
    expect(lossTrend(0.5, NaN)).toBe('not a number');
    expect(lossTrend(NaN, 0.5)).toBe('flat');
  });

  it('says loss, trend and accuracy in words', () => {
    const v = { steps: 0, loss: NaN, lossBefore: NaN, epochs: [], paused: false, done: false };
    expect(summaryText(v)).toBe('Chart: no training yet. The loss line appears when training starts.');
    expect(summaryText({ ...v, steps: 1250, loss: 0.2841, lossBefore: 0.4123 })).toBe('Chart: training loss 0.284 after 1,250 steps, falling (was 0.412).');
    expect(summaryText({ ...v, steps: 10, loss: 2.1, lossBefore: NaN, paused: true })).toBe('Chart: training loss 2.100 paused after 10 steps.');
    expect(
      summaryText({ ...v, steps: 1876, loss: 0.1, lossBefore: 0.1, done: true, epochs: [{ epoch: 1, testAccuracy: 0.9312 }, { epoch: 2, testAccuracy: 0.9521 }] }),
    ).toBe('Chart: training loss 0.100 finished after 1,876 steps, flat (was 0.100). Test accuracy 95.21 % after epoch 2, up from 93.12 %.');
    expect(summaryText({ ...v, steps: 3, loss: NaN, lossBefore: 2 })).toBe('Chart: the training loss is no longer a number after 3 steps: training diverged.');
  });
});

describe('offline: the chunks to keep', () => {
  it('are the test chunks and as many training chunks as the run uses (what loadDataset fetches)', () => {
    const manifest = validateManifest(JSON.parse(readFileSync(new URL('../../public/data/mnist/manifest.json', import.meta.url), 'utf8')));
    expect(chunksFor(manifest, 10_000).map((c) => c.file)).toEqual(['test.bin', 'train-1.bin']);
    expect(chunksFor(manifest, 10_001).map((c) => c.file)).toEqual(['test.bin', 'train-1.bin', 'train-2.bin']);
    expect(chunksFor(manifest, 1).map((c) => c.file)).toEqual(['test.bin', 'train-1.bin']);
    expect(chunksFor(manifest, 60_000)).toHaveLength(7);
  });
});
