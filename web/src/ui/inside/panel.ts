// Mounts "Draw a digit" and "Look inside" on the page and wires them to the training
// worker's Inside events (worker/insideProtocol.ts). Each part of Look inside is a
// <details>: open on a laptop, one tap away on a phone. Holds no math.
import type { TrainingClient } from '../../worker/client';
import { DrawPanel } from '../drawPad';
import { ConfusionView } from './confusionView';
import { DiagnosticsView } from './diagnosticsView';
import { InsideRecord, exposeInside } from './hook';
import { el } from '../dom';
import './inside.css';
import { MistakesView } from './mistakesView';
import { StepView } from './stepView';
import { WeightsView } from './weightsView';

function part(root: HTMLElement, id: string, title: string, open: boolean): HTMLElement {
  const details = el('details', 'inside-part');
  details.id = id;
  details.open = open;
  const summary = el('summary', '', title);
  const body = el('div', 'inside-part-body');
  details.append(summary, body);
  root.append(details);
  return body;
}

/** Builds both panels into `drawRoot` and `insideRoot`; returns nothing to hold (they live as long as the page). */
export function mountInside(client: TrainingClient, drawRoot: HTMLElement, insideRoot: HTMLElement): void {
  const record = new InsideRecord();
  exposeInside(record);
  new DrawPanel(drawRoot, client, record);

  const wide = matchMedia('(min-width: 900px)').matches;
  insideRoot.replaceChildren(
    el('p', 'hint', 'What the network has learned, and how it learns: its weights, its mistakes, and the numbers the chapter\'s code computes.'),
  );
  const weightsBody = part(insideRoot, 'inside-weights', 'First-layer weights', wide);
  const weights = new WeightsView(weightsBody, record);
  const confusion = new ConfusionView(part(insideRoot, 'inside-confusion', 'Confusion matrix (test set)', wide), client, record);
  const mistakes = new MistakesView(part(insideRoot, 'inside-mistakes', 'Mistakes', wide), record);
  const diagnostics = new DiagnosticsView(part(insideRoot, 'inside-diagnostics', 'Layer by layer, over time', wide), record);
  const step = new StepView(part(insideRoot, 'inside-step-through', 'One example, step by step', wide), client, record);

  client.on('insideNetwork', (e) => {
    record.network = { sizes: e.sizes.slice(), activation: e.activation };
    weights.reset();
    confusion.reset();
    mistakes.reset();
    diagnostics.reset(e.sizes, e.activation);
    step.reset(e);
  });
  client.on('insideWeights', (e) => weights.show(e));
  client.on('insideDiagnostics', (e) => diagnostics.add(e));
  client.on('insideTestReport', (e) => {
    confusion.show(e);
    mistakes.show(e);
  });

  // The worker sends weight images only while they are on screen (open and scrolled into view).
  let watching = false;
  new IntersectionObserver((entries) => {
    const visible = entries.some((x) => x.isIntersecting);
    if (visible === watching) return;
    watching = visible;
    client.request({ method: 'insideWatch', weights: visible }).catch(() => {
      // The worker refuses nothing here; a failure means it is gone, and the page says so elsewhere.
    });
  }).observe(weightsBody);
}
