// The after-run note (web/src/ui/presetNotes.ts): it never repeats "What to notice" (that
// stays beside the explanation), and it says plainly when the reader's run is not the
// measured one — other settings, other data, or the same settings ending elsewhere — so the
// seed-1 numbers are not read as a description of their run.
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../web/src/config/presets';
import { applySetting } from '../../web/src/config/settings';
import { MNIST_DATA } from '../../web/src/runs/run';
import { afterRunNote } from '../../web/src/ui/presetNotes';

describe('afterRunNote', () => {
  it('the measured run with the measured result: says so, without repeating the notice', () => {
    const text = afterRunNote(presetConfig('sigmoid'), { ...MNIST_DATA }, 0.925);
    expect(text).toBe('This run ends at 92.50 % test accuracy. That is exactly the measured number for “sigmoid” with seed 1: the notes on it describe this run.');
    expect(text).not.toContain('What to notice');
  });

  it('other settings: names every difference, yours vs measured', () => {
    const config = presetConfig('sigmoid');
    expect(applySetting(config, 'lr', '0.05')).toBeNull();
    expect(applySetting(config, 'train', '2000')).toBeNull();
    const text = afterRunNote(config, { ...MNIST_DATA }, 0.8123);
    expect(text).toBe(
      'This run ends at 81.23 % test accuracy. Your run differs from the measured one in: lr 0.05 vs 0.1, train 2000 vs 60000 (yours vs measured); the measured 92.50 % and the notes on “sigmoid” are for the preset as given.',
    );
    expect(text).not.toContain('What to notice');
  });

  it('other data: says which', () => {
    const text = afterRunNote(presetConfig('default'), { ...MNIST_DATA, kind: 'fashion-mnist', name: 'Fashion-MNIST' }, 0.85);
    expect(text).toContain('Your run differs from the measured one in: Fashion-MNIST instead of MNIST (yours vs measured)');
  });

  it('the same settings ending elsewhere: says the result differs', () => {
    const text = afterRunNote(presetConfig('default'), { ...MNIST_DATA }, 0.9);
    expect(text).toBe(
      'This run ends at 90.00 % test accuracy. Your run differs from the measured one in its result: the same settings measured 97.37 %, so the notes on “default” are for the preset as given, not for this run.',
    );
  });

  it('no final accuracy, or a preset without a measurement: no note', () => {
    expect(afterRunNote(presetConfig('default'), { ...MNIST_DATA }, null)).toBe('');
  });
});
