// Bring your own data: four IDX files (training and test images and labels, raw or .gz, any
// names) picked or dropped, sent to the worker, which checks them (formats/idx.ts) and
// trains and tests on them instead of MNIST. Fashion-MNIST is recognised by its labels (or
// the reader says so) and its class names replace the digits. A refusal names the file;
// the data in use stays.
import { CLASS_NAMINGS, type ClassNaming, MAX_USER_FILE_BYTES } from '../data/classes';
import { type DataInfo, MNIST_DATA } from '../runs/run';
import { validateDataInfo } from '../worker/protocol';
import { type AppHooks, button, messageOf } from './hooks';
import { el } from './dom';

const NAMING_TEXT: Record<ClassNaming, string> = { auto: 'Recognise the set', digits: 'Digits 0–9', fashion: 'Fashion-MNIST' };
const fmt = new Intl.NumberFormat('en-US');

export class DataPanel {
  readonly root = el('section', 'panel data-panel');
  private readonly picker = el('input');
  private readonly naming = el('select');
  private readonly current = el('p', 'data-current');
  private readonly back: HTMLButtonElement;
  private info: DataInfo = { ...MNIST_DATA };
  /** The files in use, kept so a change of class names can re-send them. */
  private files: File[] = [];

  constructor(
    private readonly hooks: AppHooks,
    private readonly changed: (info: DataInfo) => void,
  ) {
    this.root.setAttribute('aria-labelledby', 'data-heading');
    const h = el('h2', undefined, 'Data');
    h.id = 'data-heading';
    const intro = el(
      'p',
      'hint',
      'Train and test on your own IDX files instead of MNIST: 28×28 images with labels 0–9, the four files of the MNIST distribution (training and test images and labels, raw or .gz) — Fashion-MNIST, for one. Pick all four at once or drop them on the page.',
    );
    this.picker.type = 'file';
    this.picker.multiple = true;
    this.picker.id = 'data-files';
    this.picker.hidden = true;
    this.picker.addEventListener('change', () => {
      const files = [...(this.picker.files ?? [])];
      this.picker.value = '';
      if (files.length) void this.useFiles(files);
    });
    const pick = button('Use your IDX files…', () => this.picker.click());
    pick.id = 'pick-data';
    this.back = button('Back to MNIST', () => void this.useMnist());
    this.back.id = 'use-mnist';
    this.back.hidden = true;
    const label = el('label', undefined, 'Class names');
    label.htmlFor = 'class-naming';
    this.naming.id = 'class-naming';
    this.naming.append(
      ...CLASS_NAMINGS.map((n) => {
        const o = el('option', undefined, NAMING_TEXT[n]);
        o.value = n;
        return o;
      }),
    );
    this.naming.addEventListener('change', () => {
      if (this.files.length) void this.useFiles(this.files);
    });
    const naming = el('div', 'data-naming');
    naming.append(label, this.naming);
    const row = el('div', 'buttons');
    row.append(pick, this.back);
    this.root.append(h, this.current, intro, row, naming, this.picker);
    this.show();
  }

  get data(): DataInfo {
    return this.info;
  }

  /** Four IDX files: checked in the worker, then a fresh run on them. */
  async useFiles(files: File[]): Promise<boolean> {
    const big = files.find((f) => f.size > MAX_USER_FILE_BYTES);
    if (big) {
      this.hooks.status.error(`${big.name}: ${big.size} bytes is more than the ${MAX_USER_FILE_BYTES}-byte limit for an IDX file`);
      return false;
    }
    this.current.textContent = `Reading ${files.map((f) => f.name).join(', ')}…`;
    let sent: { name: string; bytes: Uint8Array }[];
    try {
      sent = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    } catch (e) {
      this.show();
      this.hooks.status.error(`Your files could not be read: ${messageOf(e)}`);
      return false;
    }
    let info: DataInfo;
    try {
      const naming = this.naming.value as ClassNaming;
      const value = await this.hooks.client.request(
        { method: 'useData', files: sent, naming },
        sent.map((f) => f.bytes.buffer as ArrayBuffer),
      );
      info = validateDataInfo(value);
    } catch (e) {
      this.show();
      this.hooks.status.error(`Your data was not used: ${messageOf(e)}`);
      return false;
    }
    this.files = files;
    await this.switchTo(info);
    this.hooks.status.say(
      `Using ${info.name}: ${fmt.format(info.trainRows)} training and ${fmt.format(info.testRows)} test images${info.classNames ? `, classes ${info.classNames.join(', ')}` : ''}. Press Train.`,
    );
    return true;
  }

  private async useMnist(): Promise<void> {
    try {
      const info = validateDataInfo(await this.hooks.client.request({ method: 'useData', files: [], naming: 'auto' }));
      this.files = [];
      await this.switchTo(info);
      this.hooks.status.say('Back to MNIST.');
    } catch (e) {
      this.hooks.status.error(messageOf(e));
    }
  }

  /** New data: class names, the runs' record of it, and a fresh run (fewer images if the set is smaller). */
  private async switchTo(info: DataInfo): Promise<void> {
    this.info = info;
    this.show();
    this.hooks.grid.setClassNames(info.classNames);
    this.hooks.grid.setStartLabel(null);
    this.changed(info);
    const config = this.hooks.config();
    config.train = Math.min(config.train, info.trainRows);
    await this.hooks.applyConfig(config);
  }

  private show(): void {
    const i = this.info;
    const head = el('strong', undefined, `In use: ${i.name}`);
    const parts: (Node | string)[] = [head, ` — ${fmt.format(i.trainRows)} training and ${fmt.format(i.testRows)} test images.`];
    if (i.classNames) parts.push(el('span', 'classes', `Classes 0–9: ${i.classNames.join(', ')}.`));
    this.current.replaceChildren(...parts);
    this.back.hidden = this.files.length === 0;
    this.root.dataset.dataKind = i.kind;
  }
}
