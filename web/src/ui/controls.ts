// The preset picker and the settings form, generated from the settings table
// (config/settings.ts) so the form, the URL hash and the CLI accept the same values.
// A value is checked with applySetting when it is committed (change event); a bad one is
// named beside its field and not applied. Everything from the table or the URL is set with
// textContent / value, never as HTML.
import { SETTINGS, type Setting, applySetting, cloneConfig, diffConfigs, keepLocked } from '../config/settings';
import { PRESETS, halvedLayers, presetConfig } from '../config/presets';
import type { TrainConfig } from '../config/types';

/** Settings the form shows, in order (preset has its own picker; hide is for embedders). */
const FORM_KEYS = ['layers', 'activation', 'init', 'optimizer', 'lr', 'momentum', 'batch', 'epochs', 'seed', 'train'] as const;
type FormKey = (typeof FORM_KEYS)[number];

/** Suggestions offered for free-text settings (any valid value may still be typed). */
const SUGGESTIONS: Partial<Record<FormKey, string[]>> = {
  layers: ['128,64', '32,16', '128,64,32', '256', ''],
  init: ['he', 'xavier', 'normal:0.01', 'normal:1'],
  lr: ['0.01', '0.05', '0.1', '0.5'],
  batch: ['1', '16', '64', '256', 'full'],
  train: ['1000', '10000', '60000'],
};

/** Enumerations shown as a <select>. */
const SELECT_KEYS: ReadonlySet<FormKey> = new Set(['activation', 'optimizer']);

interface Field {
  input: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
}

export class Controls {
  private config: TrainConfig | null = null;
  private readonly fieldset = document.createElement('fieldset');
  private readonly presetSelect = document.createElement('select');
  /** presets.json "fix": switch to the preset that repairs this one (the chapter's code). */
  private readonly fixButton = document.createElement('button');
  /** presets.json "halve": a new run with every hidden layer half as wide (narrow). */
  private readonly halveButton = document.createElement('button');
  private readonly fields = new Map<FormKey, Field>();
  /** Settings the page's author fixed (lock=): their controls stay disabled. */
  private fixed: ReadonlySet<string> = new Set();
  private busy = false;

  constructor(
    presetsRoot: HTMLElement,
    /** Where the chosen preset's explanation goes (a <p>). */
    private readonly presetText: HTMLElement,
    form: HTMLFormElement,
    private readonly onChange: (config: TrainConfig) => void,
    /** A preset's own button (fix, halve): show the new config and train it at once. */
    private readonly onRun: (config: TrainConfig) => void = onChange,
  ) {
    this.buildPresets(presetsRoot);
    this.buildForm(form);
  }

  /** Shows `config` in the picker and the form (no change event). */
  show(config: TrainConfig): void {
    this.config = cloneConfig(config);
    this.presetSelect.value = config.preset;
    const preset = PRESETS.find((p) => p.id === config.preset);
    let text = preset ? preset.explanation : '';
    if (preset) {
      const diff = diffConfigs(config, presetConfig(preset.id));
      if (diff !== 'same settings') text += ` Changed here: ${diff}.`;
    }
    this.presetText.textContent = text;
    for (const key of FORM_KEYS) {
      const f = this.fields.get(key);
      if (!f) continue;
      f.input.value = (SETTINGS[key] as Setting<typeof key>).format(config[key] as never);
      this.setError(f, '');
    }
    this.fields.get('momentum')?.input.closest('.setting')?.toggleAttribute('data-unused', config.optimizer !== 'momentum');
    this.showActions();
  }

  /** The chosen preset's buttons: its fix, and for narrow the next halving (with the sizes it gives). */
  private showActions(): void {
    const config = this.config;
    const preset = config ? PRESETS.find((p) => p.id === config.preset) : undefined;
    const fix = preset?.fix ?? null;
    this.fixButton.hidden = !fix;
    this.fixButton.textContent = fix ? fix.label : '';
    this.fixButton.disabled = this.fixed.has('preset');
    const next = preset?.halve && config ? halvedLayers(config.layers) : null;
    this.halveButton.hidden = !preset?.halve;
    this.halveButton.disabled = !next || this.fixed.has('layers');
    this.halveButton.textContent = preset?.halve
      ? next && config
        ? `${preset.halve.label}: ${config.layers.join(',')} → ${next.join(',')}`
        : `${preset.halve.label}: already 1 unit each`
      : '';
  }

  /** Preset `id`'s config, keeping the page's settings (hide, lock, origin) and the ones the author fixed. */
  private presetKeepingPage(id: string): TrainConfig {
    let config = presetConfig(id);
    if (this.config) {
      const next = cloneConfig(this.config);
      if (applySetting(next, 'preset', id) === null) config = keepLocked(next, this.config);
    }
    return config;
  }

  /** While training the controls are disabled: a change would start a new run. */
  setLocked(locked: boolean): void {
    this.busy = locked;
    this.fieldset.disabled = locked;
    this.presetSelect.disabled = locked || this.fixed.has('preset');
  }

  /** The settings the author fixed (lock=): disabled, with a note saying why. */
  lock(keys: ReadonlySet<string>): void {
    this.fixed = keys;
    this.showActions();
    this.presetSelect.disabled = this.busy || keys.has('preset');
    for (const [key, f] of this.fields) {
      f.input.disabled = keys.has(key);
      f.input.closest('.setting')?.toggleAttribute('data-fixed', keys.has(key));
      const help = document.getElementById(`${f.input.id}-help`);
      if (help) help.textContent = keys.has(key) ? `Fixed by the author of this page.` : SETTINGS[key].range;
    }
  }

  private buildPresets(root: HTMLElement): void {
    const wrap = document.createElement('div');
    wrap.className = 'preset-picker';
    const label = document.createElement('label');
    label.htmlFor = 'preset';
    label.textContent = 'Experiment';
    this.presetSelect.id = 'preset';
    this.presetSelect.append(
      ...PRESETS.map((p) => {
        const o = document.createElement('option');
        o.value = p.id;
        o.textContent = p.title;
        return o;
      }),
    );
    this.presetSelect.setAttribute('aria-describedby', this.presetText.id);
    this.presetSelect.addEventListener('change', () => {
      // A preset replaces the network's settings; the page's (hide, lock, origin) and the
      // ones the author fixed stay.
      const config = this.presetKeepingPage(this.presetSelect.value);
      this.show(config);
      this.onChange(config);
    });
    wrap.append(label, this.presetSelect);

    // Beside the picker, always visible (the explanation may be folded away on a phone).
    const actions = document.createElement('div');
    actions.className = 'buttons preset-actions';
    for (const [b, id] of [
      [this.fixButton, 'preset-fix'],
      [this.halveButton, 'preset-halve'],
    ] as const) {
      b.type = 'button';
      b.id = id;
      b.hidden = true;
      actions.append(b);
    }
    this.fixButton.addEventListener('click', () => {
      const fix = PRESETS.find((p) => p.id === this.config?.preset)?.fix;
      if (!fix) return;
      const config = this.presetKeepingPage(fix.preset);
      this.show(config);
      this.onRun(config);
    });
    this.halveButton.addEventListener('click', () => {
      if (!this.config) return;
      const next = halvedLayers(this.config.layers);
      if (!next) return;
      const config = cloneConfig(this.config);
      config.layers = next; // same preset, everything else kept: only the widths change
      this.show(config);
      this.onRun(config);
    });
    root.replaceChildren(wrap, actions);
  }

  private buildForm(form: HTMLFormElement): void {
    for (const key of FORM_KEYS) this.fieldset.append(this.buildField(key));
    form.replaceChildren(this.fieldset);
    form.addEventListener('submit', (e) => e.preventDefault());
  }

  private buildField(key: FormKey): HTMLElement {
    const setting = SETTINGS[key] as Setting<typeof key>;
    const id = `setting-${key}`;
    const row = document.createElement('div');
    row.className = 'setting';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = setting.label;

    let input: HTMLInputElement | HTMLSelectElement;
    if (SELECT_KEYS.has(key) && setting.choices) {
      const select = document.createElement('select');
      select.append(
        ...setting.choices.map((c) => {
          const o = document.createElement('option');
          o.value = c;
          o.textContent = c;
          return o;
        }),
      );
      input = select;
    } else {
      const text = document.createElement('input');
      text.type = 'text';
      text.autocomplete = 'off';
      text.spellcheck = false;
      if (['lr', 'momentum'].includes(key)) text.inputMode = 'decimal';
      if (['epochs', 'seed', 'train'].includes(key)) text.inputMode = 'numeric';
      const suggestions = SUGGESTIONS[key];
      if (suggestions) {
        const list = document.createElement('datalist');
        list.id = `${id}-list`;
        list.append(
          ...suggestions.map((s) => {
            const o = document.createElement('option');
            o.value = s;
            return o;
          }),
        );
        row.append(list);
        text.setAttribute('list', list.id);
      }
      input = text;
    }
    input.id = id;
    input.name = key;
    const help = document.createElement('p');
    help.className = 'help';
    help.id = `${id}-help`;
    help.textContent = setting.range;
    const error = document.createElement('p');
    error.className = 'field-error';
    error.id = `${id}-error`;
    error.setAttribute('aria-live', 'polite');
    input.setAttribute('aria-describedby', `${help.id} ${error.id}`);
    const field = { input, error };
    this.fields.set(key, field);
    input.addEventListener('change', () => this.commit(key, field));
    row.append(label, input, help, error);
    return row;
  }

  /** A committed edit: applied (a new run) if valid, named beside the field if not. */
  private commit(key: FormKey, field: Field): void {
    if (!this.config) return;
    const next = cloneConfig(this.config);
    const err = applySetting(next, key, field.input.value);
    if (err) {
      this.setError(field, `${SETTINGS[key].label} (${key}): ${err}`);
      return;
    }
    this.show(next);
    this.onChange(next);
  }

  private setError(f: Field, text: string): void {
    f.error.textContent = text;
    if (text) f.input.setAttribute('aria-invalid', 'true');
    else f.input.removeAttribute('aria-invalid');
  }
}
