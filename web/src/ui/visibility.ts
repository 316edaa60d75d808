// Training pauses while nobody can see it — the tab is hidden, or (embedded) the widget's
// iframe is scrolled out of view — and resumes when it is visible again, unless someone
// paused it on purpose in between. Saves a phone's battery; the worker keeps its state.
import type { AppHandle } from './appHandle';

/** Dispatched on document by anything that pauses on purpose (the Pause button, the embed API). */
export const USER_PAUSE_EVENT = 'firstnet:user-pause';

type Source = 'tab' | 'viewport';

export class PauseWhenHidden {
  private readonly hiddenBy = new Set<Source>();
  /** We paused it: resume when visible. */
  private autoPaused = false;
  private pausing: Promise<void> | null = null;

  constructor(
    private readonly app: AppHandle,
    options: { viewport: boolean },
  ) {
    document.addEventListener('visibilitychange', () => this.set('tab', document.visibilityState === 'hidden'));
    if (options.viewport && typeof IntersectionObserver !== 'undefined') {
      // In an iframe the implicit root is the top-level viewport, across origins too.
      const io = new IntersectionObserver((entries) => {
        const last = entries.at(-1);
        if (last) this.set('viewport', !last.isIntersecting);
      });
      io.observe(document.body);
    }
    document.addEventListener(USER_PAUSE_EVENT, () => (this.autoPaused = false));
    document.getElementById('pause')?.addEventListener('click', () => (this.autoPaused = false));
    // Someone else started, reset or finished the run meanwhile: nothing of ours to resume.
    app.client.on('state', (e) => {
      if (e.state !== 'paused' && e.state !== 'loading') this.autoPaused = false;
    });
  }

  /** Why training is paused now, for tests and the status line. */
  get pausedWhileHidden(): boolean {
    return this.autoPaused;
  }

  private set(source: Source, hidden: boolean): void {
    const wasHidden = this.hiddenBy.size > 0;
    if (hidden) this.hiddenBy.add(source);
    else this.hiddenBy.delete(source);
    const isHidden = this.hiddenBy.size > 0;
    if (!wasHidden && isHidden) {
      const s = this.app.state();
      if (s !== 'training' && s !== 'waiting') return;
      this.pausing = this.app.pause().then((ok) => {
        this.pausing = null;
        // Set after the pause's own state event (which clears it).
        this.autoPaused = ok;
        if (ok) this.app.say(source === 'tab' ? 'Paused while the tab is hidden.' : 'Paused while the widget is off-screen.');
      });
    } else if (wasHidden && !isHidden) {
      const resume = () => {
        if (!this.autoPaused || this.hiddenBy.size > 0) return;
        this.autoPaused = false;
        this.app.say('Visible again: training resumes.');
        void this.app.train();
      };
      if (this.pausing) void this.pausing.then(resume);
      else resume();
    }
  }
}
